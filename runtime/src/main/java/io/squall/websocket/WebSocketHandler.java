package io.squall.websocket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.squall.Future;
import io.squall.http.DetachedStream;
import io.squall.http.HTTPHeaders;
import io.squall.http.HTTPServerRequest;
import io.squall.http.RequestHandler;
import io.squall.internal.Log;

/**
 * A WebSocket endpoint (RFC 6455), Tornado's {@code WebSocketHandler}: route it in an
 * {@link io.squall.http.Application} like any handler; a GET with the upgrade headers is answered with
 * 101 Switching Protocols and the connection becomes a WebSocket.
 *
 * <pre>{@code
 * public class EchoHandler extends WebSocketHandler {
 *     @Override
 *     public Future<?> onMessage(String message) {
 *         return writeMessage("echo: " + message);   // the next message is read once this is flushed
 *     }
 * }
 * new Application().addHandler("/echo", EchoHandler.class).listen(8888);
 * }</pre>
 *
 * <p>Life cycle: {@link #open}, then {@link #onMessage(String)} / {@link #onMessage(byte[])} for each
 * message, then {@link #onClose()} once. {@code open} and {@code onMessage} may be coroutines: messages
 * are delivered in order, one at a time, and nothing more is read from the socket until the future the
 * previous call returned is done (back-pressure). An exception thrown (or a future failed) there is logged
 * and the connection is closed with 1011.
 *
 * <p>What the handler enforces: the opening handshake (version 13, a valid key, {@link #checkOrigin},
 * {@link #selectSubprotocol}, permessage-deflate if {@link #compressionOptions()} enables it); masked
 * frames from the client; valid opcodes, reserved bits, control frames (unfragmented, at most 125 bytes)
 * and fragmentation (protocol errors close with 1002); UTF-8 in text messages and close reasons (1007);
 * {@link #maxMessageSize()}, also after inflating (1009); periodic pings ({@link #pingInterval()}) that
 * close the connection when no pong comes back within {@link #pingTimeout()}; and a close handshake cut
 * after {@link #closeTimeout()}.
 *
 * <p>Not thread-safe: use it on the loop thread that runs the connection, as coroutines do.
 * {@link #writeMessage}, {@link #ping} and {@link #close(int, String)} are also accepted from other
 * threads and handed to that loop (a broadcast from a worker thread may call them directly). The
 * {@code RequestHandler} response methods ({@code write}, {@code finish}, ...) are refused off the loop
 * thread with an {@link IllegalStateException} naming both threads.
 */
public class WebSocketHandler extends RequestHandler {
    /** The default {@link #maxMessageSize()}: 10 MiB, as in Tornado. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024;

    private WebSocketProtocol protocol;
    private String subprotocol;
    private boolean closedCalled;

    /** Creates a handler; the {@link io.squall.http.Application} does this once per connection. */
    public WebSocketHandler() {}

    // ---------------------------------------------------------------------------------------------------
    // What subclasses override

    /**
     * Called once the connection is a WebSocket, with the route's path groups. No message is delivered
     * before the returned future is done. The default does nothing.
     *
     * @param args the route's path groups, percent-decoded
     * @return null, or a future (may be a coroutine)
     */
    public Future<?> open(String... args) {
        return null;
    }

    /**
     * Handles a text message. The default closes the connection with 1003 (text is not accepted).
     *
     * @param message the message
     * @return null, or a future: the next message is delivered once it is done
     */
    public Future<?> onMessage(String message) {
        close(1003, "text messages are not accepted");
        return null;
    }

    /**
     * Handles a binary message. The default closes the connection with 1003 (binary is not accepted).
     *
     * @param message the message
     * @return null, or a future: the next message is delivered once it is done
     */
    public Future<?> onMessage(byte[] message) {
        close(1003, "binary messages are not accepted");
        return null;
    }

    /**
     * Called once when the connection is closed, whoever closed it; {@link #closeCode()} and
     * {@link #closeReason()} tell what the client said. Exceptions are logged.
     */
    public void onClose() {}

    /**
     * Called when a ping arrives; it has been answered with a pong already. Exceptions are logged.
     *
     * @param data the ping's data
     */
    public void onPing(byte[] data) {}

    /**
     * Called when a pong arrives (an answer to {@link #ping} or to a periodic ping). Exceptions are logged.
     *
     * @param data the pong's data
     */
    public void onPong(byte[] data) {}

