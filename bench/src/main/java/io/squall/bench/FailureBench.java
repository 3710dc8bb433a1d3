package io.squall.bench;

import static io.squall.Async.await;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * The failure path of a coroutine's first run: {@code failAtOnce} throws before any await, so its entry turns
 * the exception into a failed future, and, with async traces on (the default), first removes the entry's
 * generated frame from the exception's trace ({@code io.squall.internal.GeneratedFrames}). {@code tracesOn}
 * and {@code tracesOff} run the same code in forks with {@code -Dio.squall.asyncTraces} true and false: their
 * ratio is that clean-up's cost. Run with the agent on the host JVM ({@code java -javaagent:... -jar
 * squall-bench.jar jmh FailureBench}): the forks' own properties would be replaced by {@code -jvmArgsAppend}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class FailureBench {

    /** The coroutine, in its own class so that it loads (and is rewritten) after the agent is installed. */
    static final class Failing {
        private Failing() {
        }

        @Coroutine
        static Future<String> failAtOnce(int n) {
            if (n >= 0) {
                throw new IllegalStateException("failed at once");
            }
            return Future.of(await(Future.of("never")));
        }
    }

    private int n;

    /**
     * A first-run failure with async traces (and the generated-frame clean-up) on.
     *
     * @return the failure
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dio.squall.asyncTraces=true")
    public Throwable tracesOn() {
        return Failing.failAtOnce(n++ & 1).exception();
    }

    /**
     * The same with them off.
     *
     * @return the failure
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dio.squall.asyncTraces=false")
    public Throwable tracesOff() {
        return Failing.failAtOnce(n++ & 1).exception();
    }
}
