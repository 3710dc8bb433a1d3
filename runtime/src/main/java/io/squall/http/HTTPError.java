package io.squall.http;

/**
 * Thrown by a {@link RequestHandler} to answer with an error status (Tornado's {@code HTTPError}), e.g.
 * {@code throw new HTTPError(404, "no user " + id)}. The client sees the standard page for the status;
 * the message is for the log only, so it may contain details the client should not see.
 */
public class HTTPError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;

    /**
     * Creates an error with the status's standard reason.
     *
     * @param status the HTTP status, 100 to 599
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status) {
        this(status, null);
    }

    /**
     * Creates an error with a log message.
     *
     * @param status the HTTP status, 100 to 599
     * @param message for the log, may be null
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status, String message) {
        this(status, message, null);
    }

    /**
     * Creates an error with a log message and a custom reason phrase (shown to the client).
     *
     * @param status the HTTP status, 100 to 599
     * @param message for the log, may be null
     * @param reason the reason phrase, or null for the standard one
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status, String message, String reason) {
        super("HTTP " + status + (message == null ? "" : ": " + message));
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTPError: status " + status + " is not between 100 and 599");
        }
        this.status = status;
        this.reason = reason != null ? reason : HTTPStatus.reasonOrUnknown(status);
    }

    /**
     * Returns the HTTP status.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * Returns the reason phrase sent to the client.
     *
     * @return the reason phrase
     */
    public String reason() {
        return reason;
    }
}
