package io.squall.sync;

import java.util.ArrayDeque;
import java.util.Comparator;

/**
 * Where a {@link Queue} keeps its items, in the order it hands them out (Tornado's {@code _put}/{@code _get}).
 *
 * @param <T> the type of the items
 */
interface Store<T> {
    void add(T item);

    /** Removes and returns the next item; the store is not empty. */
    T take();

    /** Takes back {@code item}, which the last {@link #add} put in (a rare race: see Queue.getNowait). */
    void undoAdd(T item);

    int size();

    /** First in, first out. */
    final class Fifo<T> implements Store<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();

        @Override
        public void add(T item) {
            items.addLast(item);
        }

        @Override
        public T take() {
            return items.pollFirst();
        }

        @Override
        public void undoAdd(T item) {
            items.pollLast();
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    /** Last in, first out. */
    final class Lifo<T> implements Store<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();

        @Override
        public void add(T item) {
            items.addLast(item);
        }

        @Override
        public T take() {
            return items.pollLast();
        }

        @Override
        public void undoAdd(T item) {
            items.pollLast();
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    /** Smallest first, by a comparator; equal items in no particular order (a binary heap). */
    final class Priority<T> implements Store<T> {
        private final java.util.PriorityQueue<T> items;

        Priority(Comparator<? super T> order) {
            items = new java.util.PriorityQueue<>(order);
        }

        @Override
        public void add(T item) {
            items.add(item);
        }

        @Override
        public T take() {
            return items.poll();
        }

        @Override
        public void undoAdd(T item) {
            items.removeIf(e -> e == item);
        }

        @Override
        public int size() {
            return items.size();
        }
    }
}
