package io.squall.bench.steps;

import static io.squall.bench.steps.Steps.ONE;
import static io.squall.bench.steps.Steps.STEPS;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The await shapes with virtual threads (JDK 21+): a virtual thread blocks in {@code join()} where a
 * coroutine would await. The bench jar is compiled for Java 17, so {@code Thread.ofVirtual()} is reached
 * reflectively, once; nothing reflective runs per step.
 */
public final class VtSteps {
    private static final ThreadFactory FACTORY = virtualThreadFactory();

    private VtSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * Tells whether this JVM has virtual threads.
     *
     * @return true on JDK 21 and later
     */
    public static boolean available() {
        return FACTORY != null;
    }

    /**
     * Returns why virtual threads are unavailable, or null if they are available.
     *
     * @return the reason, or null
     */
    public static String unavailableReason() {
        return FACTORY != null ? null : "virtual threads need JDK 21+, this is JDK " + Runtime.version().feature()
                + " (run the jar with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)";
    }

    /**
     * Returns the factory of virtual threads.
     *
     * @return the factory
     * @throws UnsupportedOperationException if this JVM has no virtual threads
     */
    public static ThreadFactory factory() {
        if (FACTORY == null) {
            throw new UnsupportedOperationException(unavailableReason());
        }
        return FACTORY;
    }

    /**
     * {@code done}: a virtual thread joins an already-completed future {@link Steps#STEPS} times.
     *
     * @param done a completed future holding {@link Steps#ONE}
     * @return the sum
     * @throws InterruptedException if interrupted while waiting for the virtual thread
     */
    public static int done(CompletableFuture<Integer> done) throws InterruptedException {
        int[] out = new int[1];
        run(() -> {
            int sum = 0;
            for (int i = 0; i < STEPS; i++) {
                sum += done.join();
            }
            out[0] = sum;
        });
        return out[0];
    }

    /**
     * {@code hop}: each step the virtual thread blocks on a fresh future that a task on {@code executor}
     * (single-threaded) completes.
     *
     * @param executor the single-threaded executor
     * @return the sum
     * @throws InterruptedException if interrupted while waiting for the virtual thread
     */
    public static int hop(Executor executor) throws InterruptedException {
        int[] out = new int[1];
        run(() -> {
            int sum = 0;
            for (int i = 0; i < STEPS; i++) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                executor.execute(() -> f.complete(ONE));
                sum += f.join();
            }
            out[0] = sum;
        });
        return out[0];
    }

    /**
     * {@code chain}: a virtual thread makes {@link Steps#STEPS} nested calls; the innermost blocks on a future
     * that a task on {@code executor} completes, and the values return through every frame.
     *
     * @param executor the single-threaded executor
     * @return the innermost value plus the number of calls
     * @throws InterruptedException if interrupted while waiting for the virtual thread
     */
    public static int chain(Executor executor) throws InterruptedException {
        int[] out = new int[1];
        run(() -> {
            CompletableFuture<Integer> leaf = new CompletableFuture<>();
            executor.execute(() -> leaf.complete(0));
            out[0] = chainCall(STEPS - 1, leaf);
        });
        return out[0];
    }

    private static int chainCall(int depth, CompletableFuture<Integer> leaf) {
        int v = depth == 0 ? leaf.join() : chainCall(depth - 1, leaf);
        return v + 1;
    }

    private static void run(Runnable body) throws InterruptedException {
        Thread t = factory().newThread(body);
        t.start();
        t.join();
    }

    private static ThreadFactory virtualThreadFactory() {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Object builder = ofVirtual.invoke(null);
            Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
            return (ThreadFactory) factory.invoke(builder);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Thread.ofVirtual() exists but could not be called: " + e, e);
        }
    }
}
