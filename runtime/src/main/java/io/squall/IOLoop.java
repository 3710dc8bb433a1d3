package io.squall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.squall.internal.Log;
import io.squall.internal.LoopCloseHook;
import io.squall.internal.LoopClock;

/**
 * A single-threaded event loop: Tornado's {@code IOLoop}. It runs callbacks, timers and I/O handlers on
 * one thread, with a {@link Selector} for channel readiness.
 *
 * <pre>
 *   IOLoop loop = IOLoop.current();
 *   String body = loop.runSync(() -&gt; fetch(url), Duration.ofSeconds(10));  // run until the future is done
 * </pre>
 *
 * <p>Each thread has its own current loop ({@link #current()}); a coroutine that suspends resumes on the
 * loop that was current on the thread where it suspended. A loop belongs to the thread that created it
 * through {@code current()}, or, for a loop made with {@code new IOLoop()}, to the first thread that runs
 * it or calls {@link #makeCurrent()}.
 *
 * <p>Threads: {@link #addCallback}, {@link #dispatch}, {@link #callLater}, {@link #callAt},
 * {@link #removeTimeout}, {@link #stop}, {@link #addFuture}, {@link #spawnCallback},
 * {@link #runInExecutor} and the handler methods may be called from any thread (from another thread they
 * hand the work to the loop and wake it; the selector is woken only when the loop sleeps or is about to).
 * {@link #start}, {@link #runSync} and {@link #close} must be called on the loop's own thread.
 *
 * <p>Loop ownership across the API (Tornado allows only {@code add_callback} from other threads; Squall allows
 * a little more). <b>Any thread:</b> the methods of this class listed above; completing, cancelling and
 * watching a {@link Future} ({@code setResult}, {@code setException}, {@code cancel}, {@code addDoneCallback},
 * {@link Future#from}); {@link #runInExecutor}. <b>The loop's own thread only</b>, refused with an
 * {@link IllegalStateException} that names the loop's thread and the caller's: {@link #start},
 * {@link #runSync} and {@link #close}; {@link Gen#sleep}, {@link Gen#moment}, {@link Gen#withTimeout},
 * {@link Gen#timeout} and {@link PeriodicCallback#start()}/{@link PeriodicCallback#stop()}, which schedule on
 * the calling thread's current loop (on a worker thread without a loop of its own they are refused instead
 * of landing on a loop nobody runs, see below); a {@code RequestHandler}'s response methods ({@code write}, {@code flush}, {@code finish},
 * {@code sendError}, {@code redirect}, the status and header setters); the {@code io.squall.sync}
 * primitives; the reads of an {@code IOStream} (its {@code write} and {@code close} hand themselves to the
 * loop), {@code AsyncHTTPClient.close} and a WebSocket client's {@code readMessage} (its {@code fetch} and
 * the WebSocket {@code writeMessage}s hand themselves to the loop). From another thread, hand such work to
 * the loop with {@code loop.addCallback(() -> ...)}.
 *
 * <p>Which thread gets a loop implicitly. A coroutine runs on the thread that calls it up to its first
 * {@code await} and resumes on that thread's loop; {@code Gen.sleep}, {@code TCPClient.connect},
 * {@code new AsyncHTTPClient()} and the like also use the calling thread's loop. When such a call would make
 * the first loop of a thread, it is allowed only on the JVM's main thread (the launcher's thread, the one not
 * started by {@link Thread#start()}: recognised by its stack, not its name, so renaming it changes nothing
 * and a pool thread named "main" is still a worker). On any other thread (a {@code ThreadPoolExecutor} or
 * {@code ForkJoinPool} worker, a {@code runInExecutor} worker, a virtual thread, a plain {@code new Thread})
 * it throws an {@link IllegalStateException} at once, naming the call (or coroutine), the thread and the
 * loop running elsewhere, instead of landing on a loop that nobody runs. Such a thread says it will run a
 * loop by calling {@link #current()} (or {@link #makeCurrent()}, {@link #start()}, {@link #runSync}) itself
 * first, outside a coroutine; it may then set up coroutines, timers and connections before it starts the
 * loop (Tornado's pattern), and {@code IOLoop.current().runSync(...)} works on any thread. So: call
 * coroutines on a loop thread (from elsewhere, {@code loop.addCallback(() -> ...)} or
 * {@link #spawnCallback}). Work scheduled on a loop that is still not started a few seconds later (a thread
 * that made its loop and never runs it) is reported by a warning, once per loop: "Work was scheduled on an
 * IOLoop ... but that loop has never been started".
 *
 * <p>One iteration: run the callbacks that were queued when it began (later ones wait for the next
 * iteration, so I/O is never starved), run the timers that are due, then wait for I/O (without blocking if
 * work is ready, else until the next timer) and call the handlers of the ready channels. While callbacks
 * keep it busy, the loop polls I/O only every 50 microseconds or so instead of in every iteration (the first
 * iteration of each {@link #start} always polls), so a callback-driven suspend/resume costs no syscall. An exception
 * thrown by any callback, timer or handler is logged with its trace, and the loop goes on.
 *
 * <pre>
 *   state      how it gets there                      what works
 *   idle       new IOLoop(), current(), start() ends   everything; start()/runSync() run it
 *   running    start(), runSync()                      everything but start(), runSync(), close()
 *   closed     close()                                 nothing: scheduling throws IllegalStateException
 * </pre>
 */
public final class IOLoop {

    /** Interest in (and readiness for) reading, or accepting on a server channel. */
    public static final int READ = SelectionKey.OP_READ;
    /** Interest in (and readiness for) writing, or finishing a connect on a connecting channel. */
    public static final int WRITE = SelectionKey.OP_WRITE;

    /** Handles readiness of a channel registered with {@link #addHandler}. */
    @FunctionalInterface
    public interface IOHandler {
        /**
         * Called on the loop thread when {@code ch} is ready.
         *
         * @param ch the channel
         * @param readyOps {@link #READ}, {@link #WRITE} or both
         */
        void handle(SelectableChannel ch, int readyOps);
    }

