package io.squall.http;

/** A fetch that ran out of time connecting or waiting for the response; its {@link #code()} is 599. */
public class HTTPTimeoutError extends HTTPClientError {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message which timeout, for which URL, after how long
     */
    public HTTPTimeoutError(String message) {
        super(599, message, null);
    }

    /**
     * Creates the error with its cause.
     *
     * @param message which timeout, for which URL, after how long
     * @param cause the underlying timeout, e.g. the connector's {@link java.util.concurrent.TimeoutException}
     */
    public HTTPTimeoutError(String message, Throwable cause) {
        super(599, message, null, cause);
    }
}
