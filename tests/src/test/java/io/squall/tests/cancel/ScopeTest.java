package io.squall.tests.cancel;

import static io.squall.Async.await;
import static io.squall.tests.cancel.RunUntilDone.runUntilDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.LoopCounters;
import io.squall.Scope;
import io.squall.annotations.Coroutine;

/** Scope.run / Scope.supervisor / spawn, Gen.timeout, runSync's timeout and IOLoop.close() cancelling. */
@Timeout(60)
class ScopeTest {
    private static final Duration LONG = Duration.ofHours(1);

    private IOLoop loop;

    @BeforeEach
    void setUp() {
        loop = new IOLoop();
        loop.makeCurrent();
    }

    @AfterEach
    void tearDown() {
        loop.close();
    }


    @Coroutine
    static Future<Integer> child(int i, int failing, AtomicInteger unwound) {
        if (i == failing) {
            await(Gen.sleep(Duration.ofMillis(2)));
            throw new IllegalStateException("child " + i + " failed");
        }
        try {
            await(Gen.sleep(LONG));
            return Future.of(i);
        } finally {
            unwound.incrementAndGet();
        }
    }

    @Test
    void tenThousandChildrenOneFailingAllUnwoundAndNoTimerLeft() {
        int n = 10_000;
        AtomicInteger unwound = new AtomicInteger();
        AtomicReference<Throwable> bodySaw = new AtomicReference<>();
        Future<String> scope = loop.runSync(() -> Future.of(Scope.run(s -> body(s, n, unwound, bodySaw))));
        assertTrue(LoopCounters.pendingTimers(loop) >= n, "every child and the body wait on a timer");
        runUntilDone(loop, scope);
        Throwable t = scope.exception();
        assertInstanceOf(IllegalStateException.class, t);
        assertEquals("child 5000 failed", t.getMessage(), "the scope fails with the very first failure");
        assertEquals(n - 1, unwound.get(), "every other child unwound");
        assertInstanceOf(CancellationException.class, bodySaw.get(), "the body was cancelled too");
        assertEquals(0, LoopCounters.pendingTimers(loop), "no timer of the children is left on the loop");
    }

