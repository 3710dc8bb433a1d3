package io.squall.websocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

import io.squall.Future;
import io.squall.internal.Log;
import io.squall.internal.OffLoop;

/**
 * The client side of an open WebSocket, from {@link WebSocket#connect}: Tornado's
 * {@code WebSocketClientConnection}. Read messages with {@link #readMessage()} (a {@code String} for
 * text, a {@code byte[]} for binary, {@code null} once the connection is closed), send them with
 * {@link #writeMessage}.
 *
 * <pre>{@code
 * WebSocketClientConnection ws = await(WebSocket.connect("ws://localhost:8888/echo"));
 * await(ws.writeMessage("hello"));
 * String reply = (String) await(ws.readMessage());
 * ws.close();
 * }</pre>
 *
 * <p>Back-pressure: one received message is held for {@link #readMessage()}; while a second waits, no more
 * is read from the socket. Use it on the loop thread that connected it; {@link #writeMessage},
 * {@link #ping} and {@link #close(int, String)} are also accepted from other threads (they hand the frame to
 * the loop, in the order each thread called them), and the getters only read. {@link #readMessage()} called
 * from another thread while the loop runs throws an {@link IllegalStateException} naming both threads.
 */
public final class WebSocketClientConnection {
    private final WebSocketProtocol protocol;
    private final String subprotocol;
    private final String url;
    private final ArrayDeque<Object> messages = new ArrayDeque<>(2);
    private final ArrayDeque<Future<Object>> readers = new ArrayDeque<>(1);
    private final Future<Void> closed = new Future<>();
    private Future<Void> room;
    private Consumer<byte[]> pongListener;

    WebSocketClientConnection(WebSocketProtocol protocol, String subprotocol, String url) {
        this.protocol = protocol;
        this.subprotocol = subprotocol;
        this.url = url;
    }

    void start(byte[] buffered) {
        protocol.start(new Events(), buffered);
        protocol.startReading();
    }

    /**
     * Returns the next message. Call on the connection's loop thread.
     *
     * @return a future of the next message: a {@code String} (text) or {@code byte[]} (binary), or
     *     {@code null} once the connection is closed and every received message was read
     * @throws IllegalStateException if called on another thread while the connection's loop runs (it would
     *     race with the loop); the message names both threads
     */
    public Future<Object> readMessage() {
        io.squall.IOLoop loop = protocol.stream().loop();
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw OffLoop.refusal("WebSocketClientConnection.readMessage()", this, loop, "read messages in a"
                    + " coroutine on the loop, and hand each one to other threads yourself");
        }
        if (!messages.isEmpty()) {
            Object m = messages.poll();
            if (room != null && messages.size() <= 1) {
                Future<Void> r = room;
                room = null;
                r.trySetResult(null);
            }
            return Future.of(m);
        }
        if (protocol.isClosed()) {
            return Future.of(null);
        }
        Future<Object> f = new Future<>();
        readers.add(f);
        return f;
    }

    /**
     * Sends a text message.
     *
     * @param message the text
     * @return completes when the message is handed to the socket; fails with
     *     {@link WebSocketClosedException} if the connection is closed or closing
     */
    public Future<Void> writeMessage(String message) {
        return protocol.writeMessage(message.getBytes(StandardCharsets.UTF_8), true);
    }

    /**
     * Sends a binary message (the array is masked into a copy; it may be reused at once).
     *
     * @param message the bytes
     * @return as {@link #writeMessage(String)}
     */
    public Future<Void> writeMessage(byte[] message) {
        return protocol.writeMessage(message, false);
    }

    /**
     * Sends a ping; the pong goes to the {@link #setPongListener pong listener}.
     *
     * @param data at most 125 bytes
     * @return completes when handed to the socket; fails with {@link WebSocketClosedException} if closed
     * @throws IllegalArgumentException if {@code data} is longer than 125 bytes
     */
    public Future<Void> ping(byte[] data) {
        return protocol.ping(data);
    }

    /**
     * Sets what runs (on the loop) when a pong arrives.
     *
     * @param listener the listener, or null for none
     */
    public void setPongListener(Consumer<byte[]> listener) {
        this.pongListener = listener;
    }

    /** Closes with 1000 (normal closure); see {@link #close(int, String)}. */
    public void close() {
        close(1000, "");
    }

    /**
     * Starts the close handshake: sends a close frame, waits for the server's and for the server to close
     * the TCP connection (at most the close timeout). Messages arriving meanwhile are dropped.
     *
     * @param code 1000-1003, 1007-1014 or 3000-4999
     * @param reason at most 123 bytes of UTF-8, may be null
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public void close(int code, String reason) {
        protocol.close(code, reason);
    }

    /** @return a future completed once the connection is closed (after which {@link #readMessage()} ends with null) */
    public Future<Void> whenClosed() {
        return closed;
    }

    /** @return the server's close code, 1005 if its close frame had none, 1006 if none arrived (yet) */
    public int closeCode() {
        return protocol.closeCode();
    }

    /** @return the server's close reason ("" if none), or null if no close frame arrived */
    public String closeReason() {
        return protocol.closeReason();
    }

    /** @return the subprotocol the server chose, or null */
    public String selectedSubprotocol() {
        return subprotocol;
    }

    /** @return whether permessage-deflate was agreed */
    public boolean isCompressed() {
        return protocol.compressed();
    }

    /** @return true once the connection is closed */
    public boolean isClosed() {
        return protocol.isClosed();
    }

    @Override
    public String toString() {
        return "WebSocketClientConnection(" + url + (protocol.isClosed() ? ", closed" : "") + ")";
    }

    private final class Events implements WebSocketProtocol.Listener {
        @Override
        public Future<?> onMessage(Object message) {
            Future<Object> reader;
            while ((reader = readers.poll()) != null) {
                if (reader.trySetResult(message)) {
                    return null;
                }
                // that reader was cancelled (Gen.timeout, Scope, cancel()): the message goes to the next one
            }
            messages.add(message);
            if (messages.size() == 1) {
                return null;
            }
            room = new Future<>();
            return room;
        }

        @Override
        public void onPing(byte[] data) {}

        @Override
        public void onPong(byte[] data) {
            Consumer<byte[]> l = pongListener;
            if (l != null) {
                l.accept(data);
            }
        }

        @Override
        public void onClosed() {
            Future<Object> r;
            while ((r = readers.poll()) != null) {
                r.trySetResult(null);
            }
            Future<Void> waiting = room;
            room = null;
            if (waiting != null) {
                waiting.trySetResult(null);
            }
            Log.debug(url + ": WebSocket closed with " + closeCode());
            closed.trySetResult(null);
        }
    }
}
