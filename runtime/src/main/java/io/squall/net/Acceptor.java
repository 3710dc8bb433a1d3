package io.squall.net;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.internal.Log;

/**
 * Accepts connections on one listening channel, on one loop, and hands each to a consumer.
 *
 * <p>An accept error (such as "Too many open files") is logged and accepting pauses briefly, then resumes:
 * the listening socket stays readable while connections wait, so retrying at once would spin the loop and
 * flood the log. The pause doubles while errors repeat, up to {@link #MAX_PAUSE}, and resets after a
 * successful accept.
 */
final class Acceptor implements IOLoop.IOHandler {

    /** Accepts a connection; a seam so tests can inject accept failures. */
    @FunctionalInterface
    interface AcceptFunction {
        SocketChannel accept(ServerSocketChannel server) throws IOException;
    }

    /** Most connections accepted per readiness event, so that one busy port cannot starve the loop. */
    private static final int MAX_ACCEPTS_PER_EVENT = 256;
    private static final Duration FIRST_PAUSE = Duration.ofMillis(20);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(1);

    private final ServerSocketChannel server;
    private final IOLoop loop;
    private final AcceptFunction acceptFunction;
    private final Consumer<SocketChannel> onAccept;
    private volatile boolean stopped;
    private Duration pause = FIRST_PAUSE;
    private volatile Timeout resumeTimer;

    Acceptor(ServerSocketChannel server, IOLoop loop, AcceptFunction acceptFunction, Consumer<SocketChannel> onAccept) {
        this.server = server;
        this.loop = loop;
        this.acceptFunction = acceptFunction;
        this.onAccept = onAccept;
    }

    ServerSocketChannel server() {
        return server;
    }

    IOLoop loop() {
        return loop;
    }

    /** Starts accepting; safe from any thread (the registration is handed to the loop). */
    void start() {
        loop.addHandler(server, this, IOLoop.READ);
    }

    /**
     * Stops accepting and closes the listening channel, which also cancels its registration with the
     * loop. Safe from any thread.
     */
    void stop() {
        stopped = true;
        loop.removeTimeout(resumeTimer);
        try {
            server.close();
        } catch (IOException e) {
            Log.warning("TCPServer: closing the listening socket " + server + " failed: " + e);
        }
        // A channel registered with a selector keeps its socket (still listening) until the selector lets
        // go of it at its next select: wake the loop so that this happens now rather than at its next event.
        try {
            loop.addCallback(() -> { });
        } catch (IllegalStateException closedLoop) {
            // the loop is closed: it released the channel as it closed
        }
    }

    /**
     * Waits, up to {@code millis}, until the listening socket is really closed after {@link #stop()} (the
     * loop's selector released it), so that new connections are refused; returns at once when called on
     * the accepting loop (which cannot release it while the caller runs) or when that loop is not running
     * (it releases it when it next runs).
     */
    void awaitReleased(long millis) {
        if (loop.inLoopThread() || !loop.isRunning()) {
            return;
        }
        long end = System.nanoTime() + millis * 1_000_000L;
        while (server.isRegistered() && System.nanoTime() < end && !loop.isClosed()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void handle(SelectableChannel ch, int readyOps) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && !stopped; i++) {
            SocketChannel connection;
            try {
                connection = acceptFunction.accept(server);
            } catch (ClosedChannelException e) {
                return; // stopped
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    pauseAfter(e);
                }
                return;
            }
            if (connection == null) {
                return;
            }
            pause = FIRST_PAUSE;
            try {
                onAccept.accept(connection);
            } catch (RuntimeException e) {
                Log.error("TCPServer: handling a new connection on " + localAddress() + " failed", e);
                closeQuietly(connection);
            }
        }
    }

    private void pauseAfter(Exception e) {
        Log.error("TCPServer: accepting a connection on " + localAddress() + " failed (" + e
                + "); pausing accepts for " + pause.toMillis() + " ms, then retrying. If this says 'Too many"
                + " open files', raise the limit (ulimit -n) or close idle connections", e);
        if (!setInterest(0)) {
            return;
        }
        resumeTimer = loop.callLater(pause, () -> {
            resumeTimer = null;
            setInterest(IOLoop.READ);
        });
        Duration doubled = pause.multipliedBy(2);
        pause = doubled.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : doubled;
    }

    /** Changes what the listening channel is watched for; false if it was closed meanwhile (stopped). */
    private boolean setInterest(int ops) {
        if (stopped || !server.isOpen()) {
            return false;
        }
        try {
            loop.updateHandler(server, ops);
            return true;
        } catch (IllegalStateException closedMeanwhile) { // includes CancelledKeyException
            return false;
        }
    }

    private String localAddress() {
        try {
            return String.valueOf(server.getLocalAddress());
        } catch (IOException e) {
            return server.toString();
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            Log.debug("closing " + ch + " failed: " + e);
        }
    }
}
