package io.squall.http;

/**
 * The bytes a connection has read but its parser has not consumed yet: appended as reads complete, fed to the
 * parser from {@link #start()} to {@link #end()}. Consumed space is reused before the array grows.
 */
final class InputBuffer {
    private final int minCapacity;
    private static final byte[] EMPTY = new byte[0];
    private byte[] bytes = EMPTY;
    private int start;
    private int end;

    /** @param minCapacity the smallest array allocated when the buffer must grow */
    InputBuffer(int minCapacity) {
        this.minCapacity = minCapacity;
    }

    /**
     * Appends {@code data} after the unconsumed bytes, compacting or growing the array if needed; when nothing
     * is unconsumed the buffer keeps {@code data} itself, so the caller must not change it afterwards.
     */
    void append(byte[] data) {
        if (start == end) {
            // Nothing unconsumed: take the caller's (fresh, owned) array rather than copying it. A streamed
            // body then costs one copy less per read.
            bytes = data;
            start = 0;
            end = data.length;
            return;
        }
        if (bytes.length - end < data.length) {
            int live = end - start;
            byte[] target = bytes.length - live >= data.length ? bytes : new byte[Math.max(live + data.length, minCapacity)];
            System.arraycopy(bytes, start, target, 0, live);
            bytes = target;
            start = 0;
            end = live;
        }
        System.arraycopy(data, 0, bytes, end, data.length);
        end += data.length;
    }

    /** Feeds the unconsumed bytes to {@code parser} and consumes what it took. */
    void feed(HTTP1Parser parser) throws HTTPInputException {
        start += parser.feed(bytes, start, end - start);
        if (start == end) {
            release();
        }
    }

    /** All consumed: hold no array while the connection waits for more. */
    private void release() {
        bytes = EMPTY;
        start = 0;
        end = 0;
    }

    boolean isEmpty() {
        return start == end;
    }

    /** Removes and returns every unconsumed byte (for a connection that hands its stream over). */
    byte[] takeAll() {
        byte[] rest = java.util.Arrays.copyOfRange(bytes, start, end);
        release();
        return rest;
    }

    /** Drops every unconsumed byte. */
    void discard() {
        release();
    }
}