    /**
     * A callback or timer that stands for a future a coroutine may await (a sleep, a moment, a deadline):
     * when the loop is closed before it runs, {@link #close()} calls {@link #cancelOnClose()} instead, so
     * that the coroutine is cancelled and unwinds rather than staying suspended for ever.
     */
    interface CancelOnClose extends Runnable, LoopCloseHook {
        /** Cancels the future this task would have completed. */
        @Override
        void cancelOnClose();
    }

    private static final ThreadLocal<IOLoop> CURRENT = new ThreadLocal<>();
    /**
     * The thread this loop is {@link #current()} on (its {@link #CURRENT} value), or null; written only by that
     * thread, when it changes its current loop ({@link #setCurrent}). Another thread may read it stale, which can
     * only make {@link #isCurrentHere()} say no: only a thread writes itself here.
     */
    private Thread currentOn;
    /**
     * The attachment of a key whose handler was removed: {@link #removeHandler} keeps the key (interest 0)
     * so that adding a handler again reuses it instead of waiting for the cancelled key to be flushed by a
     * select. The JDK cancels the key when the channel closes.
     */
    private static final IOHandler REMOVED = (ch, ops) -> { };
    private static final int COMPACT_THRESHOLD = 512;
    /** The longest a busy loop goes without polling the selector (see {@link #lastPoll}). */
    private static final long POLL_INTERVAL_NANOS = 50_000;
    /** A busy loop reads the clock for {@link #POLL_INTERVAL_NANOS} every 8 iterations. */
    private static final int BUSY_CLOCK_MASK = 7;
    private static final AtomicInteger EXECUTOR_THREADS = new AtomicInteger();
    private static volatile ExecutorService defaultExecutor;

    private final Selector selector;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final ArrayDeque<Runnable> immediate = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Runnable> incoming = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timeout> timers = new PriorityQueue<>();
    private final List<Timeout> dueTimers = new ArrayList<>();
    private SelectionKey[] readyKeys = new SelectionKey[16];

    private volatile Thread owner;
    private volatile boolean running;
    /** For {@link NeverStartedWatch}: set once the loop first runs; watched once work is scheduled before. */
    volatile boolean everStarted;
    private volatile boolean watched;
    private volatile boolean stopRequested;
    private volatile boolean closed;
    /** True while the loop is about to block in select; a producer that sees it wakes the selector. */
    private volatile boolean sleeping;
    /**
     * When the selector was last polled ({@link #time()} scale). While callbacks keep the loop busy, it
     * polls I/O only once {@link #POLL_INTERVAL_NANOS} have passed since then, looking at the clock every
     * {@code BUSY_CLOCK_MASK + 1} iterations: a callback-driven suspend/resume pays neither a syscall nor a
     * clock read per step, and ready I/O waits at most that long plus that many iterations.
     */
    private long lastPoll;
    /** Iterations run with work ready since the selector was last polled. */
    private int busyIterations;
    /** Roughly how many cancelled timers the heap still holds; decides when to compact it. */
    private int cancelledTimers;
    private long timerSequence;
    /** The clock {@link #time()} reads, or null for {@link System#nanoTime()}; see {@link #IOLoop(LoopClock)}. */
    private final LoopClock clock;
    /** Tasks begun, for {@link SlowStepWatchdog}: written by the loop thread only ({@link #countStep()}). */
    private long steps;
    /** Set on the loop thread at the first start(): the watchdog knows this loop. */
    private boolean slowStepWatched;
    private static final java.lang.invoke.VarHandle STEPS;

