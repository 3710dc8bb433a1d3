package io.squall.sync;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that hands out the smallest item first: Tornado's {@code tornado.queues.PriorityQueue}
 * (typically of {@code (priority, item)} pairs; here, any order). Items that compare equal come out in no
 * particular order. A waiting putter's item joins the ordering before the next item is taken.
 *
 * <p>Threads: as {@link Queue}.
 *
 * @param <T> the type of the items; {@code null} is refused
 */
public class PriorityQueue<T> extends Queue<T> {

    /**
     * Creates a priority queue ordered by {@code order}.
     *
     * @param maxsize the bound, or 0 for none
     * @param order the order; the smallest item comes out first
     * @throws IllegalArgumentException if {@code maxsize} is negative
     * @throws NullPointerException if {@code order} is null
     */
    public PriorityQueue(int maxsize, Comparator<? super T> order) {
        super(maxsize, new Store.Priority<>(Objects.requireNonNull(order, "order")));
    }

    /**
     * Creates a priority queue in the items' natural order ({@link Comparable}); the smallest comes out first.
     * Items that are not {@code Comparable} fail with {@link ClassCastException} when compared.
     *
     * @param maxsize the bound, or 0 for none
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    @SuppressWarnings("unchecked")
    public PriorityQueue(int maxsize) {
        super(maxsize, new Store.Priority<>((Comparator<? super T>) Comparator.naturalOrder()));
    }
}
