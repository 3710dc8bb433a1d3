package io.squall.tests;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import io.squall.IOLoop;
import io.squall.http.Application;

/**
 * A fresh {@link IOLoop} and one worker thread for the clients: serves an {@link Application} on 127.0.0.1 and
 * runs blocking clients (for example {@link RawHttp}) against it off the loop. {@link #close()} stops both.
 */
public final class ServedApp implements AutoCloseable {
    /**
     * Client code, run on the worker thread.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Clients<T> {
        /**
         * @param port the application's port on 127.0.0.1
         * @return what the test asserts on
         * @throws Exception whatever the clients throw
         */
        T run(int port) throws Exception;
    }

    private final IOLoop loop = new IOLoop();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    /** @return a new loop and worker, running until closed */
    public static ServedApp start() {
        return new ServedApp();
    }

    /** @return the loop the application runs on */
    public IOLoop loop() {
        return loop;
    }

    /**
     * Makes the application on the loop, listens on a free port of 127.0.0.1, runs {@code clients} on the worker
     * thread and returns what they return, within 30 seconds.
     *
     * @param app makes the application (called on the loop's thread)
     * @param clients the requests
     * @param <T> what the clients return
     * @return what the clients returned
     */
    public <T> T serve(Supplier<Application> app, Clients<T> clients) {
        return loop.runSync(() -> {
            int port = app.get().listen(0, "127.0.0.1").port();
            return loop.runInExecutor(pool, () -> clients.run(port));
        }, Duration.ofSeconds(30));
    }

    /** Stops the worker and closes the loop. */
    @Override
    public void close() {
        pool.shutdownNow();
        loop.close();
    }
}
