package io.squall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.squall.internal.Log;

/**
 * Helpers for coroutines: Tornado's {@code tornado.gen}. Timers use the calling thread's current
 * {@link IOLoop}.
 *
 * <p>Threads: {@link #sleep}, {@link #moment}, {@link #withTimeout} and {@link #timeout} belong on a loop's
 * thread (a coroutine's, or one setting up its loop before {@code start()}). On a worker thread that has no
 * loop of its own (an {@link IOLoop#runInExecutor} worker, or any thread while a loop runs elsewhere) they
 * throw {@link IllegalStateException} naming both threads, instead of scheduling on a loop that nobody runs;
 * hand the work to the loop with {@code loop.addCallback(() -> ...)}. The other helpers only combine futures
 * and work from any thread.
 */
public final class Gen {

    private Gen() {
        throw new AssertionError("no instances");
    }

    /**
     * Returns a future that completes with null after {@code d}, on the current loop. Cancelling it
     * removes the timer.
     *
     * @param d how long to sleep
     * @return the future
     * @throws NullPointerException if {@code d} is null
     * @throws IllegalStateException on a worker thread without a loop of its own (see the class comment)
     */
    public static Future<Void> sleep(Duration d) {
        Objects.requireNonNull(d, "duration");
        IOLoop loop = LoopOwnership.currentFor("Gen.sleep()");
        Future<Void> f = new Future<>();
        Wakeup w = new Wakeup(f);
        Timeout t = loop.callLater(d, w);
        w.describe(loop, d, t);
        f.describeAs(w);
        f.addQuietCallback(done -> {
            if (done.isCancelled()) {
                loop.removeTimeout(t);
            }
        });
        return f;
    }

    /**
     * Returns a future that completes in the next iteration of the current loop: awaiting it lets every
     * callback queued before it run first, and suspends for exactly one iteration.
     *
     * @return the future
     * @throws IllegalStateException on a worker thread without a loop of its own (see the class comment)
     */
    public static Future<Void> moment() {
        IOLoop loop = LoopOwnership.currentFor("Gen.moment()");
        Future<Void> f = new Future<>();
        Wakeup w = new Wakeup(f);
        loop.addCallback(w);
        f.describeAs(w);
        return f;
    }

    /**
     * The loop task behind {@link #sleep} and {@link #moment}: completes the future when it runs; if the
     * loop is closed first, cancels it, so that a coroutine awaiting it unwinds instead of staying suspended.
     */
    private static final class Wakeup implements IOLoop.CancelOnClose {
        private final Future<Void> future;
        /** For the description of a sleep's future: its loop, duration and timer (null for a moment). */
        private IOLoop loop;
        private Duration duration;
        private Timeout timer;

        Wakeup(Future<Void> future) {
            this.future = future;
        }

        void describe(IOLoop loop, Duration duration, Timeout timer) {
            this.loop = loop;
            this.duration = duration;
            this.timer = timer;
        }

        @Override
        public void run() {
            future.trySetResult(null);
        }

        @Override
        public void cancelOnClose() {
            future.cancel();
        }

        /**
         * Describes the timer: {@code Gen.sleep(PT5S) timer, due in 4997 ms}, {@code ..., overdue by 250 ms} (its
         * loop has not run it yet: in a dump, a sign that the loop is blocked), or {@code Gen.moment()}.
         */
        @Override
        public String toString() {
            if (timer == null) {
                return "Gen.moment() (the next loop iteration)";
            }
            long left = timer.deadline - loop.time();
            return "Gen.sleep(" + duration + ") timer, " + (left > 0 ? "due in " + left / 1_000_000 + " ms"
                    : left > -1_000_000 ? "due now" : "overdue by " + -left / 1_000_000 + " ms");
        }
    }

    /**
     * Waits for all of {@code fs}: the result lists their values in order. If any fails, the result fails
     * with the failure that happened first in time; failures after it are logged, not lost.
     *
     * <p>As Tornado's {@code multi}, a failure cancels nothing: the other futures go on, and cancelling the
     * result does not cancel them. For a group whose first failure cancels the rest, and which completes only
     * once every member has unwound, use {@link Scope#run} (or {@link Scope#supervisor}).
     *
     * @param fs the futures
     * @param <T> the type of the values
     * @return a future of the values, in order
     * @throws NullPointerException if {@code fs} or one of its futures is null
     */
    public static <T> Future<List<T>> multi(List<? extends Future<? extends T>> fs) {
        Objects.requireNonNull(fs, "futures");
        for (int i = 0; i < fs.size(); i++) {
            Objects.requireNonNull(fs.get(i), "Gen.multi: the future at index " + i + " is null");
        }
        return multi(fs, i -> "Gen.multi: the future at index " + i, NO_QUIET);
    }

