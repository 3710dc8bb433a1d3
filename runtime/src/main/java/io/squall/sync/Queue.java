package io.squall.sync;

import java.time.Duration;
import java.util.Objects;

import io.squall.Future;

/**
 * A queue for coroutines: Tornado's {@code tornado.queues.Queue}, first in, first out. With a {@code maxsize}
 * it applies back-pressure: {@link #put} waits while the queue is full, {@link #get} waits while it is empty.
 * {@link #taskDone()} and {@link #join()} tell a producer when every item put has been processed.
 *
 * <pre>
 *   Queue&lt;String&gt; urls = new Queue&lt;&gt;();
 *   // each of N workers:
 *   while (true) {
 *       String url = await(urls.get());
 *       try { await(fetch(url)); } finally { urls.taskDone(); }
 *   }
 *   // the producer:
 *   await(urls.put(first));
 *   await(urls.join());                          // every item put has had its taskDone()
 * </pre>
 *
 * <p>Waiting getters and putters are served first come, first served; one whose future is cancelled or
 * times out is removed at once (a cancelled put's item is never added; a cancelled get never takes one).
 * A {@link #put} that does not wait allocates nothing (a shared done future); a {@link #get} that does not
 * wait allocates only the future of its item ({@link #getNowait()} allocates nothing).
 *
 * <p>Threads: every method must be called on the thread of the queue's loop, the first thread that used it;
 * from any other thread it throws {@link IllegalStateException}. The returned futures are thread-safe.
 *
 * @param <T> the type of the items; {@code null} is refused
 */
public class Queue<T> extends LoopBound {
    private final int maxsize;
    private final Store<T> items;
    private final WaitList<Waiter<T>> getters = new WaitList<>();
    private final WaitList<Putter<T>> putters = new WaitList<>();
    /** Set while no task is unfinished; starts set without claiming the queue for this thread. */
    private final Event finished = new Event(true);
    private int unfinished;

    /** Creates an unbounded queue; it belongs to the first thread that uses it. */
    public Queue() {
        this(0);
    }

    /**
     * Creates a queue that holds at most {@code maxsize} items.
     *
     * @param maxsize the bound, or 0 for none
     * @throws IllegalArgumentException if {@code maxsize} is negative
     */
    public Queue(int maxsize) {
        this(maxsize, new Store.Fifo<>());
    }