    /**
     * Decides whether a browser page from {@code origin} may connect (Tornado's {@code check_origin}); a
     * refused one gets 403. The default allows only the same host (the Origin's host and port equal the
     * Host header). Requests without an Origin header (non-browser clients) are not checked. Override to
     * allow other sites; returning true for every origin exposes the endpoint to any web page's scripts.
     *
     * @param origin the Origin header
     * @return true to accept the connection
     */
    protected boolean checkOrigin(String origin) {
        String host = request().headers().get("Host");
        if (host == null) {
            return false;
        }
        try {
            String authority = URI.create(origin.trim()).getRawAuthority();
            return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Chooses one of the subprotocols the client offered ({@code Sec-WebSocket-Protocol}). Called only if
     * it offered some. The default chooses none.
     *
     * @param subprotocols the offered subprotocols, in the client's order of preference
     * @return one of them, or null for none
     */
    protected String selectSubprotocol(List<String> subprotocols) {
        return null;
    }

    /**
     * Enables permessage-deflate (RFC 7692) when the client offers it. The default returns null: off.
     *
     * @return the options, or null to refuse compression
     */
    protected CompressionOptions compressionOptions() {
        return null;
    }

    /** @return the largest message accepted, in bytes (after inflating); larger ones close with 1009 */
    protected int maxMessageSize() {
        return DEFAULT_MAX_MESSAGE_SIZE;
    }

    /** @return how often to ping the client, or null (the default) for never */
    protected Duration pingInterval() {
        return null;
    }

    /**
     * How long to wait for a pong after a periodic ping before closing the connection. Only pongs count,
     * and pongs are read only between messages, so keep it well above the longest {@link #onMessage}.
     *
     * @return the timeout; the default is three ping intervals but at least 30 s, as in Tornado
     */
    protected Duration pingTimeout() {
        Duration interval = pingInterval();
        if (interval == null) {
            return null;
        }
        Duration three = interval.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(30)) > 0 ? three : Duration.ofSeconds(30);
    }

    /** @return how long the close handshake may take before the connection is cut: 5 s by default */
    protected Duration closeTimeout() {
        return Duration.ofSeconds(5);
    }

    // ---------------------------------------------------------------------------------------------------
    // Talking to the client

    /**
     * Sends a text message. Safe from any thread: off the loop thread the message is handed to the loop
     * (messages from one thread go out in the order it sent them), as Tornado's {@code add_callback} would.
     *
     * @param message the text
     * @return completes when the message is handed to the socket (wait for it to respect back-pressure);
     *     fails with {@link WebSocketClosedException} if the connection is closed or closing
     * @throws IllegalStateException if the connection is not open yet
     */
    public Future<Void> writeMessage(String message) {
        return protocol("writeMessage").writeMessage(message.getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Sends a binary message. The array is not copied: do not change it until the future is done.
     *
     * @param message the bytes
     * @return as {@link #writeMessage(String)}
     * @throws IllegalStateException if the connection is not open yet
     */
    public Future<Void> writeMessage(byte[] message) {
        return protocol("writeMessage").writeMessage(message, false);
    }

    /**
     * Sends a ping; {@link #onPong} sees the answer.
     *
     * @param data at most 125 bytes
     * @return completes when the ping is handed to the socket; fails with {@link WebSocketClosedException}
     *     if the connection is closed or closing
     * @throws IllegalArgumentException if {@code data} is longer than 125 bytes
     * @throws IllegalStateException if the connection is not open yet
     */
    public Future<Void> ping(byte[] data) {
        return protocol("ping").ping(data);
    }

    /** Closes with 1000 (normal closure); see {@link #close(int, String)}. */
    public void close() {
        close(1000, "");
    }

    /**
     * Starts the close handshake: sends a close frame and waits for the client's (at most
     * {@link #closeTimeout()}); then the connection is closed and {@link #onClose()} runs. Messages that
     * arrive meanwhile are dropped. Does nothing if closing already.
     *
     * @param code 1000-1003, 1007-1014 or 3000-4999
     * @param reason at most 123 bytes of UTF-8, may be null
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     * @throws IllegalStateException if the connection is not open yet
     */
    public void close(int code, String reason) {
        protocol("close").close(code, reason);
    }

    /** @return the client's close code, 1005 if its close frame had none, 1006 if none arrived (yet) */
    public int closeCode() {
        return protocol == null ? 1006 : protocol.closeCode();
    }

    /** @return the client's close reason ("" if none), or null if no close frame arrived */
    public String closeReason() {
        return protocol == null ? null : protocol.closeReason();
    }

    /** @return the subprotocol {@link #selectSubprotocol} chose, or null */
    public String selectedSubprotocol() {
        return subprotocol;
    }

    /** @return true once the connection is closed (false before it opened) */
    public boolean isClosed() {
        return protocol != null && protocol.isClosed();
    }

    /** @return whether permessage-deflate was agreed for this connection */
    public boolean isCompressed() {
        return protocol != null && protocol.compressed();
    }

    private WebSocketProtocol protocol(String what) {
        if (protocol == null) {
            throw new IllegalStateException(what + ": the WebSocket is not open yet (call it from open() or later)");
        }
        return protocol;
    }

    // ---------------------------------------------------------------------------------------------------
    // The opening handshake (section 4.2)

    /**
     * Answers the opening handshake and turns the connection into a WebSocket; not overridable. A request
     * that is not a valid WebSocket upgrade gets 400 (426 for another version, 403 for a refused origin).
     */
    @Override
    public final Future<?> get(String... args) {
        HTTPServerRequest req = request();
        HTTPHeaders h = req.headers();
        if (!req.supportsHttp11()) {
            return reject(400, "WebSocket needs HTTP/1.1.");
        }
        if (Handshake.tokens(h, "Upgrade").stream().noneMatch("websocket"::equalsIgnoreCase)) {
            return reject(400, "Can \"Upgrade\" only to \"WebSocket\".");
        }
        if (!h.containsToken("Connection", "upgrade")) {
            return reject(400, "\"Connection\" must be \"Upgrade\".");
        }
        String origin = h.get("Origin", h.get("Sec-WebSocket-Origin"));
        if (origin != null && !checkOrigin(origin)) {
            return reject(403, "Cross origin websockets not allowed");
        }
        if (!"13".equals(h.get("Sec-WebSocket-Version", "").trim())) {
            setHeader("Sec-WebSocket-Version", "13");
            return reject(426, "Upgrade Required: only WebSocket version 13 is supported.");
        }
        String key = h.get("Sec-WebSocket-Key", "").trim();
        if (!Handshake.isValidKey(key) || h.getAll("Sec-WebSocket-Key").size() != 1) {
            return reject(400, "Missing or invalid Sec-WebSocket-Key.");
        }
        List<String> offered = Handshake.tokens(h, "Sec-WebSocket-Protocol");
        if (!offered.isEmpty()) {
            subprotocol = selectSubprotocol(offered);
            if (subprotocol != null && !offered.contains(subprotocol)) {
                throw new IllegalStateException(getClass().getName() + ".selectSubprotocol returned '" + subprotocol
                        + "', which the client did not offer " + offered);
            }
        }
        PerMessageDeflate.Accepted deflate = null;
        CompressionOptions compression = compressionOptions();
        if (compression != null) {
            try {
                deflate = PerMessageDeflate.negotiateAsServer(Extensions.parse(h.getAll("Sec-WebSocket-Extensions")),
                        compression);
            } catch (IllegalArgumentException e) {
                return reject(400, e.getMessage());
            }
        }
        WebSocketProtocol.Settings settings = new WebSocketProtocol.Settings(maxMessageSize(), pingInterval(),
                pingTimeout(), closeTimeout());

        setStatus(101);
        clearHeader("Content-Type");
        setHeader("Upgrade", "websocket");
        setHeader("Connection", "Upgrade");
        setHeader("Sec-WebSocket-Accept", Handshake.accept(key));
        if (subprotocol != null) {
            setHeader("Sec-WebSocket-Protocol", subprotocol);
        }
        if (deflate != null) {
            setHeader("Sec-WebSocket-Extensions", deflate.response);
        }
        finish();
        if (req.connection().isClosed()) {
            Log.debug("WebSocket client " + req.remoteAddress() + " went away during the handshake");
            return null;
        }
        DetachedStream detached = req.connection().detach();
        protocol = new WebSocketProtocol(detached.stream(), false, settings, deflate == null ? null : deflate.deflate);
        protocol.start(new Events(), detached.buffered());
        Future<?> opened;
        try {
            opened = open(args);
        } catch (Throwable t) {
            onOpenFailure(t);
            return null;
        }
        if (opened == null || opened.isDone()) {
            if (opened != null && opened.exception() != null) {
                onOpenFailure(opened.exception());
            } else {
                protocol.startReading();
            }
        } else {
            opened.addDoneCallback(done -> detached.stream().loop().dispatch(() -> {
                if (done.exception() != null) {
                    onOpenFailure(done.exception());
                } else {
                    protocol.startReading();
                }
            }));
        }
        return null;
    }

    private Future<?> reject(int status, String message) {
        Log.debug("WebSocket handshake refused with " + status + " for " + request() + ": " + message);
        setStatus(status);
        setHeader("Content-Type", "text/plain; charset=UTF-8");
        write(message);
        finish();
        return null;
    }

    private void onOpenFailure(Throwable t) {
        Log.error("Uncaught exception in open() of " + getClass().getName() + " for " + request()
                + "; closing the WebSocket with 1011", t);
        protocol.close(1011, "internal error");
        protocol.startReading(); // to read the client's close frame (messages are dropped now)
    }

    /** Routes the protocol's events to the handler's methods. */
    private final class Events implements WebSocketProtocol.Listener {
        @Override
        public Future<?> onMessage(Object message) {
            return message instanceof String ? WebSocketHandler.this.onMessage((String) message)
                    : WebSocketHandler.this.onMessage((byte[]) message);
        }

        @Override
        public void onPing(byte[] data) {
            WebSocketHandler.this.onPing(data);
        }

        @Override
        public void onPong(byte[] data) {
            WebSocketHandler.this.onPong(data);
        }

        @Override
        public void onClosed() {
            if (!closedCalled) {
                closedCalled = true;
                onClose();
            }
        }
    }
}
