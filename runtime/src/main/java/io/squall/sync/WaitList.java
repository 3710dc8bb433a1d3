package io.squall.sync;

/**
 * The waiters of one primitive, first come first served: an intrusive doubly linked list of
 * {@link Waiter}s, so that a waiter that is cancelled or times out leaves it in O(1). Owner thread only.
 *
 * @param <W> the type of waiter
 */
final class WaitList<W extends Waiter<?>> {
    private Waiter<?> head;
    private Waiter<?> tail;
    private int size;

    /** Appends {@code w}, which must not be in any list. */
    void add(W w) {
        w.list = this;
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** Removes and returns the oldest waiter, or null if there is none. */
    @SuppressWarnings("unchecked")
    W poll() {
        Waiter<?> w = head;
        if (w != null) {
            unlink(w);
        }
        return (W) w;
    }

    /** Removes {@code w} if it is still in this list; does nothing otherwise. */
    void unlink(Waiter<?> w) {
        if (w.list != this) {
            return;
        }
        Waiter<?> p = w.prev;
        Waiter<?> n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.list = null;
        size--;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }
}
