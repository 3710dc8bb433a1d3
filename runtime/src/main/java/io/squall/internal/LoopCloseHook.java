package io.squall.internal;

/**
 * Something registered with an {@link io.squall.IOLoop} (a timer's callback, a queued callback, or the handler
 * attached to a channel) that owns futures a coroutine may be suspended on. {@link io.squall.IOLoop#close()}
 * finds these hooks in what the loop already holds (so a suspension costs nothing extra), calls
 * {@link #cancelOnClose()} on each, lets the cancelled coroutines unwind on the loop's thread, and then calls
 * {@link #closeWithLoop()} on the channel handlers before it closes its selector.
 *
 * <p>Runtime-internal: the network classes implement it; user code should not.
 */
public interface LoopCloseHook {

    /**
     * Cancels the pending futures this object would have completed (a timer's future, a socket read or
     * write, a connect, a fetch). Called on the loop's thread, while the loop still accepts callbacks, so
     * coroutines awaiting those futures resume with a {@link java.util.concurrent.CancellationException}.
     */
    void cancelOnClose();

    /**
     * Releases what this object holds on the loop (closes its channel), once the coroutines cancelled by
     * {@link #cancelOnClose()} have unwound. Called by {@code IOLoop.close()} after the loop is marked
     * closed, so callbacks this triggers run at once on the calling thread. Does nothing by default.
     */
    default void closeWithLoop() {
    }
}