    static {
        try {
            STEPS = java.lang.invoke.MethodHandles.lookup().findVarHandle(IOLoop.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The coroutines suspended on this loop, for {@link #dumpCoroutines()} (and the coroutine trampoline). */
    private final io.squall.internal.SuspendedCoroutines suspendedCoroutines =
            new io.squall.internal.SuspendedCoroutines(this);

    /**
     * Creates a loop with its own selector. It belongs to the first thread that starts it.
     *
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IOLoop() {
        this(null);
    }

    /**
     * Creates a loop that reads {@code clock} instead of {@link System#nanoTime()} and lets it skip idle
     * time (how squall-testing runs timers on virtual time). Internal: {@link LoopClock} is not a stable API.
     *
     * @param clock the clock, or null for the system's
     * @throws UncheckedIOException if the selector cannot be opened
     */
    public IOLoop(LoopClock clock) {
        this.clock = clock;
        try {
            selector = Selector.open();
            lastPoll = System.nanoTime() - POLL_INTERVAL_NANOS;
        } catch (IOException e) {
            throw new UncheckedIOException("IOLoop: cannot open a Selector: " + e.getMessage(), e);
        }
    }

    /**
     * Returns this thread's loop, creating it on first use (or after the previous one was closed). Called by
     * application code, it always succeeds: that is how a thread says it will run a loop. Reached from a
     * coroutine or another Squall API on a thread that has no loop yet, it creates one only on the main thread
     * (see the class comment).
     *
     * @return the current thread's loop
     * @throws IllegalStateException when a coroutine or a Squall API needs a loop on a worker thread that has
     *     none of its own; the message names the call, the thread and what to do
     */
    public static IOLoop current() {
        IOLoop loop = CURRENT.get();
        if (loop == null || loop.closed) {
            LoopOwnership.creating(loop); // refuses a worker thread that would get a loop nobody runs
            loop = new IOLoop();
            loop.owner = Thread.currentThread();
            setCurrent(loop);
        }
        return loop;
    }

    /** Makes {@code loop} the calling thread's current loop (see {@link #currentOn}). */
    private static void setCurrent(IOLoop loop) {
        IOLoop old = CURRENT.get();
        if (old != null && old != loop) {
            old.currentOn = null;
        }
        CURRENT.set(loop);
        loop.currentOn = Thread.currentThread();
    }

    /**
     * Internal, for the await engine (a suspension asks for its loop): whether this loop is the calling
     * thread's current loop, open, i.e. what {@link #current()} would return, without the thread-local lookup.
     * May answer false when it is (then ask {@link #current()}); never true when it is not.
     *
     * @return true if this loop is the calling thread's current loop and not closed
     */
    public boolean isCurrentHere() {
        return currentOn == Thread.currentThread() && !closed;
    }

    /** This thread's loop if it has one (not closed), without creating one; for {@link LoopOwnership}. */
    static IOLoop existingCurrent() {
        IOLoop loop = CURRENT.get();
        return loop == null || loop.closed ? null : loop;
    }

    /** The name of the owner thread, or "unowned"; for messages. */
    String ownerName() {
        Thread t = owner;
        return t == null ? "unowned" : t.getName();
    }

    /**
     * Makes this loop the current one of the calling thread, which then owns it.
     *
     * @throws IllegalStateException if another thread owns this loop, or it is closed
     */
    public void makeCurrent() {
        claimOwnership();
        setCurrent(this);
    }

    /**
     * Tells whether the calling thread is this loop's thread.
     *
     * @return true on the loop's own thread
     */
    public boolean inLoopThread() {
        return owner == Thread.currentThread();
    }

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called. While it runs, this loop is the
     * thread's current one. If {@code stop()} was called while the loop was not running, this runs one
     * iteration and returns (as asyncio's {@code run_forever} does). Interrupting the thread stops the
     * loop too, after the current iteration; the interrupt status stays set for the caller to see.
     *
     * @throws IllegalStateException if the loop is already running, closed, or owned by another thread
     */
    public void start() {
        claimOwnership();
        if (running) {
            throw new IllegalStateException("IOLoop.start(): the loop is already running on " + owner.getName()
                    + " (a loop cannot be started again from one of its own callbacks)");
        }
        IOLoop previous = CURRENT.get();
        setCurrent(this);
        running = true;
        everStarted = true;
        if (SlowStepDetector.COUNTING && !slowStepWatched) {
            slowStepWatched = true;
            SlowStepWatchdog.watch(this);
        }
        LoopOwnership.running(this, true);
        // The first iteration of every run polls I/O, as the one iteration after an early stop() must.
        lastPoll = time() - POLL_INTERVAL_NANOS;
        suspendedCoroutines.now = time();
        busyIterations = 0;
        try {
            do {
                runOnce();
            } while (!stopRequested && !Thread.currentThread().isInterrupted());
        } finally {
            LoopOwnership.running(this, false);
            running = false;
            stopRequested = false;
            setCurrent(previous != null && !previous.closed ? previous : this);
        }
    }

    /** Asks the loop to return from {@link #start()} after the current iteration. Safe from any thread. */
    public void stop() {
        stopRequested = true;
        wakeup();
    }

    /**
     * Tells whether {@link #start()} is running.
     *
     * @return true while the loop runs
     */
    public boolean isRunning() {
        return running;
    }

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Releases the selector. First, coroutines still suspended on this loop are cancelled: those awaiting
     * its timers and callbacks (a {@link Gen#sleep}, {@link Gen#moment}, {@link Gen#timeout}), a read or
     * write of an {@link io.squall.net.IOStream} registered with it, a {@code TCPClient} connect or an
     * {@code AsyncHTTPClient} fetch in flight on it, directly or down a chain of coroutines awaiting each
     * other, and coroutines whose resumption is queued. The loop runs just their resumptions until they have
     * unwound (their {@code catch} blocks see a {@link CancellationException}; {@code catch} and
     * {@code finally} run here, on this thread; a body that then awaits something else that needs the loop
     * is left suspended); how many were cancelled is logged at debug level. Coroutines suspended on futures
     * the loop does not hold (another thread's work, a future nobody on the loop completes) stay suspended.
     *
     * <p>Then every {@code IOStream} (and connecting socket) still registered with this loop is closed: its
     * loop is gone, so it could never read or write again. Its close callback runs at once, on the calling
     * thread. Other registered handlers (a {@code TCPServer}'s listening socket, a channel added with
     * {@link #addHandler}) are removed and their channels stay open. Other callbacks and timers that are
     * still pending will never run, and a warning saying how many is logged. After this,
     * {@link #addCallback}, {@link #callLater} and {@link #addHandler} throw {@link IllegalStateException}.
     * Failed futures completed on this loop's thread that nobody retrieved are logged now ("Future exception
     * was never retrieved", once each). Closing twice does nothing. Nothing of this costs a suspended coroutine anything: close() finds the
     * futures through the timers, callbacks and channel handlers the loop already holds.
     *
     * @throws IllegalStateException if the loop is running, or if it is called from another thread than
     *     the loop's own while that thread is still alive
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (running) {
            throw new IllegalStateException("Cannot close a running IOLoop: call stop() and let start() return first");
        }
        Thread t = owner;
        if (t != null && t != Thread.currentThread() && t.isAlive()) {
            throw new IllegalStateException("IOLoop.close() must be called on the loop's thread " + t.getName()
                    + " (or after that thread has ended), not on " + Thread.currentThread().getName());
        }
        if (t == null || t == Thread.currentThread()) {
            int cancelled = cancelCoroutines();
            if (cancelled > 0) {
                Log.debug("IOLoop.close(): cancelled " + cancelled + " suspended coroutine(s) and let them unwind");
            }
        }
        closed = true;
        drainIncoming();
        int callbacks = ready.size() + immediate.size();
        int pendingTimers = 0;
        for (Timeout timeout : timers) {
            if (timeout.isPending()) {
                pendingTimers++;
            }
        }
        int handlers = 0;
        List<LoopCloseHook> owners = new ArrayList<>();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid()) {
                Object a = key.attachment();
                if (a instanceof LoopCloseHook) {
                    owners.add((LoopCloseHook) a);
                } else if (a != REMOVED) {
                    handlers++;
                }
                key.cancel();
            }
        }
        ready.clear();
        immediate.clear();
        for (Timeout timeout : timers) {
            timeout.queued = false;
        }
        timers.clear();
        for (LoopCloseHook owner : owners) {
            try {
                owner.closeWithLoop();
            } catch (Throwable e) {
                Log.error("IOLoop.close(): closing " + Log.describe(owner) + " failed", e);
            }
        }
        if (!owners.isEmpty()) {
            Log.debug("IOLoop.close(): closed " + owners.size() + " stream(s) registered with the loop");
        }
        try {
            selector.close();
        } catch (IOException e) {
            Log.warning("IOLoop.close(): closing the selector failed", e);
        }
        if (CURRENT.get() == this) {
            currentOn = null;
            CURRENT.remove();
        }
        // failures completed on this loop that nobody retrieved are lost now: say so, rather than at a GC
        io.squall.internal.LostFailures.reportCompletedOn(t == null ? Thread.currentThread() : t);
        if (callbacks + pendingTimers + handlers > 0) {
            Log.warning("IOLoop closed with " + callbacks + " pending callback(s), " + pendingTimers
                    + " pending timer(s) and " + handlers + " registered handler(s): they will never run");
        }
    }

    /**
     * For {@link #close()}: cancels the futures behind pending {@link LoopCloseHook} timers, callbacks and
     * channel handlers (streams, connects) and
     * the coroutines whose resumption is queued, then runs only those resumptions (and what they dispatch)
     * until none is left, for a bounded number of rounds.
     *
     * @return how many coroutines were cancelled
     */
    private int cancelCoroutines() {
        // Only this thread's queue: other threads may still be adding to `incoming` (the loop is not closed
        // yet), and draining it could then never end. Resumptions dispatched here go to `ready` directly.
        List<LoopCloseHook> cancels = new ArrayList<>();
        for (Timeout timeout : timers) {
            if (timeout.isPending() && timeout.callback instanceof LoopCloseHook) {
                cancels.add((LoopCloseHook) timeout.callback);
            }
        }
        for (Runnable r : ready) {
            if (r instanceof CancelOnClose) {
                cancels.add((CancelOnClose) r);
            }
        }
        ready.removeIf(r -> r instanceof CancelOnClose);
        // Streams and connects registered here: their pending reads, writes and connects.
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof LoopCloseHook) {
                cancels.add((LoopCloseHook) key.attachment());
            }
        }
        for (LoopCloseHook c : cancels) {
            try {
                c.cancelOnClose();
            } catch (Throwable e) {
                Log.error("IOLoop.close(): cancelling " + Log.describe(c) + " failed", e);
            }
        }
        int count = 0;
        for (int round = 0; round < 10_000; round++) {
            int n = ready.size();
            boolean ran = false;
            for (int i = 0; i < n; i++) {
                Runnable r = ready.pollFirst();
                if (r instanceof io.squall.internal.Continuation) {
                    io.squall.internal.Continuation c = (io.squall.internal.Continuation) r;
                    if (!c.isDone() && !c.isCancelRequested()) {
                        count++;
                        c.cancel();
                    }
                    runTask(r);
                    ran = true;
                } else if (r instanceof CancelOnClose) {
                    ((CancelOnClose) r).cancelOnClose();
                    ran = true;
                } else {
                    ready.addLast(r);
                }
            }
            if (!ran) {
                break;
            }
        }
        return count;
    }

    /**
     * Runs the loop until the future returned by {@code fn} is done, then returns its value or rethrows
     * its failure unwrapped (checked exceptions too). {@code fn} runs on the loop. May be called again
     * on the same loop afterwards. A null future counts as a future of null.
     *
     * @param fn supplies the future to wait for
     * @param <T> the type of the value
     * @return the future's value
     * @throws IllegalStateException if the loop is already running, closed, owned by another thread, or was
     *     stopped before the future completed
     */
    public <T> T runSync(Supplier<? extends Future<T>> fn) {
        return runSync(fn, null);
    }

    /**
     * As {@link #runSync(Supplier)}, giving up after {@code timeout}: the future is then cancelled (a
     * coroutine, and every coroutine it awaits down the chain, unwinds: its {@code catch} and {@code finally}
     * blocks run, on this loop) and, once it has unwound, a {@link TimeoutException} is thrown whose cause is
     * the future's {@code CancellationException}. Unwinding is given at most {@code timeout} again (at least
     * 100 ms); a body still not unwound then (say, one awaiting a long {@link Gen#shield}ed job) stays
     * suspended and the TimeoutException says so. If the future completes in another way despite the
     * cancellation (it was already completing), that outcome is returned or thrown instead.
     *
     * @param fn supplies the future to wait for
     * @param timeout how long to wait, or null to wait for ever
     * @param <T> the type of the value
     * @return the future's value
     * @throws IllegalStateException if the loop is already running, closed, owned by another thread, or was
     *     stopped before the future completed
     *     (also: throws {@link TimeoutException}, undeclared since it is checked, if the future is not
     *     done within {@code timeout})
     */
    public <T> T runSync(Supplier<? extends Future<T>> fn, Duration timeout) {
        Objects.requireNonNull(fn, "fn");
        claimOwnership();
        if (running) {
            throw new IllegalStateException("runSync() cannot be called while the IOLoop is running"
                    + " (await the future instead)");
        }
        RunSyncSession s = new RunSyncSession();
        addCallback(named(() -> "runSync(" + Log.describe(fn) + ")", () -> {
            Future<T> f;
            try {
                f = fn.get();
            } catch (Throwable t) {
                f = Future.failed(t);
            }
            if (f == null) {
                f = Future.of(null);
            }
            s.future = f;
            f.addDoneCallback(done -> s.finish(this));
        }));
        Timeout timer = timeout == null ? null : callLater(timeout, () -> {
            s.timedOut = true;
            Future<?> f = s.future;
            if (f == null || f.isDone() || !f.cancel() || f.isDone()) {
                s.finish(this);
            } else {
                // Cancelled: the future's done callback stops the loop once the coroutine has unwound.
                Duration grace = timeout.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : timeout;
                s.grace = callLater(grace, () -> s.finish(this));
            }
        });
        try {
            start();
        } finally {
            s.active = false;
            if (timer != null) {
                removeTimeout(timer);
            }
            removeTimeout(s.grace);
        }
        @SuppressWarnings("unchecked")
        Future<T> f = (Future<T>) s.future;
        if (s.timedOut && f != null && f.isCancelled()) {
            TimeoutException e = new TimeoutException("runSync timed out after " + timeout + "; the future was"
                    + " cancelled and has unwound");
            e.initCause(f.exception());
            throw sneaky(e);
        }
        if (s.timedOut && f != null && !f.isDone()) {
            throw sneaky(new TimeoutException("runSync timed out after " + timeout + "; the future was cancelled"
                    + " but had not finished unwinding after a grace period (" + f + "): it stays suspended"
                    + " on this loop"));
        }
        if (f == null || !f.isDone()) {
            String pending = String.valueOf(f);
            if (f != null) {
                f.cancel();
            }
            if (s.timedOut) {
                throw sneaky(new TimeoutException("runSync timed out after " + timeout + " waiting for " + pending
                        + " (the future is now cancelled)"));
            }
            throw new IllegalStateException("IOLoop was stopped before the runSync future completed"
                    + (Thread.currentThread().isInterrupted() ? " (its thread was interrupted)" : ""));
        }
        return f.result();
    }

    /** One runSync call; stops the loop only while it is still the active session. */
    private static final class RunSyncSession {
        volatile Future<?> future;
        volatile boolean timedOut;
        volatile boolean active = true;
        /** The timer that bounds unwinding after a timeout, or null. */
        Timeout grace;

        void finish(IOLoop loop) {
            if (active) {
                loop.stop();
            }
        }
    }

    /**
     * Returns the loop's clock: monotonic nanoseconds on the {@link System#nanoTime()} scale.
     *
     * @return the current time in nanoseconds
     */
    public long time() {
        LoopClock c = clock;
        return c == null ? System.nanoTime() : c.nanoTime();
    }

    /**
     * Runs {@code cb} on the loop after {@code delay}. Safe from any thread.
     *
     * @param delay how long to wait; zero or negative means the next iteration
     * @param cb the callback
     * @return a handle for {@link #removeTimeout}
     * @throws IllegalStateException if the loop is closed
     */
    public Timeout callLater(Duration delay, Runnable cb) {
        Objects.requireNonNull(delay, "delay");
        return callAt(time() + clampNanos(delay), cb);
    }

    /** Within about 73 years either way, so that deadlines never wrap around the nanoTime scale. */
    private static long clampNanos(Duration d) {
        long max = Long.MAX_VALUE >> 2;
        if (d.compareTo(Duration.ofNanos(max)) > 0) {
            return max;
        }
        return d.compareTo(Duration.ofNanos(-max)) < 0 ? -max : d.toNanos();
    }

    /**
     * Runs {@code cb} on the loop at {@code nanoTime} ({@link #time()} scale). Safe from any thread.
     *
     * @param nanoTime the deadline
     * @param cb the callback
     * @return a handle for {@link #removeTimeout}
     * @throws IllegalStateException if the loop is closed
     */
    public Timeout callAt(long nanoTime, Runnable cb) {
        Objects.requireNonNull(cb, "callback");
        checkOpen();
        Timeout t = new Timeout(nanoTime, 0, cb);
        if (!everStarted && !watched) {
            watched = NeverStartedWatch.watch(this, cb);
        }
        if (inLoopThread()) {
            enqueueTimer(t);
        } else {
            addCallback(new Runnable() {
                @Override
                public void run() {
                    enqueueTimer(t);
                }

                @Override
                public String toString() {
                    return "schedule " + t;
                }
            });
        }
        return t;
    }

    /**
     * Cancels a timer so that its callback never runs. Removing one that already ran does nothing.
     * Safe from any thread.
     *
     * @param timeout the handle from {@link #callLater} or {@link #callAt}
     */
    public void removeTimeout(Timeout timeout) {
        if (timeout == null || !timeout.tryCancel()) {
            return;
        }
        if (inLoopThread() && timeout.queued) {
            cancelledTimers++;
            if (cancelledTimers > COMPACT_THRESHOLD && cancelledTimers > timers.size() / 2) {
                timers.removeIf(t -> {
                    boolean drop = !t.isPending();
                    if (drop) {
                        t.queued = false;
                    }
                    return drop;
                });
                cancelledTimers = 0;
            }
        }
    }

    /** On the loop thread: puts a pending timer in the heap; the sequence keeps equal deadlines FIFO. */
    private void enqueueTimer(Timeout t) {
        if (t.isPending() && !closed) {
            t.sequence = timerSequence++;
            t.queued = true;
            timers.add(t);
        }
    }

    /**
     * Runs {@code cb} on the loop in its next iteration. Safe from any thread: from another thread it
     * wakes the loop.
     *
     * @param cb the callback
     * @throws IllegalStateException if the loop is closed
     */
    public void addCallback(Runnable cb) {
        Objects.requireNonNull(cb, "callback");
        checkOpen();
        if (!everStarted && !watched) {
            watched = NeverStartedWatch.watch(this, cb);
        }
        if (inLoopThread()) {
            ready.addLast(cb);
        } else {
            incoming.add(cb);
            // close() may have drained the queue just before our add: if the callback is still there, it
            // was not counted as lost, so take it back and tell the caller.
            if (closed && incoming.remove(cb)) {
                checkOpen();
            }
            wakeup();
        }
    }

    /**
     * Runs {@code task} on the loop as soon as possible. Called on the loop thread while the loop runs, it
     * runs right after the callback, timer or handler now running returns (same iteration, flat stack);
     * otherwise it is queued as {@link #addCallback} does. The coroutine machinery resumes continuations
     * through this.
     *
     * @param task the task
     * @throws IllegalStateException if the loop is closed
     */
    public void dispatch(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (running && inLoopThread()) {
            immediate.addLast(task);
        } else {
            addCallback(task);
        }
    }

    /**
     * Calls {@code fn} on the loop in its next iteration; if it throws, or the future it returns fails,
     * the failure is logged with its trace. Safe from any thread.
     *
     * @param fn the function to run, may return null
     * @throws IllegalStateException if the loop is closed
     */
    public void spawnCallback(Supplier<? extends Future<?>> fn) {
        Objects.requireNonNull(fn, "fn");
        addCallback(new Runnable() {
            @Override
            public void run() {
                Future<?> f = fn.get();
                if (f != null) {
                    f.addDoneCallback(done -> {
                        Throwable t = done.exception();
                        if (t != null && !(t instanceof CancellationException)) {
                            Log.error("Exception in coroutine spawned by spawnCallback(" + Log.describe(fn) + ")", t);
                        }
                    });
                }
            }

            @Override
            public String toString() {
                return "spawnCallback(" + Log.describe(fn) + ")";
            }
        });
    }

    /**
     * Runs {@code cb} on this loop once {@code f} is done, whatever thread completes it.
     *
     * @param f the future to watch
     * @param cb called with {@code f}
     * @param <T> the type of the value
     * @throws NullPointerException if {@code f} or {@code cb} is null
     */
    public <T> void addFuture(Future<T> f, Consumer<? super Future<T>> cb) {
        Objects.requireNonNull(f, "future");
        Objects.requireNonNull(cb, "callback");
        f.addDoneCallback(done -> addCallback(new Runnable() {
            @Override
            public void run() {
                cb.accept(done);
            }

            @Override
            public String toString() {
                return "addFuture(" + done + ", " + Log.describe(cb) + ")";
            }
        }));
    }

    /**
     * Runs blocking {@code fn} on {@code executor} and returns a future completed on this loop with its
     * result or failure. A null executor means a shared pool of daemon threads.
     *
     * <p>Cancelling the returned future (as a cancelled coroutine awaiting it does) does not interrupt the
     * thread: blocking code rarely survives an interrupt cleanly, and a pooled thread must not keep one. If
     * {@code fn} has not started yet it never runs; if it is running, it runs to the end and its result (or
     * failure) is dropped. Code that must stop early can check {@link Future#isDone()} of the returned
     * future.
     *
     * @param executor where to run {@code fn}, or null for the default pool
     * @param fn the blocking work
     * @param <T> the type of the value
     * @return a future of {@code fn}'s result; failed with the {@link RejectedExecutionException} if the
     *     executor refuses the work
     * @throws NullPointerException if {@code fn} is null
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> result = new Future<>();
        result.describeAs(new Object() {
            @Override
            public String toString() {
                return "runInExecutor(" + Log.describe(fn) + ") on " + Log.describe(ex);
            }
        });
        try {
            ex.execute(() -> {
                if (result.isDone()) {
                    return; // cancelled before it started
                }
                T value;
                try {
                    value = LoopOwnership.callFor(this, fn);
                } catch (Throwable t) {
                    completeOnLoop(() -> result.trySetException(t));
                    return;
                }
                completeOnLoop(() -> result.trySetResult(value));
            });
        } catch (RejectedExecutionException e) {
            result.setException(e);
        }
        return result;
    }

    private void completeOnLoop(Runnable completion) {
        try {
            addCallback(completion);
        } catch (IllegalStateException closedLoop) {
            completion.run();
        }
    }

    private static Executor defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            synchronized (IOLoop.class) {
                ex = defaultExecutor;
                if (ex == null) {
                    ex = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "squall-executor-" + EXECUTOR_THREADS.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    defaultExecutor = ex;
                }
            }
        }
        return ex;
    }

    /**
     * Calls {@code handler} on the loop whenever {@code ch} is ready for {@code ops} ({@link #READ},
     * {@link #WRITE} or both). The channel is put in non-blocking mode. On a server channel READ means
     * "a connection can be accepted"; on a connecting channel WRITE means "the connect can be finished".
     * From another thread the registration is handed to the loop.
     *
     * @param ch the channel
     * @param handler called with the channel and its ready ops
     * @param ops the interest set
     * @throws IllegalStateException if the channel already has a handler on this loop, or the loop is closed
     * @throws UncheckedIOException if the channel cannot be made non-blocking or is closed
     */
    public void addHandler(SelectableChannel ch, IOHandler handler, int ops) {
        Objects.requireNonNull(ch, "channel");
        Objects.requireNonNull(handler, "handler");
        checkOpen();
        if (!everStarted && !watched) {
            watched = NeverStartedWatch.watch(this, named(() -> "addHandler(" + ch + ")", () -> { }));
        }
        if (!inLoopThread()) {
            addCallback(named(() -> "addHandler(" + ch + ", " + Log.describe(handler) + ")", () -> addHandler(ch, handler, ops)));
            return;
        }
        try {
            ch.configureBlocking(false);
            SelectionKey key = ch.keyFor(selector);
            if (key != null && key.isValid() && key.attachment() == REMOVED) {
                // Reuse the key removeHandler kept; if the channel was closed meanwhile it is cancelled now.
                try {
                    key.interestOps(toNio(ch, ops));
                    key.attach(handler);
                    return;
                } catch (java.nio.channels.CancelledKeyException closed) {
                    if (!ch.isOpen()) {
                        throw new ClosedChannelException();
                    }
                }
            }
            if (key != null && !key.isValid()) {
                // A key cancelled earlier in this iteration stays registered until the next select.
                selector.selectNow();
                key = ch.keyFor(selector);
            }
            if (key != null) {
                throw new IllegalStateException("Channel " + ch + " already has a handler on this IOLoop:"
                        + " use updateHandler() to change its ops, or removeHandler() first");
            }
            ch.register(selector, toNio(ch, ops), handler);
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException("addHandler: channel " + ch + " is closed", e);
        } catch (IOException e) {
            throw new UncheckedIOException("addHandler: cannot register " + ch + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes the ops a registered channel's handler is called for. From another thread the change is
     * handed to the loop.
     *
     * @param ch the channel
     * @param ops {@link #READ}, {@link #WRITE}, both, or 0 to pause
     * @throws IllegalStateException if the channel has no handler on this loop
     */
    public void updateHandler(SelectableChannel ch, int ops) {
        if (!inLoopThread()) {
            addCallback(named(() -> "updateHandler(" + ch + ", " + ops + ")", () -> updateHandler(ch, ops)));
            return;
        }
        SelectionKey key = ch.keyFor(selector);
        if (key == null || !key.isValid() || key.attachment() == REMOVED) {
            throw new IllegalStateException("updateHandler: channel " + ch + " has no handler on this IOLoop"
                    + " (addHandler it first)");
        }
        key.interestOps(toNio(ch, ops));
    }

    /**
     * Stops calling the channel's handler. Removing a channel that has none does nothing. The channel is
     * not closed. Its selection key is kept, with no interest, until the channel is closed or the loop is,
     * so that adding a handler again (as a stream taking over a connection does) costs no extra select; a
     * channel cannot be switched back to blocking mode until then.
     *
     * @param ch the channel
     */
    public void removeHandler(SelectableChannel ch) {
        if (!inLoopThread()) {
            addCallback(named(() -> "removeHandler(" + ch + ")", () -> removeHandler(ch)));
            return;
        }
        SelectionKey key = ch.keyFor(selector);
        if (key == null || !key.isValid()) {
            return;
        }
        try {
            key.interestOps(0);
            key.attach(REMOVED);
        } catch (java.nio.channels.CancelledKeyException closed) {
            // The channel was closed meanwhile, which cancelled the key: nothing left to remove.
        }
    }

    /** How many channels the selector still holds keys for, removed handlers included; for tests. */
    int registeredKeys() {
        return selector.keys().size();
    }

    /** How many channels have a handler (keys not removed, still valid); loop thread; for tests. */
    int activeHandlers() {
        int n = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() != REMOVED) {
                n++;
            }
        }
        return n;
    }

    /** How many timers in the heap are still pending (not fired, not removed); loop thread; for tests. */
    int pendingTimers() {
        int n = 0;
        for (Timeout t : timers) {
            if (t.isPending()) {
                n++;
            }
        }
        return n;
    }

    private static int toNio(SelectableChannel ch, int ops) {
        int valid = ch.validOps();
        int nio = 0;
        if ((ops & READ) != 0) {
            nio |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if ((ops & WRITE) != 0) {
            if (ch instanceof SocketChannel && ((SocketChannel) ch).isConnectionPending()) {
                nio |= SelectionKey.OP_CONNECT;
            } else {
                nio |= valid & SelectionKey.OP_WRITE;
            }
        }
        return nio;
    }

    private static int fromNio(int readyOps) {
        int ops = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            ops |= READ;
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            ops |= WRITE;
        }
        return ops;
    }

    // ---------------------------------------------------------------------------------------------------
    // The iteration

    private void runOnce() {
        if (!incoming.isEmpty()) {
            drainIncoming();
        }
        int n = ready.size();
        if (!timers.isEmpty()) {
            long now = time();
            Timeout next;
            while ((next = timers.peek()) != null && next.deadline - now <= 0) {
                timers.poll();
                next.queued = false;
                if (next.isPending()) {
                    dueTimers.add(next);
                } else {
                    cancelledTimers = Math.max(0, cancelledTimers - 1);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            runTask(ready.pollFirst());
        }
        if (!dueTimers.isEmpty()) {
            for (int i = 0; i < dueTimers.size(); i++) {
                Timeout t = dueTimers.get(i);
                // A callback or an earlier timer of this iteration may have removed it.
                if (t.tryFire()) {
                    runTask(t.callback);
                }
            }
            dueTimers.clear();
        }
        long timeout = pollTimeoutMillis();
        if (timeout == 0 && ((busyIterations++ & BUSY_CLOCK_MASK) != 0 || time() - lastPoll < POLL_INTERVAL_NANOS)) {
            // Work is ready and I/O was polled moments ago: skip the selectNow() syscall this iteration.
            return;
        }
        busyIterations = 0;
        if (timeout > 0 && clock != null) {
            idleOnClock();
            return;
        }
        select(timeout);
    }

    /** 0 when work is ready, -1 to block until woken, else milliseconds until the next timer. */
    private long pollTimeoutMillis() {
        if (!ready.isEmpty() || !incoming.isEmpty() || stopRequested) {
            return 0;
        }
        Timeout next;
        while ((next = timers.peek()) != null && !next.isPending()) {
            timers.poll();
            next.queued = false;
            cancelledTimers = Math.max(0, cancelledTimers - 1);
        }
        if (next == null) {
            return -1;
        }
        long nanos = next.deadline - time();
        if (nanos <= 0) {
            return 0;
        }
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /** Waits for I/O and runs the ready handlers; returns how many handlers were called. */
    private int select(long timeoutMillis) {
        int selected;
        try {
            if (timeoutMillis == 0) {
                selected = selector.selectNow();
            } else {
                sleeping = true;
                if (!incoming.isEmpty() || stopRequested) {
                    sleeping = false;
                    selected = selector.selectNow();
                } else {
                    selected = timeoutMillis < 0 ? selector.select() : selector.select(timeoutMillis);
                    sleeping = false;
                }
            }
        } catch (IOException | RuntimeException e) {
            sleeping = false;
            Log.error("Unexpected exception in the IOLoop selector", e);
            return 0;
        }
        lastPoll = time();
        countStep();
        suspendedCoroutines.now = lastPoll;
        if (selected == 0 && selector.selectedKeys().isEmpty()) {
            return 0;
        }
        Set<SelectionKey> keys = selector.selectedKeys();
        int count = 0;
        for (Iterator<SelectionKey> it = keys.iterator(); it.hasNext(); ) {
            if (count == readyKeys.length) {
                readyKeys = java.util.Arrays.copyOf(readyKeys, count * 2);
            }
            readyKeys[count++] = it.next();
        }
        keys.clear();
        int handled = 0;
        for (int i = 0; i < count; i++) {
            SelectionKey key = readyKeys[i];
            readyKeys[i] = null;
            if (!key.isValid()) {
                continue;
            }
            IOHandler handler = (IOHandler) key.attachment();
            if (handler == REMOVED) {
                continue;
            }
            int ops;
            try {
                // Readiness the handler has since lost interest in is not reported.
                ops = fromNio(key.readyOps() & key.interestOps());
            } catch (RuntimeException cancelled) {
                continue;
            }
            if (ops == 0) {
                continue;
            }
            handled++;
            countStep();
            try {
                handler.handle(key.channel(), ops);
            } catch (Throwable t) {
                Log.error("Exception in I/O handler " + Log.describe(handler) + " for " + key.channel(), t);
            }
            drainImmediate();
        }
        return handled;
    }

    private void runTask(Runnable task) {
        countStep();
        try {
            task.run();
        } catch (Throwable t) {
            Log.error("Exception in callback " + Log.describe(task), t);
        }
        drainImmediate();
    }

    private void drainImmediate() {
        Runnable r;
        while ((r = immediate.pollFirst()) != null) {
            countStep();
            try {
                r.run();
            } catch (Throwable t) {
                Log.error("Exception in callback " + Log.describe(r), t);
            }
        }
    }

    /**
     * Marks the start of a loop task for the {@link SlowStepDetector}: one plain store, no fence, no clock
     * read. Plain rather than a VarHandle's setOpaque so that it costs the same wherever the JIT's inlining
     * budget ends; it cannot be held back past the task, whose call needs {@code this}'s fields in memory.
     */
    private void countStep() {
        if (SlowStepDetector.COUNTING) {
            steps++;
        }
    }

    /** The step counter, read by the watchdog thread. */
    long slowStepCounter() {
        return (long) STEPS.getOpaque(this);
    }

    /** The thread that owns the loop, or null before one does; for the watchdog. */
    Thread ownerThread() {
        return owner;
    }

    private void drainIncoming() {
        Runnable r;
        while ((r = incoming.poll()) != null) {
            ready.addLast(r);
        }
    }

    /** True while the loop blocks (or is about to block) in select; for tests of the wakeup protocol. */
    boolean isSleeping() {
        return sleeping;
    }

    private void wakeup() {
        if (sleeping) {
            sleeping = false;
            selector.wakeup();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("IOLoop is closed: the callback would never run");
        }
    }

    private void claimOwnership() {
        if (closed) {
            throw new IllegalStateException("IOLoop is closed");
        }
        Thread me = Thread.currentThread();
        Thread t = owner;
        if (t == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = me;
                    return;
                }
                t = owner;
            }
        }
        if (t != me) {
            throw new IllegalStateException("IOLoop belongs to thread " + t.getName()
                    + "; it cannot be run from " + me.getName());
        }
    }

    /** A runnable whose toString says what it is, for "Exception in callback ..." messages. */
    private static Runnable named(Supplier<String> name, Runnable r) {
        return new Runnable() {
            @Override
            public void run() {
                r.run();
            }

            @Override
            public String toString() {
                return name.get();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    // ---------------------------------------------------------------------------------------------------
    // The clock seam (see LoopClock): only loops made with a clock come here

    /**
     * Nothing runs before the next timer: poll I/O for the clock's grace period; if no handler ran and no
     * callback arrived, let the clock skip to the timer (a virtual clock does; a real one makes the loop
     * wait for it as usual).
     */
    private void idleOnClock() {
        if (select(clock.idleGraceMillis(hasWaitingChannels())) > 0) {
            return;
        }
        long timeout = pollTimeoutMillis();
        if (timeout <= 0) {
            return;
        }
        if (!clock.skipTo(timers.peek().deadline)) {
            select(timeout);
        }
    }

    /** True if a channel is registered with interest, so I/O may still arrive without a callback. */
    private boolean hasWaitingChannels() {
        for (SelectionKey key : selector.keys()) {
            try {
                if (key.isValid() && key.attachment() != REMOVED && key.interestOps() != 0) {
                    return true;
                }
            } catch (java.nio.channels.CancelledKeyException cancelled) {
                // closed meanwhile: not waiting
            }
        }
        return false;
    }

    /**
     * Dumps the coroutines suspended on this loop: each one's await site, what it awaits, for how long, and
     * the coroutines awaiting it. Any thread: the loop describes them on its own thread when it answers within
     * a second, else they are read from the caller's (see {@link CoroutineDump}; {@link CoroutineDump#all()}
     * covers every loop).
     *
     * @return the dump
     */
    public CoroutineDump dumpCoroutines() {
        return CoroutineDump.of(this);
    }

    /**
     * Internal: the list of coroutines suspended on this loop, which the coroutine machinery maintains. Not a
     * stable API; use {@link #dumpCoroutines()}.
     *
     * @return the list
     */
    public io.squall.internal.SuspendedCoroutines suspendedCoroutines() {
        return suspendedCoroutines;
    }

    /** Describes the loop: its owner thread and state, e.g. {@code IOLoop(main, running)}. */
    @Override
    public String toString() {
        Thread t = owner;
        return "IOLoop(" + (t == null ? "unowned" : t.getName()) + (running ? ", running" : "")
                + (closed ? ", closed" : "") + ")";
    }
}
