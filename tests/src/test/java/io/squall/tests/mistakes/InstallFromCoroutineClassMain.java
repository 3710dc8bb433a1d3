package io.squall.tests.mistakes;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;

/** Run in a fresh JVM without -javaagent by {@link NoAgentTest}: install() called from the coroutine's own class. */
public final class InstallFromCoroutineClassMain {

    private InstallFromCoroutineClassMain() {}

    @Coroutine
    static Future<Integer> answer() {
        return Future.of(await(Future.of(42)));
    }

    /**
     * Installs the agent from this very class, then calls its coroutine.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        SquallAgent.install();
        try {
            answer().result();
            System.err.println("rewritten?!");
        } catch (IllegalStateException e) {
            System.err.println("await: " + e.getMessage());
        }
        System.exit(0);
    }
}
