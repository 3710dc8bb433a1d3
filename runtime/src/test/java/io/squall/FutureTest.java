package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.testing.AsyncTestCase;

class FutureTest extends AsyncTestCase {

    @Test
    void pendingFutureRefusesResultAndException() {
        Future<String> f = new Future<>();
        assertFalse(f.isDone());
        assertFalse(f.isCancelled());
        IllegalStateException e = assertThrows(IllegalStateException.class, f::result);
        assertTrue(e.getMessage().contains("pending"), e.getMessage());
        assertThrows(IllegalStateException.class, f::exception);
        assertEquals("Future(pending)", f.toString());
    }

    @Test
    void ofHoldsValueIncludingNull() {
        Future<String> f = Future.of("v");
        assertTrue(f.isDone());
        assertEquals("v", f.result());
        assertNull(f.exception());
        assertEquals("Future(result: v)", f.toString());
        Future<String> n = Future.of(null);
        assertTrue(n.isDone());
        assertNull(n.result());
        assertNull(n.exception());
    }

    @Test
    void failedRethrowsCheckedExceptionUnwrapped() {
        IOException boom = new IOException("boom");
        Future<String> f = Future.failed(boom);
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        IOException thrown = assertThrows(IOException.class, f::result);
        assertSame(boom, thrown);
        assertSame(boom, assertThrows(IOException.class, f::result), "result() rethrows every time");
        assertSame(boom, f.exception());
        assertTrue(f.toString().contains("failed: java.io.IOException: boom"), f.toString());
        assertThrows(NullPointerException.class, () -> Future.failed(null));
    }

    @Test
    void setResultTwiceThrows() {
        Future<Integer> f = new Future<>();
        f.setResult(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.setResult(2));
        assertTrue(e.getMessage().contains("already done"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> f.setException(new RuntimeException("late")));
        assertFalse(f.trySetResult(3));
        assertFalse(f.trySetException(new RuntimeException("late")));
        assertFalse(f.cancel());
        assertEquals(1, f.result());
    }

    @Test
    void setExceptionThenSetResultThrows() {
        Future<Integer> f = new Future<>();
        RuntimeException boom = new RuntimeException("boom");
        f.setException(boom);
        assertThrows(IllegalStateException.class, () -> f.setResult(1));
        assertSame(boom, f.exception());
        assertThrows(NullPointerException.class, () -> new Future<>().setException(null));
    }

    @Test
    void cancelCompletesWithCancellationException() {
        Future<String> f = new Future<>();
        List<Future<String>> seen = new ArrayList<>();
        f.addDoneCallback(seen::add);
        assertTrue(f.cancel());
        assertTrue(f.isDone());
        assertTrue(f.isCancelled());
        assertEquals(List.of(f), seen);
        assertThrows(CancellationException.class, f::result);
        assertInstanceOf(CancellationException.class, f.exception());
        assertFalse(f.cancel(), "second cancel");
        assertFalse(f.trySetResult("x"));
        assertEquals("Future(cancelled)", f.toString());
    }

    @Test
    void callbacksAddedBeforeCompletionRunOnceInOrderOnCompletingThread() throws Exception {
        Future<String> f = new Future<>();
        List<String> order = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            f.addDoneCallback(done -> {
                order.add(n + ":" + done.result());
                threads.add(Thread.currentThread());
            });
        }
        assertTrue(order.isEmpty());
        Thread completer = new Thread(() -> f.setResult("v"), "completer");
        completer.start();
        completer.join();
        assertEquals(List.of("0:v", "1:v", "2:v"), order);
        assertEquals(List.of(completer, completer, completer), threads);
        assertFalse(f.trySetResult("again"));
        assertEquals(3, order.size(), "callbacks ran exactly once");
    }

