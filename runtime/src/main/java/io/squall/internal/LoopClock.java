package io.squall.internal;

/**
 * The clock an {@link io.squall.IOLoop} made with {@code new IOLoop(clock)} reads instead of
 * {@link System#nanoTime()}, and the hook it calls when it is idle: the seam that lets squall-testing run
 * timers on virtual time.
 *
 * <p>A loop given a clock reads {@link #nanoTime()} for {@code time()}, timers and deadlines. When nothing is
 * left to run before its next timer it asks {@link #idleGraceMillis} how long to wait for I/O first, polls
 * (blocking at most that long), and if that poll found no ready channel and no callback arrived, calls
 * {@link #skipTo} with the next timer's deadline. A real clock answers {@code skipTo} with false and the
 * loop waits as usual; a virtual clock moves its time forward and answers true, so the timer fires at once.
 *
 * <p>The loop calls {@link #idleGraceMillis} and {@link #skipTo} on its own thread; {@link #nanoTime()} may
 * be read from any thread (scheduling from another thread reads the time).
 */
public interface LoopClock {

    /**
     * Returns the current time on the {@link System#nanoTime()} scale (monotonic nanoseconds).
     *
     * @return now, in nanoseconds
     */
    long nanoTime();

    /**
     * Returns how long (real milliseconds) an idle loop waits for I/O before it may skip to its next timer.
     *
     * @param channelsWaiting true if some channel is registered with interest (a socket may still deliver
     *     I/O that is in flight), false if only timers are pending
     * @return 0 to poll without blocking, or a positive number of milliseconds
     */
    long idleGraceMillis(boolean channelsWaiting);

    /**
     * Called on the loop thread when the loop is idle until {@code deadline}: no callback queued, and a
     * poll that waited {@link #idleGraceMillis} found no ready channel.
     *
     * @param deadline the next timer's deadline ({@link #nanoTime()} scale)
     * @return true if the clock is now at or past {@code deadline} (the loop then runs the timer without
     *     waiting), false to let the loop wait for it in real time
     */
    boolean skipTo(long deadline);
}
