package io.squall.tests.mistakes;

import static io.squall.Async.await;

import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * Run in a fresh JVM by {@link LoopOwnershipTest}: a coroutine called on a thread that made its own loop (so it is
 * not refused) suspends there and, once what it awaits completes on the main loop, is to resume on that loop, which
 * nobody runs.
 */
public final class WorkerCoroutineMain {

    private WorkerCoroutineMain() {}

    /** The coroutine a user calls from the wrong thread. */
    @Coroutine
    static Future<String> relay(Future<String> input) {
        String s = await(input);
        return Future.of("relayed " + s);
    }

    /**
     * Starts the coroutine on "my-worker", completes its input on the main loop and lets that loop run a while.
     *
     * @param args unused
     * @throws Exception if interrupted
     */
    public static void main(String[] args) throws Exception {
        IOLoop loop = IOLoop.current();
        Future<String> input = new Future<>();
        Future<?>[] relayed = new Future<?>[1];
        Thread worker = new Thread(() -> {
            IOLoop.current(); // "this thread will run a loop": then forgets to start it
            relayed[0] = relay(input);
        }, "my-worker");
        worker.start();
        worker.join();
        loop.runSync(() -> {
            input.setResult("hello");
            return Gen.sleep(Duration.ofMillis(1500));
        });
        System.err.println("coroutine done? " + relayed[0].isDone());
        System.exit(0);
    }
}