    @Test
    void callbackAddedAfterCompletionRunsAtOnceOnCaller() {
        Future<String> f = Future.of("v");
        AtomicReference<Thread> ran = new AtomicReference<>();
        AtomicReference<String> value = new AtomicReference<>();
        f.addDoneCallback(done -> {
            ran.set(Thread.currentThread());
            value.set(done.result());
        });
        assertSame(Thread.currentThread(), ran.get());
        assertEquals("v", value.get());
        assertThrows(NullPointerException.class, () -> f.addDoneCallback(null));
    }

    @Test
    void throwingCallbackIsLoggedAndOthersStillRun() {
        Future<String> f = new Future<>();
        AtomicInteger ran = new AtomicInteger();
        RuntimeException boom = new RuntimeException("callback boom");
        f.addDoneCallback(new java.util.function.Consumer<Future<String>>() {
            @Override
            public void accept(Future<String> done) {
                throw boom;
            }

            @Override
            public String toString() {
                return "theThrowingCallback";
            }
        });
        f.addDoneCallback(done -> ran.incrementAndGet());
        f.setResult("v");
        assertEquals(1, ran.get());
        LogRecord r = logs.expect(Level.SEVERE, "Exception in callback theThrowingCallback for Future(result: v)");
        assertSame(boom, r.getThrown());
    }

