package io.squall.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.internal.Log;
import io.squall.internal.LoopCloseHook;
import io.squall.internal.OffLoop;

/**
 * A buffered, non-blocking stream over a connected {@link SocketChannel}, driven by one {@link IOLoop}:
 * Tornado's {@code IOStream}.
 *
 * <p>Reads return futures of byte arrays: {@link #readUntil}, {@link #readBytes},
 * {@link #readBytesPartial} and {@link #readUntilClose}. Only one read may be pending at a time. A read is
 * served from the buffer first, at once, and then from the socket without waiting for readiness; only if
 * that is not enough does the stream wait for the socket to become readable. So the returned future is
 * often already done. Received bytes are buffered up to {@link #maxBufferSize()}; a read that cannot be
 * satisfied within that fails with {@link StreamBufferFullException} and closes the stream. Cancelling a
 * read's future abandons the read: the bytes it would have taken stay buffered for the next one.
 *
 * <p>{@link #write} queues bytes (without copying them: do not change an array or buffer passed to
 * {@code write} until its future is done) and returns a future that completes once those bytes have been
 * handed to the socket. Queued buffers go out with gathering writes. Cancelling a write's future does not
 * take its bytes back.
 *
 * <p>When the stream closes (locally, by the peer, or because of an error), a pending read is still
 * satisfied if the buffered bytes suffice ({@code readUntilClose} gets everything buffered); otherwise it
 * fails with {@link StreamClosedException}, whose cause is the real error, as do pending writes and any
 * later operation. The close callback then runs once, on the loop.
 *
 * <p>Threads: use a stream on its loop's thread. {@link #write} and {@link #close} are the exceptions:
 * called from another thread while the loop runs, they hand the work to the loop (so are the getters, which
 * only read). The reads, {@link #writeFile}, {@link #startTls}, {@link #shutdownOutput},
 * {@link #setCloseCallback} and {@link #setCloseOnEof} called from another thread while the loop runs would
 * race with it, and throw an {@link IllegalStateException} naming the loop's thread and the caller's; hand
 * them to the loop with {@code stream.loop().addCallback(() -> ...)}. While the loop is not running (set up
 * before {@code start()}, or after it stopped) any one thread at a time may use the stream.
 *
 * <pre>
 *   state    reads                                   writes                      leaves by
 *   open     from the buffer, then the socket        queued, flushed in order    EOF, an I/O error, a full
 *                                                                                buffer, an unsatisfiable
 *                                                                                read, or close()
 *   closed   from the buffer only; else fail with    fail with                   -
 *            StreamClosedException(cause = error())  StreamClosedException
 *   half-    from the buffer only; else fail with    queued, flushed in order    close(), an I/O error
 *   closed   StreamClosedException (cause null)
 * </pre>
 *
 * <p>TLS: {@link #startTls} puts an {@code SSLEngine} stage between the buffers and the socket; reads and
 * writes then carry plaintext and everything above the stream works unchanged (see {@link TLS}).
 *
 * <p>Half-closed is reached only in half-close mode ({@link #setCloseOnEof setCloseOnEof(false)}), when the
 * peer ends its side of the connection.
 *
 * <pre>
 *   IOStream stream = new IOStream(channel);
 *   stream.write("hello\n".getBytes(UTF_8));
 *   stream.readUntil("\n".getBytes(UTF_8)).addDoneCallback(f -&gt; System.out.println(f.result().length));
 * </pre>
 */
public class IOStream {

    /** The default limit on buffered, unread bytes: 100 MiB, as in Tornado. */
    public static final int DEFAULT_MAX_BUFFER_SIZE = 100 * 1024 * 1024;

    /** Most chunks read for one readiness event before other channels get their turn. */
    private static final int READS_PER_EVENT = 16;
    /** Most bytes written for one readiness event (or one inline write) before others get their turn. */
    private static final long WRITE_BUDGET = 4L * 1024 * 1024;
    /**
     * How many futures one loop task may complete inline before the next completion is handed to the loop.
     * Reads the buffer satisfies complete at once, and a done future runs a newly added callback at once,
     * so a callback that reads again would otherwise grow the stack by a few frames per buffered message;
     * past this budget a completion runs right after the current task returns, on a flat stack.
     */
    private static final int MAX_INLINE_COMPLETIONS = 32;
    /** Most buffers in a write that may go straight to the socket, bypassing the write queue. */
    private static final int MAX_DIRECT_BUFFERS = 8;
    private static final ThreadLocal<InlineBudget> INLINE_BUDGET = ThreadLocal.withInitial(InlineBudget::new);
    /** A done callback that does nothing: added to write futures so their failures count as seen. */
    private static final Consumer<Future<Void>> IGNORE = f -> { };

    private final SocketChannel channel;
    private final IOLoop loop;
    private final ReadBuffer readBuffer;
    private final WriteQueue writeQueue = new WriteQueue();
    private final InetSocketAddress remoteAddress;
    private final IOLoop.IOHandler handler = new Handler();

    private ReadOp pendingRead;
    private boolean registered;
    private int interest;
    /** Volatile so that {@link #isClosed()} is current on any thread; written on the loop thread. */
    private volatile boolean closed;
    private boolean eof;
    /** False in half-close mode: an end of stream from the peer is remembered, and the write side stays open. */
    private boolean closeOnEof = true;
    /** Where reads come from and writes go: the channel itself, or the TLS stage after {@link #startTls}. */
    private ReadableByteChannel source;
    private GatheringByteChannel sink;
    /** The TLS stage, or null for a plain stream. */
    private TLSLayer tls;
    private Future<IOStream> handshake;
    private Throwable error;
    private Runnable closeCallback;
    private List<Runnable> closeListeners;