    /**
     * As {@link #multi(List)}, but a later failure (after the first, which the result fails with) whose type
     * is one of {@code quietExceptions} (or a subclass) is only logged at DEBUG level instead of ERROR:
     * Tornado's {@code multi(children, quiet_exceptions=...)}, for failures that are expected when one
     * child's failure makes the others fail too (a closed stream, a timeout).
     *
     * @param fs the futures
     * @param quietExceptions the exception types not to log as errors
     * @param <T> the type of the values
     * @return a future of the values, in order
     * @throws NullPointerException if {@code fs}, one of its futures, or {@code quietExceptions} is null
     */
    @SafeVarargs
    public static <T> Future<List<T>> multi(List<? extends Future<? extends T>> fs,
            Class<? extends Throwable>... quietExceptions) {
        Objects.requireNonNull(fs, "futures");
        Class<?>[] quiet = quietTypes(quietExceptions);
        for (int i = 0; i < fs.size(); i++) {
            Objects.requireNonNull(fs.get(i), "Gen.multi: the future at index " + i + " is null");
        }
        return multi(fs, i -> "Gen.multi: the future at index " + i, quiet);
    }

    /**
     * As {@link #multi(Map)}, with the quiet exception types of {@link #multi(List, Class[])}.
     *
     * @param fs the futures by key
     * @param quietExceptions the exception types not to log as errors
     * @param <K> the key type
     * @param <V> the value type
     * @return a future of the values by key
     * @throws NullPointerException if {@code fs}, one of its futures, or {@code quietExceptions} is null
     */
    @SafeVarargs
    public static <K, V> Future<Map<K, V>> multi(Map<K, ? extends Future<? extends V>> fs,
            Class<? extends Throwable>... quietExceptions) {
        return multiMap(fs, quietTypes(quietExceptions));
    }

    private static final Class<?>[] NO_QUIET = new Class<?>[0];

    private static Class<?>[] quietTypes(Class<?>[] types) {
        Objects.requireNonNull(types, "quietExceptions");
        for (Class<?> c : types) {
            Objects.requireNonNull(c, "Gen.multi: a quiet exception type is null");
        }
        return types.clone();
    }

    private static <T> Future<List<T>> multi(List<? extends Future<? extends T>> fs, IntFunction<String> where,
            Class<?>[] quiet) {
        int n = fs.size();
        Future<List<T>> result = new Future<>();
        if (n == 0) {
            result.setResult(new ArrayList<>());
            return result;
        }
        Object[] values = new Object[n];
        AtomicInteger remaining = new AtomicInteger(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            Future<? extends T> f = fs.get(i);
            f.addDoneCallback(done -> {
                Throwable t = done.exception();
                if (t != null) {
                    fail(result, t, where.apply(index), quiet);
                    return;
                }
                values[index] = done.result();
                if (remaining.decrementAndGet() == 0) {
                    @SuppressWarnings("unchecked")
                    List<T> list = (List<T>) new ArrayList<>(Arrays.asList(values));
                    result.trySetResult(list);
                }
            });
        }
        return result;
    }

    /**
     * Waits for all values of {@code fs}: the result maps the same keys, in the same iteration order, to
     * the values. Failures as in {@link #multi(List)}.
     *
     * @param fs the futures by key
     * @param <K> the key type
     * @param <V> the value type
     * @return a future of the values by key
     * @throws NullPointerException if {@code fs} or one of its futures is null
     */
    public static <K, V> Future<Map<K, V>> multi(Map<K, ? extends Future<? extends V>> fs) {
        return multiMap(fs, NO_QUIET);
    }

