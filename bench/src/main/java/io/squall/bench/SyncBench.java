package io.squall.bench;

import io.squall.Future;
import io.squall.bench.steps.VtSteps;
import io.squall.sync.Lock;
import io.squall.sync.Queue;
import io.squall.sync.Releaser;
import io.squall.sync.Semaphore;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uncontended fast path of {@code io.squall.sync} beside {@code java.util.concurrent} used the blocking way
 * on a virtual thread (JDK 21+). Each invocation does {@link #OPS} operations and is declared as that many, so
 * the score is nanoseconds per operation and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes per
 * operation.
 *
 * <ul>
 *   <li>{@code lock}: acquire + release ({@code try (Releaser r = await(lock.acquire()))} without the agent:
 *       the future is done, so {@code result()} is what {@code await} does); peer {@code ReentrantLock}.</li>
 *   <li>{@code semaphore}: acquire + release of a {@code Semaphore(4)}; peer {@code java.util.concurrent.Semaphore}.</li>
 *   <li>{@code queue}: {@code put} then {@code get} of one item through an unbounded queue (the item is
 *       handed through the queue, nobody waits); {@code queueNowait} the same with {@code putNowait} /
 *       {@code getNowait}; peers {@code LinkedBlockingQueue} and {@code ArrayBlockingQueue(1024)} put/take.</li>
 *   <li>{@code queueWaitingGetter}: the contended path for contrast: a {@code get} that waits, then the
 *       {@code put} that serves it (a waiter is allocated).</li>
 * </ul>
 * The Squall primitives run on the benchmark thread, which owns them (no IOLoop is needed when nobody waits).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyncBench {
    /** Operations per invocation. */
    public static final int OPS = 10_000;
    private static final Integer ITEM = 42;

    private Lock lock;
    private Semaphore semaphore;
    private Queue<Integer> queue;
    private ReentrantLock jucLock;
    private java.util.concurrent.Semaphore jucSemaphore;
    private LinkedBlockingQueue<Integer> linked;
    private ArrayBlockingQueue<Integer> array;

    /** Creates the primitives. */
    @Setup(Level.Trial)
    public void setUp() {
        lock = new Lock();
        semaphore = new Semaphore(4);
        queue = new Queue<>();
        jucLock = new ReentrantLock();
        jucSemaphore = new java.util.concurrent.Semaphore(4);
        linked = new LinkedBlockingQueue<>();
        array = new ArrayBlockingQueue<>(1024);
    }

    // ---- lock

    /** @return a checksum */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int squall_lock() {
        int n = 0;
        for (int i = 0; i < OPS; i++) {
            try (Releaser r = lock.acquire().result()) {
                n++;
            }
        }
        return n;
    }

    /**
     * @return a checksum
     * @throws InterruptedException if interrupted while joining the virtual thread
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int vt_lock() throws InterruptedException {
        int[] out = new int[1];
        onVirtualThread(() -> {
            int n = 0;
            for (int i = 0; i < OPS; i++) {
                jucLock.lock();
                try {
                    n++;
                } finally {
                    jucLock.unlock();
                }
            }
            out[0] = n;
        });
        return out[0];
    }

    // ---- semaphore

    /** @return a checksum */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int squall_semaphore() {
        int n = 0;
        for (int i = 0; i < OPS; i++) {
            try (Releaser r = semaphore.acquire().result()) {
                n++;
            }
        }
        return n;
    }

    /**
     * @return a checksum
     * @throws InterruptedException if interrupted while joining the virtual thread
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int vt_semaphore() throws InterruptedException {
        int[] out = new int[1];
        onVirtualThread(() -> {
            int n = 0;
            for (int i = 0; i < OPS; i++) {
                jucSemaphore.acquireUninterruptibly();
                try {
                    n++;
                } finally {
                    jucSemaphore.release();
                }
            }
            out[0] = n;
        });
        return out[0];
    }

    // ---- queue

    /** @return a checksum */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int squall_queue() {
        int n = 0;
        for (int i = 0; i < OPS; i++) {
            queue.put(ITEM).result();
            n += queue.get().result();
        }
        return n;
    }

    /** @return a checksum */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int squall_queueNowait() {
        int n = 0;
        for (int i = 0; i < OPS; i++) {
            queue.putNowait(ITEM);
            n += queue.getNowait();
        }
        return n;
    }

    /** @return a checksum */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int squall_queueWaitingGetter() {
        int n = 0;
        for (int i = 0; i < OPS; i++) {
            Future<Integer> waiting = queue.get();
            queue.put(ITEM);
            n += waiting.result();
        }
        return n;
    }

    /**
     * @return a checksum
     * @throws InterruptedException if interrupted while joining the virtual thread
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int vt_linkedBlockingQueue() throws InterruptedException {
        return blockingPutTake(linked);
    }

    /**
     * @return a checksum
     * @throws InterruptedException if interrupted while joining the virtual thread
     */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public int vt_arrayBlockingQueue() throws InterruptedException {
        return blockingPutTake(array);
    }

    private static int blockingPutTake(java.util.concurrent.BlockingQueue<Integer> q) throws InterruptedException {
        int[] out = new int[1];
        onVirtualThread(() -> {
            int n = 0;
            try {
                for (int i = 0; i < OPS; i++) {
                    q.put(ITEM);
                    n += q.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out[0] = n;
        });
        return out[0];
    }

    private static void onVirtualThread(Runnable body) throws InterruptedException {
        Thread t = VtSteps.factory().newThread(body);
        t.start();
        t.join();
    }
}
