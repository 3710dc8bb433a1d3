package io.squall;

import java.util.concurrent.CancellationException;

/**
 * A future that stands for an inner piece of work (as {@link Gen#timeout} returns): cancelling it cancels
 * the inner future, and it is done only once the inner one is, so that a cancelled coroutine has unwound
 * before whoever waits on this future goes on.
 *
 * @param <T> the type of the value
 */
final class Follower<T> extends Future<T> {
    private final Future<?> inner;

    Follower(Future<?> inner) {
        this.inner = inner;
    }

    /**
     * Cancels the inner future; this one completes (cancelled) when the inner one is done.
     *
     * @return true if this future was not done yet
     */
    @Override
    public boolean cancel() {
        if (isDone()) {
            return false;
        }
        inner.cancel();
        return !isDone() || isCancelled();
    }

    /** Completes this future with {@code done}'s outcome, its cancellation included. */
    void copy(Future<? extends T> done) {
        Throwable t = done.exception();
        if (t instanceof CancellationException) {
            completeCancelled((CancellationException) t);
        } else if (t != null) {
            trySetException(t);
        } else {
            trySetResult(done.result());
        }
    }
}
