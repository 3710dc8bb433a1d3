package io.squall.websocket;

/** A received message is larger than the connection's maximum message size: closes with 1009. */
final class MessageTooBigException extends Exception {
    private static final long serialVersionUID = 1L;

    MessageTooBigException(String message) {
        super(message, null, false, false);
    }
}
