package io.squall.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.DataFormatException;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.internal.Log;
import io.squall.internal.Trampoline;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;

/**
 * One WebSocket connection after the opening handshake, for either side (RFC 6455 sections 5-7): reads
 * frames from the stream, checks them, joins fragments, inflates (RFC 7692), validates UTF-8, and hands
 * whole messages to a {@link Listener} one at a time; answers pings, sends periodic pings, runs the close
 * handshake, and frames, masks (client) and compresses outgoing messages.
 *
 * <p>Back-pressure: while the future the listener returned for a message is pending, nothing more is read
 * from the socket, so a slow consumer slows the peer through TCP instead of growing a buffer.
 *
 * <pre>
 *   open --close() or bad frame: close frame sent--&gt; closing --peer's close frame--&gt; closed
 *     \--peer's close frame: echoed--------------------------------------------------/
 *   the server closes the TCP connection once both close frames passed; the client waits for that (and
 *   closes itself after the close timeout); a protocol error closes TCP right after the close frame; the
 *   close timeout cuts a peer that never answers.
 * </pre>
 *
 * <p>Everything runs on the stream's loop thread; {@link #writeMessage}, {@link #ping} and
 * {@link #close(int, String)} called from another thread are handed to the loop.
 */
final class WebSocketProtocol {
    /** What the protocol reports to its owner, on the loop thread. */
    interface Listener {
        /**
         * A whole message arrived.
         *
         * @param message a {@code String} (text) or {@code byte[]} (binary)
         * @return null, or a future: no further message is read until it is done
         */
        Future<?> onMessage(Object message) throws Exception;

        /** A ping arrived (it has been answered already). */
        void onPing(byte[] data);

        /** A pong arrived. */
        void onPong(byte[] data);

        /** The connection is closed; called once. */
        void onClosed();
    }

    private static final int READ_SIZE = 64 * 1024;
    /** Payloads at most this long are copied behind their header into one buffer rather than written as two. */
    private static final int COPY_LIMIT = 4096;
    private static final SecureRandom SEED = new SecureRandom();

    private final IOStream stream;
    private final IOLoop loop;
    private final boolean client;
    private final Settings settings;
    private final PerMessageDeflate deflate;
    private final String name;
    private final Utf8 utf8 = new Utf8();
    /** Masking keys of a client (section 5.3): a fast generator seeded from SecureRandom per connection. */
    private final SplittableRandom maskKeys;
    private Listener listener;

    private byte[] in = new byte[0];
    private int start;
    private int end;
    private boolean started;
    private boolean reading;
    private final Trampoline processing = new Trampoline(this::step);
    private boolean delivering;
    /** The pending future of the message handler while {@link #delivering}; cancelled if the connection closes. */
    private Future<?> delivery;

    /** Opcode of the message being assembled from fragments, or -1. */
    private int messageOpcode = -1;
    private boolean messageCompressed;
    private byte[] fragments;
    private int fragmentsSize;

    private boolean closeSent;
    private boolean closeReceived;
    private boolean failed;
    private boolean streamClosed;
    private Future<Void> closeWrite;
    private int closeCode = 1006;
    private String closeReason;
    private Timeout closeTimer;
    private Timeout pingTimer;
    private Timeout pongDeadline;

    /** The settings of one connection, fixed at the handshake. */
    static final class Settings {
        final int maxMessageSize;
        final long pingIntervalNanos;
        final long pingTimeoutNanos;
        final long closeTimeoutNanos;

        Settings(int maxMessageSize, Duration pingInterval, Duration pingTimeout, Duration closeTimeout) {
            if (maxMessageSize <= 0) {
                throw new IllegalArgumentException("WebSocket: maxMessageSize must be positive, got " + maxMessageSize);
            }
            this.maxMessageSize = maxMessageSize;
            this.pingIntervalNanos = nanos(pingInterval);
            this.pingTimeoutNanos = nanos(pingTimeout);
            this.closeTimeoutNanos = nanos(closeTimeout);
        }

