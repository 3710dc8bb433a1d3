package io.squall.tests.mistakes;

import static io.squall.Async.await;

import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * Run in a fresh JVM by {@link LostFailuresTest}: drops a failed Future and exits without a GC; with the argument
 * {@code coroutine} (and the agent), the dropped Future is a coroutine's that fails after an await.
 */
public final class LostFailureMain {

    private LostFailureMain() {}

    static Future<String> fetchSomething() {
        Future<String> f = new Future<>();
        f.setException(new IllegalStateException("lost at exit"));
        return f;
    }

    @Coroutine
    static Future<String> fetchLater() {
        await(Gen.sleep(Duration.ofMillis(1)));
        throw new IllegalStateException("lost coroutine");
    }

    static Future<String> kept;

    @Coroutine
    static Future<Void> dropIt() {
        kept = fetchLater(); // never awaited
        await(Gen.sleep(Duration.ofMillis(50)));
        return null;
    }

    /**
     * Drops a failed future (kept reachable, so no GC can report it) and exits.
     *
     * @param args {@code coroutine} to drop a coroutine's future instead of a plain one
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("coroutine")) {
            IOLoop.current().runSync(LostFailureMain::dropIt);
            System.exit(0);
        }
        Future<String> dropped = fetchSomething();
        System.out.println("exiting with " + dropped);
        System.exit(0);
    }
}
