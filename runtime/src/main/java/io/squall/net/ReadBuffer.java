package io.squall.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * The read side of an {@link IOStream}: bytes received but not yet consumed, in {@code buf[start, end)}.
 *
 * <p>Memory stays bounded under many small reads: consumed bytes are reclaimed by moving the unconsumed
 * tail to the front only when that frees a whole read chunk (so each byte is moved at most a few times),
 * and a buffer that grew large for one big read shrinks back once it is empty. Each channel read is at
 * most {@link #READ_CHUNK} bytes, which also bounds the temporary direct buffer the JDK uses behind a
 * heap buffer.
 */
final class ReadBuffer {

    /** Most bytes asked of the channel in one read call (Tornado's read_chunk_size). */
    static final int READ_CHUNK = 64 * 1024;
    /** Capacity the buffer starts with and shrinks back to. */
    private static final int INITIAL_CAPACITY = READ_CHUNK;
    /** An empty buffer larger than this is replaced by a fresh {@link #INITIAL_CAPACITY} one. */
    private static final int SHRINK_ABOVE = 1024 * 1024;

    private final int maxSize;
    private byte[] buf = new byte[INITIAL_CAPACITY];
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int start;
    private int end;
    /** Where the next delimiter search may start (earlier positions are known not to match). */
    private int scanFrom;

    /**
     * @param maxSize the most bytes this buffer may hold
     */
    ReadBuffer(int maxSize) {
        this.maxSize = maxSize;
    }

    /** Number of buffered, unconsumed bytes. */
    int size() {
        return end - start;
    }

    /** Current capacity of the backing array (for tests and diagnostics). */
    int capacity() {
        return buf.length;
    }

    /** The most bytes this buffer may hold. */
    int maxSize() {
        return maxSize;
    }

    /** True when the buffer holds {@link #maxSize} bytes and cannot read more. */
    boolean isFull() {
        return size() >= maxSize;
    }

    /**
     * Reads once from {@code ch} into the buffer: at most {@link #READ_CHUNK} bytes, never past
     * {@link #maxSize}.
     *
     * @return bytes read, 0 if none were available (or the buffer is full), -1 at end of stream
     * @throws IOException if the channel read fails
     */
    int readFrom(ReadableByteChannel ch) throws IOException {
        int room = Math.min(READ_CHUNK, maxSize - size());
        if (room <= 0) {
            return 0;
        }
        ensureRoom(room);
        view.limit(end + room).position(end);
        int n = ch.read(view);
        if (n > 0) {
            end += n;
        }
        return n;
    }

    /**
     * Finds {@code delimiter} in the unconsumed bytes.
     *
     * @return the number of bytes from the start up to and including the delimiter, or -1
     */
    int find(byte[] delimiter) {
        int from = Math.max(start, scanFrom);
        int last = end - delimiter.length;
        byte first = delimiter[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i + delimiter.length - start;
        }
        // A later match can only begin where the delimiter does not fit yet.
        scanFrom = Math.max(start, last + 1);
        return -1;
    }

    /**
     * Finds the first match of {@code regex} in the unconsumed bytes, each byte seen as one ISO-8859-1
     * character (no copy: the matcher reads the array through a view).
     *
     * @return the number of bytes from the start up to the end of the match, or -1
     */
    int find(java.util.regex.Pattern regex) {
        java.util.regex.Matcher m = regex.matcher(new Latin1View(buf, start, end));
        return m.find() ? m.end() : -1;
    }

    /** Bytes as chars, one for one: what a regex reads when it searches the buffer. */
    private static final class Latin1View implements CharSequence {
        private final byte[] bytes;
        private final int from;
        private final int to;

        Latin1View(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[from + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int s, int e) {
            return new Latin1View(bytes, from + s, from + e);
        }

        @Override
        public String toString() {
            return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Removes the first {@code n} unconsumed bytes and returns them.
     *
     * @param n how many, at most {@link #size()}
     * @return a new array of {@code n} bytes
     */
    byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        if (start == end) {
            reset();
        }
        return out;
    }

    /**
     * Makes room for {@code total} buffered bytes at once (capped at {@link #maxSize}), so that a large
     * {@code readBytes} fills one array instead of doubling its way there.
     */
    void reserve(int total) {
        int wanted = Math.min(total, maxSize);
        if (wanted > buf.length) {
            compactInto(new byte[wanted]);
        }
    }

    /** Forgets where the last delimiter search stopped: the next read may look for another delimiter. */
    void resetScan() {
        scanFrom = start;
    }

    private void reset() {
        start = 0;
        end = 0;
        scanFrom = 0;
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[INITIAL_CAPACITY];
            view = ByteBuffer.wrap(buf);
        }
    }

    /** Makes room for {@code room} more bytes after {@code end}: compacts when that suffices, else grows. */
    private void ensureRoom(int room) {
        if (buf.length - end >= room) {
            return;
        }
        int size = size();
        if (buf.length - size >= room && start >= size) {
            // At least half of what we move over is garbage: amortised O(1) per byte.
            compactInto(buf);
            return;
        }
        long wanted = Math.max((long) buf.length * 2, (long) size + room);
        int capacity = (int) Math.min(wanted, (long) maxSize + READ_CHUNK);
        compactInto(new byte[Math.max(capacity, size + room)]);
    }

    private void compactInto(byte[] target) {
        int size = size();
        System.arraycopy(buf, start, target, 0, size);
        scanFrom = Math.max(0, scanFrom - start);
        if (target != buf) {
            buf = target;
            view = ByteBuffer.wrap(buf);
        }
        start = 0;
        end = size;
    }
}
