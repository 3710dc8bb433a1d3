package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * try/catch/finally around awaits: awaits in try, catch and finally (javac copies finally bodies on every
 * exit path), nested try, rethrow, failed futures caught by the user's handlers at the await line, checked
 * exceptions unwrapped, try-with-resources, multi-catch, finally overriding the outcome.
 */
@SuppressWarnings("squall:swallowed-cancellation") class TryShapesTest extends ShapeTest {

    // ---- a failed future is caught by the handler around the await

    static final class CatchAtAwaitShape {
        @Coroutine
        static Future<String> catchAtAwait(Src s, boolean failing) {
            String r;
            try {
                r = "ok:" + await(failing ? s.<String>fail(new IllegalArgumentException("bad arg")) : s.of("v"));
            } catch (IllegalArgumentException e) {
                r = "caught:" + e.getMessage();
            }
            return Future.of(r + "/" + await(s.of("after")));
        }
    }

    static String catchAtAwaitPlain(boolean failing) {
        String r;
        try {
            r = "ok:" + (failing ? ShapeTest.<String>raise(new IllegalArgumentException("bad arg")) : "v");
        } catch (IllegalArgumentException e) {
            r = "caught:" + e.getMessage();
        }
        return r + "/" + "after";
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void failedFutureCaughtAtAwait(Src.Mode mode) {
        check(mode, s -> CatchAtAwaitShape.catchAtAwait(s, true), () -> catchAtAwaitPlain(true));
        check(mode, s -> CatchAtAwaitShape.catchAtAwait(s, false), () -> catchAtAwaitPlain(false));
    }

    // ---- awaits in try, catch and finally, on the normal and the exceptional path

    static final class EverywhereShape {
        @Coroutine
        static Future<List<String>> everywhere(Src s, int failAt) {
            List<String> log = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try {
                    log.add("try" + await(s.of(i)));
                    if (i == failAt) {
                        log.add("never" + await(s.<Integer>fail(new IllegalStateException("f" + i))));
                    }
                    log.add("body" + i);
                } catch (IllegalStateException e) {
                    log.add("catch:" + e.getMessage() + await(s.of("!")));
                } finally {
                    log.add("finally" + await(s.of(i * 10)));
                }
            }
            return Future.of(log);
        }
    }

    static List<String> everywherePlain(int failAt) {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try {
                log.add("try" + i);
                if (i == failAt) {
                    log.add("never" + ShapeTest.<Integer>raise(new IllegalStateException("f" + i)));
                }
                log.add("body" + i);
            } catch (IllegalStateException e) {
                log.add("catch:" + e.getMessage() + "!");
            } finally {
                log.add("finally" + i * 10);
            }
        }
        return log;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void awaitsInTryCatchFinally(Src.Mode mode) {
        check(mode, s -> EverywhereShape.everywhere(s, 2), () -> everywherePlain(2));
        check(mode, s -> EverywhereShape.everywhere(s, -1), () -> everywherePlain(-1));
    }

    // ---- finally with an await on the paths: return inside try, break, continue, uncaught exception

    static final class FinallyPathsShape {
        @Coroutine
        static Future<String> finallyPaths(Src s, List<String> log, int path) {
            for (int i = 0; ; i++) {
                try {
                    int v = await(s.of(i));
                    if (path == 0 && v == 2) {
                        return Future.of("returned" + v);
                    }
                    if (path == 1 && v == 3) {
                        break;
                    }
                    if (path == 2 && v < 2) {
                        continue;
                    }
                    if (path == 2 && v == 4) {
                        throw new UnsupportedOperationException("thrown" + v);
                    }
                    if (path == 3 && v == 1) {
                        await(s.fail(new ArithmeticException("failed" + v)));
                    }
                } finally {
                    log.add("f" + await(s.of(i)));
                }
            }
            return Future.of("broke");
        }
    }

