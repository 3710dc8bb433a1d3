package io.squall.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.internal.AwaitSites;
import io.squall.internal.Log;

/**
 * The JUnit Jupiter extension behind {@link SquallTest}; registered by the annotation itself, so there is
 * nothing to configure. Public only because JUnit instantiates it.
 *
 * <p>Per test, on the test's thread: before {@code @BeforeEach} methods it installs the agent if needed,
 * starts collecting warnings, and makes a fresh {@link IOLoop} (on a {@link VirtualClock} if asked) current;
 * it runs a coroutine test method on that loop with a real-time watchdog; after {@code @AfterEach}
 * methods it closes what the test registered ({@link HTTPTestServer}s), closes the loop, forces a garbage
 * collection to surface never-retrieved Future exceptions, and fails the test on unexpected warnings.
 */
public final class SquallTestExtension implements BeforeEachCallback, AfterEachCallback, InvocationInterceptor,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SquallTestExtension.class);
    /** Suffix the agent gives a coroutine test method's entry when it adds its void stand-in. */
    private static final String ENTRY_SUFFIX = "$squall$test";
    private static final ThreadLocal<TestState> CURRENT = new ThreadLocal<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "squall-testing-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** What one test made and must undo. */
    static final class TestState {
        final SquallTest config;
        final LogCapture capture;
        final VirtualClock clock;
        final IOLoop loop;
        final Deque<AutoCloseable> resources = new ArrayDeque<>();

        TestState(SquallTest config) {
            this.config = config;
            this.capture = new LogCapture().open();
            this.clock = config.virtualTime() ? new VirtualClock() : null;
            this.loop = new IOLoop(clock);
        }
    }

    /** Creates the extension (JUnit does, once per {@code @SquallTest} method). */
    public SquallTestExtension() {
    }

    /**
     * Registers something the current {@code @SquallTest} closes after the test, before its loop.
     *
     * @param resource closed in reverse order of registration
     * @return true if a {@code @SquallTest} is running on this thread (and will close it), false otherwise
     */
    static boolean closeAfterTest(AutoCloseable resource) {
        TestState s = CURRENT.get();
        if (s == null) {
            return false;
        }
        s.resources.push(resource);
        return true;
    }

    /**
     * Installs the agent if needed, starts collecting warnings and makes the test's loop current.
     *
     * @param context the test's context
     * @throws ExtensionConfigurationException if the test class was loaded before the agent could rewrite it
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        AgentInstaller.ensureInstalled();
        Method late = AgentInstaller.unrewrittenCoroutineTest(context.getRequiredTestClass());
        if (late != null) {
            throw new ExtensionConfigurationException(AgentInstaller.lateClassAdvice("the class of the coroutine"
                    + " test " + late.getDeclaringClass().getName() + "." + late.getName() + " was"));
        }
        SquallTest config = AnnotationSupport.findAnnotation(context.getRequiredTestMethod(), SquallTest.class)
                .orElseThrow(() -> new ExtensionConfigurationException("SquallTestExtension is registered by"
                        + " @SquallTest; use the annotation rather than @ExtendWith"));
        TestState s = new TestState(config);
        // Record await sites only while a @SquallTest runs: other tests in the JVM pay nothing.
        AwaitSites.enable();
        s.loop.makeCurrent();
        CURRENT.set(s);
        context.getStore(NAMESPACE).put(TestState.class, s);
    }

    /**
     * Runs a coroutine test method (one the agent gave a void stand-in) on the test's loop and waits for
     * its future; runs any other method as is.
     */
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext) throws Throwable {
        Method standIn = invocationContext.getExecutable();
        Method entry = entryOf(standIn);
        if (entry == null) {
            invocation.proceed();
            return;
        }
        invocation.skip();
        TestState s = extensionContext.getStore(NAMESPACE).get(TestState.class, TestState.class);
        runCoroutine(s, standIn, entry, invocationContext.getTarget().orElse(null),
                invocationContext.getArguments().toArray());
    }

    private static Method entryOf(Method standIn) {
        if (standIn.getReturnType() != void.class) {
            return null;
        }
        try {
            Method entry = standIn.getDeclaringClass().getDeclaredMethod(standIn.getName() + ENTRY_SUFFIX,
                    standIn.getParameterTypes());
            return Coroutines.isFutureType(entry.getReturnType()) ? entry : null;
        } catch (NoSuchMethodException notACoroutine) {
            return null;
        }
    }

    private static void runCoroutine(TestState s, Method standIn, Method entry, Object target, Object[] args)
            throws Throwable {
        entry.setAccessible(true);
        IOLoop loop = s.loop;
        Future<Object> outcome = new Future<>();
        Future<?>[] started = new Future<?>[1];
        long millis = s.config.timeoutMillis();
        String name = standIn.getDeclaringClass().getSimpleName() + "." + standIn.getName() + "()";
        ScheduledFuture<?> watchdog = millis <= 0 ? null : WATCHDOG.schedule(() -> {
            try {
                loop.addCallback(() -> {
                    if (!outcome.isDone()) {
                        outcome.trySetException(timedOut(name, millis, started[0], s.clock));
                    }
                });
            } catch (IllegalStateException loopClosed) {
                // the test is over
            }
        }, millis, TimeUnit.MILLISECONDS);
        try {
            loop.runSync(() -> {
                Future<?> f;
                try {
                    f = Coroutines.toFuture(entry.invoke(target, args));
                } catch (InvocationTargetException e) {
                    f = Future.failed(e.getCause());
                } catch (IllegalAccessException e) {
                    f = Future.failed(e);
                }
                started[0] = f;
                f.addDoneCallback(done -> {
                    Throwable t = done.exception();
                    if (t != null) {
                        outcome.trySetException(t);
                    } else {
                        outcome.trySetResult(done.result());
                    }
                });
                return outcome;
            });
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            unwind(loop, started[0]);
        }
    }

    /** Cancels a coroutine left pending by a timeout and lets it unwind (its finally blocks run). */
    private static void unwind(IOLoop loop, Future<?> f) {
        if (f == null || f.isDone()) {
            return;
        }
        f.cancel();
        if (!f.isDone()) {
            try {
                Future<Object> done = new Future<>();
                f.addDoneCallback(x -> done.trySetResult(null));
                loop.runSync(() -> done, Duration.ofSeconds(1));
            } catch (Throwable ignored) {
                // it did not unwind in time: the loop is closed next anyway
            }
        }
    }

    private static TimeoutException timedOut(String name, long millis, Future<?> f, VirtualClock clock) {
        return new TimeoutException("@SquallTest " + name + " timed out after " + millis + " ms (real time"
                + (clock != null ? "; the virtual clock had skipped " + clock.skipped() : "") + "). Where the"
                + " coroutine is suspended, innermost first:\n" + (f == null ? "  (it never started)\n"
                : Suspensions.describe(f)) + "Raise @SquallTest(timeoutMillis = ...) if it only needs more time.");
    }

    /**
     * Closes what the test registered and its loop, surfaces never-retrieved Future exceptions, and fails
     * the test if a warning or error was logged that no {@link ExpectLog} expected.
     *
     * @param context the test's context
     * @throws AssertionFailedError listing the unexpected records
     */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestState s = context.getStore(NAMESPACE).remove(TestState.class, TestState.class);
        if (s == null) {
            return;
        }
        List<LogRecord> records;
        try {
            closeResources(s);
            if (s.config.failOnUnexpectedLogs()) {
                sweepUnretrieved();
            }
        } finally {
            AwaitSites.disable();
            CURRENT.remove();
            s.capture.close();
            if (!s.loop.isClosed()) {
                // Outside the capture: leftover timers or handlers are reported on the console, not failed.
                s.loop.close();
            }
        }
        records = s.capture.records();
        if (s.config.failOnUnexpectedLogs() && !records.isEmpty()) {
            throw new AssertionFailedError(describe(records));
        }
    }

    private static void closeResources(TestState s) {
        boolean any = !s.resources.isEmpty();
        while (!s.resources.isEmpty()) {
            AutoCloseable r = s.resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                Log.warning("@SquallTest: closing " + r + " after the test failed", e);
            }
        }
        if (any && !s.loop.isClosed() && !s.loop.isRunning()) {
            // One more iteration so that closed channels are flushed from the selector.
            try {
                s.loop.runSync(Gen::moment, Duration.ofSeconds(1));
            } catch (Throwable ignored) {
                // best effort
            }
        }
    }

    /**
     * Collects garbage until a failed Future dropped on purpose has been reported by the Future cleaner,
     * twice: the Futures the test dropped before, unretrieved, have been reported by then. Gives up quietly
     * after 3 s (a starved cleaner thread); a late report of the dropped Future is
     * swallowed by {@link SweepFilter} whenever it comes, so it never lands in another test.
     */
    private static void sweepUnretrieved() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            long id = SweepFilter.dropFailedFuture();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!SweepFilter.reported(id)) {
                if (System.nanoTime() - deadline > 0) {
                    System.err.println("[squall-testing] the garbage sweep after the test gave up: the Future"
                            + " cleaner did not report a dropped Future within 3 s (a busy machine?); Futures"
                            + " this test dropped may be reported later, on the console only");
                    return;
                }
                System.gc();
                Thread.sleep(1);
            }
        }
    }

    private static String describe(List<LogRecord> records) {
        StringBuilder b = new StringBuilder("@SquallTest: ").append(records.size())
                .append(" unexpected warning(s)/error(s) logged during the test (wrap the code that logs them in"
                        + " ExpectLog.expect(...), or set @SquallTest(failOnUnexpectedLogs = false)):");
        int shown = 0;
        for (LogRecord r : records) {
            if (shown++ == 10) {
                b.append("\n  ... and ").append(records.size() - 10).append(" more");
                break;
            }
            b.append("\n  ").append(r.getLevel()).append(" [").append(r.getLoggerName()).append("] ")
                    .append(ExpectLog.text(r));
        }
        return b.toString();
    }

    /** Resolves parameters of type {@link IOLoop} and {@link VirtualClock}. */
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == IOLoop.class || type == VirtualClock.class;
    }

    /**
     * Returns the test's loop, or its virtual clock.
     *
     * @throws ParameterResolutionException for a VirtualClock when the test does not use virtual time
     */
    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestState s = extensionContext.getStore(NAMESPACE).get(TestState.class, TestState.class);
        if (s == null) {
            throw new ParameterResolutionException("@SquallTest parameters are available to the test method and"
                    + " its @BeforeEach/@AfterEach methods only");
        }
        if (parameterContext.getParameter().getType() == IOLoop.class) {
            return s.loop;
        }
        if (s.clock == null) {
            throw new ParameterResolutionException("A VirtualClock parameter needs @SquallTest(virtualTime = true)");
        }
        return s.clock;
    }
}
