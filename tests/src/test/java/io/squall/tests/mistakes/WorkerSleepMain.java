package io.squall.tests.mistakes;

import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;

/**
 * Run in a fresh JVM by {@link LoopOwnershipTest}: Gen.sleep created on a thread that made its own loop (so it is
 * not refused) but never runs it.
 */
public final class WorkerSleepMain {

    private WorkerSleepMain() {}

    /**
     * Sleeps "on" a worker thread, then waits long enough for the warning.
     *
     * @param args unused
     * @throws Exception if interrupted
     */
    public static void main(String[] args) throws Exception {
        Future<?>[] sleep = new Future<?>[1];
        Thread worker = new Thread(() -> {
            IOLoop.current(); // "this thread will run a loop": then forgets to start it
            sleep[0] = Gen.sleep(Duration.ofMillis(10));
        }, "my-worker");
        worker.start();
        worker.join();
        Thread.sleep(1500);
        System.err.println("sleep done? " + sleep[0].isDone());
        System.exit(0);
    }
}
