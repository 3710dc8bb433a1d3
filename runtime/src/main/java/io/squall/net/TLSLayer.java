package io.squall.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import io.squall.IOLoop;
import io.squall.internal.Log;

/**
 * The TLS stage under an {@link IOStream}: it stands between the stream's buffers and the socket, as
 * Tornado's {@code SSLIOStream.read_from_fd}/{@code write_to_fd} and Netty's {@code SslHandler} do. The
 * stream reads plaintext from it and writes plaintext to it, exactly as it does with the plain channel;
 * this class unwraps and wraps records with an {@link SSLEngine} on the loop thread.
 *
 * <p>Never blocking, never spinning: a read that the engine cannot serve yet returns 0, and
 * {@link #interest(int)} tells the stream what to wait for instead (READ while the handshake needs the
 * peer, WRITE while encrypted bytes are waiting for the socket, nothing while a delegated task runs).
 * Delegated tasks (certificate checks, key exchange) run off the loop on the loop's executor; when they
 * finish, {@code resume} runs on the loop so the stream retries what it was doing.
 *
 * <p>Handshake messages the engine produces while reading are queued in the outgoing buffer even if the
 * socket is full (they are small and bounded by {@link #MAX_PENDING_OUTPUT}), so reading never waits for
 * writing. After the first handshake, a TLS 1.2 renegotiation started by the peer of a server is refused:
 * the read fails and the stream closes. Loop thread only.
 */
final class TLSLayer implements ReadableByteChannel, GatheringByteChannel {

    /** Most encrypted bytes queued while the socket is full, before the peer is cut off. */
    private static final int MAX_PENDING_OUTPUT = 1024 * 1024;
    private static final ByteBuffer[] NO_DATA = {ByteBuffer.allocate(0)};

    private final SSLEngine engine;
    private final SocketChannel channel;
    private final IOLoop loop;
    private final Runnable resume;
    private final Runnable onHandshakeDone;

    /** Encrypted bytes received and not yet unwrapped (write mode). */
    private ByteBuffer netIn;
    /** Encrypted bytes produced and not yet written to the socket (read mode: position = next to send). */
    private ByteBuffer netOut;
    /** Plaintext unwrapped and not yet handed to the stream (read mode). */
    private ByteBuffer appIn;

    private boolean handshakeDone;
    private boolean taskRunning;
    private boolean socketEof;
    private boolean closed;
    /** A failure found outside a read or write (after a delegated task), thrown by the next one. */
    private IOException failure;
    /** A TLS 1.2 client started renegotiating; it is refused once the engine's task has looked at it. */
    private boolean renegotiationSeen;
    /** True between operations once the handshake is done: the buffers are null (empty) or hold leftovers. */
    private boolean parked;
    /** The thread's shared buffers this layer uses during the current operation, or null. */
    private Scratch lent;

