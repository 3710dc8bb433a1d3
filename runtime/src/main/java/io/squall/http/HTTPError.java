package io.squall.http;

/**
 * Thrown by a {@link RequestHandler} to answer with an error status (Tornado's {@code HTTPError}), e.g.
 * {@code throw new HTTPError(404, "no user " + id)}. The client sees the standard page for the status;
 * the message is for the log only, so it may contain details the client should not see (it is logged at WARNING
 * for a 5xx, at debug level for a 4xx: the access log's line already shows a 4xx). A reason given to
 * {@link #HTTPError(int, String, String)} is user-facing: it is the status line's reason phrase and the
 * default error page shows it (HTML-escaped), e.g. {@code new HTTPError(400, "user 17 sent a bad date",
 * "Bad Request: the date must be YYYY-MM-DD")}.
 */
public class HTTPError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final String logMessage;

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
        this.logMessage = message;
        this.reason = reason != null ? safeReason(reason) : HTTPStatus.reasonOrUnknown(status);
    }

    /**
     * A reason phrase goes into the status line: characters that could end the line or are not Latin-1
     * become '?', and it is cut at 200 characters, so a reason built from client input cannot split the
     * response.
     */
    private static String safeReason(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), 200));
        for (int i = 0; i < reason.length() && b.length() < 200; i++) {
            char c = reason.charAt(i);
            b.append((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff ? '?' : c);
        }
        return b.toString();
    }

    /**
     * Returns the message for the log (never sent to the client), as given to the constructor.
     *
     * @return the log message, or null
     */
    public String logMessage() {
        return logMessage;
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
