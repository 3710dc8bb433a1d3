package io.squall.bench.memory;

/**
 * One system whose suspended coroutines the memory command measures. Coroutine {@code k} repeatedly asks
 * for its next "gate" future ({@code slots[k]}), awaits it, and after {@code rounds} gates completes with the
 * sum of their values (each gate carries 1). The driver completes gates round by round.
 */
abstract class SuspendedSystem {

    /** @return the system's short name ({@code squall}, {@code cf}, ...) */
    abstract String name();

    /** @return why the system cannot run on this JVM, or null if it can */
    String unavailableReason() {
        return null;
    }

    /**
     * Fills {@code slots} with fresh pending gates, exactly as the coroutines will: the baseline heap.
     *
     * @param slots the gate slots
     */
    abstract void fillGates(Object[] slots);

    /**
     * Starts one coroutine per slot, each awaiting {@code rounds} gates in turn; returns once every one is
     * suspended on its first gate. Handles ({@code Future}s, threads) go to {@code results}.
     *
     * @param slots the gate slots, empty
     * @param results where each coroutine's handle goes
     * @param rounds the number of gates each awaits
     * @throws Exception if the coroutines cannot be started
     */
    abstract void start(Object[] slots, Object[] results, int rounds) throws Exception;

    /**
     * Completes every current gate and returns once every coroutine is suspended on its next gate (or has
     * finished, on the last round).
     *
     * @param slots the gate slots
     * @param lastRound true when the coroutines finish instead of suspending again
     * @throws Exception on failure
     */
    abstract void advance(Object[] slots, boolean lastRound) throws Exception;

    /**
     * Returns the value coroutine {@code k} finished with.
     *
     * @param results the handles
     * @param k the coroutine
     * @return its result
     * @throws Exception if it failed or has not finished
     */
    abstract int result(Object[] results, int k) throws Exception;

    /** Releases what the system holds (loops, executors). */
    void close() {
    }
}
