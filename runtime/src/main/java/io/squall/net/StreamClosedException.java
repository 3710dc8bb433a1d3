package io.squall.net;

import java.io.IOException;

/**
 * Thrown to (or failing the future of) an operation on an {@link IOStream} that is closed, or that was
 * closed while the operation was pending: Tornado's {@code StreamClosedError}.
 *
 * <p>{@link #getCause()} is the real error that closed the stream (for example the
 * {@code IOException("Connection reset by peer")} a read ran into), or null when the stream was closed
 * cleanly: by the peer (end of stream) or by a local {@link IOStream#close()}.
 */
public class StreamClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was being done, on which stream, and why it is closed
     * @param cause the error that closed the stream, or null for a clean close
     */
    public StreamClosedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception for a clean close.
     *
     * @param message what was being done, on which stream
     */
    public StreamClosedException(String message) {
        super(message);
    }
}
