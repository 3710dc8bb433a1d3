package io.squall.bench;

import static io.squall.bench.steps.Steps.ONE;
import static io.squall.bench.steps.Steps.STEPS;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.SlowStepDetector;
import io.squall.bench.ea.EaSteps;
import io.squall.bench.kotlin.KotlinSteps;
import io.squall.bench.steps.CallbackSteps;
import io.squall.bench.steps.CfSteps;
import io.squall.bench.steps.SquallSteps;
import io.squall.bench.steps.VtSteps;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kotlinx.coroutines.Deferred;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one await step, per system and shape. Methods are named {@code <system>_<shape>}; every
 * invocation does {@link io.squall.bench.steps.Steps#STEPS} steps and is declared as that many operations,
 * so the score is nanoseconds per await step (and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes per
 * step).
 *
 * <ul>
 *   <li>{@code done}: awaits of an already-completed future (no suspension).</li>
 *   <li>{@code hop}: each step's future is completed by a callback on the same single-threaded loop (Squall's
 *       {@link IOLoop}; a single-thread executor for the JDK peers), so every step suspends and resumes.</li>
 *   <li>{@code chain}: nested coroutine calls, all suspended, resolved from the innermost;
 *       {@code chainMegamorphic}: the same after other coroutines ran (see {@link Megamorphic}).</li>
 * </ul>
 * Systems: {@code squall} (the agent's rewrite), {@code cf} (CompletableFuture.thenCompose), {@code ea}
 * (ea-async 1.2.3), {@code vt} (virtual threads; JDK 21+), {@code kotlin} (kotlinx.coroutines: suspend
 * functions, {@code CompletableDeferred}, {@code runBlocking}'s event loop as the one thread's loop; see
 * {@code KotlinSteps}), {@code callback} (hand-written callbacks on Squall's Future and IOLoop: the floor).
 * {@code squall_hopSlowStepOff} is {@code squall_hop} in a fork started with the slow-step detector off
 * ({@code -Dio.squall.slowStepMillis=0}: no step counter written, no watchdog), for its cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AwaitBench {
    private IOLoop loop;
    private ExecutorService executor;
    private Future<Integer> squallDone;
    private CompletableFuture<Integer> cfDone;
    private Deferred<Integer> kotlinDone;

    /**
     * Creates the loop and the executor, and checks once that every system computes the right value.
     *
     * @throws Exception if a system computes a wrong value or cannot run here
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        loop = new IOLoop();
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "await-bench-executor");
            t.setDaemon(true);
            return t;
        });
        squallDone = Future.of(ONE);
        cfDone = CompletableFuture.completedFuture(ONE);
        kotlinDone = KotlinSteps.completed(ONE);
        if (KotlinSteps.STEPS != STEPS) {
            throw new IllegalStateException("KotlinSteps.STEPS is " + KotlinSteps.STEPS + ", Steps.STEPS " + STEPS);
        }
    }

    /** Closes the loop and the executor. */
    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
        if (loop.inLoopThread() || !loop.isRunning()) {
            loop.close();
        }
    }

    /**
     * Taken by the {@code squall_*} benchmarks only: makes sure the agent is installed before the first
     * coroutine class loads (in the forks the jmh command passes {@code -javaagent}; this is the fallback).
     */
    @State(Scope.Benchmark)
    public static class Agent {
        /** Installs the agent if it is not installed yet. */
        @Setup(Level.Trial)
        public void install() {
            AgentBootstrap.install();
        }
    }

    /**
     * How the {@code squall_hop} and {@code callback_hop} steps queue their completing callback on the
     * IOLoop: {@code addCallback} (Tornado's add_callback: the next iteration, after the selector is polled)
     * or {@code dispatch} (as soon as the running task returns, in the same iteration).
     */
    @State(Scope.Thread)
    public static class Hop {
        /** {@code addCallback} or {@code dispatch}. */
        @Param({"addCallback", "dispatch"})
        public String via;

        boolean dispatch() {
            return via.equals("dispatch");
        }
    }

    /**
     * Taken by {@code squall_hopSlowStepOff}: checks that its fork really runs with the slow-step detector off
     * (a command-line {@code -jvmArgsAppend} would replace the benchmark's own).
     */
    @State(Scope.Benchmark)
    public static class SlowStepOff {
        /** Fails the trial if the detector is on in this fork. */
        @Setup(Level.Trial)
        public void check() {
            if (SlowStepDetector.isEnabled()) {
                throw new IllegalStateException("squall_hopSlowStepOff needs -D" + SlowStepDetector.PROPERTY + "=0 in its"
                        + " fork; pass the agent with java -javaagent:... -jar squall-bench.jar instead of -jvmArgsAppend");
            }
        }
    }

    /**
     * Taken by the {@code *_chainMegamorphic} benchmarks: before the fork measures, runs other coroutines that
     * suspend (Squall's and Kotlin's: {@code hop} and two more chains, each a method of its own) until the JIT's
     * profile of the call that resumes a coroutine ({@code Continuation.resumeBody}'s {@code Resumer.resume},
     * Kotlin's {@code BaseContinuationImpl.invokeSuspend}) has seen three kinds, as in an application, where
     * that call site cannot be inlined; plain {@code chain} measures the site seeing one.
     */
    @State(Scope.Benchmark)
    public static class Megamorphic {
        /** Runs the other coroutines of both systems. */
        @Setup(Level.Trial)
        public void pollute() {
            AgentBootstrap.install();
            IOLoop loop = new IOLoop();
            try {
                SquallSteps.pollute(loop);
            } finally {
                loop.close();
            }
            KotlinSteps.pollute();
        }
    }

    private int onExecutor(Supplier<CompletableFuture<Integer>> body) {
        return CompletableFuture.supplyAsync(body, executor).thenCompose(f -> f).join();
    }

    private static int check(int value) {
        if (value != STEPS) {
            throw new IllegalStateException("a benchmark computed " + value + " instead of " + STEPS);
        }
        return value;
    }

    // ---- done

    /**
     * @param agent installs the agent
     * @return the sum
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int squall_done(Agent agent) {
        return check(SquallSteps.done(squallDone).result());
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int cf_done() {
        return check(CfSteps.done(cfDone).join());
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int ea_done() {
        return check(EaSteps.done(cfDone).join());
    }

    /**
     * @return the sum
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int vt_done() throws InterruptedException {
        return check(VtSteps.done(cfDone));
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int kotlin_done() {
        return check(KotlinSteps.done(kotlinDone));
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int callback_done() {
        return check(CallbackSteps.done(squallDone).result());
    }

    // ---- hop

    /**
     * @param agent installs the agent
     * @return the sum
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int squall_hop(Agent agent, Hop hop) {
        boolean dispatch = hop.dispatch();
        return check(loop.runSync(() -> SquallSteps.hop(loop, dispatch)));
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int cf_hop() {
        return check(onExecutor(() -> CfSteps.hop(executor)));
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int ea_hop() {
        return check(onExecutor(() -> EaSteps.hop(executor)));
    }

    /**
     * @return the sum
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int vt_hop() throws InterruptedException {
        return check(VtSteps.hop(executor));
    }

    /**
     * {@code squall_hop} with the slow-step detector off from the fork's start.
     *
     * @param agent installs the agent
     * @param hop how the completing callback is queued
     * @param off checks that the detector is off
     * @return the sum
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    @Fork(value = 1, jvmArgsAppend = "-Dio.squall.slowStepMillis=0")
    public int squall_hopSlowStepOff(Agent agent, Hop hop, SlowStepOff off) {
        boolean dispatch = hop.dispatch();
        return check(loop.runSync(() -> SquallSteps.hop(loop, dispatch)));
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int kotlin_hop() {
        return check(KotlinSteps.hop());
    }

    /** @return the sum */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int callback_hop(Hop hop) {
        boolean dispatch = hop.dispatch();
        return check(loop.runSync(() -> CallbackSteps.hop(loop, dispatch)));
    }

    // ---- chain

    /**
     * @param agent installs the agent
     * @return the depth
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int squall_chain(Agent agent) {
        return check(loop.runSync(() -> {
            Future<Integer> leaf = new Future<>();
            Future<Integer> result = SquallSteps.chain(STEPS - 1, leaf);
            loop.addCallback(() -> leaf.setResult(0));
            return result;
        }));
    }

    /** @return the depth */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int cf_chain() {
        return check(onExecutor(() -> {
            CompletableFuture<Integer> leaf = new CompletableFuture<>();
            CompletableFuture<Integer> result = CfSteps.chain(STEPS - 1, leaf);
            executor.execute(() -> leaf.complete(0));
            return result;
        }));
    }

    /** @return the depth */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int ea_chain() {
        return check(onExecutor(() -> {
            CompletableFuture<Integer> leaf = new CompletableFuture<>();
            CompletableFuture<Integer> result = EaSteps.chain(STEPS - 1, leaf);
            executor.execute(() -> leaf.complete(0));
            return result;
        }));
    }

    /**
     * @return the depth
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int vt_chain() throws InterruptedException {
        return check(VtSteps.chain(executor));
    }

    /** @return the depth */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int kotlin_chain() {
        return check(KotlinSteps.chain());
    }

    /**
     * {@code squall_chain} with a megamorphic resume call site (see {@link Megamorphic}).
     *
     * @param agent installs the agent
     * @param others runs other coroutines first
     * @return the depth
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int squall_chainMegamorphic(Agent agent, Megamorphic others) {
        return squall_chain(agent);
    }

    /**
     * {@code kotlin_chain} with a megamorphic resume call site (see {@link Megamorphic}).
     *
     * @param others runs other coroutines first
     * @return the depth
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int kotlin_chainMegamorphic(Megamorphic others) {
        return kotlin_chain();
    }

    /** @return the depth */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public int callback_chain() {
        return check(loop.runSync(() -> {
            Future<Integer> leaf = new Future<>();
            Future<Integer> result = CallbackSteps.chain(STEPS - 1, leaf, loop);
            loop.addCallback(() -> leaf.setResult(0));
            return result;
        }));
    }
}
