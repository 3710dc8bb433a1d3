package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;
import io.squall.testing.LogCapture;

@org.junit.jupiter.api.Timeout(120)
class IOLoopTest extends AsyncTestCase {

    @Test
    void currentIsPerThreadAndReplacedAfterClose() throws Exception {
        assertSame(loop, IOLoop.current());
        assertSame(IOLoop.current(), IOLoop.current());
        assertTrue(loop.inLoopThread());
        AtomicReference<IOLoop> other = new AtomicReference<>();
        AtomicBoolean otherOwned = new AtomicBoolean();
        Thread t = new Thread(() -> {
            IOLoop l = IOLoop.current();
            other.set(l);
            otherOwned.set(l.inLoopThread() && l == IOLoop.current());
            l.close();
        });
        t.start();
        t.join();
        assertNotSame(loop, other.get());
        assertTrue(otherOwned.get());
        assertFalse(loop.inLoopThread() && other.get().inLoopThread());

        loop.close();
        IOLoop fresh = IOLoop.current();
        try {
            assertNotSame(loop, fresh);
            assertFalse(fresh.isClosed());
        } finally {
            fresh.close();
        }
    }

    @Test
    void callbacksRunFirstInFirstOutAndLaterOnesWaitForTheNextIteration() {
        List<String> order = new ArrayList<>();
        runSync(() -> {
            Future<Void> done = new Future<>();
            loop.addCallback(() -> {
                order.add("a");
                loop.addCallback(() -> {
                    order.add("c (queued by a)");
                    done.setResult(null);
                });
            });
            loop.addCallback(() -> order.add("b"));
            return done;
        });
        assertEquals(List.of("a", "b", "c (queued by a)"), order);
        assertThrows(NullPointerException.class, () -> loop.addCallback(null));
    }

    @Test
    void startRunsUntilStop() {
        List<Boolean> runningInside = new ArrayList<>();
        loop.addCallback(() -> {
            runningInside.add(loop.isRunning());
            loop.stop();
        });
        assertFalse(loop.isRunning());
        loop.start();
        assertFalse(loop.isRunning());
        assertEquals(List.of(true), runningInside);
    }

    @Test
    void stopBeforeStartRunsOneIteration() {
        List<String> ran = new ArrayList<>();
        loop.addCallback(() -> ran.add("queued"));
        loop.stop();
        loop.start();
        assertEquals(List.of("queued"), ran);
        // The stale stop is consumed: the loop runs normally afterwards.
        assertEquals("again", runSync(() -> {
            Future<String> f = new Future<>();
            loop.addCallback(() -> loop.addCallback(() -> f.setResult("again")));
            return f;
        }));
    }

