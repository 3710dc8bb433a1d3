import io.squall.Future;
import io.squall.IOLoop;
import io.squall.bench.steps.SquallSteps;
import io.squall.bench.steps.Steps;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Thread-CPU nanoseconds per await step ({@code hop}, {@code hopd} (hop via {@code dispatch}), {@code chain},
 * {@code done}, the shapes of AwaitBench; {@code kchain}: Kotlin's chain, the peer),
 * for comparing two builds on a loaded machine, where JMH's wall-clock figures are dominated by waiting for a
 * core: the benchmark thread's CPU time leaves the waiting out. Prints seven measurements and the best.
 *
 * <pre>
 *   javac -cp bench/target/squall-bench.jar -d /tmp/cpu bench/tools/CpuSteps.java
 *   java -javaagent:agent/target/squall-agent.jar -cp bench/target/squall-bench.jar:/tmp/cpu CpuSteps hop 200
 * </pre>
 */
public class CpuSteps {
    static volatile int sink;

    public static void main(String[] a) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        String shape = a[0];
        int rounds = Integer.parseInt(a[1]);
        int batches = a.length > 2 ? Integer.parseInt(a[2]) : 7;
        for (int w = 0; w < 3; w++) {
            for (int i = 0; i < rounds; i++) run(shape, loop);
        }
        StringBuilder sb = new StringBuilder(shape);
        long best = Long.MAX_VALUE;
        for (int r = 0; r < batches; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) run(shape, loop);
            long t = mx.getCurrentThreadCpuTime() - t0;
            best = Math.min(best, t);
            sb.append(String.format(" %.2f", t / (double) rounds / Steps.STEPS));
        }
        System.out.println(sb + "  best " + String.format("%.2f", best / (double) rounds / Steps.STEPS) + " ns/step");
    }

    static void run(String shape, IOLoop loop) {
        switch (shape) {
            case "hop":
                sink = loop.runSync(() -> SquallSteps.hop(loop, false));
                break;
            case "hopd":
                sink = loop.runSync(() -> SquallSteps.hop(loop, true));
                break;
            case "chain":
                sink = loop.runSync(() -> {
                    Future<Integer> leaf = new Future<>();
                    Future<Integer> result = SquallSteps.chain(Steps.STEPS - 1, leaf);
                    loop.addCallback(() -> leaf.setResult(0));
                    return result;
                });
                break;
            case "kchain":
                sink = io.squall.bench.kotlin.KotlinSteps.chain();
                break;
            default:
                sink = SquallSteps.done(Future.of(Steps.ONE)).result();
        }
    }
}
