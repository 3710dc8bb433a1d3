package io.squall.websocket;

import java.io.IOException;

/**
 * A write, ping or read on a WebSocket that is closed or closing (Tornado's {@code WebSocketClosedError}):
 * the close handshake has started or the connection is gone.
 */
public class WebSocketClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was attempted, on which connection, and why it is closed
     */
    public WebSocketClosedException(String message) {
        super(message);
    }
}
