package io.squall;

/**
 * Test access to what an {@link IOLoop} holds (its package-private counters), so tests in other packages
 * can check that cancelled work gave its timers and channels back. Call on the loop's thread.
 */
public final class LoopCounters {
    private LoopCounters() {
        throw new AssertionError("no instances");
    }

    /**
     * @param loop the loop
     * @return how many of its timers are still pending
     */
    public static int pendingTimers(IOLoop loop) {
        return loop.pendingTimers();
    }

    /**
     * @param loop the loop
     * @return how many channels have a handler on it
     */
    public static int activeHandlers(IOLoop loop) {
        return loop.activeHandlers();
    }
}
