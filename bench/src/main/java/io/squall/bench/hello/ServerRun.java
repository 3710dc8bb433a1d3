package io.squall.bench.hello;

import io.squall.Future;
import io.squall.net.TCPServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Keeps a server command running until the process is stopped or a given time has passed. */
public final class ServerRun {
    private ServerRun() {
        throw new AssertionError("no instances");
    }

    /** How long requests in flight may take to finish when a server command is stopped (SIGTERM, Ctrl-C). */
    public static final Duration GRACE = Duration.ofSeconds(10);

    /**
     * Returns a stop action for a shutdown hook: {@link TCPServer#stop(Duration)} with {@link #GRACE}, waiting
     * for it (a little longer than the grace period), then {@link TCPServer#stop()} in case it did not end.
     *
     * @param servers the servers, stopped together
     * @return the action
     */
    public static Runnable graceful(TCPServer... servers) {
        return () -> stopGracefully(GRACE, servers);
    }

    /**
     * Stops {@code servers} gracefully, together, and waits for them: new connections are refused at once,
     * requests in flight get up to {@code grace} to finish.
     *
     * @param grace the grace period
     * @param servers the servers
     */
    public static void stopGracefully(Duration grace, TCPServer... servers) {
        Future<?>[] stops = new Future<?>[servers.length];
        for (int i = 0; i < servers.length; i++) {
            stops[i] = servers[i].stop(grace);
        }
        long deadline = System.nanoTime() + grace.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (int i = 0; i < servers.length; i++) {
            try {
                stops[i].toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("graceful stop of " + servers[i].getClass().getSimpleName() + " did not finish: " + e);
            }
            servers[i].stop();
        }
    }

    /**
     * Blocks until the JVM shuts down (then runs {@code stop}) or {@code seconds} pass (then runs {@code stop}
     * and returns).
     *
     * @param seconds how long to run, or {@link Double#MAX_VALUE} for ever
     * @param stop stops the server
     * @throws InterruptedException if interrupted while waiting
     */
    public static void runUntilStopped(double seconds, Runnable stop) throws InterruptedException {
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
