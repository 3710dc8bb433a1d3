package io.squall.internal;

import io.squall.IOLoop;

/**
 * The refusal of a loop-thread-only method called from another thread while its loop runs (it would race
 * with the loop): one message shape for the net, http and websocket classes. The callers test
 * {@code !loop.inLoopThread()} first (a volatile read and a compare), so the right thread pays nothing more.
 */
public final class OffLoop {

    private OffLoop() {
        throw new AssertionError("no instances");
    }

    /**
     * Builds the refusal.
     *
     * @param op the method, e.g. {@code "IOStream.readUntil()"}
     * @param target what it was called on (its {@code toString()} goes into the message)
     * @param loop the loop {@code target} belongs to
     * @param fix the API's own advice, a sentence, or null for the general one
     * @return the exception to throw
     */
    public static IllegalStateException refusal(String op, Object target, IOLoop loop, String fix) {
        return new IllegalStateException(op + " on " + target + " was called on thread '"
                + Thread.currentThread().getName() + "', but it belongs to " + loop + " and is not thread-safe (this"
                + " would race with the loop). Call it on the loop's thread: from another thread, hand it over with"
                + " loop.addCallback(() -> ...) (safe from any thread)"
                + (fix == null ? "." : "; " + fix));
    }
}
