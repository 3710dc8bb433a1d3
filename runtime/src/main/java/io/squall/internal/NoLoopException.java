package io.squall.internal;

/**
 * Thrown when a thread that has no {@link io.squall.IOLoop} of its own calls something that needs one (a
 * coroutine reaching its first {@code await}, {@code Gen.sleep}, {@code TCPClient.connect}, ...), which would
 * otherwise land on a new loop that nobody runs and never complete. A coroutine's entry rethrows it to its
 * caller instead of returning a failed future: on such a thread nobody would ever look at that future.
 * Internal: catch {@link IllegalStateException}.
 */
public final class NoLoopException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, on which thread, which loop would be needed, and what to do
     */
    public NoLoopException(String message) {
        super(message);
    }

    /**
     * Rethrows {@code t} if it is a {@code NoLoopException}; for the coroutine entries' failure path.
     *
     * @param t what a coroutine's body threw before suspending
     * @throws NoLoopException if {@code t} is one
     */
    static void rethrowIfNoLoop(Throwable t) {
        if (t instanceof NoLoopException) {
            throw (NoLoopException) t;
        }
    }
}
