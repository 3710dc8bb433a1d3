package io.squall.http;

/**
 * Malformed or oversized HTTP input found by the parser, with the status the server answers it with
 * (400, 413, 414, 431 or 505). The message says what was wrong and is safe to show the peer.
 */
public final class HTTPInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * Creates the exception.
     *
     * @param status the HTTP status this input deserves
     * @param message what was wrong with the input
     */
    public HTTPInputException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * Returns the status a server answers this input with.
     *
     * @return 400, 413, 414, 431 or 505
     */
    public int status() {
        return status;
    }
}
