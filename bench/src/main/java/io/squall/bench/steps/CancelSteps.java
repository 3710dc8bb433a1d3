package io.squall.bench.steps;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.Scope;
import io.squall.annotations.Coroutine;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shapes of {@code io.squall.bench.CancelBench}: coroutines cancelled while suspended, and a
 * {@link Scope} of many children; and the same scope with JDK 25's {@code StructuredTaskScope} (a preview
 * API, reached through method handles so the jar stays {@code --release 17}; no {@code --enable-preview}
 * is needed to call it reflectively).
 */
public final class CancelSteps {
    private static final MethodHandle STS_OPEN;
    private static final MethodHandle STS_FORK;
    private static final MethodHandle STS_JOIN;
    private static final MethodHandle STS_CLOSE;
    private static final MethodHandle SUBTASK_GET;

    static {
        MethodHandle open = null;
        MethodHandle fork = null;
        MethodHandle join = null;
        MethodHandle close = null;
        MethodHandle get = null;
        try {
            Class<?> sts = Class.forName("java.util.concurrent.StructuredTaskScope");
            Class<?> subtask = Class.forName("java.util.concurrent.StructuredTaskScope$Subtask");
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            open = l.findStatic(sts, "open", MethodType.methodType(sts));
            fork = l.findVirtual(sts, "fork", MethodType.methodType(subtask, Callable.class));
            join = l.findVirtual(sts, "join", MethodType.methodType(Object.class));
            close = l.findVirtual(sts, "close", MethodType.methodType(void.class));
            get = l.findVirtual(subtask, "get", MethodType.methodType(Object.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            open = null;
        }
        STS_OPEN = open;
        STS_FORK = fork;
        STS_JOIN = join;
        STS_CLOSE = close;
        SUBTASK_GET = get;
    }

    private CancelSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * A coroutine that waits on {@code pending} and counts its unwinding in {@code unwound}.
     *
     * @param pending a future nobody completes (cancelled with the coroutine)
     * @param unwound counts the finally blocks that ran
     * @param allUnwound completed when {@code unwound} reaches {@code n}
     * @param n how many coroutines the caller starts
     * @return the coroutine's Future
     */
    @Coroutine
    public static Future<Integer> waiter(Future<Integer> pending, AtomicInteger unwound, Future<Void> allUnwound,
            int n) {
        try {
            return Future.of(await(pending));
        } finally {
            if (unwound.incrementAndGet() == n) {
                allUnwound.setResult(null);
            }
        }
    }

    /**
     * A child of the scope shape: suspends for one loop iteration and returns 1.
     *
     * @return a future of 1
     */
    @Coroutine
    public static Future<Integer> child() {
        await(Gen.moment());
        return Future.of(1);
    }

    /**
     * {@code Scope.run} with {@code n} children that each suspend once; the body awaits them all.
     *
     * @param n the number of children
     * @return a future of the sum ({@code n})
     */
    public static Future<Integer> scope(int n) {
        return Scope.run(s -> sumChildren(s, n));
    }

    @Coroutine
    private static Future<Integer> sumChildren(Scope s, int n) {
        @SuppressWarnings("unchecked")
        Future<Integer>[] fs = new Future[n];
        for (int i = 0; i < n; i++) {
            fs[i] = s.spawn(CancelSteps::child);
        }
        int sum = 0;
        for (Future<Integer> f : fs) {
            sum += await(f);
        }
        return Future.of(sum);
    }

    /**
     * Tells whether {@code StructuredTaskScope} (JDK 25's preview API) is there.
     *
     * @return true if it can be called
     */
    public static boolean structuredTaskScopeAvailable() {
        return STS_OPEN != null;
    }

    /**
     * {@code StructuredTaskScope.open()} with {@code n} virtual-thread subtasks that each yield once (unmount and
     * mount again) and return 1; {@code join()}, then the sum of the subtasks' results.
     *
     * @param n the number of subtasks
     * @return the sum ({@code n})
     * @throws Throwable whatever the scope throws
     */
    public static int structuredTaskScope(int n) throws Throwable {
        Object scope = STS_OPEN.invoke();
        try {
            Object[] subtasks = new Object[n];
            Callable<Integer> task = () -> {
                Thread.yield();
                return 1;
            };
            for (int i = 0; i < n; i++) {
                subtasks[i] = STS_FORK.invoke(scope, task);
            }
            Object ignored = STS_JOIN.invoke(scope);
            int sum = 0;
            for (Object t : subtasks) {
                sum += (Integer) SUBTASK_GET.invoke(t);
            }
            return sum;
        } finally {
            STS_CLOSE.invoke(scope);
        }
    }
}
