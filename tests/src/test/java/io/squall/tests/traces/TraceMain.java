package io.squall.tests.traces;

import java.io.IOException;
import java.util.Arrays;

import io.squall.Future;
import io.squall.IOLoop;

/** Run by {@link AsyncTraceTest} in a JVM of its own: prints whether a failure got async frames. */
public final class TraceMain {

    private TraceMain() {
    }

    public static void main(String[] args) {
        IOLoop loop = new IOLoop();
        IOException io = new IOException("off?");
        try {
            loop.runSync(() -> {
                Future<String> gate = new Future<>();
                Future<String> f = AsyncTraceTest.Nested.outer(gate);
                loop.addCallback(() -> gate.setException(io));
                return f;
            });
        } catch (Exception e) {
            StackTraceElement[] trace = e.getStackTrace();
            int b = Arrays.asList(trace).indexOf(AsyncTraceTest.BOUNDARY);
            System.out.println("boundary=" + (b >= 0) + " frames-after-real=" + (b < 0 ? 0 : trace.length - b - 1));
        }
        loop.close();
    }
}