    /**
     * Creates a stream over {@code channel} on the current thread's loop ({@link IOLoop#current()}), with
     * a read buffer of at most {@link #DEFAULT_MAX_BUFFER_SIZE} bytes.
     *
     * @param channel a connected socket channel; it is switched to non-blocking mode
     * @throws UncheckedIOException if the channel cannot be made non-blocking
     */
    public IOStream(SocketChannel channel) {
        this(channel, IOLoop.current(), DEFAULT_MAX_BUFFER_SIZE);
    }

    /**
     * Creates a stream over {@code channel} on {@code loop}.
     *
     * @param channel a connected socket channel; it is switched to non-blocking mode
     * @param loop the loop whose thread drives this stream
     * @param maxBufferSize the most received bytes to buffer before a read must consume them
     * @throws IllegalArgumentException if {@code maxBufferSize} is not positive
     * @throws UncheckedIOException if the channel cannot be made non-blocking
     */
    public IOStream(SocketChannel channel, IOLoop loop, int maxBufferSize) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.loop = Objects.requireNonNull(loop, "loop");
        if (maxBufferSize <= 0) {
            throw new IllegalArgumentException("IOStream: maxBufferSize must be positive, got " + maxBufferSize);
        }
        this.readBuffer = new ReadBuffer(maxBufferSize);
        try {
            channel.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("IOStream: cannot make " + channel + " non-blocking: " + e.getMessage(), e);
        }
        InetSocketAddress remote = null;
        try {
            remote = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            // a channel closed already: the stream reports itself closed on first use
        }
        this.remoteAddress = remote;
        this.source = channel;
        this.sink = channel;
        if (!channel.isOpen()) {
            closed = true;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads up to and including the first occurrence of {@code delimiter}.
     *
     * @param delimiter the bytes to look for, not empty
     * @param maxBytes the most bytes the result (delimiter included) may have
     * @return a future of the bytes read, delimiter included. It fails with
     *     {@link UnsatisfiableReadException} (and the stream is closed) if the delimiter does not end within
     *     {@code maxBytes} bytes; with {@link StreamBufferFullException} if the read buffer fills first; with
     *     {@link StreamClosedException} if the stream closes before the delimiter arrives
     * @throws IllegalArgumentException if the delimiter is empty or {@code maxBytes} is not positive
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readUntil(byte[] delimiter, int maxBytes) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("readUntil: the delimiter must not be empty");
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("readUntil: maxBytes must be positive, got " + maxBytes);
        }
        return startRead(new ReadOp(ReadOp.UNTIL, delimiter.clone(), maxBytes));
    }

    /**
     * Reads up to and including the first occurrence of {@code delimiter}, with at most
     * {@link #maxBufferSize()} bytes.
     *
     * @param delimiter the bytes to look for, not empty
     * @return a future of the bytes read, delimiter included; fails as {@link #readUntil(byte[], int)}
     * @throws IllegalArgumentException if the delimiter is empty
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readUntil(byte[] delimiter) {
        return readUntil(delimiter, readBuffer.maxSize());
    }

    /**
     * Reads up to and including the end of the first match of {@code regex} in the bytes received: Tornado's
     * {@code read_until_regex}. The pattern sees each byte as one character (ISO-8859-1), so byte offsets and
     * match offsets agree and ASCII patterns work on UTF-8 text ({@code "\\r?\\n\\r?\\n"}, {@code "END \\d+\\n"}).
     * The search starts over from the first unread byte each time more bytes arrive, as Tornado's does.
     *
     * @param regex the pattern to find
     * @param maxBytes the most bytes the result (match included) may have
     * @return a future of the bytes read, match included. It fails with {@link UnsatisfiableReadException}
     *     (and the stream is closed) if no match ends within {@code maxBytes} bytes; with
     *     {@link StreamBufferFullException} if the read buffer fills first; with {@link StreamClosedException}
     *     if the stream closes before a match arrives
     * @throws NullPointerException if {@code regex} is null
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readUntilRegex(java.util.regex.Pattern regex, int maxBytes) {
        Objects.requireNonNull(regex, "regex");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("readUntilRegex: maxBytes must be positive, got " + maxBytes);
        }
        return startRead(new ReadOp(regex, maxBytes));
    }

    /**
     * Reads up to and including the end of the first match of {@code regex}, with at most
     * {@link #maxBufferSize()} bytes; see {@link #readUntilRegex(java.util.regex.Pattern, int)}.
     *
     * @param regex the pattern to find
     * @return a future of the bytes read, match included; fails as
     *     {@link #readUntilRegex(java.util.regex.Pattern, int)}
     * @throws NullPointerException if {@code regex} is null
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readUntilRegex(java.util.regex.Pattern regex) {
        return readUntilRegex(regex, readBuffer.maxSize());
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @param n how many bytes, zero or more
     * @return a future of the {@code n} bytes. It fails with {@link StreamClosedException} if the stream
     *     closes first (bytes already buffered stay buffered), or with {@link StreamBufferFullException}
     *     (closing the stream) if {@code n} exceeds {@link #maxBufferSize()}
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("readBytes: n must not be negative, got " + n);
        }
        return startRead(new ReadOp(ReadOp.BYTES, null, n));
    }

    /**
     * Reads between 1 and {@code maxBytes} bytes, as soon as any are available.
     *
     * @param maxBytes the most bytes to return, positive
     * @return a future of the bytes; fails with {@link StreamClosedException} if the stream closes with
     *     nothing buffered
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readBytesPartial(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("readBytesPartial: maxBytes must be positive, got " + maxBytes);
        }
        return startRead(new ReadOp(ReadOp.PARTIAL, null, maxBytes));
    }

    /**
     * Reads everything until the peer closes the stream (or it is closed locally).
     *
     * @return a future of all the bytes received and not read before. It fails with
     *     {@link StreamClosedException} if the stream is closed by an error (such as a reset), and with
     *     {@link StreamBufferFullException} (closing the stream) if more than {@link #maxBufferSize()}
     *     bytes arrive
     * @throws IllegalStateException if another read is pending, or if called off the loop thread while the loop runs
     */
    public Future<byte[]> readUntilClose() {
        return startRead(new ReadOp(ReadOp.UNTIL_CLOSE, null, 0));
    }

    private Future<byte[]> startRead(ReadOp op) {
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw OffLoop.refusal("IOStream." + op.describe(), this, loop, READ_ADVICE);
        }
        op.stream = this;
        op.future.describeAs(op);
        if (pendingRead != null && pendingRead.future.isDone()) {
            pendingRead = null; // cancelled by its caller: abandoned, nothing consumed
        }
        if (pendingRead != null) {
            throw new IllegalStateException("IOStream " + this + ": " + pendingRead.describe()
                    + " is still pending; wait for its future before calling " + op.describe()
                    + " (one read at a time)");
        }
        pendingRead = op;
        readBuffer.resetScan();
        if (satisfyFromBuffer()) {
            return op.future;
        }
        if (closed) {
            failPendingRead();
            return op.future;
        }
        if (eof) {
            finishReadAtEof();
            return op.future;
        }
        if (op.kind == ReadOp.BYTES) {
            if (op.limit > readBuffer.maxSize()) {
                failBufferFull();
                return op.future;
            }
            readBuffer.reserve(op.limit);
        }
        readFromChannel();
        updateInterest();
        return op.future;
    }

    /**
     * Completes the pending read from the buffer if the buffer holds enough.
     *
     * @return true if the pending read was completed (or failed as unsatisfiable)
     */
    private boolean satisfyFromBuffer() {
        ReadOp op = pendingRead;
        if (op == null) {
            return false;
        }
        if (op.future.isDone()) {
            pendingRead = null; // cancelled: leave the bytes for the next read
            return true;
        }
        int size = readBuffer.size();
        int n;
        switch (op.kind) {
            case ReadOp.UNTIL:
            case ReadOp.UNTIL_REGEX: {
                int found = op.kind == ReadOp.UNTIL ? readBuffer.find(op.delimiter) : readBuffer.find(op.regex);
                if (found > op.limit || (found < 0 && size >= op.limit)) {
                    failUnsatisfiable(found);
                    return true;
                }
                if (found < 0) {
                    return false;
                }
                n = found;
                break;
            }
            case ReadOp.BYTES:
                if (size < op.limit) {
                    return false;
                }
                n = op.limit;
                break;
            case ReadOp.PARTIAL:
                if (size == 0) {
                    return false;
                }
                n = Math.min(size, op.limit);
                break;
            case ReadOp.UNTIL_CLOSE:
                if (!closed || error != null) {
                    return false;
                }
                n = size;
                break;
            default:
                throw new AssertionError("unknown read kind " + op.kind);
        }
        pendingRead = null;
        complete(op.future, readBuffer.take(n));
        return true;
    }

    /** Reads from the socket until the pending read is satisfied, nothing is available, or EOF/error. */
    private void readFromChannel() {
        try {
            readChunks();
        } finally {
            readBuffer.release(); // what the read left unconsumed leaves the loop's shared array
        }
    }

    private void readChunks() {
        for (int i = 0; i < READS_PER_EVENT && pendingRead != null && !closed && !eof; i++) {
            if (readBuffer.isFull()) {
                failBufferFull();
                return;
            }
            int n;
            try {
                n = readBuffer.readFrom(source);
            } catch (IOException e) {
                close(e);
                return;
            }
            if (n < 0) {
                onEof();
                return;
            }
            if (n == 0 || satisfyFromBuffer()) {
                return;
            }
        }
    }

    /** Readable with no read pending: buffer one chunk, to notice the peer closing (Tornado does this too). */
    private void readWhileIdle() {
        try {
            if (readBuffer.readFrom(source) < 0) {
                onEof();
            }
        } catch (IOException e) {
            close(e);
        } finally {
            readBuffer.release();
        }
    }

    /**
     * The peer closed its side. By default the stream closes; in half-close mode it stays open for writing
     * and the pending read (if any) completes from the buffer or fails, as every later read that the
     * buffer cannot satisfy does.
     */
    private void onEof() {
        eof = true;
        if (closeOnEof) {
            close(null);
        } else if (pendingRead != null && !satisfyFromBuffer()) {
            finishReadAtEof();
        }
    }

    /** Half-close mode, after EOF: readUntilClose gets what is buffered; any other read fails. */
    private void finishReadAtEof() {
        ReadOp op = pendingRead;
        pendingRead = null;
        if (op.kind == ReadOp.UNTIL_CLOSE) {
            complete(op.future, readBuffer.take(readBuffer.size()));
            return;
        }
        int buffered = readBuffer.size();
        String detail = buffered > 0 ? " (" + buffered + " unread bytes are buffered)" : "";
        fail(op.future, new StreamClosedException("IOStream " + describePeer() + ": the peer closed its side"
                + " (end of stream); " + op.describe() + " cannot complete" + detail + ". The stream is still"
                + " open for writing (half-close mode); close() it when done"));
    }

    private void failUnsatisfiable(int found) {
        ReadOp op = pendingRead;
        pendingRead = null;
        String what = op.kind == ReadOp.UNTIL_REGEX ? "a match" : "the delimiter";
        String where = found >= 0 ? "it ends after " + found + " bytes"
                : "it is not among the first " + readBuffer.size() + " bytes";
        UnsatisfiableReadException e = new UnsatisfiableReadException("IOStream " + describePeer() + ": "
                + op.describe() + " cannot be satisfied: " + what + " must end within " + op.limit
                + " bytes but " + where + "; the stream is closed (raise maxBytes if such input is valid)");
        close(e);
        fail(op.future, e);
    }

    private void failBufferFull() {
        ReadOp op = pendingRead;
        pendingRead = null;
        StreamBufferFullException e = new StreamBufferFullException("IOStream " + describePeer() + ": "
                + op.describe() + " cannot be satisfied: the read buffer reached its maximum of "
                + readBuffer.maxSize() + " bytes (" + readBuffer.size() + " buffered); the stream is closed."
                + " Read in smaller pieces or create the stream with a larger maxBufferSize");
        close(e);
        fail(op.future, e);
    }

    private void failPendingRead() {
        ReadOp op = pendingRead;
        pendingRead = null;
        fail(op.future, closedException(op.describe()));
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Queues {@code data} for writing. The array is not copied: do not modify it until the future is done.
     *
     * @param data the bytes to write
     * @return a future that completes when all of {@code data} has been written to the socket (after every
     *     earlier write); it fails with {@link StreamClosedException} if the stream is or becomes closed
     *     first
     */
    public Future<Void> write(byte[] data) {
        Objects.requireNonNull(data, "data");
        return write(ByteBuffer.wrap(data));
    }

    /**
     * Queues the remaining bytes of {@code buffers} for one gathering write. The buffers' positions are
     * not changed and their contents not copied: do not modify them until the future is done.
     *
     * @param buffers the bytes to write, in order
     * @return a future that completes when all of these bytes have been written to the socket (after every
     *     earlier write); it fails with {@link StreamClosedException} if the stream is or becomes closed
     *     first
     */
    public Future<Void> write(ByteBuffer... buffers) {
        Objects.requireNonNull(buffers, "buffers");
        for (ByteBuffer b : buffers) {
            Objects.requireNonNull(b, "write: a buffer is null");
        }
        if (!loop.inLoopThread() && loop.isRunning()) {
            return writeFromAnotherThread(buffers);
        }
        if (!closed && tls == null && writeQueue.isEmpty() && buffers.length <= MAX_DIRECT_BUFFERS) {
            Future<Void> done = writeDirectly(buffers);
            if (done != null) {
                return done;
            }
        }
        Future<Void> f = newWriteFuture();
        if (closed) {
            f.setException(closedException("write"));
            return f;
        }
        boolean wasIdle = writeQueue.isEmpty();
        writeQueue.add(buffers, f);
        if (wasIdle) {
            flushWrites();
        }
        updateInterest();
        return f;
    }

    /**
     * Queues {@code count} bytes of {@code file} from {@code position} for writing, after every earlier
     * write, with {@link java.nio.channels.FileChannel#transferTo}: on a plain socket that is {@code sendfile(2)}
     * on Linux, and the bytes go from the page cache to the socket without passing through the Java heap;
     * when the stream writes through another channel (such as a TLS layer) the JDK copies them into it
     * through a small buffer, so the file is still never loaded whole. Reading
     * the file happens on the loop thread as the socket drains, as Tornado's StaticFileHandler reads it; a
     * file on a slow network disk stalls the loop. The stream does not close {@code file}: close it when
     * the returned future is done (it always completes, also when the stream closes).
     *
     * @param file an open file channel, readable
     * @param position the first byte to send
     * @param count how many bytes to send
     * @return completes when the bytes are written to the socket; fails with {@link StreamClosedException}
     *     if the stream is or becomes closed first, or an {@link IOException} cause if the file cannot be
     *     read or shrank
     * @throws IllegalArgumentException if position or count is negative
     * @throws IllegalStateException if called off the loop thread while the loop runs
     */
    public Future<Void> writeFile(java.nio.channels.FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("writeFile: position " + position + " and count " + count
                    + " must not be negative");
        }
        checkLoopThread("writeFile()");
        Future<Void> f = newWriteFuture();
        if (closed) {
            f.setException(closedException("writeFile"));
            return f;
        }
        boolean wasIdle = writeQueue.isEmpty();
        writeQueue.add(new FileRegion(file, position, count), f);
        if (wasIdle) {
            flushWrites();
        }
        updateInterest();
        return f;
    }

    /**
     * The common case of a response: nothing queued, a plain socket, a few buffers. Writes them with one
     * gathering write straight from the caller's buffers (their positions are put back, as {@link #write}
     * promises) and, when the socket took everything, returns a done future without queueing anything.
     *
     * @return the done future, or null if some bytes remain: those advanced positions are restored and the
     *     caller queues the buffers as usual; the queue then starts where the socket stopped
     */
    private Future<Void> writeDirectly(ByteBuffer[] buffers) {
        int count = buffers.length;
        int[] positions = new int[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            positions[i] = buffers[i].position();
            total += buffers[i].remaining();
        }
        if (total > WriteQueue.MAX_WRITE) {
            return null;
        }
        long n;
        try {
            n = total == 0 ? 0 : channel.write(buffers);
        } catch (IOException e) {
            for (int i = 0; i < count; i++) {
                buffers[i].position(positions[i]);
            }
            close(e);
            return null; // the usual path fails the write with the stream's error
        }
        if (n == total) {
            for (int i = 0; i < count; i++) {
                buffers[i].position(positions[i]);
            }
            writeQueue.wroteDirectly(n);
            return Future.of(null);
        }
        // The socket took part: queue views of the rest, then give the caller its positions back.
        writeQueue.wroteDirectly(n);
        ByteBuffer[] rest = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            rest[i] = buffers[i].duplicate();
            buffers[i].position(positions[i]);
        }
        Future<Void> f = newWriteFuture();
        writeQueue.add(rest, f);
        updateInterest();
        return f;
    }

    /**
     * A write's future counts its failure as seen (as Tornado does): writing and not waiting is common,
     * and when the stream closes, the reader or the close callback reports why; a log record for every
     * abandoned write would only be noise.
     */
    private static Future<Void> newWriteFuture() {
        Future<Void> f = new Future<>();
        f.addDoneCallback(IGNORE);
        return f;
    }

    private Future<Void> writeFromAnotherThread(ByteBuffer[] buffers) {
        ByteBuffer[] views = new ByteBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            views[i] = buffers[i].duplicate();
        }
        Future<Void> f = newWriteFuture();
        try {
            loop.addCallback(() -> write(views).addDoneCallback(done -> {
                Throwable t = done.exception();
                if (t != null) {
                    f.trySetException(t);
                } else {
                    f.trySetResult(null);
                }
            }));
        } catch (IllegalStateException loopClosed) {
            f.setException(new StreamClosedException("IOStream " + describePeer() + ": its IOLoop is closed;"
                    + " write cannot complete", loopClosed));
        }
        return f;
    }

    private void flushWrites() {
        try {
            if (tls != null) {
                tls.flush();
            }
            writeQueue.flush(sink, WRITE_BUDGET);
        } catch (IOException e) {
            close(e);
            return;
        }
        WriteQueue.Pending p;
        while ((p = writeQueue.pollFlushed()) != null) {
            complete(p.future, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Readiness

    private void onReady(int ops) {
        if (closed) {
            return;
        }
        if ((ops & IOLoop.READ) != 0) {
            if (pendingRead != null) {
                readFromChannel();
            } else {
                readWhileIdle();
            }
        }
        if (!closed && ((ops & IOLoop.WRITE) != 0 || (tls != null && !writeQueue.isEmpty()))) {
            flushWrites();
        }
        updateInterest();
    }

    /**
     * Registers for what the stream waits for: READ while a read is pending (or, when idle with an empty
     * buffer, to notice the peer closing), WRITE while bytes are queued.
     */
    private void updateInterest() {
        if (closed) {
            return;
        }
        int want = 0;
        if (!eof && (pendingRead != null || readBuffer.size() == 0)) {
            want |= IOLoop.READ;
        }
        if (!writeQueue.isEmpty()) {
            want |= IOLoop.WRITE;
        }
        if (tls != null) {
            want = tls.interest(want);
        }
        if (registered && want == interest) {
            return;
        }
        try {
            if (!registered) {
                if (want == 0) {
                    return;
                }
                loop.addHandler(channel, handler, want);
                registered = true;
            } else {
                loop.updateHandler(channel, want);
            }
            interest = want;
        } catch (RuntimeException e) {
            close(e instanceof UncheckedIOException ? e.getCause() : e);
        }
    }

    /**
     * Takes over the loop registration of this stream's channel that {@code relay} holds (interest paused),
     * instead of registering anew; see {@link HandlerRelay}. Call on the loop thread before any other use.
     */
    void adoptRegistration(HandlerRelay relay) {
        relay.retarget(handler);
        registered = true;
        interest = 0;
    }

    // ---------------------------------------------------------------------------------------------------
    // TLS

    /**
     * Starts TLS on this connected stream (Tornado's {@code start_tls}, Netty's {@code SslHandler}): from now
     * on reads return decrypted bytes and writes are encrypted, so code above the stream does not change.
     * The handshake begins at once and runs on the loop; reads and writes may be issued right away and
     * wait for it. Delegated engine tasks run on the loop's executor ({@link IOLoop#runInExecutor}). Call
     * on the loop thread, with no read pending and nothing buffered or queued.
     *
     * @param engine a configured engine ({@link TLS#serverEngine}, {@link TLS#clientEngine}, or your own:
     *     client or server mode set)
     * @param handshakeTimeout the most time the handshake may take before the stream is closed, or null
     *     for no limit
     * @return a future completed with this stream when the handshake is done; failed (and the stream
     *     closed) with an {@link SSLHandshakeException} if it fails or times out, or with the
     *     {@link StreamClosedException} if the stream closes first
     * @throws IllegalStateException if the stream is closed, already uses TLS, or has a pending read,
     *     buffered bytes or queued writes; or if called off the loop thread while the loop runs
     */
    public Future<IOStream> startTls(SSLEngine engine, Duration handshakeTimeout) {
        Objects.requireNonNull(engine, "engine");
        checkLoopThread("startTls()");
        if (closed || tls != null || pendingRead != null && !pendingRead.future.isDone()
                || readBuffer.size() > 0 || !writeQueue.isEmpty()) {
            throw new IllegalStateException("IOStream " + this + ": startTls needs an open plain stream with no"
                    + " pending read, nothing buffered and nothing queued to write");
        }
        Future<IOStream> done = new Future<>();
        handshake = done;
        try {
            tls = new TLSLayer(engine, channel, loop, this::resumeAfterTask, () -> {
                handshake = null;
                // Not inline: this runs inside a channel read, and a callback that reads or writes at once
                // would re-enter the buffers that read is filling.
                runOnLoop(() -> done.trySetResult(this));
            });
        } catch (SSLException e) {
            close(e);
            done.trySetException(e);
            return done;
        }
        source = tls;
        sink = tls;
        if (handshakeTimeout != null) {
            io.squall.Timeout timer = loop.callLater(handshakeTimeout, () -> {
                if (!done.isDone()) {
                    close(new SSLHandshakeException("TLS handshake " + describePeer() + " did not finish within "
                            + handshakeTimeout.toMillis() + " ms; closing the connection"));
                }
            });
            done.addDoneCallback(f -> loop.removeTimeout(timer));
        }
        flushWrites(); // a client's hello goes out now
        updateInterest();
        return done;
    }

    /**
     * Tells whether this stream speaks TLS ({@link #startTls} was called).
     *
     * @return true for a TLS stream
     */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * Returns the TLS engine of this stream, for the negotiated session ({@code getSession()}: protocol,
     * cipher suite, peer certificates) or the application protocol chosen by ALPN.
     *
     * @return the engine, or null for a plain stream
     */
    public SSLEngine sslEngine() {
        return tls == null ? null : tls.engine();
    }

    /**
     * Half-closes the connection: on TLS sends close_notify first, then shuts down the socket's output (the
     * peer reads an end of stream); reading goes on. Call on the loop thread once writes are flushed.
     *
     * @throws IOException if the socket's output cannot be shut down
     * @throws IllegalStateException if called off the loop thread while the loop runs
     */
    public void shutdownOutput() throws IOException {
        checkLoopThread("shutdownOutput()");
        if (tls != null) {
            tls.shutdownOutput();
        }
        channel.shutdownOutput();
    }

    /** A delegated TLS task finished: retry what waited for it. */
    private void resumeAfterTask() {
        if (!closed) {
            onReady(IOLoop.READ | IOLoop.WRITE);
        }
    }

    /** What a refused read says to do. */
    private static final String READ_ADVICE = "a stream is read by a coroutine (or callback) on its loop: await the"
            + " read there, and move only the blocking work to a pool with await(loop.runInExecutor(...))";

    /**
     * Refuses a loop-thread-only method called from another thread while the loop runs (see the class comment):
     * one volatile read and a compare on the loop thread.
     */
    private void checkLoopThread(String op) {
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw OffLoop.refusal("IOStream." + op, this, loop, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Closing

    /** Closes the stream cleanly: pending operations fail (or complete from the buffer), see {@link #close(Throwable)}. */
    public void close() {
        close(null);
    }

    /**
     * Closes the stream and its channel at once. A pending read that the buffered bytes satisfy completes;
     * otherwise it fails with a {@link StreamClosedException} whose cause is {@code cause}, as do pending
     * writes: bytes not yet flushed are dropped, so wait for a write's future before closing if they
     * matter (as in Tornado). The close callback then runs once, on the loop. Closing a closed stream does
     * nothing. Safe from any thread: off the loop thread of a running loop, the close is handed to the loop.
     *
     * @param cause why the stream is closed (reported by {@link #error()}), or null for a clean close
     */
    public void close(Throwable cause) {
        if (closed) {
            return;
        }
        if (!loop.inLoopThread() && loop.isRunning()) {
            loop.addCallback(() -> close(cause));
            return;
        }
        closed = true;
        error = cause;
        if (registered) {
            registered = false;
            try {
                loop.removeHandler(channel);
            } catch (RuntimeException e) {
                Log.debug("IOStream.close: removing the handler of " + channel + " failed: " + e);
            }
        }
        if (tls != null) {
            tls.closeOutbound(); // close_notify, best effort
        }
        try {
            channel.close();
        } catch (IOException e) {
            Log.debug("IOStream.close: closing " + channel + " failed: " + e);
        }
        if (pendingRead != null && !satisfyFromBuffer() && pendingRead != null) {
            failPendingRead();
        }
        WriteQueue.Pending p;
        while ((p = writeQueue.pollAny()) != null) {
            fail(p.future, closedException("write"));
        }
        Future<IOStream> hs = handshake;
        if (hs != null) {
            handshake = null;
            fail(hs, cause instanceof SSLException ? cause : closedException("the TLS handshake"));
        }
        writeQueue.clear();
        runCloseCallbacks();
    }

    /**
     * Sets the callback run once, on the loop, when the stream closes (replacing any earlier one). If the
     * stream is already closed, it is scheduled at once.
     *
     * @param cb the callback, or null to remove it
     * @throws IllegalStateException if called off the loop thread while the loop runs
     */
    public void setCloseCallback(Runnable cb) {
        checkLoopThread("setCloseCallback()");
        closeCallback = cb;
        if (closed) {
            runCloseCallbacks();
        } else {
            updateInterest();
        }
    }

    /**
     * Adds a listener run once, on the loop, when the stream closes, alongside the close callback; for
     * components such as {@link TCPServer} that track streams without taking the user's close callback.
     */
    void addCloseListener(Runnable listener) {
        if (closed) {
            runOnLoop(listener);
            return;
        }
        if (closeListeners == null) {
            closeListeners = new ArrayList<>(2);
        }
        closeListeners.add(listener);
    }

    private void runCloseCallbacks() {
        Runnable cb = closeCallback;
        closeCallback = null;
        if (cb != null) {
            runOnLoop(cb);
        }
        List<Runnable> listeners = closeListeners;
        closeListeners = null;
        if (listeners != null) {
            for (Runnable l : listeners) {
                runOnLoop(l);
            }
        }
    }

    private void runOnLoop(Runnable r) {
        try {
            loop.dispatch(r);
        } catch (IllegalStateException loopClosed) {
            try {
                r.run();
            } catch (Throwable t) {
                Log.error("Exception in close callback of IOStream " + this, t);
            }
        }
    }

    /**
     * The stream's registration with its loop. Through it {@link IOLoop#close()} reaches the stream: it
     * cancels the pending read and writes (so coroutines awaiting them unwind with a
     * {@link java.util.concurrent.CancellationException}), then closes the stream, whose loop is gone.
     */
    private final class Handler implements IOLoop.IOHandler, LoopCloseHook {
        @Override
        public void handle(java.nio.channels.SelectableChannel ch, int readyOps) {
            onReady(readyOps);
        }

        @Override
        public void cancelOnClose() {
            if (closed) {
                return;
            }
            ReadOp op = pendingRead;
            if (op != null) {
                op.future.cancel(); // abandoned as any cancelled read: its bytes stay buffered
            }
            writeQueue.cancelFutures();
        }

        @Override
        public void closeWithLoop() {
            close();
        }

        @Override
        public String toString() {
            return "handler of " + IOStream.this;
        }
    }

    private StreamClosedException closedException(String what) {
        String why;
        if (error != null) {
            why = "closed by an error: " + error;
        } else if (eof) {
            why = "closed by the peer (end of stream)";
        } else {
            why = "closed locally";
        }
        int buffered = readBuffer.size();
        String detail = buffered > 0 ? " (" + buffered + " unread bytes are buffered)" : "";
        return new StreamClosedException("IOStream " + describePeer() + " is " + why + "; " + what
                + " cannot complete" + detail, error);
    }

    // ---------------------------------------------------------------------------------------------------
    // Completing futures

    private <T> void complete(Future<T> f, T value) {
        if (mayCompleteInline()) {
            f.trySetResult(value);
        } else {
            runOnLoop(() -> f.trySetResult(value));
        }
    }

    private <T> void fail(Future<T> f, Throwable t) {
        if (mayCompleteInline()) {
            f.trySetException(t);
        } else {
            runOnLoop(() -> f.trySetException(t));
        }
    }

    /** Spends one inline completion of the current loop task's budget; false once it is used up. */
    private boolean mayCompleteInline() {
        if (!loop.isRunning() || !loop.inLoopThread()) {
            return true; // no loop task to return to: complete here
        }
        InlineBudget budget = INLINE_BUDGET.get();
        if (!budget.resetQueued) {
            budget.resetQueued = true;
            loop.dispatch(budget.reset); // runs once the current task returns
        }
        return budget.used++ < MAX_INLINE_COMPLETIONS;
    }

    /** Inline completions spent by the current loop task on this thread. */
    private static final class InlineBudget {
        int used;
        boolean resetQueued;
        final Runnable reset = () -> {
            used = 0;
            resetQueued = false;
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // State

    /**
     * Chooses what an end of stream from the peer does. By default ({@code true}, as in Tornado) it closes
     * the stream, whether or not a read is pending. With {@code false} (half-close mode, for peers that
     * {@code shutdownOutput()} after sending a request and still wait for the reply), the end of stream is
     * remembered instead: the stream stays open and writable; {@link #readUntilClose()} completes with what
     * is buffered, and any other read that the buffer cannot satisfy fails with
     * {@link StreamClosedException}. The stream no longer watches the socket for reading then, so the
     * owner must {@link #close()} it when done; a peer that closed completely shows up as a failed write.
     * Setting {@code true} on a stream that has already seen the end of stream closes it at once.
     * Call on the loop's thread.
     *
     * @param on true to close at end of stream (the default), false to keep the write side open
     */
    public void setCloseOnEof(boolean on) {
        checkLoopThread("setCloseOnEof()");
        closeOnEof = on;
        if (on && eof && !closed) {
            close(null);
        } else {
            updateInterest(); // watch the socket while idle, so that the end of stream is noticed
        }
    }

    /**
     * Tells whether an end of stream from the peer closes this stream (see {@link #setCloseOnEof}).
     *
     * @return true unless half-close mode is on
     */
    public boolean closeOnEof() {
        return closeOnEof;
    }

    /**
     * Tells whether the peer has closed its side (an end of stream was read). In half-close mode the stream
     * may still be open for writing then.
     *
     * @return true once an end of stream has been read
     */
    public boolean eofReceived() {
        return eof;
    }

    /**
     * Tells whether the stream is closed.
     *
     * @return true once closed, by either side or by an error
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns why the stream closed.
     *
     * @return the error that closed it, or null if it is open or closed cleanly (locally, or by the peer)
     */
    public Throwable error() {
        return error;
    }

    /**
     * Tells whether a read is pending.
     *
     * @return true between a read call and the completion of its future
     */
    public boolean reading() {
        return pendingRead != null && !pendingRead.future.isDone();
    }

    /**
     * Tells whether written bytes are waiting to go to the socket.
     *
     * @return true while the write queue is not empty
     */
    public boolean writing() {
        return !writeQueue.isEmpty();
    }

    /**
     * Returns the underlying channel.
     *
     * @return the socket channel
     */
    public SocketChannel channel() {
        return channel;
    }

    /**
     * Returns the peer's address, as it was when the stream was created.
     *
     * @return the remote address, or null if the channel was not connected
     */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Returns the loop that drives this stream.
     *
     * @return the loop
     */
    public IOLoop loop() {
        return loop;
    }

    /**
     * Returns the most received bytes this stream buffers.
     *
     * @return the maximum read buffer size
     */
    public int maxBufferSize() {
        return readBuffer.maxSize();
    }

    /**
     * Returns how many received bytes are buffered and not yet read.
     *
     * @return the number of buffered bytes
     */
    public int readBufferSize() {
        return readBuffer.size();
    }

    /**
     * Returns how many written bytes are queued and not yet handed to the socket: a measure of how far a
     * slow peer lags behind, for producers that want to wait before writing more.
     *
     * @return the number of queued bytes
     */
    public long writeBufferSize() {
        return writeQueue.size();
    }

    /** Capacity of the read buffer's backing array, for tests. */
    int readBufferCapacity() {
        return readBuffer.capacity();
    }

    /**
     * Turns Nagle's algorithm off ({@code true}) or on. Does nothing on a closed stream.
     *
     * @param on true to send small writes at once (TCP_NODELAY)
     * @throws UncheckedIOException if the option cannot be set on an open stream
     */
    public void setNoDelay(boolean on) {
        if (closed) {
            return;
        }
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, on);
        } catch (IOException e) {
            if (channel.isOpen()) {
                throw new UncheckedIOException("IOStream " + describePeer() + ": cannot set TCP_NODELAY: "
                        + e.getMessage(), e);
            }
        }
    }

    private String describePeer() {
        return "to " + (remoteAddress == null ? "(unconnected)" : remoteAddress.toString());
    }

    @Override
    public String toString() {
        return "IOStream(" + (remoteAddress == null ? "unconnected" : remoteAddress) + (closed ? ", closed" : "")
                + ")";
    }

    /** A pending read: what to read and the future to complete. */
    private static final class ReadOp {
        static final int UNTIL = 0;
        static final int BYTES = 1;
        static final int PARTIAL = 2;
        static final int UNTIL_CLOSE = 3;
        static final int UNTIL_REGEX = 4;

        final int kind;
        final byte[] delimiter;
        /** The pattern of an UNTIL_REGEX read. */
        final java.util.regex.Pattern regex;
        /** maxBytes for UNTIL and PARTIAL, n for BYTES. */
        final int limit;
        final Future<byte[]> future = new Future<>();
        /** The stream reading, for the coroutine dump's description of {@link #future}. */
        IOStream stream;

        ReadOp(int kind, byte[] delimiter, int limit) {
            this.kind = kind;
            this.delimiter = delimiter;
            this.limit = limit;
            this.regex = null;
        }

        ReadOp(java.util.regex.Pattern regex, int limit) {
            this.kind = UNTIL_REGEX;
            this.delimiter = null;
            this.limit = limit;
            this.regex = regex;
        }

        /** What a coroutine awaiting this read waits for, e.g. {@code IOStream(/127.0.0.1:8000).readBytes(4)}. */
        @Override
        public String toString() {
            return (stream == null ? "IOStream" : stream.toString()) + "." + describe();
        }

        String describe() {
            switch (kind) {
                case UNTIL:
                    return "readUntil(" + printable(delimiter) + ", maxBytes=" + limit + ")";
                case BYTES:
                    return "readBytes(" + limit + ")";
                case PARTIAL:
                    return "readBytesPartial(" + limit + ")";
                case UNTIL_REGEX:
                    return "readUntilRegex(/" + regex.pattern() + "/, maxBytes=" + limit + ")";
                default:
                    return "readUntilClose()";
            }
        }

        private static String printable(byte[] bytes) {
            StringBuilder sb = new StringBuilder("\"");
            for (byte b : bytes) {
                if (b == '\r') {
                    sb.append("\\r");
                } else if (b == '\n') {
                    sb.append("\\n");
                } else if (b >= 0x20 && b < 0x7f) {
                    sb.append((char) b);
                } else {
                    sb.append(String.format("\\x%02x", b & 0xff));
                }
            }
            return sb.append('"').toString();
        }
    }
}
