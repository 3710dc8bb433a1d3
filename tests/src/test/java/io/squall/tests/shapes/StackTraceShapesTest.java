package io.squall.tests.shapes;

import io.squall.tests.SourceLines;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Line numbers survive the rewrite: traces of exceptions thrown after a resumption, and the live stack seen
 * from inside a resumed coroutine, point at the user's source lines (found by markers in this file).
 */
class StackTraceShapesTest extends ShapeTest {

    private static final String FILE = "StackTraceShapesTest.java";

    static int lineOf(String marker) {
        return SourceLines.lineOf("shapes", FILE, marker);
    }

    /** The first frame of {@code trace} in this test class. */
    static StackTraceElement firstOwnFrame(StackTraceElement[] trace) {
        for (StackTraceElement e : trace) {
            if (e.getClassName().startsWith(StackTraceShapesTest.class.getName())) {
                return e;
            }
        }
        return null;
    }

    static void assertFrameAt(StackTraceElement[] trace, String marker) {
        StackTraceElement frame = firstOwnFrame(trace);
        assertNotNull(frame, "no frame of the test class in the trace");
        assertEquals(FILE, frame.getFileName(), "file of " + frame);
        assertEquals(lineOf(marker), frame.getLineNumber(), "line of " + frame + " (marker " + marker + ")");
    }

    static final class ThrowsAfterResumeShape {
        @Coroutine
        static Future<String> throwsAfterResume(Src s, int where) {
            String a = await(s.of("a"));
            if (where == 0) {
                throw new IllegalStateException("after first " + a); // LINE-A
            }
            long b = await(s.of(2L));
            for (int i = 0; i < 3; i++) {
                b += await(s.of(i));
            }
            if (where == 1) {
                Object o = null;
                return Future.of(o.toString() + b); // LINE-B
            }
            try {
                await(s.fail(new IOException("io")));
            } catch (Exception e) {
                throw new IllegalArgumentException("rethrown", e); // LINE-C
            }
            return Future.of("unreached");
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void exceptionTracesPointAtUserLines(Src.Mode mode) {
        String[] markers = {"LINE-A", "LINE-B", "LINE-C"};
        for (int where = 0; where < 3; where++) {
            int w = where;
            Src s = src(mode);
            Run<String> run = run(s, x -> ThrowsAfterResumeShape.throwsAfterResume(x, w));
            assertNotNull(run.failure(), "must fail");
            assertFrameAt(run.failure().getStackTrace(), markers[where]);
        }
    }

    static final class LiveStackShape {
        @Coroutine
        static Future<StackTraceElement[]> liveStack(Src s) {
            await(s.of(1));
            int k = await(s.of(2));
            StackTraceElement[] here = new Throwable("probe " + k).getStackTrace(); // LINE-D
            return Future.of(here);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void liveStackAfterResumePointsAtUserLine(Src.Mode mode) {
        Src s = src(mode);
        Run<StackTraceElement[]> run = run(s, LiveStackShape::liveStack);
        assertFrameAt((StackTraceElement[]) run.value(), "LINE-D");
    }

    static final class CalleeThrowsShape {
        static void fails(String why) {
            throw new UnsupportedOperationException(why);
        }

        @Coroutine
        Future<String> calleeThrows(Src s) {
            String why = await(s.of("callee"));
            fails(why); // LINE-E
            return Future.of(why);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void calleeExceptionTraceHasCoroutineLine(Src.Mode mode) {
        Src s = src(mode);
        Run<String> run = run(s, x -> new CalleeThrowsShape().calleeThrows(x));
        StackTraceElement[] trace = run.failure().getStackTrace();
        assertEquals("fails", trace[0].getMethodName());
        StackTraceElement caller = null;
        for (int i = 1; i < trace.length; i++) {
            if (trace[i].getClassName().startsWith(StackTraceShapesTest.class.getName())) {
                caller = trace[i];
                break;
            }
        }
        assertNotNull(caller);
        assertEquals(lineOf("LINE-E"), caller.getLineNumber(), "line of " + caller);
    }
}