    @Test
    @Timeout(60)
    void eightThreadsRacingHaveExactlyOneWinner() throws Exception {
        int threads = 8;
        for (int round = 0; round < 200; round++) {
            Future<Integer> f = new Future<>();
            AtomicInteger callbackRuns = new AtomicInteger();
            AtomicInteger seenInCallback = new AtomicInteger(-1);
            f.addDoneCallback(done -> {
                callbackRuns.incrementAndGet();
                Throwable t = done.exception();
                seenInCallback.set(t == null ? done.result() : -2);
            });
            CyclicBarrier gate = new CyclicBarrier(threads);
            AtomicInteger winners = new AtomicInteger();
            AtomicInteger winner = new AtomicInteger(-1);
            AtomicInteger refusals = new AtomicInteger();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int id = i;
                Thread t = new Thread(() -> {
                    try {
                        gate.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    try {
                        f.setResult(id);
                        winners.incrementAndGet();
                        winner.set(id);
                    } catch (IllegalStateException alreadyDone) {
                        refusals.incrementAndGet();
                    }
                });
                ts.add(t);
                t.start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(1, winners.get(), "exactly one setResult wins");
            assertEquals(threads - 1, refusals.get(), "the others get IllegalStateException");
            assertEquals(winner.get(), f.result());
            assertEquals(1, callbackRuns.get(), "callback ran once");
            assertEquals(winner.get(), seenInCallback.get());
        }
    }

    @Test
    @Timeout(60)
    void mixedCompletionsRaceWithOneWinner() throws Exception {
        for (int round = 0; round < 200; round++) {
            Future<String> f = new Future<>();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger wins = new AtomicInteger();
            AtomicInteger callbackRuns = new AtomicInteger();
            f.addDoneCallback(done -> callbackRuns.incrementAndGet());
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int id = i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    boolean won;
                    switch (id % 3) {
                        case 0:
                            won = f.trySetResult("r" + id);
                            break;
                        case 1:
                            won = f.trySetException(new IOException("e" + id));
                            break;
                        default:
                            won = f.cancel();
                    }
                    if (won) {
                        wins.incrementAndGet();
                    }
                });
                ts.add(t);
                t.start();
            }
            go.countDown();
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(1, wins.get());
            assertEquals(1, callbackRuns.get());
            assertTrue(f.isDone());
        }
    }

    @Test
    @Timeout(120)
    void aMillionFuturesCompletingEachOtherDoNotOverflowTheStack() {
        int n = 1_000_000;
        List<Future<Integer>> chain = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            chain.add(new Future<>());
        }
        for (int i = 0; i + 1 < n; i++) {
            Future<Integer> next = chain.get(i + 1);
            chain.get(i).addDoneCallback(done -> next.setResult(done.result() + 1));
        }
        chain.get(0).setResult(0);
        assertEquals(n - 1, chain.get(n - 1).result());
        assertTrue(logs.recordsOnThisThread().isEmpty(), "no StackOverflowError was logged");
    }

    @Test
    void shallowChainsStillCompleteInline() {
        Future<String> a = new Future<>();
        Future<String> b = new Future<>();
        List<String> order = new ArrayList<>();
        a.addDoneCallback(done -> {
            b.setResult(done.result() + "b");
            order.add("b completed, its callbacks ran: " + order.contains("b callback"));
        });
        b.addDoneCallback(done -> order.add("b callback"));
        a.setResult("a");
        assertEquals(List.of("b callback", "b completed, its callbacks ran: true"), order);
        assertEquals("ab", b.result());
    }

    @Test
    void fromCompletableFutureValue() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.from(cf);
        assertFalse(f.isDone());
        cf.complete("v");
        assertEquals("v", f.result());
        assertEquals("w", Future.from(CompletableFuture.completedFuture("w")).result());
        assertThrows(NullPointerException.class, () -> Future.from(null));
    }

    @Test
    void fromCompletableFutureFailureIsUnwrapped() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.from(cf);
        IOException boom = new IOException("boom");
        cf.completeExceptionally(boom);
        assertSame(boom, assertThrows(IOException.class, f::result));

        // A dependent stage wraps the failure in CompletionException: the cause comes through.
        CompletableFuture<String> source = new CompletableFuture<>();
        Future<String> g = Future.from(source.thenApply(s -> s + "!"));
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        source.completeExceptionally(bad);
        assertSame(bad, assertThrows(IllegalArgumentException.class, g::result));

        CompletableFuture<String> wrapped = new CompletableFuture<>();
        wrapped.completeExceptionally(new CompletionException(boom));
        assertSame(boom, Future.from(wrapped).exception());
    }

    @Test
    void fromCarriesCancellationBothWays() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> f = Future.from(cf);
        cf.cancel(false);
        assertTrue(f.isCancelled());

        CompletableFuture<String> cf2 = new CompletableFuture<>();
        Future<String> f2 = Future.from(cf2);
        assertTrue(f2.cancel());
        assertTrue(cf2.isCancelled(), "cancelling the Future cancels the stage");
    }

    @Test
    void toCompletableFutureValueAndFailure() throws Exception {
        Future<String> f = new Future<>();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertFalse(cf.isDone());
        f.setResult("v");
        assertEquals("v", cf.get(1, TimeUnit.SECONDS));
        assertEquals("now", Future.of("now").toCompletableFuture().join());

        Future<String> g = new Future<>();
        CompletableFuture<String> cg = g.toCompletableFuture();
        IOException boom = new IOException("boom");
        g.setException(boom);
        ExecutionException ee = assertThrows(ExecutionException.class, cg::get);
        assertSame(boom, ee.getCause());
        CompletionException ce = assertThrows(CompletionException.class, cg::join);
        assertSame(boom, ce.getCause());
        // Round trip: back to a Future, the original exception comes out.
        assertSame(boom, Future.from(cg).exception());
    }

    @Test
    void toCompletableFutureCarriesCancellationBothWays() {
        Future<String> f = new Future<>();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.cancel();
        assertTrue(cf.isCancelled());

        Future<String> g = new Future<>();
        CompletableFuture<String> cg = g.toCompletableFuture();
        assertTrue(cg.cancel(false));
        assertTrue(g.isCancelled(), "cancelling the CompletableFuture cancels the Future");
    }

    @Test
    void trySetExceptionRejectsNull() {
        assertThrows(NullPointerException.class, () -> new Future<String>().trySetException(null));
    }

    @Test
    void toStringAbbreviatesLongValues() {
        String s = Future.of("x".repeat(500)).toString();
        assertTrue(s.length() < 120, s);
        assertTrue(s.endsWith("...)"), s);
    }
}
