package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;

/** Gen.WaitIterator (tornado.gen.WaitIterator) and Gen.multi with quiet exception types. */
@org.junit.jupiter.api.Timeout(60)
class GenWaitIteratorTest extends AsyncTestCase {

    @Test
    void resultsComeInCompletionOrderWithTheirInput() {
        List<Future<String>> fs = List.of(new Future<>(), new Future<>(), new Future<>(), new Future<>());
        Gen.WaitIterator<Integer, String> it = Gen.WaitIterator.of(fs);
        assertThrows(IllegalStateException.class, it::currentIndex);
        fs.get(2).setResult("c"); // done before anyone asked
        List<String> seen = new ArrayList<>();
        Future<String> first = it.next();
        assertTrue(first.isDone());
        assertEquals("c", first.result());
        assertEquals(2, it.currentIndex());
        assertEquals(fs.get(2), it.currentFuture());
        Future<String> second = it.next();
        assertFalse(second.isDone());
        assertThrows(IllegalStateException.class, it::next, "the previous next() is still pending");
        fs.get(0).setResult("a");
        assertEquals("a", second.result());
        assertEquals(0, it.currentKey());
        fs.get(3).setException(new IOException("boom"));
        fs.get(1).setResult("b");
        while (!it.done()) {
            Future<String> f = it.next();
            assertTrue(f.isDone());
            seen.add(it.currentIndex() + "=" + (f.exception() == null ? f.result() : f.exception().getMessage()));
        }
        assertEquals(List.of("3=boom", "1=b"), seen, "a failure is delivered in its turn and does not stop the rest");
        IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
        assertTrue(e.getMessage().contains("done()"), e.getMessage());
    }

    @Test
    void mapKeysNameTheInputsWithTimersOnTheLoop() {
        Map<String, Future<Integer>> fs = new LinkedHashMap<>();
        fs.put("slow", later(30, 3));
        fs.put("fast", later(1, 1));
        fs.put("middle", later(15, 2));
        Gen.WaitIterator<String, Integer> it = Gen.WaitIterator.of(fs);
        List<String> order = new ArrayList<>();
        while (!it.done()) {
            int v = runSync(it::next);
            order.add(it.currentKey() + ":" + v);
        }
        assertEquals(List.of("fast:1", "middle:2", "slow:3"), order);
    }

    @Test
    void inputsAlreadyDoneComeOutInTheOrderGiven() {
        Gen.WaitIterator<Integer, String> it = Gen.WaitIterator.of(Future.of("x"), Future.failed(new IOException("y")),
                Future.of("z"));
        List<String> seen = new ArrayList<>();
        while (!it.done()) {
            Future<String> f = it.next();
            seen.add(it.currentIndex() + (f.exception() == null ? f.result() : f.exception().getMessage()));
        }
        assertEquals(List.of("0x", "1y", "2z"), seen);
        assertTrue(it.toString().contains("3 handed out"), it.toString());
    }

    @Test
    void emptyIteratorIsDoneAtOnceAndCancellationIsDelivered() {
        Gen.WaitIterator<Integer, Object> empty = Gen.WaitIterator.of(List.of());
        assertTrue(empty.done());
        Future<String> f = new Future<>();
        Gen.WaitIterator<Integer, String> it = Gen.WaitIterator.of(f);
        Future<String> next = it.next();
        f.cancel();
        assertTrue(next.isCancelled());
        assertThrows(CancellationException.class, next::result);
        assertTrue(it.done());
    }

    @Test
    void aCancelledNextKeepsTheResultForTheFollowingNext() {
        Future<String> f = new Future<>();
        Gen.WaitIterator<Integer, String> it = Gen.WaitIterator.of(f);
        it.next().cancel();
        assertFalse(it.done());
        f.setResult("kept");
        assertEquals("kept", it.next().result());
        assertTrue(it.done());
    }

    @Test
    void inputsCompletedOnOtherThreads() throws Exception {
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(new Future<>());
        }
        Gen.WaitIterator<Integer, Integer> it = Gen.WaitIterator.of(fs);
        Thread t = new Thread(() -> {
            for (int i = 19; i >= 0; i--) {
                fs.get(i).setResult(i * 10);
            }
        });
        t.start();
        int sum = 0;
        int count = 0;
        while (!it.done()) {
            int v = runSync(it::next);
            assertEquals(it.currentIndex() * 10, v, "the value matches the input it came from");
            sum += v;
            count++;
        }
        t.join();
        assertEquals(20, count);
        assertEquals(1900, sum);
    }

    @Test
    void quietMultiLogsLaterFailuresOfQuietTypesOnlyAtDebug() {
        Future<String> a = new Future<>();
        Future<String> b = new Future<>();
        Future<String> c = new Future<>();
        Future<List<String>> all = Gen.multi(List.of(a, b, c), TimeoutException.class);
        a.setException(new IOException("first"));
        b.setException(new TimeoutException("expected after the first"));
        IOException first = assertThrows(IOException.class, all::result);
        assertEquals("first", first.getMessage());
        assertTrue(logs.matching(Level.SEVERE, "expected after the first").isEmpty(), "quiet type: no error logged");
        c.setException(new IllegalStateException("not quiet"));
        logs.expect(Level.SEVERE, "not quiet");
    }

    @Test
    void quietMultiForMapsAndSubclasses() {
        Future<Integer> a = new Future<>();
        Future<Integer> b = new Future<>();
        Map<String, Future<Integer>> fs = new LinkedHashMap<>();
        fs.put("a", a);
        fs.put("b", b);
        Future<Map<String, Integer>> all = Gen.multi(fs, IOException.class);
        b.setException(new IllegalArgumentException("first"));
        a.setException(new java.io.EOFException("a subclass of a quiet type"));
        assertThrows(IllegalArgumentException.class, all::result);
        assertTrue(logs.matching(Level.SEVERE, "subclass").isEmpty());
        Map<String, Future<Integer>> ok = new LinkedHashMap<>();
        ok.put("x", Future.of(1));
        ok.put("y", Future.of(2));
        assertEquals(Map.of("x", 1, "y", 2), Gen.multi(ok, IOException.class).result());
        assertEquals(List.of(1, 2), Gen.multi(List.of(Future.of(1), Future.of(2)), IOException.class).result());
        assertThrows(NullPointerException.class, () -> Gen.multi(List.of(Future.of(1)), (Class<IOException>) null));
    }

    private Future<Integer> later(long millis, int value) {
        Future<Integer> f = new Future<>();
        loop.callLater(Duration.ofMillis(millis), () -> f.setResult(value));
        return f;
    }
}
