package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.Future;

/**
 * TLS under IOStream on real loopback sockets: Squall against Squall, against the JDK's blocking
 * {@link SSLSocket}, and against raw sockets sending what a hostile or broken client sends.
 */
class TLSStreamTest extends NetTestBase {
    private static final byte[] NL = {'\n'};

    private TestPKI pki;
    private EchoServer server;
    private int port;

    @BeforeEach
    void startServer() {
        pki = TestPKI.get();
        server = server(new EchoServer());
        server.ssl(pki.serverContext(pki.chainPem)); // default handshake timeout: a loaded machine is slow
        server.listen(0, "127.0.0.1");
        port = server.port();
    }

    private <T> T blocking(Callable<T> fn) {
        return run(() -> loop.runInExecutor(null, fn));
    }

    private Future<IOStream> connect() {
        return new TCPClient().connect("localhost", port, Duration.ofSeconds(5), pki.clientContext());
    }

    /** Sends one line through a fresh verified TLS connection and returns the echo. */
    private String echoOnce(String line) {
        IOStream s = track(run(this::connect));
        s.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return new String(run(() -> s.readUntil(NL)), StandardCharsets.UTF_8).trim();
    }

    @Test
    void echoesSmallAndLargeMessagesOverTls13() {
        IOStream s = track(run(this::connect));
        assertTrue(s.isTls());
        assertEquals("TLSv1.3", s.sslEngine().getSession().getProtocol());
        s.write("hello\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("hello\n", new String(run(() -> s.readUntil(NL)), StandardCharsets.UTF_8));
        // 3 MiB: many records, partial socket writes, reads larger than one record
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        big[big.length - 1] = '\n';
        s.write(big);
        assertArrayEquals(big, run(() -> s.readBytes(big.length)));
    }

    @Test
    void startTlsUpgradesAConnectedPlainStream() {
        IOStream[] pair = streamPair(1 << 20);
        pair[1].write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("STARTTLS\n", new String(run(() -> pair[0].readUntil(NL)), StandardCharsets.US_ASCII));
        Future<IOStream> serverSide = pair[0].startTls(
                TLS.serverEngine(pki.serverContext(pki.chainPem), null, List.of("squall-test")), Duration.ofSeconds(5));
        Future<IOStream> clientSide = pair[1].startTls(
                TLS.clientEngine(pki.clientContext(), "localhost", 1, true, List.of("squall-test")), Duration.ofSeconds(5));
        run(() -> clientSide);
        run(() -> serverSide);
        assertEquals("squall-test", pair[0].sslEngine().getApplicationProtocol());
        pair[1].write(ByteBuffer.wrap("sec".getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap("ret\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("secret\n", new String(run(() -> pair[0].readUntil(NL)), StandardCharsets.US_ASCII));
    }

    @Test
    void closeNotifyGoesBothWays() {
        for (int closer = 0; closer < 2; closer++) {
            IOStream[] pair = streamPair(1 << 20);
            Future<IOStream> a = pair[0].startTls(TLS.serverEngine(pki.serverContext(pki.chainPem), null, null), null);
            Future<IOStream> b = pair[1].startTls(TLS.clientEngine(pki.clientContext(), "localhost", 1, true, null), null);
            run(() -> a);
            run(() -> b);
            IOStream closing = pair[closer];
            IOStream other = pair[1 - closer];
            closing.write("bye".getBytes(StandardCharsets.US_ASCII));
            run(() -> closing.write(new byte[0]));
            closing.close();
            assertEquals("bye", new String(run(other::readUntilClose), StandardCharsets.US_ASCII));
            assertTrue(other.sslEngine().isInboundDone(), "the peer's close_notify was received");
            assertEquals(null, other.error());
        }
    }

    @Test
    void garbageInsteadOfAClientHelloClosesOnlyThatConnection() throws Exception {
        Socket raw = closeLater(new Socket());
        blocking(() -> {
            raw.connect(new InetSocketAddress(LOOPBACK, port));
            raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        });
        assertEquals("hello", echoOnce("hello"), "another client is served meanwhile");
        assertTrue(blocking(() -> readsToEof(raw.getInputStream())), "the garbage connection is closed");
        assertEquals("again", echoOnce("again"));
    }

    @Test
    void truncatedClientHelloThenDisconnectDoesNotHurtTheServer() throws Exception {
        byte[] hello = clientHello();
        for (int cut : new int[] {3, 5, hello.length / 2, hello.length - 1}) {
            blocking(() -> {
                try (Socket raw = new Socket(LOOPBACK, port)) {
                    raw.getOutputStream().write(Arrays.copyOf(hello, cut));
                }
                return null;
            });
        }
        assertEquals("still", echoOnce("still"));
    }

    @Test
    void truncatedOrForgedRecordsAfterTheHandshakeEndOnlyThatConnection() throws Exception {
        for (boolean forged : new boolean[] {false, true}) {
            IOStream s = track(run(this::connect));
            s.write("ok\n".getBytes(StandardCharsets.US_ASCII));
            run(() -> s.readUntil(NL));
            // raw bytes under the TLS stage: an application-data record header, then 100 of its bytes
            int length = forged ? 100 : 16_000;
            ByteBuffer record = ByteBuffer.allocate(105).put(new byte[] {23, 3, 3, (byte) (length >> 8), (byte) length});
            record.position(105).flip();
            s.channel().write(record);
            if (!forged) {
                s.channel().shutdownOutput(); // the record is never finished
            }
            Future<byte[]> end = s.readUntilClose();
            run(() -> until(end::isDone));
            assertTrue(s.isClosed(), "the server closed the connection");
            assertEquals("next", echoOnce("next"));
        }
    }

    @Test
    void stalledHandshakeIsCutByTheTimeout() throws Exception {
        byte[] hello = clientHello();
        EchoServer impatient = server(new EchoServer());
        impatient.ssl(pki.serverContext(pki.chainPem));
        impatient.setSslHandshakeTimeout(Duration.ofMillis(300));
        impatient.listen(0, "127.0.0.1");
        Socket raw = closeLater(new Socket());
        long start = System.nanoTime();
        boolean closed = blocking(() -> {
            raw.connect(new InetSocketAddress(LOOPBACK, impatient.port()));
            raw.getOutputStream().write(Arrays.copyOf(hello, 20)); // a record header promising more, then silence
            raw.setSoTimeout(20_000);
            return readsToEof(raw.getInputStream());
        });
        assertTrue(closed, "the server closed the stalled connection");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(15).toNanos(), "closed by the 300 ms timeout, not the 20 s read timeout");
        assertEquals("ok", echoOnce("ok"));
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        SSLContext ctx = pki.clientContext();
        Throwable outcome = blocking(() -> {
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(LOOPBACK, port)) {
                s.setEnabledProtocols(new String[] {"TLSv1.2"});
                s.setSoTimeout(10_000);
                s.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[4];
                int n = s.getInputStream().readNBytes(buf, 0, 4);
                assertEquals("one\n", new String(buf, 0, n, StandardCharsets.US_ASCII));
                try {
                    s.startHandshake(); // a renegotiation: the server must close
                    s.getOutputStream().write("two\n".getBytes(StandardCharsets.US_ASCII));
                    int r = s.getInputStream().read();
                    return r < 0 ? new IOException("closed by the server") : null;
                } catch (IOException expected) {
                    return expected;
                }
            }
        });
        assertInstanceOf(IOException.class, outcome, "the renegotiating connection was cut");
        assertEquals("fine", echoOnce("fine"));
    }

    @Test
    void defaultServerOffersOnlyTls12And13WithForwardSecretAeadSuites() {
        SSLEngine e = TLS.serverEngine(pki.serverContext(pki.chainPem), null, List.of("http/1.1"));
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(e.getEnabledProtocols()));
        for (String suite : e.getEnabledCipherSuites()) {
            assertTrue(suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")
                    || (suite.matches("TLS_(ECDHE|DHE)_.*") && (suite.contains("_GCM_") || suite.contains("CHACHA20"))),
                    suite);
        }
        assertArrayEquals(new String[] {"http/1.1"}, e.getSSLParameters().getApplicationProtocols());
    }

    @Test
    void aFailedHandshakeNamesTheHostAndTheReason() {
        EchoServer wrong = server(new EchoServer());
        wrong.ssl(pki.serverContext(pki.wrongHostChainPem));
        wrong.listen(0, "127.0.0.1");
        Throwable t = runExpectingFailure(() -> new TCPClient().connect("localhost", wrong.port(),
                Duration.ofSeconds(5), pki.clientContext()));
        assertInstanceOf(SSLHandshakeException.class, t);
        assertTrue(t.getMessage().contains("localhost:" + wrong.port()) && t.getMessage().contains("does not match"),
                t.getMessage());
    }

    /** The first bytes a real client sends: a TLS ClientHello from a JDK engine. */
    private byte[] clientHello() throws Exception {
        SSLEngine e = pki.clientContext().createSSLEngine("localhost", port);
        e.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
        e.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    /** Reads until the peer closes; true if it did (a reset counts as closed too). */
    private static boolean readsToEof(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // alerts may come before the close
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
