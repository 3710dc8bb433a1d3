package io.squall.sync;

/**
 * A {@link Semaphore} whose count may never go above its initial value: Tornado's
 * {@code tornado.locks.BoundedSemaphore}. A release without a matching acquire is a bug it reports.
 *
 * <p>Threads: as {@link Semaphore}.
 */
public class BoundedSemaphore extends Semaphore {
    private final int initial;

    /**
     * Creates a bounded semaphore with {@code value} permits, which is also its maximum.
     *
     * @param value the initial and maximum number of permits
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public BoundedSemaphore(int value) {
        super(value);
        this.initial = value;
    }

    /**
     * Gives a permit back, as {@link Semaphore#release()}.
     *
     * @throws IllegalStateException if the count is already at its initial value ("Semaphore released too
     *         many times"), or if called off the semaphore's loop thread
     */
    @Override
    public void release() {
        checkThread("BoundedSemaphore.release()");
        giveBack();
    }

    @Override
    void giveBack() {
        if (value >= initial) {
            throw new IllegalStateException("Semaphore released too many times: BoundedSemaphore(" + initial
                    + ") already has all its " + initial + " permits (a release() without a matching acquire())");
        }
        super.giveBack();
    }
}
