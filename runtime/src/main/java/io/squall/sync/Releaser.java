package io.squall.sync;

/**
 * Gives back what an {@code acquire()} took: Tornado's {@code async with lock:}, as
 * {@code try (Releaser r = await(lock.acquire())) { ... }}.
 *
 * <p>Call {@link #close()} on the thread of the primitive's loop, like every method of {@code io.squall.sync}.
 */
public interface Releaser extends AutoCloseable {
    /**
     * Releases what was acquired, once; a second {@code close()} of the same acquisition does nothing.
     *
     * @throws IllegalStateException if called from a thread other than the primitive's loop thread
     */
    @Override
    void close();
}