    private static <K, V> Future<Map<K, V>> multiMap(Map<K, ? extends Future<? extends V>> fs, Class<?>[] quiet) {
        Objects.requireNonNull(fs, "futures");
        List<K> keys = new ArrayList<>(fs.keySet());
        List<Future<? extends V>> futures = new ArrayList<>(keys.size());
        for (K k : keys) {
            futures.add(Objects.requireNonNull(fs.get(k), "Gen.multi: the future for key " + k + " is null"));
        }
        Future<Map<K, V>> result = new Future<>();
        multi(futures, i -> "Gen.multi: the future for key " + keys.get(i), quiet).addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t != null) {
                result.trySetException(t);
                return;
            }
            List<V> values = done.result();
            Map<K, V> map = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                map.put(keys.get(i), values.get(i));
            }
            result.trySetResult(map);
        });
        return result;
    }

    /**
     * Returns a future that follows {@code f}, or fails with {@link TimeoutException} if {@code f} is not
     * done within {@code d} (timed on the current loop). This keeps Tornado's meaning of
     * {@code gen.with_timeout}: {@code f} itself is not cancelled, neither at the deadline nor when the
     * returned future is cancelled, and goes on running; if it fails after the timeout, its failure is logged.
     * Cancelling the returned future removes the timer. To cancel the work at the deadline and wait for it to
     * unwind, use {@link #timeout(Duration, Supplier)}.
     *
     * @param d the time limit
     * @param f the future to wait for
     * @param <T> the type of the value
     * @return the future
     * @throws NullPointerException if {@code d} or {@code f} is null
     * @throws IllegalStateException on a worker thread without a loop of its own (see the class comment)
     */
    public static <T> Future<T> withTimeout(Duration d, Future<T> f) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(f, "future");
        Future<T> result = new Future<>();
        IOLoop loop = LoopOwnership.currentFor("Gen.withTimeout()");
        Timeout timer = loop.callLater(d, () -> result.trySetException(
                new TimeoutException("Gen.withTimeout: " + f.describe() + " not done after " + d)));
        result.addQuietCallback(done -> loop.removeTimeout(timer));
        f.addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t == null) {
                result.trySetResult(done.result());
            } else {
                fail(result, t, "Gen.withTimeout: " + f);
            }
        });
        return result;
    }

    /**
     * Runs {@code fn} with a deadline (asyncio's {@code timeout}, Kotlin's {@code withTimeout}): calls
     * {@code fn} at once and follows the future it returns. If that future is not done after {@code d}
     * (timed on the current loop), it is cancelled, and once it is done (a coroutine has unwound: its
     * {@code catch} and {@code finally} blocks ran) the returned future fails with a
     * {@link TimeoutException} whose cause is the inner future's {@link CancellationException} (which carries,
     * as suppressed exceptions, anything thrown while unwinding). If the inner future completes in some other
     * way despite the cancellation (it was already completing), the returned future takes that outcome.
     *
     * <p>Cancelling the returned future cancels the inner one and removes the timer; the returned future is
     * then done once the inner one is, and is cancelled. A {@code fn} that throws gives a failed future.
     *
     * @param d the time limit
     * @param fn starts the work and returns its future (usually a coroutine call)
     * @param <T> the type of the value
     * @return the future
     * @throws NullPointerException if {@code d} or {@code fn} is null
     * @throws IllegalStateException on a worker thread without a loop of its own (see the class comment);
     *     {@code fn} is then not called
     */
    public static <T> Future<T> timeout(Duration d, Supplier<? extends Future<T>> fn) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(fn, "fn");
        IOLoop loop = LoopOwnership.currentFor("Gen.timeout()");
        Future<T> inner;
        try {
            inner = fn.get();
        } catch (Throwable t) {
            return Future.failed(t);
        }
        if (inner == null) {
            return Future.of(null);
        }
        if (inner.isDone()) {
            return inner;
        }
        Follower<T> result = new Follower<>(inner);
        boolean[] timedOut = {false};
        Timeout timer = loop.callLater(d, new IOLoop.CancelOnClose() {
            @Override
            public void run() {
                timedOut[0] = true;
                inner.cancel();
            }

            @Override
            public void cancelOnClose() {
                inner.cancel();
            }

            @Override
            public String toString() {
                return "Gen.timeout(" + d + ") for " + inner;
            }
        });
        inner.addDoneCallback(done -> {
            loop.removeTimeout(timer);
            if (timedOut[0] && done.isCancelled()) {
                TimeoutException e = new TimeoutException("Gen.timeout: the work was not done after " + d
                        + "; it was cancelled and has unwound");
                e.initCause(done.exception());
                result.trySetException(e);
            } else {
                result.copy(done);
            }
        });
        return result;
    }

    /**
     * Returns a future that follows {@code f}, except that cancelling it does not cancel {@code f}; and a
     * cancelled coroutine that awaits it waits for {@code f} (its value or failure is returned or thrown as
     * usual) instead of throwing at once. This is the one way for a cancelled coroutine's {@code finally}
     * or {@code catch} to await real cleanup work:
     *
     * <pre>
     *   } finally {
     *       await(Gen.shield(connection.close()));   // runs to the end even though we are cancelled
     *   }
     * </pre>
     *
     * <p>A coroutine cancelled while it awaits a shield keeps waiting for {@code f}; the cancellation
     * stays requested (level-triggered) and is thrown at its next await of a pending future that is not
     * shielded, and its Future still ends cancelled. Cancelling the shield itself (calling
     * {@code cancel()} on the returned future) cancels only the shield.
     *
     * @param f the future to shield
     * @param <T> the type of the value
     * @return a future following {@code f}
     * @throws NullPointerException if {@code f} is null
     */
    public static <T> Future<T> shield(Future<T> f) {
        return new io.squall.internal.Shield<>(f);
    }

    /**
     * Wraps a callback-style call (Tornado's {@code gen.Task}): {@code fn} is called at once with a callback;
     * the returned future completes with the first value passed to it. If {@code fn} throws, the future
     * fails with that exception.
     *
     * @param fn a function that takes a callback
     * @param <T> the type of the value
     * @return the future
     * @throws NullPointerException if {@code fn} is null
     */
    public static <T> Future<T> task(Consumer<Consumer<T>> fn) {
        Objects.requireNonNull(fn, "fn");
        Future<T> f = new Future<>();
        try {
            fn.accept(f::trySetResult);
        } catch (Throwable t) {
            if (!f.trySetException(t)) {
                Log.error("Gen.task: " + Log.describe(fn) + " threw after calling back", t);
            }
        }
        return f;
    }

    private static void fail(Future<?> result, Throwable t, String where) {
        fail(result, t, where, NO_QUIET);
    }

    private static void fail(Future<?> result, Throwable t, String where, Class<?>[] quiet) {
        if (!result.trySetException(t) && !(t instanceof CancellationException)) {
            for (Class<?> c : quiet) {
                if (c.isInstance(t)) {
                    Log.debug(where + " failed after the result was already decided (a quiet exception type): "
                            + Log.describe(t));
                    return;
                }
            }
            Log.error(where + " failed after the result was already decided (logged, not lost): " + Log.describe(t), t);
        }
    }

    /**
     * Hands out the results of several futures in the order they complete, telling which input each came
     * from: Tornado's {@code gen.WaitIterator}.
     *
     * <pre>
     *   Gen.WaitIterator&lt;String, HTTPResponse&gt; it = Gen.WaitIterator.of(Map.of("a", fetchA, "b", fetchB));
     *   while (!it.done()) {
     *       try {
     *           HTTPResponse r = await(it.next());
     *           System.out.println(it.currentKey() + " answered " + r.code());
     *       } catch (IOException e) {
     *           System.out.println(it.currentKey() + " failed: " + e);
     *       }
     *   }
     * </pre>
     *
     * <p>Each {@link #next()} returns a future that completes as the next input to complete did (its value,
     * or its failure: a failed input does not stop the iteration). Once that future is done,
     * {@link #currentKey()}, {@link #currentIndex()} and {@link #currentFuture()} name the input it came from,
     * until the next call to {@code next()}.
     *
     * <p>Threads: the inputs may complete on any thread; call {@code next()}, {@code done()} and the
     * {@code current} accessors from one thread at a time (normally the coroutine's loop thread).
     *
     * @param <K> the type of the keys: {@code Integer} (input positions) for a list, the map's keys for a map
     * @param <T> the type of the values
     */
    public static final class WaitIterator<K, T> {
        private final List<K> keys;
        private final List<Future<? extends T>> futures;
        /** Positions of inputs that completed and were not yet handed out, in completion order. */
        private final java.util.ArrayDeque<Integer> finished = new java.util.ArrayDeque<>();
        private int unfinished;
        private Future<T> running;
        private int current = -1;

        private WaitIterator(List<K> keys, List<Future<? extends T>> futures) {
            this.keys = keys;
            this.futures = futures;
            this.unfinished = futures.size();
            for (int i = 0; i < futures.size(); i++) {
                int index = i;
                futures.get(i).addQuietCallback(done -> completed(index));
            }
        }

        /**
         * Iterates over {@code fs}; the keys are their positions in the list.
         *
         * @param fs the futures
         * @param <T> the type of the values
         * @return the iterator
         * @throws NullPointerException if {@code fs} or one of its futures is null
         */
        public static <T> WaitIterator<Integer, T> of(List<? extends Future<? extends T>> fs) {
            Objects.requireNonNull(fs, "futures");
            List<Integer> keys = new ArrayList<>(fs.size());
            List<Future<? extends T>> futures = new ArrayList<>(fs.size());
            for (int i = 0; i < fs.size(); i++) {
                keys.add(i);
                futures.add(Objects.requireNonNull(fs.get(i), "Gen.WaitIterator: the future at index " + i + " is null"));
            }
            return new WaitIterator<>(keys, futures);
        }

        /**
         * Iterates over the given futures; the keys are their positions.
         *
         * @param fs the futures
         * @param <T> the type of the values
         * @return the iterator
         * @throws NullPointerException if one of the futures is null
         */
        @SafeVarargs
        public static <T> WaitIterator<Integer, T> of(Future<? extends T>... fs) {
            return of(Arrays.asList(fs));
        }

        /**
         * Iterates over the values of {@code fs}; the keys are the map's keys.
         *
         * @param fs the futures by key
         * @param <K> the type of the keys
         * @param <T> the type of the values
         * @return the iterator
         * @throws NullPointerException if {@code fs} or one of its futures is null
         */
        public static <K, T> WaitIterator<K, T> of(Map<K, ? extends Future<? extends T>> fs) {
            Objects.requireNonNull(fs, "futures");
            List<K> keys = new ArrayList<>(fs.keySet());
            List<Future<? extends T>> futures = new ArrayList<>(keys.size());
            for (K k : keys) {
                futures.add(Objects.requireNonNull(fs.get(k), "Gen.WaitIterator: the future for key " + k + " is null"));
            }
            return new WaitIterator<>(keys, futures);
        }

        /**
         * Tells whether every input has been handed out by {@link #next()}.
         *
         * @return true when there is nothing left to wait for
         */
        public synchronized boolean done() {
            return finished.isEmpty() && unfinished == 0 && running == null;
        }

        /**
         * Returns a future that completes as the next input to complete did.
         *
         * @return the future of the next result
         * @throws IllegalStateException if {@link #done()}, or if the future of the previous {@code next()} is
         *         still pending
         */
        public Future<T> next() {
            Integer ready;
            Future<T> f;
            synchronized (this) {
                if (running != null) {
                    throw new IllegalStateException("Gen.WaitIterator.next(): the future of the previous next() is "
                            + "still pending; await it first");
                }
                if (finished.isEmpty() && unfinished == 0) {
                    throw new IllegalStateException("Gen.WaitIterator.next(): every input was already handed out; "
                            + "loop while !done()");
                }
                f = new Future<>();
                running = f;
                ready = finished.pollFirst();
                if (ready != null) {
                    running = null;
                    current = ready;
                }
            }
            if (ready != null) {
                follow(f, futures.get(ready));
            }
            return f;
        }

        private void completed(int index) {
            Future<T> f;
            synchronized (this) {
                unfinished--;
                f = running;
                if (f == null || f.isDone()) {
                    finished.addLast(index);
                    running = null;
                    return;
                }
                running = null;
                current = index;
            }
            if (!follow(f, futures.get(index))) {
                synchronized (this) {
                    finished.addFirst(index); // the next() future was cancelled meanwhile: keep the result
                }
            }
        }

        private static <T> boolean follow(Future<T> f, Future<? extends T> input) {
            Throwable t = input.exception();
            if (t == null) {
                return f.trySetResult(input.result());
            } else if (t instanceof CancellationException) {
                return f.cancel();
            } else {
                return f.trySetException(t);
            }
        }

        /**
         * Returns the key of the input whose result the last {@link #next()} future delivered: its position
         * for a list, its key for a map.
         *
         * @return the key
         * @throws IllegalStateException if no result has been delivered yet
         */
        public synchronized K currentKey() {
            return keys.get(currentPosition());
        }

        /**
         * Returns the position (in the order given) of the input whose result the last {@link #next()} future
         * delivered.
         *
         * @return the position
         * @throws IllegalStateException if no result has been delivered yet
         */
        public synchronized int currentIndex() {
            return currentPosition();
        }

        /**
         * Returns the input future whose result the last {@link #next()} future delivered.
         *
         * @return the input future
         * @throws IllegalStateException if no result has been delivered yet
         */
        public synchronized Future<? extends T> currentFuture() {
            return futures.get(currentPosition());
        }

        private int currentPosition() {
            if (current < 0) {
                throw new IllegalStateException("Gen.WaitIterator: no result was delivered yet (await next() first)");
            }
            return current;
        }

        /** Describes the progress: {@code WaitIterator[2 handed out, 1 ready, 3 pending]}. */
        @Override
        public synchronized String toString() {
            int pending = unfinished;
            return "WaitIterator[" + (futures.size() - pending - finished.size()) + " handed out, " + finished.size()
                    + " ready, " + pending + " pending]";
        }
    }
}
