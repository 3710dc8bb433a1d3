package io.squall.bench;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.bench.steps.CancelSteps;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of cancellation and of structured concurrency, per coroutine (each invocation handles
 * {@link #N} of them and is declared as that many operations).
 *
 * <ul>
 *   <li>{@code squall_cancel}: a coroutine suspended on a pending future is cancelled and unwinds (its
 *       {@code finally} runs on the loop); {@code squall_complete} is the same coroutine resumed normally by
 *       completing the future, for comparison.</li>
 *   <li>{@code squall_scope}: {@code Scope.run} with {@link #N} children that each suspend for one loop
 *       iteration; {@code sts_scope}: JDK 25's {@code StructuredTaskScope} with {@link #N} virtual-thread
 *       subtasks that each yield once (skipped, with a message, where the API is missing).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CancelBench {
    /** Coroutines (or scope children) per invocation. */
    public static final int N = 1000;

    private IOLoop loop;

    /** Creates the loop. */
    @Setup(Level.Trial)
    public void setUp() {
        AgentBootstrap.install();
        loop = new IOLoop();
    }

    /** Closes the loop. */
    @TearDown(Level.Trial)
    public void tearDown() {
        loop.close();
    }

    private int run(boolean cancel) {
        loop.runSync(() -> {
            AtomicInteger unwound = new AtomicInteger();
            Future<Void> all = new Future<>();
            @SuppressWarnings("unchecked")
            Future<Integer>[] pending = new Future[N];
            @SuppressWarnings("unchecked")
            Future<Integer>[] coroutines = new Future[N];
            for (int i = 0; i < N; i++) {
                pending[i] = new Future<>();
                coroutines[i] = CancelSteps.waiter(pending[i], unwound, all, N);
            }
            for (int i = 0; i < N; i++) {
                if (cancel) {
                    coroutines[i].cancel();
                } else {
                    pending[i].setResult(i);
                }
            }
            return all;
        });
        return cancel ? 1 : 0;
    }

    /** @return 1 */
    @Benchmark
    @OperationsPerInvocation(N)
    public int squall_cancel() {
        return run(true);
    }

    /** @return 0 */
    @Benchmark
    @OperationsPerInvocation(N)
    public int squall_complete() {
        return run(false);
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(N)
    public int squall_scope() {
        int sum = loop.runSync(() -> CancelSteps.scope(N));
        if (sum != N) {
            throw new IllegalStateException("scope computed " + sum);
        }
        return sum;
    }

    /**
     * @return the sum
     * @throws Throwable if the scope fails
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public int sts_scope() throws Throwable {
        if (!CancelSteps.structuredTaskScopeAvailable()) {
            throw new UnsupportedOperationException("StructuredTaskScope needs JDK 25 (a preview API there); this is"
                    + " JDK " + Runtime.version().feature());
        }
        int sum = CancelSteps.structuredTaskScope(N);
        if (sum != N) {
            throw new IllegalStateException("scope computed " + sum);
        }
        return sum;
    }
}
