package io.squall.tests.agent;

import static io.squall.Async.await;

import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;

/** Run in a fresh JVM by {@link AgentPlumbingTest}: the {@code SquallAgent.install()} path from main. */
public final class SelfAttachMain {

    private SelfAttachMain() {}

    /** Loaded before the agent: never rewritten. */
    static final class Early {
        @Coroutine
        static Future<Integer> early() {
            return Future.of(await(Future.of(1)));
        }
    }

    /** Loaded after the agent: rewritten. */
    static final class Late {
        @Coroutine
        static Future<Integer> late() {
            await(Gen.sleep(Duration.ofMillis(5)));
            return Future.of(await(Future.of(41)) + 1);
        }
    }

    /**
     * Prints what happens before and after {@code install()}.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        try {
            Early.early().result();
            System.out.println("before: rewritten?!");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage().contains("agent is not installed") ? "before: agent is not installed"
                    : "before: " + e.getMessage());
        }
        SquallAgent.install();
        SquallAgent.install();
        try {
            Early.early().result();
            System.out.println("early after install: rewritten?!");
        } catch (IllegalStateException e) {
            System.out.println("early after install: not rewritten: " + e.getMessage());
        }
        int v = IOLoop.current().runSync(Late::late, Duration.ofSeconds(30));
        System.out.println("late: " + v);
        System.out.flush();
    }
}
