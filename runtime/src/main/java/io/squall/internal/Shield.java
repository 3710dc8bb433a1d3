package io.squall.internal;

import java.util.Objects;

import io.squall.Future;

/**
 * The future {@code Gen.shield(f)} returns: it follows {@code f}, but cancelling it does not cancel {@code f},
 * and a cancelled coroutine that awaits it waits for {@code f} instead of throwing. {@link Continuation}
 * recognises it by type; application code only ever sees it as a {@link Future}.
 *
 * @param <T> the type of the value
 */
public final class Shield<T> extends Future<T> {
    private final Future<T> inner;

    /**
     * Follows {@code inner}: completes with its value, its failure or its cancellation.
     *
     * @param inner the shielded future, not null
     */
    public Shield(Future<T> inner) {
        this.inner = Objects.requireNonNull(inner, "future");
        inner.addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t == null) {
                trySetResult(done.result());
            } else {
                trySetException(t);
            }
        });
    }

    /** Names the shielded future. */
    @Override
    public String toString() {
        return super.toString() + " shielding " + inner;
    }
}
