package io.squall.tests.mistakes;

import static io.squall.Async.await;

import java.time.Duration;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * Run in a fresh JVM by {@link CoroutineOnWorkerTest}: the main thread renames itself and still gets its loop
 * implicitly (a coroutine called before any loop exists), while a worker thread named "main" is refused.
 */
public final class RenamedMainMain {

    private RenamedMainMain() {}

    /** Needs a loop to resume on. */
    @Coroutine
    static Future<String> relay(Future<String> input) {
        String s = await(input);
        return Future.of("relayed " + s);
    }

    /**
     * Renames main, calls a coroutine before any loop exists, runs the loop; then tries the same on a worker named
     * "main".
     *
     * @param args unused
     * @throws Exception if interrupted
     */
    public static void main(String[] args) throws Exception {
        Thread.currentThread().setName("app-main");
        Future<String> relayed = relay(CoroutineOnWorkerTest.after(Duration.ofMillis(5), "from app-main"));
        System.out.println("renamed main: " + IOLoop.current().runSync(() -> relayed, Duration.ofSeconds(10)));
        String[] outcome = new String[1];
        Thread worker = new Thread(() -> {
            try {
                relay(new Future<>());
                outcome[0] = "not refused";
            } catch (IllegalStateException refused) {
                outcome[0] = refused.getMessage();
            }
        }, "main");
        worker.start();
        worker.join();
        System.out.println("worker named main: " + outcome[0]);
        System.exit(0);
    }
}
