package io.squall.bench;

/** Bad command-line arguments: the message says what was wrong; the caller prints it with the usage text. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong with the arguments
     */
    public UsageException(String message) {
        super(message);
    }
}