    /**
     * @param engine a configured engine (client or server mode set); the handshake begins at once
     * @param channel the connected socket
     * @param loop the loop that drives the stream
     * @param resume run on the loop after a delegated task finishes: the stream retries reads and writes
     * @param onHandshakeDone run on the loop once, when the first handshake completes
     */
    TLSLayer(SSLEngine engine, SocketChannel channel, IOLoop loop, Runnable resume, Runnable onHandshakeDone)
            throws SSLException {
        this.engine = engine;
        this.channel = channel;
        this.loop = loop;
        this.resume = resume;
        this.onHandshakeDone = onHandshakeDone;
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet);
        netOut.flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        appIn.flip();
        engine.beginHandshake();
    }

    SSLEngine engine() {
        return engine;
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    /** Adjusts the interest the stream computed for itself to what TLS needs now. */
    int interest(int want) {
        if (taskRunning) {
            return 0;
        }
        if (outputPending()) {
            want |= IOLoop.WRITE;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_UNWRAP && !socketEof) {
            want |= IOLoop.READ;
            if (!outputPending()) {
                want &= ~IOLoop.WRITE; // writes wait for the peer's handshake messages, not for the socket
            }
        }
        return want;
    }

    /** True while a delegated task runs or encrypted bytes wait for the socket. */
    boolean busy() {
        return taskRunning || outputPending();
    }

    /** True while encrypted bytes wait for the socket (also while the buffers are parked). */
    private boolean outputPending() {
        return netOut != null && netOut.hasRemaining();
    }

    // ---------------------------------------------------------------------------------------------------
    // Parking: an established connection with nothing pending holds no buffers

    /**
     * Gives this layer full-size buffers for one operation: the thread's shared ones (with any bytes this
     * layer kept copied in), or, if another layer of this thread holds those (an operation inside another's,
     * which the layer does not do itself), buffers of its own. No-op unless parked.
     */
    private void unpark() {
        if (!parked) {
            return;
        }
        parked = false;
        int packet = engine.getSession().getPacketBufferSize();
        int app = engine.getSession().getApplicationBufferSize();
        Scratch s = Scratch.CURRENT.get();
        if (s.user != null) {
            netIn = restore(ByteBuffer.allocate(packet), netIn, false);
            netOut = restore(ByteBuffer.allocate(packet), netOut, true);
            appIn = restore(ByteBuffer.allocate(app), appIn, true);
            return;
        }
        s.fit(packet, app);
        s.user = this;
        lent = s;
        netIn = restore(s.netIn, netIn, false);
        netOut = restore(s.netOut, netOut, true);
        appIn = restore(s.appIn, appIn, true);
    }

    /**
     * After an operation, once the handshake is done: drops empty buffers and moves the bytes of partial
     * records out of the shared ones into arrays of their size, so an idle connection holds (almost) nothing.
     */
    private void park() {
        if (parked || !handshakeDone) {
            return;
        }
        netIn = stash(netIn, false);
        netOut = stash(netOut, true);
        appIn = stash(appIn, true);
        if (lent != null) {
            lent.user = null;
            lent = null;
        }
        parked = true;
    }

    /** {@code kept}'s bytes in {@code full} (cleared first), or {@code kept} itself when it is full-size. */
    private static ByteBuffer restore(ByteBuffer full, ByteBuffer kept, boolean readMode) {
        if (kept != null && kept.capacity() >= full.capacity()) {
            return kept;
        }
        full.clear();
        if (kept != null) {
            if (!readMode) {
                kept.flip();
            }
            full.put(kept);
        }
        if (readMode) {
            full.flip();
        }
        return full;
    }

    /** Null for an empty buffer; an exact copy of a shared buffer's bytes; an own buffer as it is. */
    private ByteBuffer stash(ByteBuffer b, boolean readMode) {
        int bytes = readMode ? b.remaining() : b.position();
        if (bytes == 0) {
            return null;
        }
        if (lent == null || (b != lent.netIn && b != lent.netOut && b != lent.appIn)) {
            return b;
        }
        ByteBuffer content = b.duplicate();
        if (!readMode) {
            content.flip();
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes);
        copy.put(content);
        if (readMode) {
            copy.flip();
        }
        return copy; // in write mode: position == capacity == bytes, as the shared buffer had them
    }

    /** Full-size TLS buffers shared by the layers of one thread (one loop), one operation at a time. */
    private static final class Scratch {
        static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

        ByteBuffer netIn = ByteBuffer.allocate(0);
        ByteBuffer netOut = ByteBuffer.allocate(0);
        ByteBuffer appIn = ByteBuffer.allocate(0);
        /** The layer whose operation uses these buffers now, or null. */
        TLSLayer user;

        void fit(int packet, int app) {
            if (netIn.capacity() < packet) {
                netIn = ByteBuffer.allocate(packet);
                netOut = ByteBuffer.allocate(packet);
            }
            if (appIn.capacity() < app) {
                appIn = ByteBuffer.allocate(app);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading

    @Override
    public int read(ByteBuffer dst) throws IOException {
        unpark();
        try {
            return readUnparked(dst);
        } finally {
            park();
        }
    }

    private int readUnparked(ByteBuffer dst) throws IOException {
        throwFailure();
        if (appIn.hasRemaining()) {
            return drainAppIn(dst);
        }
        if (taskRunning || closed) {
            return 0;
        }
        int produced = 0;
        boolean indirect = false;
        for (;;) {
            // first, so that a failure stored by a delegated task (a refused certificate) is thrown here
            if (!handshakeStep()) {
                return produced;
            }
            if (engine.isInboundDone()) {
                if (!handshakeDone && produced == 0) {
                    engine.wrap(NO_DATA, ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
                    throw new SSLHandshakeException("TLS: the handshake ended without completing");
                }
                return produced > 0 ? produced : -1; // the peer's close_notify
            }
            netIn.flip();
            SSLEngineResult r;
            boolean direct = !indirect && dst.remaining() >= engine.getSession().getApplicationBufferSize();
            try {
                appIn.compact();
                try {
                    r = engine.unwrap(netIn, direct ? dst : appIn);
                } finally {
                    appIn.flip();
                }
            } finally {
                netIn.compact();
            }
            if (direct) {
                produced += r.bytesProduced(); // what went to appIn counts below, as it is drained into dst
            }
            if (appIn.hasRemaining()) {
                produced += drainAppIn(dst);
            }
            afterOperation(r, true);
            switch (r.getStatus()) {
                case OK:
                    // nothing left to unwrap: return rather than ask the socket again (one read call per message)
                    if (produced > 0 && (netIn.position() == 0
                            || dst.remaining() < engine.getSession().getApplicationBufferSize())) {
                        return produced;
                    }
                    continue;
                case CLOSED:
                    flushNetOut();
                    return produced > 0 ? produced : -1;
                case BUFFER_OVERFLOW:
                    if (produced > 0) {
                        return produced;
                    }
                    if (indirect) {
                        appIn = grow(appIn, engine.getSession().getApplicationBufferSize(), true);
                    }
                    indirect = true;
                    continue;
                case BUFFER_UNDERFLOW:
                    if (netIn.remaining() == 0) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize(), false);
                    }
                    int n = socketEof ? -1 : channel.read(netIn);
                    if (n < 0) {
                        return onSocketEof(produced);
                    }
                    if (n == 0) {
                        return produced;
                    }
                    continue;
                default:
                    throw new AssertionError("unknown SSLEngine status " + r.getStatus());
            }
        }
    }

    private int onSocketEof(int produced) throws SSLException {
        socketEof = true;
        if (produced > 0) {
            return produced;
        }
        if (!handshakeDone) {
            throw new SSLHandshakeException("TLS: the peer closed the connection during the handshake"
                    + " (it may not speak TLS, or it refused our parameters)");
        }
        // A close without close_notify after the handshake: treated as an end of stream (HTTP frames its
        // own messages), as browsers and Tornado do.
        try {
            engine.closeInbound();
        } catch (SSLException truncated) {
            Log.debug("TLS: " + channel + " closed without close_notify");
        }
        return -1;
    }

    private int drainAppIn(ByteBuffer dst) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        if (n == appIn.remaining()) {
            dst.put(appIn);
        } else {
            ByteBuffer slice = appIn.duplicate();
            slice.limit(slice.position() + n);
            dst.put(slice);
            appIn.position(appIn.position() + n);
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (closed) {
            throw new SSLException("TLS: the stream is closed");
        }
        unpark();
        try {
            return writeUnparked(srcs, offset, length);
        } finally {
            park();
        }
    }

    private long writeUnparked(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throwFailure();
        if (!flushNetOut()) {
            return 0;
        }
        long consumed = 0;
        while (remaining(srcs, offset, length) > 0) {
            if (!handshakeStep() || engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                break;
            }
            SSLEngineResult r = wrap(srcs, offset, length);
            consumed += r.bytesConsumed();
            afterOperation(r, false);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS: the session is closed; cannot write");
            }
            if (!flushNetOut()) {
                break;
            }
        }
        return consumed;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    /** Sends queued encrypted bytes and handshake messages the engine wants to send; called by the stream's flush. */
    void flush() throws IOException {
        throwFailure();
        if (closed) {
            return;
        }
        unpark();
        try {
            if (handshakeStep()) {
                flushNetOut();
            }
        } finally {
            park();
        }
    }

    /**
     * Moves the handshake on as far as it can go without the peer: wraps while the engine needs to send,
     * starts delegated tasks.
     *
     * @return false if a delegated task now runs (nothing more can happen until it finishes)
     */
    private boolean handshakeStep() throws IOException {
        for (;;) {
            if (taskRunning) {
                return false;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
                return false;
            }
            if (hs != HandshakeStatus.NEED_WRAP) {
                return true;
            }
            SSLEngineResult r = wrap(NO_DATA, 0, 1);
            afterOperation(r, false);
            flushNetOut();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return true; // an alert or close_notify went out; the next read or write reports it
            }
        }
    }

    private SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
        for (;;) {
            netOut.compact();
            SSLEngineResult r;
            try {
                r = engine.wrap(srcs, offset, length, netOut);
            } finally {
                netOut.flip();
            }
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return r;
            }
            if (netOut.remaining() + engine.getSession().getPacketBufferSize() > MAX_PENDING_OUTPUT) {
                throw new SSLException("TLS: more than " + MAX_PENDING_OUTPUT + " encrypted bytes wait for a peer"
                        + " that does not read; closing the connection");
            }
            netOut = grow(netOut, engine.getSession().getPacketBufferSize(), true);
        }
    }

    private static SSLException renegotiationRefused() {
        return new SSLException("TLS: client-initiated renegotiation refused; closing the connection");
    }

    private void throwFailure() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private void afterOperation(SSLEngineResult r, boolean unwrapped) throws SSLException {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (!handshakeDone) {
            if (hs == HandshakeStatus.FINISHED
                    || (hs == HandshakeStatus.NOT_HANDSHAKING && r.getStatus() == SSLEngineResult.Status.OK)) {
                handshakeDone = true;
                onHandshakeDone.run();
            }
            return;
        }
        // In TLS 1.2 a client has no business sending handshake messages once the handshake is done, except to
        // renegotiate, which costs the server a full handshake each time (a denial-of-service lever).
        if (unwrapped && !engine.getUseClientMode() && !engine.isOutboundDone() && hs != HandshakeStatus.NOT_HANDSHAKING
                && hs != HandshakeStatus.FINISHED && "TLSv1.2".equals(engine.getSession().getProtocol())) {
            if (hs == HandshakeStatus.NEED_TASK && !renegotiationSeen) {
                // Let the JDK look at the ClientHello first: with jdk.tls.rejectClientInitiatedRenegotiation (set by
                // TLS.serverEngine) it refuses with a fatal alert, which clients report as an error. If it does not,
                // the task's completion refuses it here (see runDelegatedTasks).
                renegotiationSeen = true;
                return;
            }
            throw renegotiationRefused();
        }
    }

    /** @return true if nothing encrypted is left to send */
    private boolean flushNetOut() throws IOException {
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private void runDelegatedTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) {
            tasks.add(t);
        }
        if (tasks.isEmpty()) {
            return;
        }
        taskRunning = true;
        loop.runInExecutor(null, () -> {
            for (Runnable task : tasks) {
                task.run();
            }
            return null;
        }).addDoneCallback(f -> loop.addCallback(() -> {
            taskRunning = false;
            if (f.exception() != null) {
                Log.debug("TLS: a delegated task failed: " + f.exception()); // the engine reports it next
            }
            unpark();
            try {
                afterTask();
            } finally {
                park();
            }
            if (!closed) {
                resume.run();
            }
        }));
    }

    /** On the loop, once a delegated task is done: lets a failure it left show, or refuses a renegotiation. */
    private void afterTask() {
        if (!closed && renegotiationSeen) {
            try {
                wrap(NO_DATA, 0, 1); // throws the engine's own refusal, queueing its fatal alert
                failure = renegotiationRefused();
            } catch (IOException e) {
                failure = e;
            }
        } else if (!closed && !handshakeDone) {
            // The engine keeps a task's failure (a refused certificate) until the next wrap or unwrap, and an
            // unwrap that lacks input returns before looking: probe with a wrap, which sends nothing otherwise.
            try {
                afterOperation(wrap(NO_DATA, 0, 1), false);
                flushNetOut();
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Closing

    /**
     * Sends close_notify (best effort, without waiting) and keeps reading: the first half of a TLS half-close,
     * before the socket's output is shut down.
     */
    void shutdownOutput() {
        if (closed) {
            return;
        }
        sendCloseNotify();
    }

    /** Closes the engine's outbound side and sends its close_notify now (best effort: a failure is logged). */
    private void sendCloseNotify() {
        unpark();
        try {
            engine.closeOutbound();
            if (!taskRunning) {
                for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                    wrap(NO_DATA, 0, 1);
                }
            }
            flushNetOut();
        } catch (IOException | RuntimeException e) {
            Log.debug("TLS: sending close_notify on " + channel + " failed: " + e);
        } finally {
            park();
        }
    }

    /** Sends close_notify (best effort, without waiting) and forgets the buffers; the stream closes the socket. */
    void closeOutbound() {
        if (closed) {
            return;
        }
        closed = true;
        sendCloseNotify();
    }

    @Override
    public boolean isOpen() {
        return !closed && channel.isOpen();
    }

    @Override
    public void close() {
        closeOutbound();
    }

    // ---------------------------------------------------------------------------------------------------

    private static long remaining(ByteBuffer[] srcs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += srcs[i].remaining();
        }
        return n;
    }

    /**
     * A larger copy of {@code b}, keeping its content and its mode.
     *
     * @param readMode true if {@code b} is in read mode (position..limit is the content)
     */
    private static ByteBuffer grow(ByteBuffer b, int atLeast, boolean readMode) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.capacity() + atLeast));
        if (readMode) {
            bigger.put(b.duplicate());
            bigger.flip();
        } else {
            ByteBuffer content = b.duplicate();
            content.flip();
            bigger.put(content);
        }
        return bigger;
    }
}
