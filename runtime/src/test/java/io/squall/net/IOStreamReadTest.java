package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;

/** Reading from an {@link IOStream} over real loopback sockets, with a blocking peer the test drives. */
@Timeout(120)
class IOStreamReadTest extends NetTestBase {

    private static final int MAX = IOStream.DEFAULT_MAX_BUFFER_SIZE;

    /** Reads {@code count} lines with readUntil, one after another, counting delivered bytes. */
    private static Future<List<String>> readLines(IOStream s, byte[] delimiter, int count, AtomicInteger delivered) {
        Future<List<String>> out = new Future<>();
        List<String> lines = new ArrayList<>();
        Runnable[] next = new Runnable[1];
        next[0] = () -> s.readUntil(delimiter).addDoneCallback(f -> {
            if (f.exception() != null) {
                out.setException(f.exception());
                return;
            }
            delivered.addAndGet(f.result().length);
            lines.add(str(f.result()));
            if (lines.size() == count) {
                out.setResult(lines);
            } else {
                next[0].run();
            }
        });
        next[0].run();
        return out;
    }

    @Test
    void readUntil_peerWritesByteByByte() {
        RawPair p = rawPair(MAX);
        AtomicInteger delivered = new AtomicInteger();
        byte[] data = bytes("hello\r\nworld\r\n");
        List<String> lines = run(() -> {
            Future<List<String>> result = readLines(p.stream, bytes("\r\n"), 2, delivered);
            return then(feed(p, oneByteChunks(data), () -> p.stream.readBufferSize() + delivered.get()),
                    x -> result);
        });
        assertEquals(List.of("hello\r\n", "world\r\n"), lines);
        assertEquals(0, p.stream.readBufferSize());
    }

