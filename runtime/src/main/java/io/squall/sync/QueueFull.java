package io.squall.sync;

/**
 * Thrown by {@link Queue#putNowait} when the queue already holds {@code maxsize} items: Tornado's
 * {@code QueueFull}.
 */
public class QueueFull extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was full and what to do instead
     */
    public QueueFull(String message) {
        super(message);
    }
}
