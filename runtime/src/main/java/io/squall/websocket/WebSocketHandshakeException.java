package io.squall.websocket;

import java.io.IOException;

/**
 * The opening handshake of {@link WebSocket#connect} failed: the server did not answer 101, or its answer
 * breaks RFC 6455 section 4.1 (wrong {@code Sec-WebSocket-Accept}, a subprotocol or extension that was not
 * offered, ...). The message says which, for which URL.
 */
public class WebSocketHandshakeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    /**
     * @param message what went wrong, for which URL
     * @param status the HTTP status the server answered, or 0 if it did not get that far
     */
    public WebSocketHandshakeException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** @return the HTTP status of the server's answer, or 0 if there was none */
    public int status() {
        return status;
    }
}
