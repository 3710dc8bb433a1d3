package io.squall.http;

/**
 * A fetch that failed (Tornado's {@code HTTPClientError}): either the server answered with a status outside
 * 2xx ({@link #code()} is that status and {@link #response()} the response), or no response was received
 * at all (code 599: connection refused or reset, malformed response; the cause says which).
 *
 * <p>Unchecked, so that a coroutine can catch it around {@code await(client.fetch(...))}: {@code await}
 * declares no checked exceptions.
 */
public class HTTPClientError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final transient HTTPResponse response;

    /**
     * Creates the error.
     *
     * @param code the status, or 599 when there is no response
     * @param message what happened, or null for "HTTP code: reason"
     * @param response the response, or null
     */
    public HTTPClientError(int code, String message, HTTPResponse response) {
        this(code, message, response, null);
    }

    /**
     * Creates the error with a cause.
     *
     * @param code the status, or 599 when there is no response
     * @param message what happened, or null for "HTTP code: reason"
     * @param response the response, or null
     * @param cause the underlying failure, or null
     */
    public HTTPClientError(int code, String message, HTTPResponse response, Throwable cause) {
        super(message != null ? message : "HTTP " + code + ": " + (response != null && !response.reason().isEmpty()
                ? response.reason() : HTTPStatus.reasonOrUnknown(code))
                + (response != null ? " (" + response.request().method() + " " + response.effectiveUrl() + ")" : ""),
                cause);
        this.code = code;
        this.response = response;
    }

    /** @return the status code, or 599 when no response was received */
    public int code() {
        return code;
    }

    /** @return the response, or null when none was received */
    public HTTPResponse response() {
        return response;
    }
}