    static String finallyPathsPlain(List<String> log, int path) {
        for (int i = 0; ; i++) {
            try {
                int v = i;
                if (path == 0 && v == 2) {
                    return "returned" + v;
                }
                if (path == 1 && v == 3) {
                    break;
                }
                if (path == 2 && v < 2) {
                    continue;
                }
                if (path == 2 && v == 4) {
                    throw new UnsupportedOperationException("thrown" + v);
                }
                if (path == 3 && v == 1) {
                    raise(new ArithmeticException("failed" + v));
                }
            } finally {
                log.add("f" + i);
            }
        }
        return "broke";
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void finallyOnEveryExitPath(Src.Mode mode) {
        for (int path = 0; path < 4; path++) {
            int p = path;
            List<String> coLog = new ArrayList<>();
            List<String> plainLog = new ArrayList<>();
            check(mode, s -> FinallyPathsShape.finallyPaths(s, coLog, p), () -> finallyPathsPlain(plainLog, p));
            assertEquals(plainLog, coLog, "finally log on path " + p);
        }
    }

    // ---- nested try: inner catch rethrows a wrapped exception, outer catch awaits, finally at both levels

    static final class NestedTryShape {
        @Coroutine
        static Future<String> nestedTry(Src s, int mode) {
            StringBuilder sb = new StringBuilder();
            try {
                sb.append(await(s.of("a")));
                try {
                    sb.append(await(s.of("b")));
                    if (mode == 1) {
                        await(s.fail(new IllegalArgumentException("inner")));
                    }
                    if (mode == 2) {
                        await(s.fail(new IOException("io")));
                    }
                    sb.append(await(s.of("c")));
                } catch (IllegalArgumentException e) {
                    sb.append("[inner:").append(e.getMessage()).append(await(s.of("]")));
                    throw new IllegalStateException("wrapped", e);
                } finally {
                    sb.append("{f1").append(await(s.of("}")));
                }
                sb.append(await(s.of("d")));
            } catch (IllegalStateException e) {
                sb.append("[outer:").append(e.getMessage()).append(':').append(e.getCause().getMessage())
                        .append(await(s.of("]")));
            } catch (Exception e) {
                sb.append("[checked:").append(e.getClass().getSimpleName()).append(await(s.of("]")));
            } finally {
                sb.append("{f2").append(await(s.of("}")));
            }
            return Future.of(sb.toString());
        }
    }

    static String nestedTryPlain(int mode) {
        StringBuilder sb = new StringBuilder();
        try {
            sb.append("a");
            try {
                sb.append("b");
                if (mode == 1) {
                    raise(new IllegalArgumentException("inner"));
                }
                if (mode == 2) {
                    raise(new IOException("io"));
                }
                sb.append("c");
            } catch (IllegalArgumentException e) {
                sb.append("[inner:").append(e.getMessage()).append("]");
                throw new IllegalStateException("wrapped", e);
            } finally {
                sb.append("{f1").append("}");
            }
            sb.append("d");
        } catch (IllegalStateException e) {
            sb.append("[outer:").append(e.getMessage()).append(':').append(e.getCause().getMessage()).append("]");
        } catch (Exception e) {
            sb.append("[checked:").append(e.getClass().getSimpleName()).append("]");
        } finally {
            sb.append("{f2").append("}");
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void nestedTryRethrow(Src.Mode mode) {
        for (int m = 0; m < 3; m++) {
            int k = m;
            check(mode, s -> NestedTryShape.nestedTry(s, k), () -> nestedTryPlain(k));
        }
    }

    // ---- the original exception object arrives at the handler, and uncaught ones fail the coroutine

    static final class IdentityShape {
        @Coroutine
        static Future<Object> identity(Src s, RuntimeException failure) {
            try {
                await(s.of(1));
                await(s.fail(failure));
                return Future.of("not reached");
            } catch (RuntimeException e) {
                return Future.of(e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void handlerGetsTheSameExceptionObject(Src.Mode mode) {
        RuntimeException failure = new RuntimeException("same");
        Object got = check(mode, s -> IdentityShape.identity(s, failure), () -> failure);
        assertSame(failure, got);
    }

    // ---- checked exceptions are unwrapped: caught as themselves inside, and failing the coroutine outside

    static final class CheckedShape {
        @Coroutine
        static Future<String> checked(Src s, boolean catchIt) {
            if (catchIt) {
                try {
                    return Future.of("value " + await(s.<String>fail(new TimeoutException("slow"))));
                } catch (Exception e) {
                    return Future.of(e.getClass().getName() + ":" + e.getMessage() + ":" + (e instanceof TimeoutException));
                }
            }
            String v = await(s.of("x"));
            return Future.of(v + await(s.<String>fail(new IOException("disk " + v))));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void checkedExceptionsUnwrapped(Src.Mode mode) {
        check(mode, s -> CheckedShape.checked(s, true), () -> TimeoutException.class.getName() + ":slow:true");
        check(mode, s -> CheckedShape.checked(s, false), () -> raise(new IOException("disk x")));
    }

    // ---- multi-catch and catch order, the exception variable used after awaits in the handler

    static final class MultiCatchShape {
        @Coroutine
        static Future<String> multiCatch(Src s, int which) {
            Throwable[] failures = {new IllegalStateException("ise"), new IllegalArgumentException("iae"),
                new NumberFormatException("nfe"), new UncheckedIOException(new IOException("uio"))};
            try {
                return Future.of("none" + await(s.<String>fail(failures[which])));
            } catch (NumberFormatException e) {
                String a = await(s.of("nfe-first:"));
                return Future.of(a + e.getMessage());
            } catch (IllegalStateException | IllegalArgumentException e) {
                String a = await(s.of("multi:"));
                RuntimeException kept = e;
                return Future.of(a + kept.getMessage() + await(s.of("!")));
            } catch (RuntimeException e) {
                return Future.of("runtime:" + await(s.of(e.getCause().getMessage())));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void multiCatchAndOrder(Src.Mode mode) {
        check(mode, s -> MultiCatchShape.multiCatch(s, 0), () -> "multi:ise!");
        check(mode, s -> MultiCatchShape.multiCatch(s, 1), () -> "multi:iae!");
        check(mode, s -> MultiCatchShape.multiCatch(s, 2), () -> "nfe-first:nfe");
        check(mode, s -> MultiCatchShape.multiCatch(s, 3), () -> "runtime:uio");
    }

    // ---- finally that returns overrides the exception, and an exception in finally replaces the first

    static final class FinallyOverridesShape {
        @SuppressWarnings("finally")
        @Coroutine
        static Future<String> finallyOverrides(Src s, boolean throwInFinally) {
            try {
                await(s.fail(new IllegalStateException("lost")));
                return Future.of("not reached");
            } finally {
                String v = await(s.of("finally"));
                if (throwInFinally) {
                    throw new IllegalArgumentException("from " + v);
                }
                return Future.of(v + " wins");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void finallyOverridesOutcome(Src.Mode mode) {
        check(mode, s -> FinallyOverridesShape.finallyOverrides(s, false), () -> "finally wins");
        check(mode, s -> FinallyOverridesShape.finallyOverrides(s, true), () -> raise(new IllegalArgumentException("from finally")));
    }

    // ---- try-with-resources: await in the resource initializer and in the body, suppressed close failure

    static final class Res implements AutoCloseable {
        final List<String> log;
        final String name;
        final boolean failOnClose;

        Res(List<String> log, String name, boolean failOnClose) {
            this.log = log;
            this.name = name;
            this.failOnClose = failOnClose;
            log.add("open " + name);
        }

        @Override
        public void close() {
            log.add("close " + name);
            if (failOnClose) {
                throw new IllegalStateException("close " + name);
            }
        }
    }

    static final class ResourcesShape {
        @Coroutine
        static Future<String> resources(Src s, List<String> log, boolean fail) {
            try (Res a = new Res(log, await(s.of("a")), false);
                    Res b = new Res(log, await(s.of("b")), fail)) {
                log.add("body " + a.name + b.name + await(s.of("!")));
                if (fail) {
                    await(s.fail(new IllegalArgumentException("body")));
                }
                return Future.of(a.name + b.name);
            } catch (IllegalArgumentException e) {
                return Future.of(e.getMessage() + " suppressed " + e.getSuppressed()[0].getMessage()
                        + await(s.of(".")));
            }
        }
    }

    static String resourcesPlain(List<String> log, boolean fail) {
        try (Res a = new Res(log, "a", false);
                Res b = new Res(log, "b", fail)) {
            log.add("body " + a.name + b.name + "!");
            if (fail) {
                raise(new IllegalArgumentException("body"));
            }
            return a.name + b.name;
        } catch (IllegalArgumentException e) {
            return e.getMessage() + " suppressed " + e.getSuppressed()[0].getMessage() + ".";
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void tryWithResources(Src.Mode mode) {
        for (boolean fail : new boolean[] {false, true}) {
            List<String> coLog = new ArrayList<>();
            List<String> plainLog = new ArrayList<>();
            check(mode, s -> ResourcesShape.resources(s, coLog, fail), () -> resourcesPlain(plainLog, fail));
            assertEquals(plainLog, coLog);
        }
    }

    // ---- exception thrown by user code after a resumption (not by a future) is caught by the handler

    static final class ThrowAfterResumeShape {
        @Coroutine
        static Future<Integer> throwAfterResume(Src s, String text) {
            int parsed;
            try {
                String t = await(s.of(text));
                parsed = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                parsed = -await(s.of(text.length()));
            }
            return Future.of(parsed);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void userExceptionAfterResume(Src.Mode mode) {
        check(mode, s -> ThrowAfterResumeShape.throwAfterResume(s, "42"), () -> 42);
        check(mode, s -> ThrowAfterResumeShape.throwAfterResume(s, "x42"), () -> -3);
    }

    // ---- try/catch inside a loop inside a try/finally; the catch swallows and the loop goes on

    static final class RetryLoopShape {
        @Coroutine
        static Future<String> retryLoop(Src s, int failures) {
            StringBuilder sb = new StringBuilder();
            int attempt = 0;
            try {
                while (true) {
                    try {
                        attempt++;
                        if (attempt <= failures) {
                            await(s.fail(new IllegalStateException("attempt " + attempt)));
                        }
                        sb.append("success@").append(await(s.of(attempt)));
                        break;
                    } catch (IllegalStateException e) {
                        sb.append(e.getMessage()).append(await(s.of(";")));
                    }
                }
            } finally {
                sb.append(" done");
            }
            return Future.of(sb.toString());
        }
    }

    static String retryLoopPlain(int failures) {
        StringBuilder sb = new StringBuilder();
        int attempt = 0;
        try {
            while (true) {
                try {
                    attempt++;
                    if (attempt <= failures) {
                        raise(new IllegalStateException("attempt " + attempt));
                    }
                    sb.append("success@").append(attempt);
                    break;
                } catch (IllegalStateException e) {
                    sb.append(e.getMessage()).append(";");
                }
            }
        } finally {
            sb.append(" done");
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void retryLoopWithTryInside(Src.Mode mode) {
        check(mode, s -> RetryLoopShape.retryLoop(s, 3), () -> retryLoopPlain(3));
    }

    // ---- an Error (not an Exception) from a future propagates through catch (Exception) but hits finally

    static final class ErrorPassesThroughShape {
        @Coroutine
        static Future<String> errorPassesThrough(Src s, List<String> log) {
            try {
                await(s.fail(new StackOverflowError("deep")));
                return Future.of("no");
            } catch (Exception e) {
                return Future.of("wrongly caught");
            } finally {
                log.add("finally " + await(s.of(1)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void errorsPropagate(Src.Mode mode) {
        List<String> log = new ArrayList<>();
        check(mode, s -> ErrorPassesThroughShape.errorPassesThrough(s, log), () -> raise(new StackOverflowError("deep")));
        assertEquals(List.of("finally 1"), log);
    }
}