    @Test
    void readUntil_multiByteDelimiterSplitAcrossReads() {
        RawPair p = rawPair(MAX);
        AtomicInteger delivered = new AtomicInteger();
        byte[][] chunks = {bytes("GET / HTTP/1.1\r\nHost: x\r"), bytes("\n"), bytes("\r"), bytes("\nBODY\r\n\r\n")};
        List<String> parts = run(() -> {
            Future<List<String>> result = readLines(p.stream, bytes("\r\n\r\n"), 2, delivered);
            return then(feed(p, chunks, () -> p.stream.readBufferSize() + delivered.get()), x -> result);
        });
        assertEquals(List.of("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "BODY\r\n\r\n"), parts);
    }

    @Test
    void readBytes_acrossPacketBoundaries() {
        RawPair p = rawPair(MAX);
        AtomicInteger delivered = new AtomicInteger();
        byte[] data = pattern(300, 1);
        byte[][] chunks = {java.util.Arrays.copyOfRange(data, 0, 1), java.util.Arrays.copyOfRange(data, 1, 150),
            java.util.Arrays.copyOfRange(data, 150, 151), java.util.Arrays.copyOfRange(data, 151, 300)};
        byte[] got = run(() -> {
            Future<byte[]> first = p.stream.readBytes(200);
            first.addDoneCallback(f -> delivered.addAndGet(200));
            Future<byte[]> all = then(first, a -> then(p.stream.readBytes(100), b -> {
                delivered.addAndGet(100);
                byte[] joined = new byte[300];
                System.arraycopy(a, 0, joined, 0, 200);
                System.arraycopy(b, 0, joined, 200, 100);
                return Future.of(joined);
            }));
            return then(feed(p, chunks, () -> p.stream.readBufferSize() + delivered.get()), x -> all);
        });
        assertArrayEquals(data, got);
    }

    @Test
    void readBytes_zeroIsImmediate() {
        RawPair p = rawPair(MAX);
        Future<byte[]> f = p.stream.readBytes(0);
        assertTrue(f.isDone());
        assertEquals(0, f.result().length);
    }

    @Test
    void readBytesPartial_returnsWhatIsAvailableUpToTheLimit() {
        RawPair p = rawPair(MAX);
        p.peerWrite("0123456789");
        String a = run(() -> then(p.stream.readBytes(1), one -> Future.of(str(one))));
        assertEquals("0", a);
        assertEquals(9, p.stream.readBufferSize() + 0, "the rest of the packet is buffered");
        assertEquals("1234", str(run(() -> p.stream.readBytesPartial(4))));
        assertEquals("56789", str(run(() -> p.stream.readBytesPartial(100))));
        Future<byte[]> pending = p.stream.readBytesPartial(100);
        assertFalse(pending.isDone(), "nothing is buffered: the read waits for data");
        p.peerWrite("x");
        assertEquals("x", str(run(() -> pending)));
    }

    @Test
    void readsAreServedFromTheBufferInline() {
        RawPair p = rawPair(MAX);
        p.peerWrite("line1\nline2\n");
        assertEquals("line1\n", str(run(() -> p.stream.readUntil(bytes("\n")))));
        Future<byte[]> second = p.stream.readUntil(bytes("\n"));
        assertTrue(second.isDone(), "a read the buffer satisfies completes without waiting for the loop");
        assertEquals("line2\n", str(second.result()));
    }

    @Test
    void readUntilClose_returnsEverything() {
        RawPair p = rawPair(MAX);
        AtomicInteger delivered = new AtomicInteger();
        byte[][] chunks = {bytes("first "), bytes("second "), bytes("third")};
        byte[] all = run(() -> {
            Future<byte[]> r = p.stream.readUntilClose();
            return then(feed(p, chunks, p.stream::readBufferSize), x -> {
                p.peerClose();
                return r;
            });
        });
        assertEquals("first second third", str(all));
        assertTrue(p.stream.isClosed());
        assertNull(p.stream.error(), "a clean close by the peer is no error");
        assertEquals(0, delivered.get());
    }

    @Test
    void readPendingWhenPeerCloses_bufferedBytesDeliveredThenStreamClosed() {
        RawPair p = rawPair(MAX);
        p.peerWrite("abc\ndef");
        p.peerClose();
        assertEquals("abc\n", str(run(() -> p.stream.readUntil(bytes("\n")))));
        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\n")));
        assertInstanceOf(StreamClosedException.class, t);
        assertNull(t.getCause(), "the peer closed cleanly");
        assertTrue(t.getMessage().contains("end of stream"), t.getMessage());
        assertTrue(t.getMessage().contains("3 unread bytes"), t.getMessage());
        assertTrue(p.stream.isClosed());
        // what is buffered is still readable after the close
        assertEquals("de", str(run(() -> p.stream.readBytes(2))));
        assertEquals("f", str(run(() -> p.stream.readUntilClose())));
        Throwable after = runExpectingFailure(() -> p.stream.readBytesPartial(10));
        assertInstanceOf(StreamClosedException.class, after);
    }

    @Test
    void readBytesPendingWhenPeerCloses_failsButKeepsTheBytes() {
        RawPair p = rawPair(MAX);
        Throwable t = runExpectingFailure(() -> {
            Future<byte[]> f = p.stream.readBytes(10);
            p.peerWrite("12345");
            p.peerClose();
            return f;
        });
        assertInstanceOf(StreamClosedException.class, t);
        assertEquals("12345", str(run(() -> p.stream.readBytesPartial(100))));
    }

    @Test
    void resetMidRead_failsWithTheRealCause() {
        RawPair p = rawPair(MAX);
        Throwable t = runExpectingFailure(() -> {
            Future<byte[]> f = p.stream.readBytes(100);
            p.peerWrite("partial");
            p.peerReset();
            return f;
        });
        assertInstanceOf(StreamClosedException.class, t);
        assertInstanceOf(IOException.class, t.getCause(), "the reset is the cause");
        assertSame(t.getCause(), p.stream.error());
        assertTrue(p.stream.isClosed());
    }

    @Test
    void secondConcurrentRead_isRefused() {
        RawPair p = rawPair(MAX);
        Future<byte[]> first = p.stream.readUntil(bytes("\n"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.stream.readBytes(3));
        assertTrue(e.getMessage().contains("readUntil(\"\\n\""), e.getMessage());
        assertTrue(e.getMessage().contains("one read at a time"), e.getMessage());
        p.peerWrite("ok\n");
        assertEquals("ok\n", str(run(() -> first)));
    }

    @Test
    void cancelledRead_isAbandonedWithoutConsumingBytes() {
        RawPair p = rawPair(MAX);
        Future<byte[]> abandoned = p.stream.readUntil(bytes("\n"));
        assertTrue(p.stream.reading());
        assertTrue(abandoned.cancel());
        assertFalse(p.stream.reading());
        p.peerWrite("kept\n");
        assertEquals("kept\n", str(run(() -> p.stream.readUntil(bytes("\n")))));

        // cancelled while the loop is waiting for bytes: they stay for the next read
        Future<byte[]> waiting = p.stream.readBytes(4);
        run(Gen::moment);
        waiting.cancel();
        p.peerWrite("next");
        run(() -> until(() -> p.stream.readBufferSize() == 4 || !p.stream.channel().isOpen()));
        assertEquals("next", str(run(() -> p.stream.readBytesPartial(10))));
    }

    @Test
    void readUntil_maxBytesExceeded_isUnsatisfiableAndCloses() {
        RawPair p = rawPair(MAX);
        p.peerWrite("0123456789012345678901234567890123456789");
        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\n"), 16));
        assertInstanceOf(UnsatisfiableReadException.class, t);
        assertTrue(t.getMessage().contains("16"), t.getMessage());
        assertTrue(p.stream.isClosed());
        assertSame(t, p.stream.error());
    }

    @Test
    void readUntil_delimiterFoundBeyondMaxBytes_isUnsatisfiable() {
        RawPair p = rawPair(MAX);
        p.peerWrite("0123456789\n");
        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\n"), 10));
        assertInstanceOf(UnsatisfiableReadException.class, t);
        assertTrue(t.getMessage().contains("ends after 11 bytes"), t.getMessage());
    }

    @Test
    void readUntil_delimiterEndingExactlyAtMaxBytes_isFine() {
        RawPair p = rawPair(MAX);
        p.peerWrite("012345678\n");
        assertEquals("012345678\n", str(run(() -> p.stream.readUntil(bytes("\n"), 10))));
    }

    @Test
    void maxBufferSizeExceeded_failsClearlyAndCloses() {
        RawPair p = rawPair(1024);
        p.peerWrite(pattern(3000, 2));
        Throwable t = runExpectingFailure(() -> p.stream.readUntil(bytes("\n\n"), 1_000_000));
        assertInstanceOf(StreamBufferFullException.class, t);
        assertTrue(t.getMessage().contains("1024"), t.getMessage());
        assertTrue(p.stream.isClosed());
        assertSame(t, p.stream.error());
        Throwable later = runExpectingFailure(() -> p.stream.write(bytes("x")));
        assertInstanceOf(StreamClosedException.class, later);
        assertSame(t, later.getCause(), "later operations carry the error that closed the stream");
    }

    @Test
    void readUntilClose_beyondMaxBufferSize_failsClearly() {
        RawPair p = rawPair(4096);
        p.peerWrite(pattern(10_000, 3));
        p.peerClose();
        Throwable t = runExpectingFailure(() -> p.stream.readUntilClose());
        assertInstanceOf(StreamBufferFullException.class, t);
    }

    @Test
    void readBytes_largerThanMaxBufferSize_failsAtOnce() {
        RawPair p = rawPair(4096);
        Future<byte[]> f = p.stream.readBytes(5000);
        assertTrue(f.isDone());
        assertInstanceOf(StreamBufferFullException.class, f.exception());
    }

    @Test
    void badArguments_areRefused() {
        RawPair p = rawPair(MAX);
        assertThrows(IllegalArgumentException.class, () -> p.stream.readUntil(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> p.stream.readUntil(bytes("\n"), 0));
        assertThrows(IllegalArgumentException.class, () -> p.stream.readBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> p.stream.readBytesPartial(0));
        assertFalse(p.stream.reading());
    }

    @Test
    void hundredMegabytesInSmallReads_keepTheBufferBounded() throws Exception {
        RawPair p = rawPair(MAX);
        long total = 100L * 1024 * 1024;
        byte[] block = pattern(64 * 1024, 4);
        Thread writer = new Thread(() -> {
            try {
                java.io.OutputStream out = p.peer.getOutputStream();
                for (long sent = 0; sent < total; sent += block.length) {
                    out.write(block);
                }
                out.flush();
                p.peer.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "100MB-writer");
        writer.setDaemon(true);
        writer.start();
        java.util.zip.CRC32 expected = new java.util.zip.CRC32();
        for (long sent = 0; sent < total; sent += block.length) {
            expected.update(block);
        }
        java.util.zip.CRC32 actual = new java.util.zip.CRC32();
        long[] received = {0};
        int[] maxCapacity = {0};
        run(() -> {
            Future<Void> done = new Future<>();
            Runnable[] next = new Runnable[1];
            next[0] = () -> p.stream.readBytesPartial(1000).addDoneCallback(f -> {
                maxCapacity[0] = Math.max(maxCapacity[0], p.stream.readBufferCapacity());
                if (f.exception() != null) {
                    if (f.exception() instanceof StreamClosedException && p.stream.error() == null) {
                        done.setResult(null);
                    } else {
                        done.setException(f.exception());
                    }
                    return;
                }
                actual.update(f.result());
                received[0] += f.result().length;
                next[0].run();
            });
            next[0].run();
            return done;
        });
        writer.join();
        assertEquals(total, received[0]);
        assertEquals(expected.getValue(), actual.getValue(), "bytes arrived in order and intact");
        assertTrue(maxCapacity[0] <= 256 * 1024, "read buffer stayed small: " + maxCapacity[0] + " bytes");
    }

    @Test
    void manyBufferedMessages_aCallbackChainKeepsAFlatStack() throws Exception {
        RawPair p = rawPair(MAX);
        int n = 100_000;
        byte[] lines = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            lines[2 * i] = (byte) ('a' + i % 26);
            lines[2 * i + 1] = '\n';
        }
        Thread writer = new Thread(() -> p.peerWrite(lines), "lines-writer");
        writer.start();
        int[] maxDepth = {0};
        int count = run(() -> {
            Future<Integer> done = new Future<>();
            int[] seen = {0};
            Runnable[] next = new Runnable[1];
            // each read the buffer satisfies completes at once, and its callback reads again
            next[0] = () -> p.stream.readUntil(bytes("\n")).addDoneCallback(f -> {
                if (seen[0] % 499 == 0) {
                    maxDepth[0] = Math.max(maxDepth[0], Thread.currentThread().getStackTrace().length);
                }
                if (f.result()[0] != (byte) ('a' + seen[0] % 26)) {
                    done.setException(new AssertionError("line " + seen[0] + " out of order"));
                } else if (++seen[0] == n) {
                    done.setResult(seen[0]);
                } else {
                    next[0].run();
                }
            });
            next[0].run();
            return done;
        });
        writer.join();
        assertEquals(n, count);
        assertTrue(maxDepth[0] < 2000, "the stack stayed bounded: " + maxDepth[0] + " frames");
    }

    @Test
    void idleStream_noticesThePeerClosing() {
        RawPair p = rawPair(MAX);
        AtomicInteger calls = new AtomicInteger();
        Thread[] on = new Thread[1];
        p.stream.setCloseCallback(() -> {
            calls.incrementAndGet();
            on[0] = Thread.currentThread();
        });
        p.peerClose();
        run(() -> until(() -> calls.get() > 0));
        assertTrue(p.stream.isClosed());
        assertEquals(1, calls.get());
        assertSame(Thread.currentThread(), on[0], "the close callback runs on the loop thread");
    }
}
