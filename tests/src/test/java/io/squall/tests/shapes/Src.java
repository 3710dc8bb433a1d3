package io.squall.tests.shapes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * Where a shape's awaited values come from. In {@link Mode#DONE} every future is already done; in the other
 * modes every future is really pending when the coroutine awaits it, and is completed later by an IOLoop
 * timer, an IOLoop callback, another thread, or {@code runInExecutor}.
 *
 * <p>Pending futures are released only by a loop callback queued when the future is made. That callback can
 * run only after the coroutine's current synchronous step has returned to the loop, that is after the
 * coroutine suspended. The callback records that the future was still pending then ({@link #verifiedPending}).
 * Every call on a source also records the thread it came from: a coroutine must resume on its loop's thread.
 */
public final class Src {

    /** How futures are completed. */
    public enum Mode {
        /** Already done: await never suspends (the fast path). */
        DONE,
        /** Completed by an IOLoop timer ({@code callLater}). */
        TIMER,
        /** Completed by a plain IOLoop callback in a later iteration. */
        CALLBACK,
        /** Completed by a worker thread, not the loop. */
        THREAD,
        /** Completed through {@code IOLoop.runInExecutor}. */
        EXECUTOR,
        /** Cycles through all of the above, starting with a pending one. */
        MIXED;

        boolean pending() {
            return this != DONE;
        }
    }

    private static final Mode[] CYCLE = {Mode.THREAD, Mode.DONE, Mode.TIMER, Mode.EXECUTOR, Mode.DONE, Mode.CALLBACK};

    private final IOLoop loop;
    private final Thread loopThread;
    private final Mode mode;
    private final ExecutorService worker;
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicInteger pendingMade = new AtomicInteger();
    private final AtomicInteger verifiedPending = new AtomicInteger();
    private final List<String> violations = new ArrayList<>();

    Src(IOLoop loop, Thread loopThread, Mode mode, ExecutorService worker) {
        this.loop = loop;
        this.loopThread = loopThread;
        this.mode = mode;
        this.worker = worker;
    }

    /** Returns the mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * A future of {@code value}, done or pending according to the mode.
     *
     * @param value the value the future completes with
     * @param <T> its type
     * @return the future
     */
    public <T> Future<T> of(T value) {
        return make(value, null);
    }

    /**
     * A future failed with {@code failure}, done or pending according to the mode.
     *
     * @param failure the exception the future fails with
     * @param <T> the value type
     * @return the future
     */
    public <T> Future<T> fail(Throwable failure) {
        return make(null, failure);
    }

    /**
     * A CompletableFuture of {@code value}, done or pending according to the mode.
     *
     * @param value the value
     * @param <T> its type
     * @return the CompletableFuture
     */
    public <T> CompletableFuture<T> cf(T value) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Future<T> f = of(value);
        f.addDoneCallback(done -> cf.complete(done.result()));
        return cf;
    }

    /**
     * A CompletableFuture failed with {@code failure} (as {@code completeExceptionally}), done or pending.
     *
     * @param failure the failure
     * @param <T> the value type
     * @return the CompletableFuture
     */
    public <T> CompletableFuture<T> cfFail(Throwable failure) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Future<T> f = fail(failure);
        f.addDoneCallback(done -> cf.completeExceptionally(done.exception()));
        return cf;
    }

    private <T> Future<T> make(T value, Throwable failure) {
        checkThread("make a future");
        int n = made.getAndIncrement();
        Mode m = mode == Mode.MIXED ? CYCLE[n % CYCLE.length] : mode;
        if (m == Mode.DONE) {
            return failure == null ? Future.of(value) : Future.failed(failure);
        }
        pendingMade.incrementAndGet();
        if (m == Mode.EXECUTOR) {
            CountDownLatch gate = new CountDownLatch(1);
            Future<T> f = loop.runInExecutor(worker, () -> {
                gate.await();
                if (failure != null) {
                    throw sneaky(failure);
                }
                return value;
            });
            loop.addCallback(() -> {
                notePending(f);
                gate.countDown();
            });
            return f;
        }
        Future<T> f = new Future<>();
        Runnable complete = () -> {
            if (failure == null) {
                f.setResult(value);
            } else {
                f.setException(failure);
            }
        };
        switch (m) {
            case TIMER:
                loop.addCallback(() -> {
                    notePending(f);
                    loop.callLater(Duration.ofMillis(n % 2), complete);
                });
                break;
            case CALLBACK:
                loop.addCallback(() -> {
                    notePending(f);
                    loop.addCallback(complete);
                });
                break;
            case THREAD:
                loop.addCallback(() -> {
                    notePending(f);
                    worker.execute(complete);
                });
                break;
            default:
                throw new AssertionError(m);
        }
        return f;
    }

    private void notePending(Future<?> f) {
        if (f.isDone()) {
            violation("a future was already done when the loop next ran: the coroutine did not suspend on it");
        } else {
            verifiedPending.incrementAndGet();
        }
    }

    /** Records a violation if the caller is not on the loop's thread (a coroutine resumed off its loop). */
    public void checkThread(String what) {
        Thread t = Thread.currentThread();
        if (t != loopThread) {
            violation("coroutine code ran on " + t.getName() + " instead of the loop thread " + loopThread.getName()
                    + " (" + what + ")");
        }
    }

    synchronized void violation(String message) {
        if (violations.size() < 20) {
            violations.add(message);
        }
    }

    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    /** Futures made so far. */
    public int made() {
        return made.get();
    }

    /** Pending futures made so far. */
    public int pendingMade() {
        return pendingMade.get();
    }

    /** Pending futures that the loop saw still pending after the coroutine's step returned to it. */
    public int verifiedPending() {
        return verifiedPending.get();
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
