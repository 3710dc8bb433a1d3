package io.squall.tests.shapes;

import io.squall.tests.SourceLines;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Refusals (API.md semantics 8): await inside a synchronized block or in a synchronized coroutine method is
 * refused at load; calling such a method returns a Future failed with IllegalStateException naming the class,
 * the method, the source file and line; the other methods of the same class work.
 */
class RefusalShapesTest extends ShapeTest {

    @SuppressWarnings("squall:synchronized") static final class Refused { // refused on purpose
        final Object lock = new Object();
        int counter;

        @Coroutine
        Future<String> awaitInSynchronizedBlock(Future<String> f) { // BLOCK-START
            String before = "b";
            synchronized (lock) {
                counter++;
                return Future.of(before + await(f)); // BLOCK-AWAIT
            }
        } // BLOCK-END

        @Coroutine
        synchronized Future<String> synchronizedMethod(Future<String> f) { // METHOD-START
            counter++;
            return Future.of(await(f)); // METHOD-AWAIT
        } // METHOD-END

        @Coroutine
        static Future<Integer> nestedSynchronized(Object a, Object b, Future<Integer> f) { // NESTED-START
            int r = 0;
            synchronized (a) {
                r++;
                synchronized (b) {
                    r += await(f); // NESTED-AWAIT
                }
            }
            return Future.of(r);
        } // NESTED-END

        @Coroutine
        static synchronized Future<Integer> staticSynchronized(Future<Integer> f) { // STATIC-START
            return Future.of(await(f) + 1); // STATIC-AWAIT
        } // STATIC-END

        @Coroutine
        Future<String> worksNextToRefused(Src s) {
            String a;
            synchronized (lock) {
                a = "locked-" + counter;
            }
            return Future.of(a + await(s.of("+awaited")));
        }

        @Coroutine
        static Future<Integer> staticWorks(Src s) {
            return Future.of(await(s.of(6)) * 7);
        }

        static Function<Future<String>, Future<String>> lambdaWithSynchronized(Object lock) {
            return f -> { // LAMBDA-START
                synchronized (lock) {
                    return Future.of(await(f)); // LAMBDA-AWAIT
                }
            }; // LAMBDA-END
        }

        synchronized int plainSynchronized() {
            return ++counter;
        }
    }

    static void assertRefusal(Throwable failure, String method, String startMarker, String endMarker) {
        assertNotNull(failure, "a refused coroutine must return a failed future");
        assertEquals(IllegalStateException.class, failure.getClass(), String.valueOf(failure));
        String msg = failure.getMessage();
        assertNotNull(msg);
        assertTrue(msg.contains("Refused"), "names the class: " + msg);
        assertTrue(msg.contains(method), "names the method: " + msg);
        assertTrue(msg.contains("synchronized"), "gives the reason: " + msg);
        Matcher m = Pattern.compile("RefusalShapesTest\\.java:(\\d+)").matcher(msg);
        assertTrue(m.find(), "names the source file and line: " + msg);
        int line = Integer.parseInt(m.group(1));
        int start = SourceLines.lineOf("shapes", "RefusalShapesTest.java", startMarker);
        int end = SourceLines.lineOf("shapes", "RefusalShapesTest.java", endMarker);
        assertTrue(line >= start && line <= end, "line " + line + " must be inside " + method + " (" + start + "-"
                + end + "): " + msg);
        StackTraceElement frame = null;
        for (StackTraceElement e : failure.getStackTrace()) {
            if (e.getMethodName().equals(method) && e.getClassName().endsWith("$Refused")) {
                frame = e;
                break;
            }
        }
        assertNotNull(frame, "the refusal's trace shows the refused method");
        assertEquals(line, frame.getLineNumber(), "the refusal's trace points at the refused line: " + frame);
    }

    @Test
    void awaitInSynchronizedBlockIsRefused() {
        Refused r = new Refused();
        Future<String> pending = new Future<>();
        Future<String> f = r.awaitInSynchronizedBlock(pending);
        assertTrue(f.isDone(), "refused at once, never suspended");
        assertRefusal(f.exception(), "awaitInSynchronizedBlock", "BLOCK-START", "BLOCK-END");
        Future<String> done = r.awaitInSynchronizedBlock(Future.of("x"));
        assertRefusal(done.exception(), "awaitInSynchronizedBlock", "BLOCK-START", "BLOCK-END");
        assertFalse(Thread.holdsLock(r.lock), "no monitor left held");
    }

    @Test
    void awaitInSynchronizedMethodIsRefused() {
        Refused r = new Refused();
        Future<String> f = r.synchronizedMethod(Future.of("x"));
        assertTrue(f.isDone());
        assertRefusal(f.exception(), "synchronizedMethod", "METHOD-START", "METHOD-END");
        assertFalse(Thread.holdsLock(r));
    }

    @Test
    void awaitInStaticSynchronizedMethodIsRefused() {
        Future<Integer> f = Refused.staticSynchronized(new Future<>());
        assertTrue(f.isDone());
        assertRefusal(f.exception(), "staticSynchronized", "STATIC-START", "STATIC-END");
        assertFalse(Thread.holdsLock(Refused.class));
    }

    @Test
    void awaitInNestedSynchronizedIsRefused() {
        Future<Integer> f = Refused.nestedSynchronized(new Object(), new Object(), new Future<>());
        assertTrue(f.isDone());
        assertRefusal(f.exception(), "nestedSynchronized", "NESTED-START", "NESTED-END");
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void otherMethodsOfTheRefusedClassWork(Src.Mode mode) {
        Refused r = new Refused();
        assertEquals(1, r.plainSynchronized());
        check(mode, s -> r.worksNextToRefused(s), () -> "locked-1+awaited");
        check(mode, Refused::staticWorks, () -> 42);
    }

    @Test
    void awaitInSynchronizedBlockInsideLambdaIsRefused() {
        Future<String> f = Refused.lambdaWithSynchronized(new Object()).apply(new Future<>());
        assertTrue(f.isDone());
        Throwable failure = f.exception();
        assertNotNull(failure);
        assertEquals(IllegalStateException.class, failure.getClass());
        assertTrue(failure.getMessage().contains("synchronized"), failure.getMessage());
        Matcher m = Pattern.compile("RefusalShapesTest\\.java:(\\d+)").matcher(failure.getMessage());
        assertTrue(m.find(), failure.getMessage());
        int line = Integer.parseInt(m.group(1));
        assertTrue(line >= SourceLines.lineOf("shapes", "RefusalShapesTest.java", "LAMBDA-START")
                && line <= SourceLines.lineOf("shapes", "RefusalShapesTest.java", "LAMBDA-END"), failure.getMessage());
    }
}
