package io.squall.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * The read side of an {@link IOStream}: bytes received but not yet consumed, in {@code buf[start, end)}.
 *
 * <p>An idle stream holds no array at all: a read with nothing buffered goes into the thread's shared
 * {@link Scratch} array (one per loop thread) and the bytes stay there, "borrowed", only until the stream
 * has served its pending read from them; {@link #release()}, called by the stream before it returns to its
 * loop, then copies the unconsumed remainder, if any, into an array of exactly its size. So a connection
 * waiting for its next request costs no buffer, and one holding half a request costs that half. Bytes that
 * keep accumulating (a large {@code readBytes}, a slow header) grow an owned array by doubling, so each
 * byte is copied a bounded number of times; a {@link #reserve reserved} array is read into directly.
 * Each channel read is at most {@link #READ_CHUNK} bytes, which also bounds the temporary direct buffer the
 * JDK uses behind a heap buffer. Loop thread only (or one thread at a time while no loop runs).
 */
final class ReadBuffer {

    /** Most bytes asked of the channel in one read call (Tornado's read_chunk_size). */
    static final int READ_CHUNK = 64 * 1024;
    /** An owned array with at least this much free space after the data is read into directly. */
    private static final int DIRECT_MIN = 8 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final int maxSize;
    private byte[] buf = EMPTY;
    /** A view of {@link #buf} for direct reads, made on demand; null after {@code buf} changes. */
    private ByteBuffer view;
    /** The scratch whose array {@link #buf} is while borrowed (see {@link #release()}), else null. */
    private Scratch lender;
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
     * {@link #maxSize}. With nothing buffered the bytes land in the thread's shared scratch array; call
     * {@link #release()} before the thread moves on to other streams' work.
     *
     * @return bytes read, 0 if none were available (or the buffer is full), -1 at end of stream
     * @throws IOException if the channel read fails
     */
    int readFrom(ReadableByteChannel ch) throws IOException {
        int room = Math.min(READ_CHUNK, maxSize - size());
        if (room <= 0) {
            return 0;
        }
        if (lender != null) {
            release(); // more bytes for a borrowed remainder: move it to an array of its own first
        }
        int direct = Math.min(room, DIRECT_MIN);
        if (buf.length - end < direct && start > 0 && buf.length - size() >= direct) {
            compactInto(buf);
        }
        if (buf.length - end >= direct) {
            if (view == null) {
                view = ByteBuffer.wrap(buf);
            }
            view.limit(end + Math.min(room, buf.length - end)).position(end);
            int n = ch.read(view);
            if (n > 0) {
                end += n;
            }
            return n;
        }
        Scratch s = Scratch.acquire(this);
        ByteBuffer v = s.view;
        v.limit(room).position(0);
        int n;
        try {
            n = ch.read(v);
        } catch (IOException | RuntimeException e) {
            s.owner = null;
            throw e;
        }
        if (n > 0 && size() == 0) {
            buf = s.array;
            view = null;
            lender = s;
            start = 0;
            end = n;
            scanFrom = 0;
            return n;
        }
        s.owner = null;
        if (n > 0) {
            append(s.array, n);
        }
        return n;
    }

    /**
     * Stops borrowing the thread's scratch array: the unconsumed bytes, if any, move to an array of exactly
     * their size. Call before the thread serves another stream (the stream does, at the end of each read).
     */
    void release() {
        if (lender == null) {
            return;
        }
        lender.disown(this);
        lender = null;
        int size = size();
        buf = size == 0 ? EMPTY : Arrays.copyOfRange(buf, start, end);
        view = null;
        scanFrom = Math.max(0, scanFrom - start);
        start = 0;
        end = size;
    }

    /** Appends {@code n} bytes of {@code src} after the unconsumed ones, compacting or doubling the array. */
    private void append(byte[] src, int n) {
        if (buf.length - end < n) {
            int size = size();
            if (buf.length - size >= n && start >= size) {
                compactInto(buf); // at least half of what we move over is garbage: amortised O(1) per byte
            } else {
                long wanted = Math.max((long) buf.length * 2, (long) size + n);
                int capacity = (int) Math.min(wanted, (long) maxSize + READ_CHUNK);
                compactInto(new byte[Math.max(capacity, size + n)]);
            }
        }
        System.arraycopy(src, 0, buf, end, n);
        end += n;
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
        if (wanted > buf.length && wanted > size()) {
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
        if (lender != null) {
            lender.disown(this);
            lender = null;
        }
        buf = EMPTY; // an empty buffer holds no array: the next read goes to the scratch array
        view = null;
    }

    private void compactInto(byte[] target) {
        int size = size();
        System.arraycopy(buf, start, target, 0, size);
        scanFrom = Math.max(0, scanFrom - start);
        if (target != buf) {
            if (lender != null) {
                lender.disown(this);
                lender = null;
            }
            buf = target;
            view = null;
        }
        start = 0;
        end = size;
    }

    /**
     * The read array shared by the streams of one thread (one loop): each read with nothing buffered lands
     * here. At most one buffer borrows it at a time; another that needs it first makes the borrower
     * {@link ReadBuffer#release() release} (copy out its remainder), so bytes are never overwritten.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

        final byte[] array = new byte[READ_CHUNK];
        final ByteBuffer view = ByteBuffer.wrap(array);
        /** The buffer whose unconsumed bytes sit in {@link #array}, or null. */
        ReadBuffer owner;

        /** This thread's scratch, taken for {@code reader}: a previous borrower copies its bytes out first. */
        static Scratch acquire(ReadBuffer reader) {
            Scratch s = CURRENT.get();
            ReadBuffer previous = s.owner;
            if (previous != null && previous != reader) {
                previous.release();
            }
            s.owner = reader;
            return s;
        }

        /** {@code reader} no longer borrows this scratch. */
        void disown(ReadBuffer reader) {
            if (owner == reader) {
                owner = null;
            }
        }
    }
}
