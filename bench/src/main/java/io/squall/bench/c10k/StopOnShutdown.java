package io.squall.bench.c10k;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Keeps a server command running until the process is stopped or a given time has passed. */
final class StopOnShutdown {
    private StopOnShutdown() {
        throw new AssertionError("no instances");
    }

    /**
     * Blocks until the JVM shuts down or {@code seconds} pass, then runs {@code stop}.
     *
     * @param seconds how long to run, or {@link Double#MAX_VALUE} for ever
     * @param stop stops the server
     * @throws InterruptedException if interrupted while waiting
     */
    static void runUntilStopped(double seconds, Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (seconds >= Double.MAX_VALUE) {
            stopped.await();
        } else if (!stopped.await((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            stop.run();
        }
    }
}
