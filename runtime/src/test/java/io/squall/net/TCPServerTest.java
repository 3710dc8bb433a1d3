package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;

/** {@link TCPServer} with real clients on 127.0.0.1. */
@Timeout(120)
class TCPServerTest extends NetTestBase {

    /** Connects, sends one line, returns the echoed line and closes. */
    private Future<String> echoOnce(int port, String line) {
        return then(new TCPClient().connect("127.0.0.1", port), stream ->
                then(stream.write(bytes(line + "\n")), w ->
                        then(stream.readUntil(bytes("\n")), reply -> {
                            stream.close();
                            return Future.of(str(reply));
                        })));
    }

    @Test
    void echo_200ConcurrentClients() {
        EchoServer server = server(new EchoServer());
        server.listen(0, "127.0.0.1");
        int port = server.port();
        int n = 200;
        List<String> replies = run(() -> {
            // all connect first, then all write, then all read: 200 connections are open at once
            List<Future<IOStream>> connects = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                connects.add(new TCPClient().connect("127.0.0.1", port));
            }
            return then(Gen.multi(connects), streams -> {
                List<Future<String>> replyFutures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    IOStream s = streams.get(i);
                    s.write(bytes("client " + i + "\n"));
                }
                for (int i = 0; i < n; i++) {
                    IOStream s = streams.get(i);
                    replyFutures.add(then(s.readUntil(bytes("\n")), r -> {
                        s.close();
                        return Future.of(str(r));
                    }));
                }
                return Gen.multi(replyFutures);
            });
        });
        for (int i = 0; i < n; i++) {
            assertEquals("client " + i + "\n", replies.get(i));
        }
        assertEquals(n, server.connections.get());
        assertTrue(server.backlog() >= 1024, "the default backlog is large");
    }

    @Test
    void start2_servesClientsOnBothLoops_thenStopShutsThemDown() {
        EchoServer server = server(new EchoServer());
        server.setReusePort(false); // the round-robin hand-off (the default where SO_REUSEPORT is missing)
        server.bind(0, "127.0.0.1");
        server.start(2);
        int port = server.port();
        int n = 20;
        List<String> replies = run(() -> {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(echoOnce(port, "hello " + i));
            }
            return Gen.multi(all);
        });
        for (int i = 0; i < n; i++) {
            assertEquals("hello " + i + "\n", replies.get(i));
        }
        assertEquals(2, server.servedBy.size(), "both loops served: " + server.servedBy);
        server.servedBy.forEach((thread, count) -> {
            assertTrue(thread.startsWith("squall-loop-"), thread);
            assertEquals(n / 2, count.get(), "round-robin hand-off: " + server.servedBy);
        });
        List<IOLoop> loops = server.loops();
        assertEquals(2, loops.size());

        server.stop();
        for (IOLoop l : loops) {
            assertTrue(l.isClosed(), "stop() shut the loop down: " + l);
        }
        Throwable t = runExpectingFailure(() -> new TCPClient().connect("127.0.0.1", port));
        assertInstanceOf(ConnectException.class, t, "nothing listens after stop()");
    }

    @Test
    void start2_withReusePort_kernelSpreadsConnections() {
        assumeTrue(TCPServer.reusePortSupported(), "SO_REUSEPORT is not available here");
        EchoServer server = server(new EchoServer());
        server.setReusePort(true);
        server.bind(0, "127.0.0.1");
        server.start(2);
        int port = server.port();
        int n = 64;
        List<String> replies = run(() -> {
            List<Future<String>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(echoOnce(port, "r" + i));
            }
            return Gen.multi(all);
        });
        for (int i = 0; i < n; i++) {
            assertEquals("r" + i + "\n", replies.get(i));
        }
        int total = server.servedBy.values().stream().mapToInt(AtomicInteger::get).sum();
        assertEquals(n, total);
        // the kernel hashes each connection's ports: 64 all landing on one socket has odds of 2^-63
        assertEquals(2, server.servedBy.size(), "both loops accepted: " + server.servedBy);
    }

    @Test
    void stopWithGrace_listen_waitsForConnectionsThenClosesTheRestAtTheDeadline() {
        EchoServer server = server(new EchoServer());
        server.listen(0, "127.0.0.1");
        int port = server.port();
        IOStream leaving = track(run(() -> new TCPClient().connect("127.0.0.1", port)));
        IOStream staying = track(run(() -> new TCPClient().connect("127.0.0.1", port)));
        run(() -> until(() -> server.openConnectionCount() == 2));
        Future<Void> stopped = server.stop(Duration.ofMillis(300));
        assertSame(stopped, server.stop(Duration.ofSeconds(5)), "a second call returns the same future");
        Throwable refused = runExpectingFailure(() -> new TCPClient().connect("127.0.0.1", port));
        assertInstanceOf(ConnectException.class, refused, "nothing listens once stop(Duration) returned");
        // open connections still work during the grace period
        assertEquals("still here\n", run(() -> then(leaving.write(bytes("still here\n")),
                w -> then(leaving.readUntil(bytes("\n")), r -> Future.of(str(r))))));
        assertFalse(stopped.isDone(), "two connections are open");
        leaving.close();
        run(() -> until(() -> server.openConnectionCount() == 1));
        assertFalse(stopped.isDone(), "one connection is open");
        // the deadline closes the one that stays; then the future resolves; the caller's loop keeps running
        assertEquals(0, run(staying::readUntilClose).length);
        run(() -> stopped);
        assertEquals(0, server.openConnectionCount());
        assertFalse(loop.isClosed());
        List<LogRecord> logged = logs.matching(Level.WARNING, "1 connection(s) of EchoServer still open after the grace period");
        assertEquals(1, logged.size(), "the cut is logged once");
        logged.forEach(logs::markExpected);
    }

    @Test
    void stopWithGrace_start2_endsTheLoopsOnceConnectionsClosed() {
        EchoServer server = server(new EchoServer());
        server.bind(0, "127.0.0.1");
        server.start(2);
        int port = server.port();
        IOStream client = track(run(() -> new TCPClient().connect("127.0.0.1", port)));
        run(() -> until(() -> server.openConnectionCount() == 1));
        Future<Void> stopped = server.stop(Duration.ofSeconds(30));
        client.close();
        run(() -> stopped); // long before the 30 s: the only connection closed
        for (IOLoop l : server.loops()) {
            assertTrue(l.isClosed(), "the server's own loops ended: " + l);
        }
        assertThrows(IllegalArgumentException.class, () -> new EchoServer().stop(Duration.ofSeconds(-1)));
    }

    @Test
    void stop_closesConnectionsOnItsLoops() {
        AtomicInteger accepted = new AtomicInteger();
        TCPServer server = server(new TCPServer() {
            @Override
            protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
                accepted.incrementAndGet();
                return null; // keeps the connection open, never reads
            }
        });
        server.bind(0, "127.0.0.1");
        server.start(1);
        IOStream client = run(() -> new TCPClient().connect("127.0.0.1", server.port()));
        // (a connection still in the kernel's accept queue would be reset, not closed, by stop())
        run(() -> until(() -> accepted.get() == 1));
        Future<byte[]> eof = client.readUntilClose();
        server.stop();
        assertEquals(0, run(() -> eof).length, "the server closed the connection on stop()");
    }

    @Test
    void listen_addressInUse_isAClearError() throws IOException {
        try (ServerSocket occupant = new ServerSocket(0, 50, LOOPBACK)) {
            int port = occupant.getLocalPort();
            EchoServer server = server(new EchoServer());
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> server.listen(port, "127.0.0.1"));
            assertInstanceOf(BindException.class, e.getCause());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        EchoServer first = server(new EchoServer());
        first.listen(0, "127.0.0.1");
        EchoServer second = server(new EchoServer());
        assertThrows(UncheckedIOException.class, () -> second.bind(first.port(), "127.0.0.1"));
        assertTrue(second.boundAddresses().isEmpty());
    }

    @Test
    void bind_portZero_reportsTheRealPort() {
        EchoServer server = server(new EchoServer());
        server.bind(0, "127.0.0.1");
        int port = server.port();
        assertTrue(port > 0);
        assertEquals(List.of(new InetSocketAddress(LOOPBACK, port)), server.boundAddresses());
        assertThrows(IllegalStateException.class, () -> new EchoServer().port());
        assertThrows(IllegalArgumentException.class, () -> new EchoServer().listen(70000));
        assertThrows(IllegalStateException.class, () -> new EchoServer().start(1), "nothing bound");
    }

    @Test
    void listen_allInterfaces() {
        EchoServer server = server(new EchoServer());
        server.listen(0);
        assertTrue(server.boundAddresses().get(0).getAddress().isAnyLocalAddress());
        assertEquals("all\n", run(() -> echoOnce(server.port(), "all")));
        server.stop();
        Throwable t = runExpectingFailure(() -> new TCPClient().connect("127.0.0.1", server.port()));
        assertInstanceOf(ConnectException.class, t, "stop() closed the listening socket");
    }

    @Test
    void listen_onAHostName_bindsItsAddresses() {
        EchoServer server = server(new EchoServer());
        server.listen(0, "localhost");
        assertTrue(server.boundAddresses().stream().allMatch(a -> a.getAddress().isLoopbackAddress()),
                server.boundAddresses().toString());
        assertTrue(server.boundAddresses().stream().allMatch(a -> a.getPort() == server.port()),
                "every address of the name shares the port picked for the first");
        assertEquals("named\n", run(() -> echoOnce(server.port(), "named")));
    }

    @Test
    void acceptErrors_areLoggedAndAcceptingResumes() {
        AtomicInteger failures = new AtomicInteger();
        EchoServer server = server(new EchoServer() {
            @Override
            SocketChannel acceptConnection(ServerSocketChannel s) throws IOException {
                if (failures.get() < 2) {
                    failures.incrementAndGet();
                    throw new IOException("Too many open files (simulated by the test)");
                }
                return super.acceptConnection(s);
            }
        });
        server.listen(0, "127.0.0.1");
        assertEquals("after errors\n", run(() -> echoOnce(server.port(), "after errors")));
        assertEquals(2, failures.get());
        assertEquals("again\n", run(() -> echoOnce(server.port(), "again")));
        List<LogRecord> logged = logs.matching(Level.SEVERE, "accepting a connection on");
        assertEquals(2, logged.size(), "each accept failure is logged once");
        assertTrue(logged.get(0).getMessage().contains("pausing accepts for 20 ms"), logged.get(0).getMessage());
        assertTrue(logged.get(1).getMessage().contains("pausing accepts for 40 ms"), logged.get(1).getMessage());
        logged.forEach(logs::markExpected);
    }

    @Test
    void clientResetMidRead_endsThatHandlerQuietly_andTheServerGoesOn() throws IOException {
        EchoServer server = server(new EchoServer());
        server.listen(0, "127.0.0.1");
        java.net.Socket client = closeLater(new java.net.Socket(LOOPBACK, server.port()));
        client.getOutputStream().write(bytes("no newline yet"));
        run(() -> until(() -> server.connections.get() == 1));
        client.setSoLinger(true, 0);
        client.close();
        IOStream serverSide = server.streams.peek();
        run(() -> until(serverSide::isClosed));
        assertInstanceOf(IOException.class, serverSide.error(), "the reset closed the server's stream");
        assertEquals("still here\n", run(() -> echoOnce(server.port(), "still here")));
        // a peer's reset is routine: handleStream's StreamClosedException is logged at debug level only
        assertTrue(logs.matching(Level.SEVERE, "handleStream failed").isEmpty());
    }

    @Test
    void handleStreamFailures_closeThatConnectionOnly() {
        AtomicInteger calls = new AtomicInteger();
        TCPServer server = server(new EchoServer() {
            @Override
            protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
                int call = calls.incrementAndGet();
                if (call == 1) {
                    throw new IllegalStateException("handler bug (thrown by the test)");
                }
                if (call == 2) {
                    return Future.failed(new IllegalStateException("failed future (from the test)"));
                }
                return super.handleStream(stream, address);
            }
        });
        server.listen(0, "127.0.0.1");
        for (int i = 0; i < 2; i++) {
            byte[] rest = run(() -> then(new TCPClient().connect("127.0.0.1", server.port()),
                    IOStream::readUntilClose));
            assertEquals(0, rest.length, "the failed connection was closed");
        }
        assertEquals("fine\n", run(() -> echoOnce(server.port(), "fine")));
        List<LogRecord> logged = logs.matching(Level.SEVERE, "handleStream failed for the connection from");
        assertEquals(2, logged.size(), "both failures are logged");
        assertEquals("handler bug (thrown by the test)", logged.get(0).getThrown().getMessage());
        assertEquals("failed future (from the test)", logged.get(1).getThrown().getMessage());
        logged.forEach(logs::markExpected);
    }
}