    @Coroutine
    static Future<String> body(Scope s, int n, AtomicInteger unwound, AtomicReference<Throwable> bodySaw) {
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            fs.add(s.spawn(() -> child(k, 5000, unwound)));
        }
        try {
            await(Gen.sleep(LONG));
        } catch (CancellationException e) {
            bodySaw.set(e);
            throw e;
        }
        return Future.of("not reached");
    }

    @Coroutine
    static Future<Integer> sum(Scope s) {
        Future<Integer> a = s.spawn(() -> later(1, 3));
        Future<Integer> b = s.spawn(() -> later(2, 1));
        return Future.of(await(a) + await(b));
    }

    @Coroutine
    static Future<Integer> later(int v, int ms) {
        await(Gen.sleep(Duration.ofMillis(ms)));
        return Future.of(v);
    }

    @Test
    void aScopeCompletesWithTheBodysOutcomeOnceEveryChildIsDone() {
        AtomicReference<Future<Integer>> straggler = new AtomicReference<>();
        Integer v = loop.runSync(() -> Scope.run(s -> {
            straggler.set(s.spawn(() -> later(5, 20)));   // not awaited by the body
            return sum(s);
        }));
        assertEquals(3, v);
        assertTrue(straggler.get().isDone(), "a child never outlives its scope");
        assertEquals(5, straggler.get().result());
    }

    @Test
    void laterFailuresAndUnwindingFailuresAreSuppressedOnTheFirst() {
        Future<Void> scope = loop.runSync(() -> Future.of(Scope.<Void>run(s -> {
            s.spawn(() -> failsAfter(1, "first"));
            s.spawn(ScopeTest::throwsWhileUnwinding);
            return null;
        })));
        runUntilDone(loop, scope);
        Throwable t = scope.exception();
        assertEquals("first", t.getMessage());
        assertEquals(1, t.getSuppressed().length, "the cancelled child's unwinding failure is kept");
        Throwable s = t.getSuppressed()[0];
        assertInstanceOf(CancellationException.class, s);
        assertEquals("cleanup failed", s.getSuppressed()[0].getMessage());
    }

    @Coroutine
    static Future<Void> failsAfter(int ms, String message) {
        await(Gen.sleep(Duration.ofMillis(ms)));
        throw new IllegalArgumentException(message);
    }

    @Coroutine
    static Future<Void> throwsWhileUnwinding() {
        try {
            await(Gen.sleep(LONG));
        } finally {
            throw new IllegalStateException("cleanup failed");
        }
    }

    @Coroutine
    static Future<Void> slowCleanup(List<String> log) {
        try {
            await(Gen.sleep(LONG));
        } finally {
            await(Gen.shield(Gen.sleep(Duration.ofMillis(10))));
            log.add("cleaned");
        }
        return null;
    }

    @Test
    void cancellingTheScopeCancelsEverythingAndCompletesAfterTheyUnwound() {
        List<String> log = new ArrayList<>();
        Future<Void> scope = loop.runSync(() -> Future.of(Scope.<Void>run(s -> {
            s.spawn(() -> slowCleanup(log));
            s.spawn(() -> slowCleanup(log));
            return slowCleanup(log);
        })));
        assertTrue(scope.cancel());
        assertFalse(scope.isDone(), "done only once everything unwound");
        runUntilDone(loop, scope);
        assertTrue(scope.isCancelled());
        assertEquals(List.of("cleaned", "cleaned", "cleaned"), log);
        assertFalse(scope.cancel());
        assertEquals(0, LoopCounters.pendingTimers(loop));
    }

    @Test
    void aSupervisorKeepsChildFailuresWithTheChild() {
        AtomicReference<Future<Void>> failed = new AtomicReference<>();
        Integer v = loop.runSync(() -> Scope.supervisor(s -> {
            failed.set(s.spawn(() -> failsAfter(1, "child failure")));
            return later(9, 5);
        }));
        assertEquals(9, v, "the sibling body was not cancelled");
        assertEquals("child failure", failed.get().exception().getMessage());
    }

    @Test
    void aSupervisorsBodyFailureCancelsItsChildren() {
        AtomicInteger unwound = new AtomicInteger();
        Future<Void> scope = loop.runSync(() -> Future.of(Scope.<Void>supervisor(s -> {
            s.spawn(() -> child(0, -1, unwound));
            return failsAfter(1, "body failure");
        })));
        runUntilDone(loop, scope);
        assertEquals("body failure", scope.exception().getMessage());
        assertEquals(1, unwound.get());
    }

    @Test
    void spawnAfterTheScopeFinishedIsRefused() {
        AtomicReference<Scope> kept = new AtomicReference<>();
        loop.runSync(() -> Scope.run(s -> {
            kept.set(s);
            return Future.of(1);
        }));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kept.get().spawn(() -> Future.of(2)));
        assertTrue(e.getMessage().contains("finished"), e.getMessage());
    }

    @Coroutine
    static Future<String> sleeper(List<String> log, Duration d) {
        try {
            await(Gen.sleep(d));
            return Future.of("woke");
        } finally {
            log.add("finally");
        }
    }

    @Test
    void genTimeoutCancelsWaitsForUnwindingThenFailsWithTimeout() {
        List<String> log = new ArrayList<>();
        Future<String> f = loop.runSync(() -> Future.of(Gen.timeout(Duration.ofMillis(10), () -> sleeper(log, LONG))));
        runUntilDone(loop, f);
        Throwable t = f.exception();
        assertInstanceOf(TimeoutException.class, t);
        assertInstanceOf(CancellationException.class, t.getCause());
        assertEquals(List.of("finally"), log);
        assertEquals(0, LoopCounters.pendingTimers(loop));
        assertEquals("woke", loop.runSync(() -> Gen.timeout(Duration.ofSeconds(10), () -> sleeper(log, Duration.ofMillis(1)))));
        assertEquals(0, LoopCounters.pendingTimers(loop), "the deadline's timer is removed");
    }

    @Test
    void withTimeoutKeepsTornadosMeaning() {
        List<String> log = new ArrayList<>();
        AtomicReference<Future<String>> inner = new AtomicReference<>();
        Future<String> f = loop.runSync(() -> {
            inner.set(sleeper(log, LONG));
            return Future.of(Gen.withTimeout(Duration.ofMillis(5), inner.get()));
        });
        runUntilDone(loop, f);
        assertInstanceOf(TimeoutException.class, f.exception());
        assertFalse(inner.get().isDone(), "withTimeout does not cancel the inner future");
        assertEquals(List.of(), log);
        inner.get().cancel();
        runUntilDone(loop, inner.get());
        assertEquals(List.of("finally"), log);
    }

    @Test
    void runSyncTimeoutCancelsTheCoroutineTree() {
        List<String> log = new ArrayList<>();
        assertThrows(TimeoutException.class, () -> loop.runSync(() -> sleeper(log, LONG), Duration.ofMillis(10)));
        assertEquals(List.of("finally"), log, "unwound before runSync threw");
        assertEquals(0, LoopCounters.pendingTimers(loop));
    }

    @Test
    void closingTheLoopCancelsCoroutinesSuspendedOnIt() {
        List<String> log = new ArrayList<>();
        IOLoop other = new IOLoop();
        other.makeCurrent();
        Future<String> f = other.runSync(() -> Future.of(sleeper(log, LONG)));
        Future<String> chained = other.runSync(() -> Future.of(ScopeTest.awaitOther(f, log)));
        other.close();
        loop.makeCurrent();
        assertTrue(f.isCancelled());
        assertTrue(chained.isCancelled());
        assertEquals(List.of("finally", "outer finally"), log);
    }

    @Coroutine
    static Future<String> awaitOther(Future<String> f, List<String> log) {
        try {
            return Future.of(await(f));
        } finally {
            log.add("outer finally");
        }
    }
}
