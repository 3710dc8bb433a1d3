package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How a slow step's sampled stack is printed: a recursion is folded, so the bottom frames stay in view. */
class SlowStepStackTest {

    private static StackTraceElement f(String method, int line) {
        return new StackTraceElement("app.Chain", method, line < 0 ? null : "Chain.java", line);
    }

    private static String print(List<StackTraceElement> frames) {
        StringBuilder b = new StringBuilder();
        SlowStepReport.appendStack(b, frames.toArray(new StackTraceElement[0]));
        return b.toString().replace("\n        ", "\n").trim();
    }

    @Test
    void aDeepChainOfResumedCoroutinesIsFoldedAndItsBottomShown() {
        List<StackTraceElement> frames = new ArrayList<>();
        frames.add(new StackTraceElement("java.lang.Thread", "sleep", "Thread.java", 339));
        for (int i = 0; i < 1000; i++) {
            frames.add(f("chain", 68));
            frames.add(f("chain", -1));
        }
        frames.add(f("main", 12));
        frames.add(new StackTraceElement("io.squall.IOLoop", "runOnce", "IOLoop.java", 400));
        assertEquals(String.join("\n",
                "at java.lang.Thread.sleep(Thread.java:339)",
                "at app.Chain.chain(Chain.java:68)",
                "at app.Chain.chain(Unknown Source)",
                "... the 2 frames above repeat 999 more times",
                "at app.Chain.main(Chain.java:12)",
                "at io.squall.IOLoop.runOnce(IOLoop.java:400)"), print(frames));
    }

    @Test
    void oneFrameRepeatedAndShortRunsAreToldApart() {
        List<StackTraceElement> frames = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            frames.add(f("fib", 3));
        }
        frames.add(f("a", 1));
        frames.add(f("a", 1)); // twice only: printed as it is
        frames.add(f("b", 2));
        assertEquals(String.join("\n",
                "at app.Chain.fib(Chain.java:3)",
                "... the frame above repeats 4 more times",
                "at app.Chain.a(Chain.java:1)",
                "at app.Chain.a(Chain.java:1)",
                "at app.Chain.b(Chain.java:2)"), print(frames));
    }

    @Test
    void aStackWithoutRecursionBeyondTheLimitSaysHowManyFramesWereLeftOut() {
        List<StackTraceElement> frames = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            frames.add(f("m" + i, i));
        }
        String printed = print(frames);
        assertEquals(201, printed.split("\n").length);
        assertEquals("... 50 more", printed.substring(printed.lastIndexOf('\n') + 1));
    }
}
