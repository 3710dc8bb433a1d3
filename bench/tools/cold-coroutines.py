#!/usr/bin/env python3
"""Writes Cold.java: N coroutine methods, each run once through its first suspension and resume, then again.

Measures what a coroutine method costs the first time it suspends (linking its resume, interpreted code)
against the second time, for comparing two builds of the agent and runtime:

    python3 bench/tools/cold-coroutines.py 300 > /tmp/cold/Cold.java
    javac -cp bench/target/squall-bench.jar -d /tmp/cold /tmp/cold/Cold.java
    java -Dio.squall.slowStepMillis=0 -javaagent:agent/target/squall-agent.jar \
        -cp bench/target/squall-bench.jar:/tmp/cold Cold
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
out = ["import io.squall.*;", "import io.squall.annotations.Coroutine;", "import static io.squall.Async.await;",
       "import java.lang.reflect.Method;", "", "public class Cold {"]
for i in range(n):
    out.append(f"    @Coroutine static Future<Integer> c{i}(Future<Integer> f) {{ int v = await(f); return Future.of(v + {i}); }}")
out.append("""
    @SuppressWarnings("unchecked")
    static int run(IOLoop loop, Method m) {
        Future<Integer> f = new Future<>();
        return loop.runSync(() -> {
            Future<Integer> r;
            try {
                r = (Future<Integer>) m.invoke(null, f);
            } catch (ReflectiveOperationException e) {
                throw new RuntimeException(e);
            }
            loop.addCallback(() -> f.setResult(1));
            return r;
        });
    }

    public static void main(String[] a) throws Exception {
        IOLoop loop = new IOLoop();
        Method[] ms = new Method[%d];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Cold.class.getDeclaredMethod("c" + i, Future.class);
        }
        for (int k = 0; k < 20; k++) {
            run(loop, ms[0]); // the harness's own first use
        }
        int sum = 0;
        long t0 = System.nanoTime();
        for (int i = 1; i < ms.length; i++) {
            sum += run(loop, ms[i]);
        }
        long first = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        for (int i = 1; i < ms.length; i++) {
            sum += run(loop, ms[i]);
        }
        long second = System.nanoTime() - t1;
        System.out.printf("first suspend+resume per coroutine method: %%.1f us; second: %%.1f us (sum %%d)%%n",
                first / 1000.0 / (ms.length - 1), second / 1000.0 / (ms.length - 1), sum);
    }
}""" % n)
print("\n".join(out))
