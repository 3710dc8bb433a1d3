package io.squall.sync;

/**
 * Thrown by {@link Queue#getNowait()} when the queue holds no item: Tornado's {@code QueueEmpty}.
 */
public class QueueEmpty extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was empty and what to do instead
     */
    public QueueEmpty(String message) {
        super(message);
    }
}
