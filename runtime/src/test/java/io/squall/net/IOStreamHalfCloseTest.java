package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;

/**
 * Half-close mode ({@link IOStream#setCloseOnEof(boolean) setCloseOnEof(false)}): the peer ends its side
 * ({@code shutdownOutput}) and still reads the reply.
 */
@Timeout(120)
class IOStreamHalfCloseTest extends NetTestBase {

    private static final int MAX = IOStream.DEFAULT_MAX_BUFFER_SIZE;

    private static void peerShutdownOutput(RawPair p) {
        try {
            p.peer.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code n} bytes on the blocking peer, or fewer if it sees the end of stream. */
    private static String peerRead(RawPair p, int n) {
        try {
            p.peer.setSoTimeout(60_000);
            InputStream in = p.peer.getInputStream();
            StringBuilder sb = new StringBuilder();
            while (sb.length() < n) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                sb.append((char) b);
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int peerReadOne(RawPair p) {
        try {
            p.peer.setSoTimeout(60_000);
            return p.peer.getInputStream().read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void defaultMode_closesAtEndOfStream() {
        RawPair p = rawPair(MAX);
        assertTrue(p.stream.closeOnEof());
        p.stream.setCloseCallback(() -> { }); // registers the idle stream, as any read or write would
        peerShutdownOutput(p);
        run(() -> until(p.stream::isClosed));
        assertTrue(p.stream.eofReceived());
        assertInstanceOf(StreamClosedException.class, runExpectingFailure(() -> p.stream.write(bytes("x"))));
    }

    @Test
    void idleEndOfStream_isRememberedAndTheWriteSideStaysOpen() {
        RawPair p = rawPair(MAX);
        AtomicInteger closes = new AtomicInteger();
        p.stream.setCloseCallback(closes::incrementAndGet);
        p.stream.setCloseOnEof(false);
        peerShutdownOutput(p);
        run(() -> until(p.stream::eofReceived));
        assertFalse(p.stream.isClosed(), "half-close mode keeps the stream open");

        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\n")));
        assertInstanceOf(StreamClosedException.class, t);
        assertNull(t.getCause(), "the peer ended its side cleanly");
        assertTrue(t.getMessage().contains("peer closed its side"), t.getMessage());
        assertFalse(p.stream.isClosed(), "a failed read does not close the write side");

        run(() -> p.stream.write(bytes("reply\n")));
        assertEquals("reply\n", peerRead(p, 6));
        p.stream.close();
        assertEquals(-1, peerReadOne(p), "close() ends the connection");
        run(() -> until(() -> closes.get() == 1));
        assertNull(p.stream.error());
    }

    @Test
    void requestThenShutdown_bufferedRequestIsReadThenTheNextReadFails() {
        RawPair p = rawPair(MAX);
        p.stream.setCloseOnEof(false);
        p.peerWrite("GET / HTTP/1.0\r\n\r\n");
        peerShutdownOutput(p);
        assertEquals("GET / HTTP/1.0\r\n\r\n", str(run(() -> p.stream.readUntil(bytes("\r\n\r\n")))));
        // the next read is pending when the end of stream arrives (or finds it already seen)
        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\r\n\r\n")));
        assertInstanceOf(StreamClosedException.class, t);
        assertTrue(p.stream.eofReceived());
        assertFalse(p.stream.isClosed());
        run(() -> p.stream.write(bytes("HTTP/1.0 200 OK\r\n\r\nok")));
        p.stream.close();
        assertEquals("HTTP/1.0 200 OK\r\n\r\nok", peerRead(p, 1000));
    }

    @Test
    void pendingReadAtEndOfStream_failsAndKeepsTheBufferedBytes() {
        RawPair p = rawPair(MAX);
        p.stream.setCloseOnEof(false);
        Throwable t = runExpectingFailure(() -> {
            Future<byte[]> f = p.stream.readBytes(10);
            p.peerWrite("12345");
            peerShutdownOutput(p);
            return f;
        });
        assertInstanceOf(StreamClosedException.class, t);
        assertTrue(t.getMessage().contains("5 unread bytes"), t.getMessage());
        assertFalse(p.stream.isClosed());
        assertEquals("12345", str(run(() -> p.stream.readBytesPartial(100))));
        assertInstanceOf(StreamClosedException.class, runExpectingFailure(() -> p.stream.readBytesPartial(100)));
        run(() -> p.stream.write(bytes("still writable")));
        assertEquals("still writable", peerRead(p, 14));
    }

    @Test
    void readUntilClose_completesWithEverythingAndTheStreamStaysWritable() {
        RawPair p = rawPair(MAX);
        p.stream.setCloseOnEof(false);
        byte[] all = run(() -> {
            Future<byte[]> f = p.stream.readUntilClose();
            p.peerWrite("first ");
            p.peerWrite("second");
            peerShutdownOutput(p);
            return f;
        });
        assertEquals("first second", str(all));
        assertFalse(p.stream.isClosed());
        assertEquals(0, run(() -> p.stream.readUntilClose()).length, "nothing more arrives after the end");
        run(() -> p.stream.write(bytes("bye")));
        assertEquals("bye", peerRead(p, 3));
    }

    @Test
    void switchingBackToCloseOnEof_closesAStreamThatSawTheEnd() {
        RawPair p = rawPair(MAX);
        AtomicInteger closes = new AtomicInteger();
        p.stream.setCloseCallback(closes::incrementAndGet);
        p.stream.setCloseOnEof(false);
        peerShutdownOutput(p);
        run(() -> until(p.stream::eofReceived));
        assertFalse(p.stream.isClosed());
        p.stream.setCloseOnEof(true);
        assertTrue(p.stream.isClosed());
        run(() -> until(() -> closes.get() == 1));
    }

    @Test
    void peerGoneCompletely_writesFailWithTheRealCause() {
        RawPair p = rawPair(MAX, 4096);
        p.stream.setCloseOnEof(false);
        p.peerClose();
        run(() -> until(p.stream::eofReceived));
        byte[] chunk = new byte[8192];
        // the first write may still be accepted by the kernel; the peer's reset makes a later one fail
        Throwable t = run(() -> writeUntilFailure(p.stream, chunk, 10_000));
        assertInstanceOf(StreamClosedException.class, t);
        assertInstanceOf(IOException.class, t.getCause(), "the reset is the cause: " + t);
        assertTrue(p.stream.isClosed());
    }

    private Future<Throwable> writeUntilFailure(IOStream s, byte[] chunk, int attemptsLeft) {
        Future<Throwable> out = new Future<>();
        s.write(chunk).addDoneCallback(f -> {
            if (f.exception() != null) {
                out.setResult(f.exception());
            } else if (attemptsLeft == 0) {
                out.setException(new AssertionError("writes to a peer that closed never failed"));
            } else {
                Gen.sleep(Duration.ofMillis(1)).addDoneCallback(x ->
                        writeUntilFailure(s, chunk, attemptsLeft - 1).addDoneCallback(n -> out.setResult(n.result())));
            }
        });
        return out;
    }
}
