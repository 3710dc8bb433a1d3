package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import org.junit.jupiter.api.Test;

/**
 * The read buffer's memory rules: nothing held while empty, only the unconsumed remainder (sized to it) after
 * a read, and the thread's shared array never overwriting bytes another buffer still needs.
 */
class ReadBufferTest {

    /** A channel that returns the given chunks, one per read call, then 0 (nothing available). */
    private static final class Chunks implements ReadableByteChannel {
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();

        Chunks add(String s) {
            chunks.add(s.getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        @Override
        public int read(ByteBuffer dst) {
            byte[] next = chunks.poll();
            if (next == null) {
                return 0;
            }
            dst.put(next);
            return next.length;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static String take(ReadBuffer b, int n) {
        return new String(b.take(n), StandardCharsets.US_ASCII);
    }

    @Test
    void anEmptyBufferHoldsNoArrayAndARemainderIsKeptAtItsSize() throws Exception {
        ReadBuffer b = new ReadBuffer(1 << 20);
        assertEquals(0, b.capacity());
        Chunks ch = new Chunks().add("GET / HTTP/1.1\r\n\r\nGET /next");
        assertEquals(27, b.readFrom(ch));
        assertEquals(18, b.find("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("GET / HTTP/1.1\r\n\r\n", take(b, 18));
        b.release();
        assertEquals(9, b.capacity(), "only the unconsumed remainder is kept, in an array of its size");
        assertEquals("GET /", take(b, 5));
        assertEquals(4, b.size());
        b.take(4);
        assertEquals(0, b.capacity(), "an emptied buffer drops its array");
    }

    @Test
    void anotherBufferOnTheSameThreadDoesNotOverwriteABorrowedRemainder() throws Exception {
        ReadBuffer a = new ReadBuffer(1 << 20);
        ReadBuffer b = new ReadBuffer(1 << 20);
        a.readFrom(new Chunks().add("abcdef"));
        assertEquals("ab", take(a, 2));
        // a still borrows the shared array (no release yet): b's read makes a copy its bytes out first
        b.readFrom(new Chunks().add("xyz"));
        assertEquals("xyz", take(b, 3));
        assertEquals("cdef", take(a, 4));
    }

    @Test
    void bytesArrivingInPiecesAccumulateInOrder() throws Exception {
        ReadBuffer b = new ReadBuffer(1 << 20);
        Chunks ch = new Chunks();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String piece = "piece-" + i + ";";
            ch.add(piece);
            expected.append(piece);
        }
        for (int i = 0; i < 200; i++) {
            b.readFrom(ch);
            b.release();
        }
        assertEquals(expected.length(), b.size());
        assertArrayEquals(expected.toString().getBytes(StandardCharsets.US_ASCII), b.take(b.size()));
        assertEquals(0, b.capacity());
    }

    @Test
    void aReservedArrayIsReadIntoDirectly() throws Exception {
        ReadBuffer b = new ReadBuffer(1 << 20);
        b.reserve(100_000);
        assertEquals(100_000, b.capacity());
        b.readFrom(new Chunks().add("hello"));
        b.release();
        assertEquals(100_000, b.capacity(), "a reserved array is the buffer's own: kept while it fills");
        assertEquals("hello", take(b, 5));
    }
}
