package io.squall.tests.debug;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.internal.AsyncTraces;
import io.squall.tests.SourceLines;

/**
 * An exception leaving a coroutine shows each of its methods once, with the line, and no generated frame: not
 * the entry's frame without a line under the body's in the first run, not the resume bridge after a resume.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeneratedFramesTest {

    private static final String FILE = "GeneratedFramesTest.java";

    private final IOLoop loop = new IOLoop();

    @AfterEach
    void close() {
        loop.close();
    }

    static final class Shapes {
        static volatile Throwable thrown;

        @Coroutine
        static Future<String> caller(boolean suspendFirst) {
            String s = await(suspendFirst ? failsAfterResume() : failsAtOnce(3)); // G-CALLER
            return Future.of(s);
        }

        @Coroutine
        static Future<String> failsAtOnce(int n) {
            if (n > 0) {
                throw remember(new IllegalStateException("first run " + n)); // G-AT-ONCE
            }
            return Future.of(String.valueOf(await(Gen.moment())));
        }

        @Coroutine
        static Future<String> failsAfterResume() {
            await(Gen.moment());
            throw remember(new IllegalStateException("after a resume")); // G-AFTER
        }

        @Coroutine
        static Future<String> top() {
            return Future.of(String.valueOf(await(recursive(3)))); // G-TOP
        }

        @Coroutine
        static Future<Integer> recursive(int depth) {
            if (depth == 0) {
                throw remember(new IllegalStateException("at the bottom")); // G-BOTTOM
            }
            return Future.of(await(recursive(depth - 1)) + 1); // G-RECURSE
        }

        static <T extends Throwable> T remember(T t) {
            thrown = t;
            return t;
        }
    }

    @Test
    void aFailureInTheFirstRunShowsTheCoroutineOnceWithItsLine() {
        Throwable t = failureOf(() -> Shapes.caller(false));
        assertSame(Shapes.thrown, t);
        List<String> real = realFrames(t);
        assertEquals(at("failsAtOnce", "G-AT-ONCE"), real.get(0), "thrown there: " + real);
        assertEquals(at("caller", "G-CALLER"), real.get(1), "then its caller, no entry frame between: " + real);
        assertEachOnceWithALine(real);
    }

    @Test
    void aFailureAfterAResumeShowsTheCoroutineOnceAndNoBridge() {
        Throwable t = failureOf(() -> Shapes.caller(true));
        List<String> real = realFrames(t);
        assertEquals(at("failsAfterResume", "G-AFTER"), real.get(0), real.toString());
        assertTrue(real.stream().noneMatch(f -> f.contains("$squall$resume")), "no bridge frame: " + real);
        assertEachOnceWithALine(real);
    }

    @Test
    void aRecursiveCoroutineShowsEachLevelOnce() {
        Throwable t = failureOf(() -> Shapes.top());
        List<String> real = realFrames(t);
        List<String> expected = new ArrayList<>(List.of(at("recursive", "G-BOTTOM")));
        for (int i = 0; i < 3; i++) {
            expected.add(at("recursive", "G-RECURSE"));
        }
        expected.add(at("top", "G-TOP"));
        assertEquals(expected, real.subList(0, 5), real.toString());
        assertTrue(real.stream().noneMatch(f -> f.startsWith(Shapes.class.getName() + ".") && f.endsWith(":-1)")),
                "no frame of the coroutines' class without a line: " + real);
    }

    private Throwable failureOf(Supplier<Future<String>> coroutine) {
        return assertThrows(Throwable.class, () -> loop.runSync(coroutine::get, Duration.ofSeconds(20)));
    }

    /** The frames before the async boundary, as {@code class.method(file:line)}. */
    private static List<String> realFrames(Throwable t) {
        List<StackTraceElement> all = Arrays.asList(t.getStackTrace());
        int b = all.indexOf(AsyncTraces.BOUNDARY);
        return (b < 0 ? all : all.subList(0, b)).stream()
                .map(e -> e.getClassName() + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber()
                        + ")")
                .toList();
    }

    private static String at(String method, String marker) {
        return Shapes.class.getName() + "." + method + "(" + FILE + ":"
                + SourceLines.lineOf("debug", FILE, marker) + ")";
    }

    /** Every frame of the coroutines' class has a line, and each of its methods shows once. */
    private static void assertEachOnceWithALine(List<String> real) {
        List<String> ours = real.stream().filter(f -> f.startsWith(Shapes.class.getName() + ".")).toList();
        for (String f : ours) {
            assertTrue(!f.endsWith(":-1)"), "a frame without a line: " + real);
            String method = f.substring(0, f.indexOf('('));
            assertEquals(1, ours.stream().filter(o -> o.startsWith(method + "(")).count(), method + " twice: " + real);
        }
    }
}
