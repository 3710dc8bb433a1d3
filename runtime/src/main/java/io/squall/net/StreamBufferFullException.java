package io.squall.net;

import java.io.IOException;

/**
 * Fails a read on an {@link IOStream} whose read buffer reached its maximum size
 * ({@link IOStream#maxBufferSize()}) before the read could be satisfied: Tornado's
 * {@code StreamBufferFullError}. The stream is closed when this happens; {@link IOStream#error()} is this
 * exception.
 */
public class StreamBufferFullException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which read, how much was buffered, and which limit was hit
     */
    public StreamBufferFullException(String message) {
        super(message);
    }
}
