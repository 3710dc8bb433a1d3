package io.squall.net;

import java.util.concurrent.atomic.AtomicInteger;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.internal.Log;

/**
 * One {@link IOLoop} running on its own thread, named {@code squall-loop-N}, for {@link TCPServer#start}.
 * {@link #shutdown} closes the streams it serves (the server tracks them) before the loop ends.
 */
final class LoopThread {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final IOLoop loop = new IOLoop();
    private final Thread thread;
    private final Future<Void> ended = new Future<>();

    LoopThread() {
        thread = new Thread(this::run, "squall-loop-" + COUNTER.incrementAndGet());
    }

    IOLoop loop() {
        return loop;
    }

    Thread thread() {
        return thread;
    }

    /** @return a future resolved on the thread as it ends, after the loop closed */
    Future<Void> ended() {
        return ended;
    }

    void start() {
        thread.start();
    }

    /**
     * Runs {@code closeStreams} on the loop (it closes the streams served there), lets their close callbacks
     * run for one iteration, then stops the loop; the thread closes it and ends. Safe from any thread.
     */
    void shutdown(Runnable closeStreams) {
        try {
            loop.addCallback(() -> {
                closeStreams.run();
                loop.addCallback(loop::stop);
            });
        } catch (IllegalStateException closed) {
            // the loop has already ended
        }
    }

    /**
     * Waits up to {@code millis} for the thread to end.
     *
     * @return true if it ended
     */
    boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    private void run() {
        try {
            loop.start();
        } catch (Throwable t) {
            Log.error("IOLoop thread " + thread.getName() + " failed", t);
        } finally {
            try {
                loop.close();
            } catch (RuntimeException e) {
                Log.warning("Closing the IOLoop of " + thread.getName() + " failed", e);
            }
            ended.trySetResult(null);
        }
    }
}
