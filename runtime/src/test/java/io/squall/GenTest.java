package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;

@org.junit.jupiter.api.Timeout(120)
class GenTest extends AsyncTestCase {

    @Test
    void sleepCompletesWithNullNoEarlierThanAsked() {
        long start = loop.time();
        assertNull(runSync(() -> Gen.sleep(Duration.ofMillis(5))));
        assertTrue(loop.time() - start >= Duration.ofMillis(5).toNanos(), "sleep never ends early");
        assertNull(runSync(() -> Gen.sleep(Duration.ZERO)));
        assertThrows(NullPointerException.class, () -> Gen.sleep(null));
    }

    @Test
    void momentYieldsExactlyOneIteration() {
        List<String> order = new ArrayList<>();
        runSync(() -> {
            // Iteration 1 (runSync's callback).
            loop.addCallback(() -> {
                order.add("queued before moment");
                loop.addCallback(() -> order.add("queued during iteration 2"));
            });
            Future<Void> m = Gen.moment();
            order.add("moment done at once: " + m.isDone());
            m.addDoneCallback(done -> order.add("moment done"));
            loop.addCallback(() -> order.add("queued after moment"));
            Future<Void> end = new Future<>();
            loop.addCallback(() -> loop.addCallback(() -> loop.addCallback(() -> end.setResult(null))));
            return end;
        });
        assertEquals(List.of(
                "moment done at once: false",
                "queued before moment",          // iteration 2, first in first out ...
                "moment done",
                "queued after moment",
                "queued during iteration 2"),    // iteration 3: the moment took exactly one iteration
                order);
    }

