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
     */
    public static Future<Void> sleep(Duration d) {
        Objects.requireNonNull(d, "duration");
        IOLoop loop = IOLoop.current();
        Future<Void> f = new Future<>();
        Timeout t = loop.callLater(d, new Wakeup(f));
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
     */
    public static Future<Void> moment() {
        Future<Void> f = new Future<>();
        IOLoop.current().addCallback(new Wakeup(f));
        return f;
    }

    /**
     * The loop task behind {@link #sleep} and {@link #moment}: completes the future when it runs; if the
     * loop is closed first, cancels it, so that a coroutine awaiting it unwinds instead of staying suspended.
     */
    private static final class Wakeup implements IOLoop.CancelOnClose {
        private final Future<Void> future;

        Wakeup(Future<Void> future) {
            this.future = future;
        }

        @Override
        public void run() {
            future.trySetResult(null);
        }

        @Override
        public void cancelOnClose() {
            future.cancel();
        }

        @Override
        public String toString() {
            return "wake up " + future;
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
        return multi(fs, i -> "Gen.multi: the future at index " + i);
    }

    private static <T> Future<List<T>> multi(List<? extends Future<? extends T>> fs, IntFunction<String> where) {
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
                    fail(result, t, where.apply(index));
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
        Objects.requireNonNull(fs, "futures");
        List<K> keys = new ArrayList<>(fs.keySet());
        List<Future<? extends V>> futures = new ArrayList<>(keys.size());
        for (K k : keys) {
            futures.add(Objects.requireNonNull(fs.get(k), "Gen.multi: the future for key " + k + " is null"));
        }
        Future<Map<K, V>> result = new Future<>();
        multi(futures, i -> "Gen.multi: the future for key " + keys.get(i)).addDoneCallback(done -> {
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
     */
    public static <T> Future<T> withTimeout(Duration d, Future<T> f) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(f, "future");
        Future<T> result = new Future<>();
        IOLoop loop = IOLoop.current();
        Timeout timer = loop.callLater(d, () -> result.trySetException(
                new TimeoutException("Gen.withTimeout: " + f + " not done after " + d)));
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
     */
    public static <T> Future<T> timeout(Duration d, Supplier<? extends Future<T>> fn) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(fn, "fn");
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
        IOLoop loop = IOLoop.current();
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
        if (!result.trySetException(t) && !(t instanceof CancellationException)) {
            Log.error(where + " failed after the result was already decided (logged, not lost): " + Log.describe(t), t);
        }
    }
}
