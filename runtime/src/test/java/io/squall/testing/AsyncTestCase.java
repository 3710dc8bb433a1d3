package io.squall.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * Base class for tests of asynchronous code (Tornado's {@code AsyncTestCase}): each test gets a fresh
 * {@link IOLoop}, current on the test thread, closed after the test; everything logged to {@code io.squall}
 * is captured in {@link #logs}, and a WARNING or SEVERE record logged on the test thread that the test did
 * not {@link LogCapture#expect expect} fails the test (so are pending callbacks, timers or handlers left
 * behind, which closing the loop reports).
 *
 * <p>{@link #runSync(Supplier)} runs the loop until a future is done, with a generous timeout (system
 * property {@code squall.test.timeout}, seconds, default 30) that only guards against hangs.
 */
public abstract class AsyncTestCase {
    /** The hang guard of {@link #runSync(Supplier)}; never a speed requirement. */
    protected static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("squall.test.timeout", 30));

    /** This test's loop, current on the test thread. */
    protected IOLoop loop;
    /** What this test logged. */
    protected LogCapture logs;

    /** Creates the loop and starts capturing logs. */
    @BeforeEach
    public void setUpLoop() {
        logs = LogCapture.start();
        loop = new IOLoop();
        loop.makeCurrent();
    }

    /** Closes the loop and fails on unexpected warnings or errors logged on the test thread. */
    @AfterEach
    public void tearDownLoop() {
        try {
            if (!loop.isClosed()) {
                loop.close();
            }
            List<LogRecord> bad = logs.unexpected(Thread.currentThread().getId());
            if (!bad.isEmpty()) {
                throw new AssertionError("unexpected log records: " + LogCapture.describe(bad), bad.get(0).getThrown());
            }
        } finally {
            logs.close();
        }
    }

    /**
     * Runs the loop until the future that {@code fn} returns is done (see {@link IOLoop#runSync}), with the
     * {@link #TIMEOUT} hang guard.
     *
     * @param fn supplies the future
     * @param <T> the type of the value
     * @return its value; its failure is rethrown as it is
     */
    protected <T> T runSync(Supplier<? extends Future<T>> fn) {
        return loop.runSync(fn, TIMEOUT);
    }

    /**
     * Opens a server channel bound to an ephemeral port on 127.0.0.1 (Tornado's {@code bind_unused_port}).
     *
     * @return the bound, blocking server channel; its port is {@code getLocalAddress()}'s
     * @throws UncheckedIOException if it cannot be opened
     */
    public static ServerSocketChannel bindUnusedPort() {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