    @Test
    void multiListKeepsOrderWhateverTheCompletionOrder() throws Exception {
        Future<String> a = new Future<>();
        Future<String> b = new Future<>();
        Future<String> c = Future.of("c");
        List<String> values = runSync(() -> {
            Future<List<String>> all = Gen.multi(Arrays.asList(a, b, c));
            loop.callLater(Duration.ofMillis(2), () -> a.setResult("a"));
            new Thread(() -> b.setResult("b")).start();
            return all;
        });
        assertEquals(List.of("a", "b", "c"), values);
        assertEquals(List.of(), runSync(() -> Gen.multi(List.<Future<String>>of())));
        List<Future<String>> withNull = new ArrayList<>();
        withNull.add(null);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> Gen.multi(withNull));
        assertTrue(npe.getMessage().contains("index 0"), npe.getMessage());
    }

    @Test
    void multiListFailsWithTheFirstFailureInTimeAndLogsLaterOnes() {
        Future<String> a = new Future<>();
        Future<String> b = new Future<>();
        Future<String> c = new Future<>();
        IOException first = new IOException("first in time (index 1)");
        IllegalStateException second = new IllegalStateException("later (index 0)");
        Future<List<String>> all = Gen.multi(List.of(a, b, c));
        b.setException(first);
        assertTrue(all.isDone());
        assertSame(first, all.exception());
        a.setException(second);
        c.setResult("fine");
        c.cancel(); // already done: nothing
        LogRecord r = logs.expect(Level.SEVERE, "Gen.multi: the future at index 0");
        assertSame(second, r.getThrown());
        assertEquals(1, logs.recordsOnThisThread().size(), "only the later failure is logged");
    }

    @Test
    void multiMapKeepsKeysAndIterationOrder() {
        Map<String, Future<Integer>> fs = new LinkedHashMap<>();
        Future<Integer> two = new Future<>();
        fs.put("one", Future.of(1));
        fs.put("two", two);
        fs.put("three", Future.of(3));
        Map<String, Integer> m = runSync(() -> {
            Future<Map<String, Integer>> all = Gen.multi(fs);
            loop.addCallback(() -> two.setResult(2));
            return all;
        });
        assertEquals(List.of("one", "two", "three"), new ArrayList<>(m.keySet()));
        assertEquals(Map.of("one", 1, "two", 2, "three", 3), m);
        assertEquals(Map.of(), runSync(() -> Gen.multi(Map.<String, Future<Integer>>of())));
    }

    @Test
    void multiMapFailsFirstInTimeAndLogsLaterOnesWithTheirKey() {
        Map<String, Future<Integer>> fs = new LinkedHashMap<>();
        Future<Integer> x = new Future<>();
        Future<Integer> y = new Future<>();
        fs.put("x", x);
        fs.put("y", y);
        Future<Map<String, Integer>> all = Gen.multi(fs);
        IOException first = new IOException("y first");
        IOException later = new IOException("x later");
        y.setException(first);
        x.setException(later);
        IOException thrown = assertThrows(IOException.class, all::result);
        assertSame(first, thrown);
        assertSame(later, logs.expect(Level.SEVERE, "Gen.multi: the future for key x").getThrown());
    }

    @Test
    void withTimeoutPassesTheValueThrough() {
        assertEquals("fast", runSync(() -> {
            Future<String> f = new Future<>();
            loop.addCallback(() -> f.setResult("fast"));
            return Gen.withTimeout(Duration.ofHours(1), f);
        }));
        IOException boom = new IOException("inner failure");
        assertSame(boom, assertThrows(IOException.class,
                () -> runSync(() -> Gen.withTimeout(Duration.ofHours(1), Future.failed(boom)))));
        // tearDown fails the test if the one-hour timers were left pending in the loop.
    }

    @Test
    void withTimeoutFailsWithTimeoutExceptionAndLogsALaterFailure() {
        Future<String> slow = new Future<>();
        TimeoutException e = assertThrows(TimeoutException.class,
                () -> runSync(() -> Gen.withTimeout(Duration.ofMillis(5), slow)));
        assertTrue(e.getMessage().contains("not done after"), e.getMessage());
        assertFalse(slow.isDone(), "the inner future is not cancelled");
        IOException late = new IOException("late failure");
        slow.setException(late);
        assertSame(late, logs.expect(Level.SEVERE, "Gen.withTimeout").getThrown());

        Future<String> slow2 = new Future<>();
        assertThrows(TimeoutException.class, () -> runSync(() -> Gen.withTimeout(Duration.ZERO, slow2)));
        slow2.setResult("late success is not an error");
        assertEquals(1, logs.recordsOnThisThread().size());
    }

    @Test
    void cancellingWithTimeoutRemovesItsTimer() {
        Future<String> f = new Future<>();
        Future<String> t = Gen.withTimeout(Duration.ofHours(1), f);
        assertTrue(t.cancel());
        assertThrows(CancellationException.class, t::result);
        f.setResult("ignored");
        // tearDown: a pending one-hour timer would be reported when the loop closes.
    }

    @Test
    void taskWrapsCallbackStyleCalls() {
        assertEquals("now", Gen.<String>task(cb -> cb.accept("now")).result());
        assertEquals("later", runSync(() -> Gen.<String>task(
                cb -> loop.callLater(Duration.ofMillis(1), () -> cb.accept("later")))));
        Future<String> twice = Gen.task(cb -> {
            cb.accept("first");
            cb.accept("second");
        });
        assertEquals("first", twice.result());

        IOException boom = new IOException("task boom");
        Future<String> failed = Gen.task(cb -> {
            throw new java.io.UncheckedIOException(boom);
        });
        assertSame(boom, failed.exception().getCause());

        Consumer<Consumer<String>> badAfterCallback = new Consumer<>() {
            @Override
            public void accept(Consumer<String> cb) {
                cb.accept("ok");
                throw new IllegalStateException("after callback");
            }

            @Override
            public String toString() {
                return "badAfterCallback";
            }
        };
        assertEquals("ok", Gen.task(badAfterCallback).result());
        LogRecord r = logs.expect(Level.SEVERE, "Gen.task: badAfterCallback threw after calling back");
        assertEquals("after callback", r.getThrown().getMessage());
        assertThrows(NullPointerException.class, () -> Gen.task(null));
    }
}
