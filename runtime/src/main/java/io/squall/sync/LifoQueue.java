package io.squall.sync;

/**
 * A {@link Queue} that hands out the most recently put item first: Tornado's {@code tornado.queues.LifoQueue}.
 * A waiting putter's item goes on top before the next item is taken.
 *
 * <p>Threads: as {@link Queue}.
 *
 * @param <T> the type of the items; {@code null} is refused
 */
public class LifoQueue<T> extends Queue<T> {

    /**
     * Creates a last-in, first-out queue.
     *
     * @param maxsize the bound, or 0 for none
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public LifoQueue(int maxsize) {
        super(maxsize, new Store.Lifo<>());
    }
}
