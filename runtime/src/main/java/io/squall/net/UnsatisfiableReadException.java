package io.squall.net;

import java.io.IOException;

/**
 * Fails a read that can never complete within its limit, such as
 * {@link IOStream#readUntil(byte[], int)} when the delimiter is not found within {@code maxBytes}:
 * Tornado's {@code UnsatisfiableReadError}. The stream is closed when this happens, because the bytes
 * that were read cannot be given back in a meaningful way.
 */
public class UnsatisfiableReadException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which read, which limit, and how much was read
     */
    public UnsatisfiableReadException(String message) {
        super(message);
    }
}
