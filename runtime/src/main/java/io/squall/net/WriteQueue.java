package io.squall.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

import io.squall.Future;

/**
 * The write side of an {@link IOStream}: buffers waiting to be written, in order, and the futures of the
 * writes they belong to. Each write's future is tagged with the total byte count at which all of its bytes
 * are flushed; it is done once that many bytes have gone to the socket.
 *
 * <p>Buffers are written with gathering writes of at most {@link #MAX_WRITE} bytes per call, which bounds
 * the temporary direct buffer the JDK copies heap buffers into. A {@link FileRegion} in the queue is sent
 * on its own with {@code transferTo} (zero-copy to a socket).
 */
final class WriteQueue {

    /** Most bytes handed to the channel in one write call. */
    static final int MAX_WRITE = 256 * 1024;
    /** Most buffers handed to the channel in one gathering write call. */
    private static final int MAX_GATHER = 64;

    /** A write's future and the byte count at which it is flushed. */
    static final class Pending {
        final long mark;
        final Future<Void> future;

        Pending(long mark, Future<Void> future) {
            this.mark = mark;
            this.future = future;
        }
    }

    /**
     * ByteBuffers and FileRegions, in write order; with {@link #pending}, made when a write has to wait and
     * dropped once everything is flushed, so a connection whose writes go straight out holds no queue.
     */
    private ArrayDeque<Object> buffers;
    private ArrayDeque<Pending> pending;
    private long queued;
    private long written;

    /** True when no bytes are waiting. */
    boolean isEmpty() {
        return buffers == null || buffers.isEmpty();
    }

    /** Bytes queued but not yet written. */
    long size() {
        return queued - written;
    }

    /**
     * Queues the remaining bytes of {@code data} (without copying: views share their content) for a
     * write whose completion is {@code future}.
     */
    void add(ByteBuffer[] data, Future<Void> future) {
        makeQueues();
        for (ByteBuffer b : data) {
            if (b.hasRemaining()) {
                buffers.addLast(b.duplicate());
                queued += b.remaining();
            }
        }
        pending.addLast(new Pending(queued, future));
    }

    /** Queues a file region for a write whose completion is {@code future}. */
    void add(FileRegion region, Future<Void> future) {
        makeQueues();
        if (region.remaining() > 0) {
            buffers.addLast(region);
            queued += region.remaining();
        }
        pending.addLast(new Pending(queued, future));
    }

    /**
     * Writes as much as the channel takes, up to {@code budget} bytes.
     *
     * @return bytes written by this call
     * @throws IOException if the channel write fails
     */
    long flush(GatheringByteChannel ch, long budget) throws IOException {
        long total = 0;
        ByteBuffer[] gather = null;
        while (!isEmpty() && total < budget) {
            if (buffers.peekFirst() instanceof FileRegion) {
                FileRegion region = (FileRegion) buffers.peekFirst();
                long want = Math.min(region.remaining(), budget - total);
                long n = region.transferTo(ch, want);
                written += n;
                total += n;
                if (region.remaining() == 0) {
                    buffers.pollFirst();
                }
                if (n < want) {
                    break; // the socket buffer is full
                }
                continue;
            }
            if (gather == null) {
                gather = new ByteBuffer[Math.min(buffers.size(), MAX_GATHER)];
            }
            int count = 0;
            long batch = 0;
            ByteBuffer limited = null;
            int savedLimit = 0;
            for (Object o : buffers) {
                if (count == gather.length || batch >= MAX_WRITE || o instanceof FileRegion) {
                    break;
                }
                ByteBuffer b = (ByteBuffer) o;
                int take = b.remaining();
                if (batch + take > MAX_WRITE) {
                    take = (int) (MAX_WRITE - batch);
                    limited = b;
                    savedLimit = b.limit();
                    b.limit(b.position() + take);
                }
                gather[count++] = b;
                batch += take;
            }
            long n;
            try {
                n = ch.write(gather, 0, count);
            } finally {
                if (limited != null) {
                    limited.limit(savedLimit);
                }
                java.util.Arrays.fill(gather, 0, count, null);
            }
            written += n;
            total += n;
            while (!buffers.isEmpty() && buffers.peekFirst() instanceof ByteBuffer
                    && !((ByteBuffer) buffers.peekFirst()).hasRemaining()) {
                buffers.pollFirst();
            }
            if (n < batch) {
                break; // the socket buffer is full
            }
        }
        return total;
    }

    /** Cancels the futures of all queued writes, their bytes staying queued (the loop is closing). */
    void cancelFutures() {
        if (pending == null) {
            return;
        }
        for (Pending p : pending.toArray(new Pending[0])) {
            p.future.cancel();
        }
    }

    /** Removes and returns the next write whose bytes are all flushed, or null. */
    Pending pollFlushed() {
        Pending p = pending == null ? null : pending.peekFirst();
        if (p != null && p.mark <= written) {
            pending.pollFirst();
            dropQueuesIfDone();
            return p;
        }
        return null;
    }

    /** Removes and returns the next waiting write, flushed or not, or null; used on close. */
    Pending pollAny() {
        return pending == null ? null : pending.pollFirst();
    }

    /** Drops all queued bytes (on close). */
    void clear() {
        if (buffers != null) {
            buffers.clear();
            dropQueuesIfDone();
        }
    }

    /** Counts bytes written straight to the channel, bypassing the queue (which must be empty). */
    void wroteDirectly(long n) {
        queued += n;
        written += n;
    }

    private void makeQueues() {
        if (buffers == null) {
            buffers = new ArrayDeque<>(4);
            pending = new ArrayDeque<>(4);
        }
    }

    private void dropQueuesIfDone() {
        if (buffers.isEmpty() && pending.isEmpty()) {
            buffers = null;
            pending = null;
        }
    }
}