    @Test
    void interruptingTheLoopThreadStopsTheLoop() {
        AtomicReference<Future<String>> pending = new AtomicReference<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runSync(() -> {
            pending.set(new Future<>());
            Thread.currentThread().interrupt();
            return pending.get();
        }));
        assertTrue(Thread.interrupted(), "the interrupt status is kept (and cleared here)");
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(pending.get().isCancelled());
        assertEquals("after", runSync(() -> Future.of("after")));
    }

    @Test
    void startInsideTheLoopIsRefused() {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        runSync(() -> {
            try {
                loop.start();
            } catch (IllegalStateException e) {
                refused.set(e);
            }
            return Future.of(null);
        });
        assertTrue(refused.get().getMessage().contains("already running"), refused.get().getMessage());
    }

    @Test
    void runSyncReturnsTheValue() {
        assertEquals(5, runSync(() -> Future.of(5)));
        assertEquals("later", runSync(() -> {
            Future<String> f = new Future<>();
            loop.callLater(Duration.ofMillis(1), () -> f.setResult("later"));
            return f;
        }));
        assertNull(runSync(() -> null), "a null future counts as a future of null");
        assertEquals(7, loop.runSync(() -> Future.of(7)), "runSync without a timeout");
    }

    @Test
    void runSyncRethrowsCheckedExceptionUnwrapped() {
        IOException boom = new IOException("boom");
        IOException thrown = assertThrows(IOException.class, () -> runSync(() -> {
            Future<String> f = new Future<>();
            loop.addCallback(() -> f.setException(boom));
            return f;
        }));
        assertSame(boom, thrown);
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> runSync(() -> {
            throw bad;
        })), "an exception thrown by fn itself");
    }

    @Test
    void runSyncTimesOutThenCanBeCalledAgain() {
        AtomicReference<Future<String>> pending = new AtomicReference<>();
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runSync(() -> {
            pending.set(new Future<>());
            return pending.get();
        }, Duration.ofMillis(20)));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(pending.get().isCancelled(), "the abandoned future is cancelled");
        assertFalse(loop.isRunning());
        assertEquals("again", runSync(() -> Future.of("again")));
        assertEquals("third", loop.runSync(() -> {
            Future<String> f = new Future<>();
            loop.addCallback(() -> f.setResult("third"));
            return f;
        }, Duration.ofSeconds(60)));
    }

    @Test
    void runSyncStoppedBeforeCompletionThrows() {
        AtomicReference<Future<String>> pending = new AtomicReference<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> runSync(() -> {
            pending.set(new Future<>());
            loop.stop();
            return pending.get();
        }));
        assertTrue(e.getMessage().contains("stopped"), e.getMessage());
        assertTrue(pending.get().isCancelled());
    }

    @Test
    void runSyncInsideTheLoopOrFromAnotherThreadIsRefused() throws Exception {
        IllegalStateException nested = assertThrows(IllegalStateException.class,
                () -> runSync(() -> Future.of(loop.runSync(() -> Future.of(1)))));
        assertTrue(nested.getMessage().contains("running"), nested.getMessage());

        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                loop.runSync(() -> Future.of(1));
            } catch (Throwable e) {
                fromOther.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(fromOther.get() instanceof IllegalStateException, String.valueOf(fromOther.get()));
        assertTrue(fromOther.get().getMessage().contains("belongs to thread"), fromOther.get().getMessage());
    }

    @Test
    void timersRunInDeadlineOrderAndRemovedOnesDoNot() {
        List<String> order = new ArrayList<>();
        long now = loop.time();
        loop.callAt(now + 3_000_000, () -> order.add("3ms"));
        loop.callAt(now + 1_000_000, () -> order.add("1ms"));
        Timeout removed = loop.callAt(now + 2_000_000, () -> order.add("removed"));
        loop.callAt(now, () -> order.add("0ms"));
        loop.callAt(now - 5_000_000, () -> order.add("in the past"));
        loop.removeTimeout(removed);
        assertTrue(removed.isCancelled());
        loop.removeTimeout(removed); // twice: nothing
        loop.removeTimeout(null);    // null: nothing
        runSync(() -> {
            Future<Void> done = new Future<>();
            loop.callAt(now + 4_000_000, () -> done.setResult(null));
            return done;
        });
        assertEquals(List.of("in the past", "0ms", "1ms", "3ms"), order);
        assertTrue(loop.time() - now >= 4_000_000, "timers never fire early");
    }

    @Test
    void callLaterNeverFiresEarly() {
        long before = loop.time();
        long firedAt = runSync(() -> {
            Future<Long> f = new Future<>();
            loop.callLater(Duration.ofMillis(3), () -> f.setResult(loop.time()));
            return f;
        });
        assertTrue(firedAt - before >= 3_000_000, "fired " + (firedAt - before) + " ns after scheduling");
        assertThrows(NullPointerException.class, () -> loop.callLater(null, () -> {}));
        assertThrows(NullPointerException.class, () -> loop.callLater(Duration.ZERO, null));
        // Absurd delays are clamped instead of wrapping around into the past.
        Timeout far = loop.callLater(Duration.ofDays(365L * 10_000), () -> {});
        assertTrue(far.deadline() - loop.time() > 0);
        loop.removeTimeout(far);
    }

    @Test
    void timeoutStatesAndToString() {
        AtomicReference<Timeout> self = new AtomicReference<>();
        Timeout t = loop.callLater(Duration.ZERO, new Runnable() {
            @Override
            public void run() {}

            @Override
            public String toString() {
                return "myTask";
            }
        });
        self.set(t);
        assertEquals("Timeout(myTask, pending)", t.toString());
        assertFalse(t.hasFired());
        runSync(() -> {
            Future<Void> f = new Future<>();
            loop.callLater(Duration.ZERO, () -> f.setResult(null));
            return f;
        });
        assertTrue(t.hasFired());
        assertFalse(t.isCancelled());
        loop.removeTimeout(t);
        assertFalse(t.isCancelled(), "removing a timer that already ran does nothing");
        assertEquals("Timeout(myTask, fired)", t.toString());
        assertTrue(t.deadline() <= loop.time());
    }

    @Test
    void timerRemovedByAnEarlierTimerOfTheSameIterationDoesNotRun() {
        List<String> ran = new ArrayList<>();
        long past = loop.time() - 1;
        AtomicReference<Timeout> second = new AtomicReference<>();
        loop.callAt(past, () -> {
            ran.add("first");
            loop.removeTimeout(second.get());
        });
        second.set(loop.callAt(past, () -> ran.add("second")));
        runSync(() -> {
            Future<Void> f = new Future<>();
            loop.callLater(Duration.ZERO, () -> f.setResult(null));
            return f;
        });
        assertEquals(List.of("first"), ran);
        assertTrue(second.get().isCancelled());
    }

    @Test
    void hundredThousandTimersFireInDeadlineOrderAndRemovedOnesNever() {
        int n = 100_000;
        java.util.Random random = new java.util.Random(42);
        long base = loop.time() + 5_000_000;
        long[] deadlines = new long[n];
        Timeout[] timeouts = new Timeout[n];
        boolean[] removed = new boolean[n];
        int[] fired = new int[n];
        int[] firedCount = {0};
        for (int i = 0; i < n; i++) {
            int index = i;
            // 1000 distinct deadlines: plenty of ties, which must run in scheduling order.
            deadlines[i] = base + random.nextInt(1000) * 10_000L;
            timeouts[i] = loop.callAt(deadlines[i], () -> fired[firedCount[0]++] = index);
        }
        int expected = n;
        for (int i = 0; i < n; i++) {
            if (random.nextInt(10) < 6) { // 60%: enough to make the loop compact its heap
                loop.removeTimeout(timeouts[i]);
                removed[i] = true;
                expected--;
            }
        }
        runSync(() -> {
            Future<Void> done = new Future<>();
            loop.callAt(base + 1000 * 10_000L, () -> done.setResult(null));
            return done;
        });
        assertEquals(expected, firedCount[0]);
        for (int k = 0; k < firedCount[0]; k++) {
            int i = fired[k];
            assertFalse(removed[i], "removed timer " + i + " fired");
            assertTrue(timeouts[i].hasFired());
            if (k > 0) {
                int prev = fired[k - 1];
                assertTrue(deadlines[prev] < deadlines[i] || (deadlines[prev] == deadlines[i] && prev < i),
                        "timer " + i + " fired after " + prev + " out of deadline order");
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(removed[i], timeouts[i].isCancelled());
        }
    }

    @Test
    void callLaterFromAnotherThreadWakesTheSleepingLoop() {
        Thread loopThread = Thread.currentThread();
        String where = runSync(() -> {
            Future<String> f = new Future<>();
            Thread t = new Thread(() -> {
                awaitSleeping();
                loop.callLater(Duration.ZERO,
                        () -> f.setResult(Thread.currentThread() == loopThread ? "loop thread" : "wrong thread"));
            });
            t.setDaemon(true);
            t.start();
            return f;
        });
        // The only other timer is the hang guard, TIMEOUT away: had the wakeup failed, runSync timed out.
        assertEquals("loop thread", where);
    }

    @Test
    void addCallbackFromAnotherThreadWakesTheSleepingLoop() {
        Thread loopThread = Thread.currentThread();
        List<Boolean> onLoop = Collections.synchronizedList(new ArrayList<>());
        runSync(() -> {
            Future<Void> f = new Future<>();
            Thread t = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    awaitSleeping();
                    boolean last = i == 2;
                    loop.addCallback(() -> {
                        onLoop.add(Thread.currentThread() == loopThread);
                        if (last) {
                            f.setResult(null);
                        }
                    });
                }
            });
            t.setDaemon(true);
            t.start();
            return f;
        });
        assertEquals(List.of(true, true, true), onLoop);
    }

    @Test
    void stopFromAnotherThreadWakesTheSleepingLoop() {
        AtomicBoolean guardFired = new AtomicBoolean();
        Timeout guard = loop.callLater(TIMEOUT, () -> {
            guardFired.set(true);
            loop.stop();
        });
        Thread t = new Thread(() -> {
            awaitSleeping();
            loop.stop();
        });
        t.setDaemon(true);
        t.start();
        loop.start();
        // Had the wakeup failed, the loop would have slept until the guard's deadline.
        assertFalse(guardFired.get(), "stop() from another thread did not wake the loop");
        assertTrue(loop.time() - guard.deadline() < 0, "stop() from another thread did not wake the loop");
        loop.removeTimeout(guard);
    }

    private void awaitSleeping() {
        while (!loop.isSleeping()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Test
    void exceptionsInCallbacksAndTimersAreLoggedAndTheLoopGoesOn() {
        RuntimeException inCallback = new RuntimeException("callback boom");
        Error inTimer = new AssertionError("timer boom");
        List<String> after = new ArrayList<>();
        runSync(() -> {
            Future<Void> done = new Future<>();
            loop.addCallback(new Runnable() {
                @Override
                public void run() {
                    throw inCallback;
                }

                @Override
                public String toString() {
                    return "theBadCallback";
                }
            });
            loop.addCallback(() -> after.add("callback"));
            loop.callLater(Duration.ZERO, new Runnable() {
                @Override
                public void run() {
                    throw inTimer;
                }

                @Override
                public String toString() {
                    return "theBadTimer";
                }
            });
            loop.callLater(Duration.ofMillis(1), () -> {
                after.add("timer");
                done.setResult(null);
            });
            return done;
        });
        assertEquals(List.of("callback", "timer"), after);
        LogRecord r = logs.expect(Level.SEVERE, "Exception in callback theBadCallback");
        assertSame(inCallback, r.getThrown());
        assertSame(inTimer, logs.expect(Level.SEVERE, "Exception in callback theBadTimer").getThrown());
    }

    @Test
    void aToStringThatThrowsCannotKillTheLoop() {
        Object evil = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("toString boom");
            }
        };
        RuntimeException boom = new RuntimeException("callback boom");
        String after = runSync(() -> {
            Future<String> f = new Future<>();
            loop.addCallback(new Runnable() {
                @Override
                public void run() {
                    throw boom;
                }

                @Override
                public String toString() {
                    return evil.toString();
                }
            });
            Future<Object> evilValue = Future.of(evil);
            evilValue.addDoneCallback(done -> {
                throw new RuntimeException("callback of a future whose value cannot be printed");
            });
            loop.addCallback(() -> f.setResult("alive"));
            return f;
        });
        assertEquals("alive", after);
        LogRecord r = logs.recordsOnThisThread().stream().filter(rec -> rec.getThrown() == boom).findFirst()
                .orElseThrow();
        logs.markExpected(r);
        assertTrue(r.getMessage().contains("its toString() threw java.lang.IllegalStateException"), r.getMessage());
        assertTrue(logs.expect(Level.SEVERE, "for Future(result: ").getMessage().contains("toString() threw"));
    }

    @Test
    void dispatchRunsRightAfterTheCurrentCallback() {
        List<String> order = new ArrayList<>();
        loop.dispatch(() -> order.add("dispatched before start: like addCallback"));
        runSync(() -> {
            Future<Void> done = new Future<>();
            loop.addCallback(() -> {
                order.add("a");
                loop.addCallback(() -> {
                    order.add("c");
                    done.setResult(null);
                });
                loop.dispatch(() -> {
                    order.add("d1");
                    loop.dispatch(() -> order.add("d2"));
                });
                order.add("a end");
            });
            loop.addCallback(() -> order.add("b"));
            return done;
        });
        assertEquals(List.of("dispatched before start: like addCallback", "a", "a end", "d1", "d2", "b", "c"), order);
    }

    @Test
    void spawnCallbackLogsFailuresAndTheLoopStaysAlive() {
        IOException boom = new IOException("spawned boom");
        IllegalStateException thrown = new IllegalStateException("fn threw");
        List<String> ran = new ArrayList<>();
        loop.spawnCallback(() -> Future.failed(boom));
        loop.spawnCallback(() -> {
            throw thrown;
        });
        loop.spawnCallback(() -> {
            ran.add("ok");
            return null;
        });
        Future<Void> cancelled = new Future<>();
        loop.spawnCallback(() -> cancelled);
        assertEquals("alive", runSync(() -> {
            Future<String> f = new Future<>();
            Future<String> later = new Future<>();
            loop.spawnCallback(() -> later);
            loop.callLater(Duration.ofMillis(1), () -> later.setException(new IOException("later boom")));
            loop.callLater(Duration.ofMillis(2), () -> {
                cancelled.cancel();
                f.setResult("alive");
            });
            return f;
        }));
        assertEquals(List.of("ok"), ran);
        List<LogRecord> failed = logs.matching(Level.SEVERE, "Exception in coroutine spawned by spawnCallback");
        assertEquals(2, failed.size(), LogCapture.describe(logs.records()));
        assertSame(boom, failed.get(0).getThrown());
        assertEquals("later boom", failed.get(1).getThrown().getMessage());
        failed.forEach(logs::markExpected);
        assertSame(thrown, logs.expect(Level.SEVERE, "Exception in callback spawnCallback(").getThrown());
    }

    @Test
    void addFutureRunsTheCallbackOnTheLoop() throws Exception {
        Thread loopThread = Thread.currentThread();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        String v = runSync(() -> {
            Future<String> source = new Future<>();
            Future<String> result = new Future<>();
            loop.addFuture(source, done -> {
                ranOn.set(Thread.currentThread());
                result.setResult(done.result() + "!");
            });
            Thread t = new Thread(() -> source.setResult("v"));
            t.start();
            return result;
        });
        assertEquals("v!", v);
        assertSame(loopThread, ranOn.get());
    }

    @Test
    void runInExecutorDeliversResultsOnTheLoop() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Thread loopThread = Thread.currentThread();
            AtomicReference<Thread> workedOn = new AtomicReference<>();
            AtomicReference<Thread> completedOn = new AtomicReference<>();
            String v = runSync(() -> {
                Future<String> f = loop.runInExecutor(pool, () -> {
                    workedOn.set(Thread.currentThread());
                    return "worked";
                });
                f.addDoneCallback(done -> completedOn.set(Thread.currentThread()));
                return f;
            });
            assertEquals("worked", v);
            assertNotSame(loopThread, workedOn.get());
            assertSame(loopThread, completedOn.get(), "the future completes on the loop thread");

            IOException boom = new IOException("blocking boom");
            assertSame(boom, assertThrows(IOException.class,
                    () -> runSync(() -> loop.runInExecutor(pool, () -> {
                        throw boom;
                    }))));

            String name = runSync(() -> loop.runInExecutor(null, () -> Thread.currentThread().getName()));
            assertTrue(name.startsWith("squall-executor-"), name);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runInExecutorRejectionFailsTheFuture() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        pool.shutdown();
        Future<String> f = loop.runInExecutor(pool, () -> "never");
        assertTrue(f.isDone());
        assertTrue(f.exception() instanceof RejectedExecutionException, String.valueOf(f.exception()));
    }

    @Test
    void closeWithPendingWorkLogsAWarningAndReleasesTheSelector() throws Exception {
        Pipe pipe = Pipe.open();
        try {
            List<String> ran = new ArrayList<>();
            loop.callLater(Duration.ofMillis(1), () -> ran.add("timer 1"));
            loop.callLater(Duration.ofHours(1), () -> ran.add("timer 2"));
            Timeout removed = loop.callLater(Duration.ofHours(1), () -> ran.add("removed timer"));
            loop.removeTimeout(removed);
            loop.addCallback(() -> ran.add("callback"));
            loop.addHandler(pipe.source(), (ch, ops) -> ran.add("handler"), IOLoop.READ);
            assertTrue(pipe.source().isRegistered());

            loop.close();
            assertTrue(loop.isClosed());
            assertTrue(ran.isEmpty());
            LogRecord w = logs.expect(Level.WARNING, "IOLoop closed with");
            assertTrue(w.getMessage().contains("1 pending callback(s), 2 pending timer(s) and 1 registered handler(s)"),
                    w.getMessage());
            assertFalse(pipe.source().isRegistered(), "the selector is released");
            assertTrue(pipe.source().isOpen(), "channels are not closed");

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.addCallback(() -> {}));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> loop.callLater(Duration.ZERO, () -> {}));
            assertThrows(IllegalStateException.class, () -> loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ));
            assertThrows(IllegalStateException.class, () -> loop.runSync(() -> Future.of(1)));
            assertThrows(IllegalStateException.class, loop::start);
            loop.close(); // twice: nothing
            assertEquals(1, logs.matching(Level.WARNING, "IOLoop closed").size());

            // The channel can be registered with another loop afterwards.
            IOLoop other = new IOLoop();
            try {
                other.makeCurrent();
                other.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ);
                assertTrue(pipe.source().isRegistered());
            } finally {
                other.removeHandler(pipe.source());
                other.close();
            }
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void closeRacingWithAddCallbackLosesNothingSilently() throws Exception {
        int producers = 4;
        java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                while (true) {
                    try {
                        loop.addCallback(() -> {});
                        accepted.incrementAndGet();
                    } catch (IllegalStateException closed) {
                        return;
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        started.await();
        while (accepted.get() < 1000) {
            Thread.sleep(1);
        }
        loop.close();
        for (Thread t : threads) {
            t.join();
        }
        // Every callback that addCallback accepted is counted in the warning; the others were refused.
        String w = logs.expect(Level.WARNING, "IOLoop closed with").getMessage();
        assertTrue(w.contains("with " + accepted.get() + " pending callback(s)"), accepted.get() + " vs " + w);
    }

    @Test
    void closeWithNothingPendingLogsNothing() {
        loop.addCallback(() -> {});
        runSync(() -> Future.of(null));
        loop.close();
        assertTrue(logs.recordsOnThisThread().isEmpty(), LogCapture.describe(logs.records()));
    }

    @Test
    void closeIsRefusedWhileRunningOrFromAnotherLiveThread() throws Exception {
        AtomicReference<Throwable> insideLoop = new AtomicReference<>();
        runSync(() -> {
            try {
                loop.close();
            } catch (IllegalStateException e) {
                insideLoop.set(e);
            }
            return Future.of(null);
        });
        assertTrue(insideLoop.get().getMessage().contains("running"), insideLoop.get().getMessage());

        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                loop.close();
            } catch (IllegalStateException e) {
                fromOther.set(e);
            }
        });
        t.start();
        t.join();
        assertTrue(fromOther.get() != null && fromOther.get().getMessage().contains("thread"),
                String.valueOf(fromOther.get()));
        assertFalse(loop.isClosed());
    }

    @Test
    void loopOfAFinishedThreadCanBeClosedElsewhere() throws Exception {
        AtomicReference<IOLoop> ref = new AtomicReference<>();
        Thread t = new Thread(() -> {
            IOLoop l = IOLoop.current();
            l.runSync(() -> Future.of(null));
            ref.set(l);
        });
        t.start();
        t.join();
        ref.get().close();
        assertTrue(ref.get().isClosed());
    }

    @Test
    void aLoopRunOnItsOwnThreadServesOtherThreads() throws Exception {
        IOLoop background = new IOLoop();
        AtomicReference<IOLoop> currentInside = new AtomicReference<>();
        Thread t = new Thread(background::start, "background-loop");
        t.start();
        Future<String> answer = new Future<>();
        background.addCallback(() -> {
            currentInside.set(IOLoop.current());
            background.callLater(Duration.ofMillis(1), () -> answer.setResult(Thread.currentThread().getName()));
        });
        assertEquals("background-loop", runSync(() -> answer));
        assertSame(background, currentInside.get(), "a running loop is current on its thread");
        assertFalse(background.inLoopThread());
        IllegalStateException e = assertThrows(IllegalStateException.class, background::makeCurrent);
        assertTrue(e.getMessage().contains("background-loop"), e.getMessage());
        background.stop();
        t.join();
        assertFalse(background.isRunning());
        background.close();
    }

    @Test
    void addFutureOnAClosedLoopLogsInsteadOfLosingTheCallback() {
        IOLoop other = new IOLoop();
        Future<String> f = new Future<>();
        other.addFuture(f, done -> {});
        other.close();
        f.setResult("too late");
        LogRecord r = logs.recordsOnThisThread().stream()
                .filter(rec -> rec.getMessage().contains("Exception in callback")).findFirst().orElseThrow();
        logs.markExpected(r);
        IllegalStateException lost = (IllegalStateException) r.getThrown();
        assertTrue(lost.getMessage().contains("closed"), lost.getMessage());
    }

    @Test
    void nullArgumentsAreRefused() {
        assertThrows(NullPointerException.class, () -> loop.dispatch(null));
        assertThrows(NullPointerException.class, () -> loop.spawnCallback(null));
        assertThrows(NullPointerException.class, () -> loop.addFuture(null, f -> {}));
        assertThrows(NullPointerException.class, () -> loop.addFuture(new Future<>(), null));
        assertThrows(NullPointerException.class, () -> loop.runInExecutor(null, null));
        assertThrows(NullPointerException.class, () -> loop.runSync(null));
        assertThrows(NullPointerException.class, () -> loop.addHandler(null, (ch, ops) -> {}, IOLoop.READ));
    }

    @Test
    void timeIsMonotonicNanos() {
        long a = loop.time();
        long b = loop.time();
        assertTrue(b - a >= 0);
        assertTrue(Math.abs(loop.time() - System.nanoTime()) < Duration.ofMinutes(1).toNanos(),
                "time() is on the System.nanoTime() scale");
    }

    @Test
    void toStringNamesTheOwnerAndState() {
        String s = loop.toString();
        assertTrue(s.startsWith("IOLoop(" + Thread.currentThread().getName()), s);
        loop.close();
        assertTrue(loop.toString().contains("closed"), loop.toString());
    }

    @Test
    void cancellingASleepRemovesItsTimer() {
        Future<Void> sleep = Gen.sleep(Duration.ofHours(1));
        assertTrue(sleep.cancel());
        // Closing the loop (in tearDown) would report a pending timer as a warning and fail the test.
        assertThrows(CancellationException.class, sleep::result);
    }
}
