package io.squall.sync;

import java.time.Duration;
import java.util.Objects;

import io.squall.Future;

/**
 * The counting engine under {@link Lock} and {@link Semaphore}: free permits, the waiters for one, and the
 * shared done future an uncontended acquire returns.
 *
 * <p>A permit given back while someone waits goes straight to the oldest waiter still waiting (the count
 * stays 0), so a newcomer can never overtake a waiter: first come, first served.
 */
abstract class PermitPool extends LoopBound {
    /** Free permits. */
    int value;
    /** Uncontended acquisitions handed out with {@link #shared} and not yet given back through it. */
    int sharedOut;
    final WaitList<PermitWaiter> waiters = new WaitList<>();
    /** The done future every uncontended acquire returns; its releaser gives back one permit per close. */
    private final Future<Releaser> shared = Future.of(new SharedReleaser());

    PermitPool(int value) {
        this.value = value;
    }

    final Future<Releaser> acquirePermit(String op, Duration timeout) {
        checkThread(op);
        if (value > 0) {
            value--;
            sharedOut++;
            return shared;
        }
        return new PermitWaiter(this, op, timeout);
    }

    /** Hands the permit to the oldest live waiter, or adds it to the free count. */
    final void releasePermit() {
        PermitWaiter w;
        while ((w = waiters.poll()) != null) {
            if (w.trySetResult(w)) {
                return;
            }
        }
        value++;
    }

    /** Gives back one permit: {@code release()} of the public class, with its own checks. */
    abstract void giveBack();

    final String describe(String state) {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[').append(state);
        if (!waiters.isEmpty()) {
            sb.append(",waiters:").append(waiters.size());
        }
        return sb.append(']').toString();
    }

    /** The releaser of the shared future: each close gives back one uncontended acquisition, no more. */
    private final class SharedReleaser implements Releaser {
        @Override
        public void close() {
            checkThread("Releaser.close()");
            if (sharedOut > 0) {
                sharedOut--;
                giveBack();
            }
        }

        @Override
        public String toString() {
            return "Releaser(" + PermitPool.this + ")";
        }
    }

    /** A waiter for a permit; once served, it is its own releaser, exactly once. */
    static final class PermitWaiter extends Waiter<Releaser> implements Releaser {
        private final PermitPool pool;
        private boolean released;

        PermitWaiter(PermitPool pool, String op, Duration timeout) {
            super(pool, pool.waiters, op, timeout);
            this.pool = pool;
        }

        @Override
        public void close() {
            pool.checkThread("Releaser.close()");
            if (!released && isDone()) {
                released = true;
                pool.giveBack();
            }
        }
    }

    static Duration requireTimeout(Duration timeout) {
        return Objects.requireNonNull(timeout, "timeout");
    }
}