    Queue(int maxsize, Store<T> items) {
        if (maxsize < 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": maxsize must be >= 0 (0 = unbounded), got "
                    + maxsize);
        }
        this.maxsize = maxsize;
        this.items = items;
    }

    /**
     * Puts {@code item} in the queue, waiting while it is full. A getter that waits gets it at once.
     *
     * @param item the item
     * @return a future that completes once the item is in (a shared done future if there was room)
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<Void> put(T item) {
        return put(item, null, "Queue.put()");
    }

    /**
     * As {@link #put(Object)}, but the future fails with {@link java.util.concurrent.TimeoutException} if
     * there is no room within {@code timeout}; the item is then not put.
     *
     * @param item the item
     * @param timeout how long to wait for room
     * @return a future that completes once the item is in
     * @throws NullPointerException if {@code item} or {@code timeout} is null
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<Void> put(T item, Duration timeout) {
        return put(item, Objects.requireNonNull(timeout, "timeout"), "Queue.put(timeout)");
    }

    private Future<Void> put(T item, Duration timeout, String op) {
        checkThread(op);
        Objects.requireNonNull(item, "Queue.put: null items are refused");
        if (offer(item)) {
            return DONE;
        }
        return new Putter<>(this, item, op, timeout);
    }

    /**
     * Puts {@code item} in the queue without waiting.
     *
     * @param item the item
     * @throws QueueFull if the queue holds {@code maxsize} items
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public void putNowait(T item) {
        checkThread("Queue.putNowait()");
        Objects.requireNonNull(item, "Queue.putNowait: null items are refused");
        if (!offer(item)) {
            throw new QueueFull("Queue.putNowait: the queue is full (maxsize " + maxsize
                    + "); await put(item) to wait for room");
        }
    }

    /** Hands {@code item} to the oldest live getter, or stores it if there is room; false if full. */
    private boolean offer(T item) {
        Waiter<T> g;
        while ((g = getters.poll()) != null) {
            // Count the task before the getter's callbacks run: one of them may call taskDone() at once.
            taskAdded();
            if (g.trySetResult(item)) {
                return true;
            }
            taskRemoved();
        }
        if (maxsize > 0 && items.size() >= maxsize) {
            return false;
        }
        items.add(item);
        taskAdded();
        return true;
    }

    /**
     * Takes the next item, waiting while the queue is empty.
     *
     * @return a future of the item
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<T> get() {
        checkThread("Queue.get()");
        if (items.size() > 0) {
            return Future.of(take());
        }
        return new Waiter<>(this, getters, "Queue.get()", null);
    }

    /**
     * As {@link #get()}, but the future fails with {@link java.util.concurrent.TimeoutException} if no item
     * comes within {@code timeout}; no item is then taken.
     *
     * @param timeout how long to wait
     * @return a future of the item
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<T> get(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        checkThread("Queue.get(timeout)");
        if (items.size() > 0) {
            return Future.of(take());
        }
        return new Waiter<>(this, getters, "Queue.get(timeout)", timeout);
    }

    /**
     * Takes the next item without waiting.
     *
     * @return the item
     * @throws QueueEmpty if the queue is empty
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public T getNowait() {
        checkThread("Queue.getNowait()");
        if (items.size() == 0) {
            throw new QueueEmpty("Queue.getNowait: the queue is empty; await get() to wait for an item");
        }
        return take();
    }

    /** Takes the next item (there is one); a waiting putter's item moves in first, as in Tornado. */
    private T take() {
        Putter<T> p;
        while ((p = putters.poll()) != null) {
            items.add(p.item);
            taskAdded();
            if (p.trySetResult(null)) {
                break;
            }
            // Cancelled from another thread just now: its item must not stay.
            items.undoAdd(p.item);
            taskRemoved();
        }
        return items.take();
    }

    /**
     * Tells the queue that one item taken with {@code get} has been processed; when every item put has been,
     * {@link #join()} completes.
     *
     * @throws IllegalStateException if called more times than items were put, or off the queue's loop thread
     */
    public void taskDone() {
        checkThread("Queue.taskDone()");
        if (unfinished <= 0) {
            throw new IllegalStateException("Queue.taskDone() called more times than items were put (no "
                    + "unfinished task left): call it once per item taken, after processing it");
        }
        taskRemoved();
    }

    /**
     * Waits until every item put so far has been taken and marked with {@link #taskDone()}.
     *
     * @return a future that completes then (a shared done future if nothing is unfinished)
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<Void> join() {
        checkThread("Queue.join()");
        return finished.waitFor(null, "Queue.join()");
    }

    /**
     * As {@link #join()}, but the future fails with {@link java.util.concurrent.TimeoutException} if tasks
     * are still unfinished after {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the future
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public Future<Void> join(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        checkThread("Queue.join(timeout)");
        return finished.waitFor(timeout, "Queue.join(timeout)");
    }

    /**
     * Returns the number of items in the queue (not counting those of waiting putters).
     *
     * @return the size
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public int qsize() {
        checkReader("Queue.qsize()");
        return items.size();
    }

    /**
     * Tells whether the queue holds no item.
     *
     * @return true if empty
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public boolean empty() {
        checkReader("Queue.empty()");
        return items.size() == 0;
    }

    /**
     * Tells whether the queue holds {@code maxsize} items (never, for an unbounded queue).
     *
     * @return true if full
     * @throws IllegalStateException if called off the queue's loop thread
     */
    public boolean full() {
        checkReader("Queue.full()");
        return maxsize > 0 && items.size() >= maxsize;
    }

    /**
     * Returns the bound given at construction.
     *
     * @return the maximum number of items, 0 for unbounded
     */
    public int maxsize() {
        return maxsize;
    }

    private void taskAdded() {
        if (unfinished++ == 0) {
            finished.clear();
        }
    }

    private void taskRemoved() {
        if (--unfinished == 0) {
            finished.set();
        }
    }

    /**
     * Describes the state, as Tornado does: {@code Queue[maxsize=1 qsize=0 getters[1] tasks=2]}; the waiter
     * and task counts appear only when not zero.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("[maxsize=").append(maxsize)
                .append(" qsize=").append(items.size());
        if (!getters.isEmpty()) {
            sb.append(" getters[").append(getters.size()).append(']');
        }
        if (!putters.isEmpty()) {
            sb.append(" putters[").append(putters.size()).append(']');
        }
        if (unfinished > 0) {
            sb.append(" tasks=").append(unfinished);
        }
        return sb.append(']').toString();
    }

    /** A put waiting for room, with its item. */
    private static final class Putter<T> extends Waiter<Void> {
        final T item;

        Putter(Queue<T> q, T item, String op, Duration timeout) {
            super(q, q.putters, op, timeout);
            this.item = item;
        }
    }
}
