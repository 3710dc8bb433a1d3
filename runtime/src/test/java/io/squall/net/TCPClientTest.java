package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;

/** {@link TCPClient} against real loopback listeners. */
@Timeout(120)
class TCPClientTest extends NetTestBase {

    @Test
    void connect_literalAddress() throws IOException {
        ServerSocketChannel server = listener();
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        IOStream stream = run(() -> new TCPClient().connect("127.0.0.1", port));
        try (java.nio.channels.SocketChannel accepted = server.accept()) {
            assertEquals(port, stream.remoteAddress().getPort());
            accepted.write(java.nio.ByteBuffer.wrap(bytes("hi\n")));
            assertEquals("hi\n", str(run(() -> stream.readUntil(bytes("\n")))));
        }
        stream.close();
    }

    @Test
    void connectedStream_receivesTheEventsOfTheConnectRegistration() throws IOException {
        ServerSocketChannel server = listener();
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        IOStream stream = run(() -> new TCPClient().connect("127.0.0.1", port));
        java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();
        stream.setCloseCallback(closes::incrementAndGet); // idle: only the registration can tell
        server.accept().close();
        run(() -> until(() -> closes.get() == 1));
        assertTrue(stream.isClosed());
        assertEquals(null, stream.error(), "the peer closed cleanly");
    }

    @Test
    void manySequentialConnections_eachWritesReadsAndCloses() {
        EchoServer server = server(new EchoServer());
        server.listen(0, "127.0.0.1");
        for (int i = 0; i < 200; i++) {
            String line = "line " + i + "\n";
            String reply = run(() -> then(new TCPClient().connect("127.0.0.1", server.port()),
                    s -> then(s.write(bytes(line)), w -> then(s.readUntil(bytes("\n")), r -> {
                        s.close();
                        return Future.of(str(r));
                    }))));
            assertEquals(line, reply);
        }
        run(() -> until(() -> server.connections.get() == 200));
    }

    @Test
    void connect_hostNameIsResolvedOffTheLoop() {
        EchoServer server = new EchoServer();
        server.listen(0, "127.0.0.1");
        try {
            // "localhost" may resolve to ::1 first: the client then tries the next address
            String reply = run(() -> then(new TCPClient().connect("localhost", server.port(), Duration.ofSeconds(30)),
                    s -> then(s.write(bytes("named\n")), w -> then(s.readUntil(bytes("\n")), r -> {
                        s.close();
                        return Future.of(str(r));
                    }))));
            assertEquals("named\n", reply);
        } finally {
            server.stop();
        }
    }

    @Test
    void connectionRefused_namesHostAndPort() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        Throwable t = runExpectingFailure(() -> new TCPClient().connect("127.0.0.1", port));
        assertInstanceOf(ConnectException.class, t);
        assertTrue(t.getMessage().contains("127.0.0.1:" + port), t.getMessage());
        assertInstanceOf(ConnectException.class, t.getCause(), "the original error is the cause");
    }

    @Test
    void connectTimeout_whenTheListenerDropsSyns() throws IOException {
        // A listener that never accepts, with backlog 1: once its accept queue is full, Linux drops new
        // SYNs, so a connect stays pending. Only loopback is involved.
        ServerSocket full = closeLater(new ServerSocket(0, 1, LOOPBACK));
        int port = full.getLocalPort();
        boolean saturated = false;
        for (int i = 0; i < 16 && !saturated; i++) {
            Socket filler = closeLater(new Socket());
            try {
                filler.connect(new InetSocketAddress(LOOPBACK, port), 300);
            } catch (SocketTimeoutException e) {
                saturated = true;
            }
        }
        assumeTrue(saturated, "this kernel completes connects to a full listener; cannot provoke a connect timeout");
        Throwable t = runExpectingFailure(() -> new TCPClient().connect("127.0.0.1", port, Duration.ofMillis(200)));
        assertInstanceOf(TimeoutException.class, t);
        assertTrue(t.getMessage().contains("127.0.0.1:" + port), t.getMessage());
    }

    @Test
    void connect_badArguments() {
        TCPClient client = new TCPClient();
        assertThrows(IllegalArgumentException.class, () -> client.connect("127.0.0.1", 0));
        assertThrows(IllegalArgumentException.class, () -> client.connect("127.0.0.1", 70000));
        assertThrows(IllegalArgumentException.class, () -> client.connect("127.0.0.1", 80, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> client.connect(null, 80));
        assertThrows(IllegalArgumentException.class, () -> client.setMaxBufferSize(0));
    }

    @Test
    void connectedStream_usesTheConfiguredMaxBufferSize() throws IOException {
        ServerSocketChannel server = listener();
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        TCPClient client = new TCPClient();
        client.setMaxBufferSize(4096);
        IOStream stream = run(() -> client.connect("127.0.0.1", port));
        closeLater(server.accept());
        assertEquals(4096, stream.maxBufferSize());
        stream.close();
    }
}
