package io.squall.testing;

import java.time.Duration;
import java.util.Objects;

import io.squall.IOLoop;
import io.squall.internal.LoopClock;

/**
 * Virtual time for an {@link IOLoop}: the clock runs with real time and jumps forward to the next timer
 * whenever the loop is idle, so timers ({@code callLater}, {@code Gen.sleep}, {@code Gen.withTimeout},
 * the timeouts of io.squall.sync, {@code runSync}'s timeout) fire without waiting, while real I/O keeps
 * working beside them (kotlinx-coroutines-test's {@code runTest}).
 *
 * <p>Get one with {@code @SquallTest(virtualTime = true)} (inject it as a test parameter), or make a loop
 * with {@code new IOLoop(new VirtualClock())}.
 *
 * <p><b>When the clock jumps.</b> Only when the loop is idle: no callback is queued (from any thread), no
 * timer is due, and a poll of the selector finds no ready channel. If some channel is registered with
 * interest (an open socket, a listening server), that poll waits {@link #GRACE_MILLIS} of real time first,
 * so that I/O already in flight (data sent by this loop over loopback, a reply from another thread or
 * process) arrives before the jump. Work that takes longer than that outside the loop (a blocking task in
 * {@code runInExecutor}, a slow outside peer) does not hold the clock back: its timeouts may fire early in
 * real time. Await such work before relying on timers, or keep that test on real time.
 *
 * <p>Threads: {@link #nanoTime()} from any thread; {@link #advance} on the loop's thread (or before the loop
 * runs).
 */
public final class VirtualClock implements LoopClock {

    /** Real milliseconds an idle loop with open channels waits for I/O before jumping. */
    public static final long GRACE_MILLIS = 2;

    /** How far virtual time is ahead of {@link System#nanoTime()}; written on the loop thread only. */
    private volatile long offset;

    /** Creates a clock that starts at {@link System#nanoTime()}. */
    public VirtualClock() {
    }

    /**
     * Returns the virtual time: {@link System#nanoTime()} plus every jump so far.
     *
     * @return now, in nanoseconds
     */
    @Override
    public long nanoTime() {
        return System.nanoTime() + offset;
    }

    /**
     * Returns how far the clock has jumped ahead of real time in total.
     *
     * @return the skipped time
     */
    public Duration skipped() {
        return Duration.ofNanos(offset);
    }

    /**
     * Moves the clock forward by {@code d}: timers that fall due run in the loop's next iteration.
     *
     * @param d how far to move; must not be negative
     * @throws IllegalArgumentException if {@code d} is negative
     */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        if (d.isNegative()) {
            throw new IllegalArgumentException("VirtualClock.advance(" + d + "): time only moves forward");
        }
        offset += d.toNanos();
    }

    /**
     * Returns {@link #GRACE_MILLIS} if channels are waiting for I/O, else 0.
     *
     * @param channelsWaiting whether some channel is registered with interest
     * @return how long the idle loop polls before jumping
     */
    @Override
    public long idleGraceMillis(boolean channelsWaiting) {
        return channelsWaiting ? GRACE_MILLIS : 0;
    }

    /**
     * Jumps to {@code deadline} if it is ahead. Called by the idle loop on its thread.
     *
     * @param deadline the next timer's deadline
     * @return always true: the timer can run now
     */
    @Override
    public boolean skipTo(long deadline) {
        long ahead = deadline - nanoTime();
        if (ahead > 0) {
            offset += ahead;
        }
        return true;
    }

    /** Describes the clock and how far it has jumped. */
    @Override
    public String toString() {
        return "VirtualClock(skipped " + skipped() + ")";
    }
}