        private static long nanos(Duration d) {
            return d == null || d.isNegative() ? 0 : d.toNanos();
        }
    }

    WebSocketProtocol(IOStream stream, boolean client, Settings settings, PerMessageDeflate deflate) {
        this.stream = stream;
        this.loop = stream.loop();
        this.client = client;
        this.settings = settings;
        this.deflate = deflate;
        this.maskKeys = client ? new SplittableRandom(SEED.nextLong()) : null;
        this.name = "WebSocket " + (client ? "to " : "from ") + stream.remoteAddress();
    }

    /**
     * Takes the stream over: watches it for closing and starts the periodic pings. Frames are read only
     * after {@link #startReading()}.
     *
     * @param listener who receives messages and events
     * @param buffered bytes already read from the stream, to parse first
     */
    void start(Listener listener, byte[] buffered) {
        this.listener = listener;
        if (buffered.length > 0) {
            append(buffered);
        }
        stream.setCloseCallback(this::onStreamClosed);
        if (settings.pingIntervalNanos > 0) {
            schedulePing();
        }
    }

    /** Starts (or resumes) reading and delivering messages. */
    void startReading() {
        started = true;
        process();
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading

    private void process() {
        processing.run();
    }

    private void step() {
        while (started && !delivering && !closeReceived && !failed && !streamClosed) {
            int avail = end - start;
            if (avail < 2) {
                readMore();
                return;
            }
            int b0 = in[start] & 0xFF;
            int b1 = in[start + 1] & 0xFF;
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & Frames.FIN) != 0;
            boolean rsv1 = (b0 & Frames.RSV1) != 0;
            boolean control = Frames.isControl(opcode);
            if ((b0 & (Frames.RSV2 | Frames.RSV3)) != 0) {
                fail(1002, "reserved bits RSV2/RSV3 set without an extension that defines them");
                return;
            }
            if (!Frames.isKnown(opcode)) {
                fail(1002, "unknown opcode 0x" + Integer.toHexString(opcode));
                return;
            }
            if (rsv1 && (deflate == null || control || opcode == Frames.OP_CONTINUATION)) {
                fail(1002, "RSV1 set on a " + (deflate == null ? "connection without permessage-deflate"
                        : control ? "control frame" : "continuation frame"));
                return;
            }
            if (control && !fin) {
                fail(1002, "fragmented control frame");
                return;
            }
            boolean masked = (b1 & Frames.MASK) != 0;
            if (masked == client) {
                fail(1002, client ? "masked frame from the server" : "unmasked frame from the client");
                return;
            }
            int len7 = b1 & 0x7F;
            int headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
            if (avail < headerLength) {
                readMore();
                return;
            }
            long length = len7;
            int p = start + 2;
            if (len7 == 126) {
                length = ((in[p] & 0xFF) << 8) | (in[p + 1] & 0xFF);
                p += 2;
            } else if (len7 == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | (in[p + i] & 0xFF);
                }
                p += 8;
                if (length < 0) {
                    fail(1002, "frame length with the most significant bit set");
                    return;
                }
            }
            if (control && length > Frames.MAX_CONTROL_PAYLOAD) {
                fail(1002, "control frame with " + length + " bytes of payload (at most 125)");
                return;
            }
            if (opcode == Frames.OP_CONTINUATION && messageOpcode < 0) {
                fail(1002, "continuation frame without a message to continue");
                return;
            }
            if ((opcode == Frames.OP_TEXT || opcode == Frames.OP_BINARY) && messageOpcode >= 0) {
                fail(1002, "new data frame before the fragmented message was finished");
                return;
            }
            if (!control && fragmentsSize + length > settings.maxMessageSize) {
                fail(1009, "message of more than " + settings.maxMessageSize + " bytes");
                return;
            }
            if (avail < headerLength + length) {
                reserve(headerLength + (int) length);
                readMore();
                return;
            }
            int payload = start + headerLength;
            int n = (int) length;
            if (masked) {
                int key = ((in[p] & 0xFF) << 24) | ((in[p + 1] & 0xFF) << 16) | ((in[p + 2] & 0xFF) << 8) | (in[p + 3] & 0xFF);
                Frames.mask(in, payload, in, payload, n, key);
            }
            start = payload + n;
            onFrame(opcode, fin, rsv1, payload, n);
        }
    }

    private void readMore() {
        if (reading || streamClosed) {
            return;
        }
        reading = true;
        Future<byte[]> f;
        try {
            f = stream.readBytesPartial(READ_SIZE);
        } catch (RuntimeException e) {
            reading = false;
            Log.debug(name + ": read failed: " + e);
            stream.close(e);
            return;
        }
        f.addDoneCallback(this::onRead);
    }

    private void onRead(Future<byte[]> f) {
        reading = false;
        if (f.exception() != null) {
            return; // the stream is closed; its close callback reports it
        }
        append(f.result());
        process();
    }

    private void append(byte[] data) {
        if (start == end) {
            // Nothing unparsed: parse the received array itself (it is ours), no copy.
            in = data;
            start = 0;
            end = data.length;
            return;
        }
        reserve(end - start + data.length);
        System.arraycopy(data, 0, in, end, data.length);
        end += data.length;
    }

    /** Makes room for {@code needed} bytes from {@code start}, moving unread bytes to the front. */
    private void reserve(int needed) {
        if (in.length - start >= needed) {
            return;
        }
        int live = end - start;
        byte[] target = in.length >= needed ? in : new byte[Math.max(needed, Math.max(1024, 2 * in.length))];
        System.arraycopy(in, start, target, 0, live);
        in = target;
        start = 0;
        end = live;
    }

    private void onFrame(int opcode, boolean fin, boolean rsv1, int off, int len) {
        switch (opcode) {
            case Frames.OP_PING: {
                byte[] data = Arrays.copyOfRange(in, off, off + len);
                if (!closeSent) {
                    writeFrame(Frames.OP_PONG, data, false);
                }
                safely(() -> listener.onPing(data), "onPing");
                return;
            }
            case Frames.OP_PONG: {
                byte[] data = Arrays.copyOfRange(in, off, off + len);
                if (pongDeadline != null) {
                    loop.removeTimeout(pongDeadline);
                    pongDeadline = null;
                }
                safely(() -> listener.onPong(data), "onPong");
                return;
            }
            case Frames.OP_CLOSE:
                onCloseFrame(off, len);
                return;
            default:
                break;
        }
        if (opcode != Frames.OP_CONTINUATION) {
            messageOpcode = opcode;
            messageCompressed = rsv1;
        }
        if (fin && fragmentsSize == 0) {
            deliver(in, off, len);
            return;
        }
        if (fragments == null || fragments.length - fragmentsSize < len) {
            long size = Math.max(1024L, Math.max(fragmentsSize + (long) len, 2L * (fragments == null ? 0 : fragments.length)));
            fragments = Arrays.copyOf(fragments == null ? new byte[0] : fragments, (int) Math.min(size, settings.maxMessageSize));
        }
        System.arraycopy(in, off, fragments, fragmentsSize, len);
        fragmentsSize += len;
        if (fin) {
            byte[] all = fragments;
            int size = fragmentsSize;
            fragments = null;
            fragmentsSize = 0;
            deliver(all, 0, size);
        }
    }

    private void deliver(byte[] buf, int off, int len) {
        int opcode = messageOpcode;
        boolean compressed = messageCompressed;
        messageOpcode = -1;
        if (closeSent) {
            return; // data after our close frame is discarded (section 1.4)
        }
        if (compressed) {
            try {
                buf = deflate.decompress(buf, off, len, settings.maxMessageSize);
            } catch (MessageTooBigException e) {
                fail(1009, "compressed message inflates to more than " + settings.maxMessageSize + " bytes");
                return;
            } catch (DataFormatException e) {
                fail(1007, "invalid permessage-deflate data: " + e.getMessage());
                return;
            }
            off = 0;
            len = buf.length;
        }
        Object message;
        if (opcode == Frames.OP_TEXT) {
            try {
                message = utf8.decode(buf, off, len);
            } catch (CharacterCodingException e) {
                fail(1007, "text message is not valid UTF-8");
                return;
            }
        } else {
            message = off == 0 && len == buf.length && buf != in ? buf : Arrays.copyOfRange(buf, off, off + len);
        }
        Future<?> f;
        try {
            f = listener.onMessage(message);
        } catch (Throwable t) {
            onListenerFailure(t);
            return;
        }
        if (f == null) {
            return;
        }
        if (f.isDone()) {
            if (f.exception() != null) {
                onListenerFailure(f.exception());
            }
            return;
        }
        delivering = true;
        delivery = f;
        f.addDoneCallback(done -> onLoop(() -> {
            delivering = false;
            delivery = null;
            if (done.exception() != null) {
                if (streamClosed && done.isCancelled()) {
                    Log.debug(name + ": message handler cancelled: the connection closed");
                } else {
                    onListenerFailure(done.exception());
                }
            }
            process();
        }));
    }

    private void onListenerFailure(Throwable t) {
        if (t instanceof StreamClosedException || t instanceof WebSocketClosedException) {
            // a write of the handler failed because the peer went away (or we are closing): not a bug
            Log.debug(name + ": message handling ended by the connection closing: " + t);
            return;
        }
        Log.error("Uncaught exception while handling a message on " + name + "; closing it with 1011", t);
        close(1011, "internal error");
    }

    private void safely(Runnable r, String what) {
        try {
            r.run();
        } catch (Throwable t) {
            Log.error("Uncaught exception in " + what + " of " + name, t);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Closing

    private void onCloseFrame(int off, int len) {
        closeReceived = true;
        int code = 1005;
        String reason = "";
        if (len == 1) {
            fail(1002, "close frame with a 1-byte payload");
            return;
        }
        if (len >= 2) {
            code = ((in[off] & 0xFF) << 8) | (in[off + 1] & 0xFF);
            if (!Frames.isValidCloseCode(code)) {
                fail(1002, "invalid close code " + code);
                return;
            }
            try {
                reason = utf8.decode(in, off + 2, len - 2);
            } catch (CharacterCodingException e) {
                fail(1007, "close reason is not valid UTF-8");
                return;
            }
        }
        closeCode = code;
        closeReason = reason;
        if (!closeSent) {
            sendClose(code == 1005 ? -1 : code, reason); // echo the peer's code and reason (section 5.5.1)
        }
        if (client) {
            startCloseTimer(); // the server closes the TCP connection (section 7.1.1); this cuts one that does not
        } else {
            closeAfterFlush();
        }
    }

    /**
     * Starts the closing handshake (section 7.1.2): sends a close frame, then waits for the peer's within
     * the close timeout. Does nothing if a close frame was sent already.
     *
     * @param code a status code that may be sent (1000-1003, 1007-1014, 3000-4999)
     * @param reason a reason, at most 123 bytes of UTF-8, may be null
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    void close(int code, String reason) {
        if (!Frames.isValidCloseCode(code)) {
            throw new IllegalArgumentException("WebSocket close: code " + code + " may not be sent"
                    + " (use 1000-1003, 1007-1014 or 3000-4999)");
        }
        String r = reason == null ? "" : reason;
        if (r.getBytes(StandardCharsets.UTF_8).length > Frames.MAX_CONTROL_PAYLOAD - 2) {
            throw new IllegalArgumentException("WebSocket close: the reason must be at most 123 bytes of UTF-8");
        }
        if (!loop.inLoopThread()) {
            loop.addCallback(() -> close(code, r));
            return;
        }
        if (closeSent || streamClosed) {
            return;
        }
        sendClose(code, r);
        if (closeReceived && !client) {
            closeAfterFlush();
        }
    }

    /** Fails the connection (section 7.1.7): a close frame with {@code code}, then the TCP connection is closed. */
    private void fail(int code, String why) {
        if (failed || streamClosed) {
            return;
        }
        failed = true;
        Log.debug(name + ": closing with " + code + ": " + why);
        if (!closeSent) {
            sendClose(code, truncate(why));
        }
        closeAfterFlush();
    }

    private void sendClose(int code, String reason) {
        closeSent = true;
        byte[] payload;
        if (code < 0) {
            payload = new byte[0];
        } else {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            payload = new byte[2 + r.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(r, 0, payload, 2, r.length);
        }
        closeWrite = writeFrame(Frames.OP_CLOSE, payload, false);
        startCloseTimer();
    }

    private void closeAfterFlush() {
        Future<Void> w = closeWrite;
        if (w == null || w.isDone()) {
            stream.close();
        } else {
            w.addDoneCallback(done -> onLoop(stream::close));
        }
    }

    private void startCloseTimer() {
        if (closeTimer != null || streamClosed || settings.closeTimeoutNanos == 0) {
            return;
        }
        closeTimer = loop.callLater(Duration.ofNanos(settings.closeTimeoutNanos), () -> {
            closeTimer = null;
            if (!streamClosed) {
                Log.debug(name + ": the close handshake did not finish within the close timeout; closing the connection");
                stream.close();
            }
        });
    }

    private void onStreamClosed() {
        if (streamClosed) {
            return;
        }
        streamClosed = true;
        for (Timeout t : new Timeout[] {closeTimer, pingTimer, pongDeadline}) {
            if (t != null) {
                loop.removeTimeout(t);
            }
        }
        closeTimer = null;
        pingTimer = null;
        pongDeadline = null;
        fragments = null;
        in = new byte[0];
        start = 0;
        end = 0;
        if (deflate != null) {
            deflate.end();
        }
        if (!closeReceived) {
            closeCode = 1006;
            closeReason = null;
        }
        Listener l = listener;
        if (l != null) {
            safely(l::onClosed, "onClose");
        }
        Future<?> pending = delivery;
        if (pending != null && !pending.isDone()) {
            pending.cancel(); // like a RequestHandler whose client left: its finally blocks run
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Pings

    private void schedulePing() {
        pingTimer = loop.callLater(Duration.ofNanos(settings.pingIntervalNanos), this::periodicPing);
    }

    private void periodicPing() {
        pingTimer = null;
        if (closeSent || streamClosed) {
            return;
        }
        writeFrame(Frames.OP_PING, new byte[0], false);
        if (settings.pingTimeoutNanos > 0 && pongDeadline == null) {
            pongDeadline = loop.callLater(Duration.ofNanos(settings.pingTimeoutNanos), this::onPongTimeout);
        }
        schedulePing();
    }

    private void onPongTimeout() {
        pongDeadline = null;
        if (streamClosed) {
            return;
        }
        Log.debug(name + ": no pong within " + Duration.ofNanos(settings.pingTimeoutNanos) + "; closing the connection");
        stream.close();
    }

    // ---------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Sends a text or binary message in one frame (compressed if permessage-deflate was agreed).
     *
     * @return completes when the frame is handed to the socket; fails with {@link WebSocketClosedException}
     *     if the connection is closed or closing
     */
    Future<Void> writeMessage(byte[] payload, boolean text) {
        if (!loop.inLoopThread()) {
            Future<Void> f = new Future<>();
            loop.addCallback(() -> follow(writeMessage(payload, text), f));
            return f;
        }
        if (closeSent || streamClosed) {
            return Future.failed(new WebSocketClosedException(name + " is " + (streamClosed ? "closed" : "closing")
                    + "; cannot write a message"));
        }
        byte[] data = payload;
        boolean compressed = false;
        if (deflate != null) {
            data = deflate.compress(payload);
            compressed = true;
        }
        return writeFrame(text ? Frames.OP_TEXT : Frames.OP_BINARY, data, compressed);
    }

    /**
     * Sends a ping.
     *
     * @throws IllegalArgumentException if {@code data} is longer than 125 bytes
     */
    Future<Void> ping(byte[] data) {
        if (data.length > Frames.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("WebSocket ping: at most 125 bytes of data, got " + data.length);
        }
        if (!loop.inLoopThread()) {
            Future<Void> f = new Future<>();
            loop.addCallback(() -> follow(ping(data), f));
            return f;
        }
        if (closeSent || streamClosed) {
            return Future.failed(new WebSocketClosedException(name + " is " + (streamClosed ? "closed" : "closing")
                    + "; cannot ping"));
        }
        return writeFrame(Frames.OP_PING, data.clone(), false);
    }

    private Future<Void> writeFrame(int opcode, byte[] payload, boolean rsv1) {
        int first = Frames.FIN | (rsv1 ? Frames.RSV1 : 0) | opcode;
        int n = payload.length;
        if (client) {
            int key = maskKeys.nextInt();
            byte[] frame = new byte[Frames.MAX_HEADER + n];
            int h = Frames.writeHeader(frame, first, n, true, key);
            Frames.mask(payload, 0, frame, h, n, key);
            return stream.write(ByteBuffer.wrap(frame, 0, h + n));
        }
        if (n <= COPY_LIMIT) {
            byte[] frame = new byte[Frames.MAX_HEADER + n];
            int h = Frames.writeHeader(frame, first, n, false, 0);
            System.arraycopy(payload, 0, frame, h, n);
            return stream.write(ByteBuffer.wrap(frame, 0, h + n));
        }
        byte[] header = new byte[Frames.MAX_HEADER];
        int h = Frames.writeHeader(header, first, n, false, 0);
        return stream.write(ByteBuffer.wrap(header, 0, h), ByteBuffer.wrap(payload));
    }

    private static void follow(Future<Void> source, Future<Void> target) {
        source.addDoneCallback(d -> {
            if (d.exception() != null) {
                target.trySetException(d.exception());
            } else {
                target.trySetResult(null);
            }
        });
    }

    private void onLoop(Runnable r) {
        if (loop.inLoopThread()) {
            r.run();
        } else {
            try {
                loop.addCallback(r);
            } catch (IllegalStateException closedLoop) {
                Log.debug(name + ": loop closed, dropping " + r);
            }
        }
    }

    private static String truncate(String why) {
        byte[] b = why.getBytes(StandardCharsets.UTF_8);
        if (b.length <= Frames.MAX_CONTROL_PAYLOAD - 2) {
            return why;
        }
        return why.substring(0, Math.min(why.length(), 100)); // the reasons we write are ASCII
    }

    // ---------------------------------------------------------------------------------------------------
    // State

    /** @return the code of the peer's close frame, 1005 if it had none, 1006 if none arrived (section 7.1.5) */
    int closeCode() {
        return closeCode;
    }

    /** @return the reason of the peer's close frame ("" if none), or null if none arrived */
    String closeReason() {
        return closeReason;
    }

    /** @return true once the stream is closed */
    boolean isClosed() {
        return streamClosed;
    }

    /** @return true once a close frame was sent or the stream is closed */
    boolean isClosing() {
        return closeSent || streamClosed;
    }

    /** @return whether permessage-deflate is in use */
    boolean compressed() {
        return deflate != null;
    }

    IOStream stream() {
        return stream;
    }

    @Override
    public String toString() {
        return name;
    }
}
