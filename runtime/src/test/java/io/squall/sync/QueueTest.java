package io.squall.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.squall.Future;

/** Tornado's queues_test.py, case by case (QueueBasic, Get, Put, Join, Priority, Lifo, producer/consumer). */
@org.junit.jupiter.api.Timeout(60)
class QueueTest extends SyncTestCase {

    @Test
    void toStringShowsWaitersAndTasks() {
        Queue<String> q = new Queue<>(1);
        q.get();
        assertEquals("Queue[maxsize=1 qsize=0 getters[1]]", q.toString());
        q.put("a");
        q.put("b");
        q.put("c"); // full: this putter waits
        assertEquals("Queue[maxsize=1 qsize=1 putters[1] tasks=2]", q.toString());
    }

    @Test
    void fifoOrder() {
        Queue<Integer> q = new Queue<>();
        for (int i : new int[] {1, 3, 2}) {
            q.putNowait(i);
        }
        assertEquals(List.of(1, 3, 2), List.of(q.getNowait(), q.getNowait(), q.getNowait()));
    }

    @Test
    void maxsizeBlocksPutsUntilRoom() {
        assertThrows(IllegalArgumentException.class, () -> new Queue<>(-1));
        Queue<Integer> q = new Queue<>(2);
        assertTrue(q.empty());
        assertFalse(q.full());
        assertEquals(2, q.maxsize());
        assertTrue(q.put(0).isDone());
        assertTrue(q.put(1).isDone());
        assertFalse(q.empty());
        assertTrue(q.full());
        Future<Void> put2 = q.put(2);
        assertFalse(put2.isDone());
        assertValue(0, q.get());
        assertTrue(put2.isDone());
        assertTrue(q.full());
    }

    @Test
    void maxsizeZeroIsUnbounded() {
        Queue<Integer> q = new Queue<>(0);
        for (int i = 0; i < 10_000; i++) {
            assertSame(LoopBound.DONE, q.put(i), "a put that does not wait returns the shared done future");
        }
        assertFalse(q.full());
        assertEquals(10_000, q.qsize());
    }

    @Test
    void maxsizeOneAlternates() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(1);
        assertTrue(q.full());
        QueueFull e = assertThrows(QueueFull.class, () -> q.putNowait(2));
        assertTrue(e.getMessage().contains("maxsize 1"), e.getMessage());
        Future<Void> p2 = q.put(2);
        Future<Void> p3 = q.put(3);
        assertEquals(1, q.getNowait());
        assertTrue(p2.isDone());
        assertFalse(p3.isDone());
        assertEquals(2, q.getNowait());
        assertEquals(3, q.getNowait());
        assertTrue(p3.isDone());
        assertTrue(q.empty());
    }

    @Test
    void getNowaitOnEmptyThrowsQueueEmpty() {
        Queue<Integer> q = new Queue<>();
        QueueEmpty e = assertThrows(QueueEmpty.class, q::getNowait);
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        q.putNowait(0);
        assertEquals(0, q.getNowait());
        assertValue(null, Future.of(null));
    }

    @Test
    void nullItemsAreRefused() {
        Queue<String> q = new Queue<>();
        assertThrows(NullPointerException.class, () -> q.put(null));
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
        assertThrows(NullPointerException.class, () -> q.put(null, Duration.ofSeconds(1)));
        assertTrue(q.empty());
    }

    @Test
    void getWithPutters() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(0);
        Future<Void> put = q.put(1);
        assertValue(0, q.get());
        assertTrue(put.isDone());
        assertNull(put.result());
        assertEquals(1, q.getNowait());
    }

    @Test
    void getWaitsForLaterPuts() {
        Queue<Integer> q = new Queue<>();
        q.put(0);
        loop.callLater(Duration.ofMillis(5), () -> q.putNowait(1));
        loop.callLater(Duration.ofMillis(10), () -> q.putNowait(2));
        assertEquals(0, runSync(() -> q.get(Duration.ofSeconds(10))));
        assertEquals(1, runSync(() -> q.get(Duration.ofSeconds(10))));
        assertEquals(2, runSync(() -> q.get(Duration.ofSeconds(10))));
    }

    @Test
    void getTimesOutAndTheNextGetterGetsTheItem() {
        Queue<Integer> q = new Queue<>();
        Future<Integer> timed = q.get(Duration.ofMillis(5));
        Future<Integer> get = q.get();
        sleep(20);
        assertTimedOut(timed, "Queue.get(timeout)");
        q.putNowait(0);
        assertValue(0, get);
    }

    @Test
    void getTimeoutPreempted() {
        Queue<Integer> q = new Queue<>();
        Future<Integer> get = q.get(Duration.ofMillis(5));
        q.put(0);
        sleep(20);
        assertValue(0, get);
    }

    @Test
    void timedOutPuttersLeaveTheQueueAtOnce() {
        Queue<Integer> q = new Queue<>(1);
        List<Future<Void>> putters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            putters.add(q.put(i, Duration.ofMillis(5)));
        }
        Future<Void> put = q.put(10);
        assertEquals("Queue[maxsize=1 qsize=1 putters[10] tasks=1]", q.toString());
        sleep(20);
        assertEquals("Queue[maxsize=1 qsize=1 putters[1] tasks=1]", q.toString(),
                "unlike Tornado, timed-out putters leave at once, not at the next get()");
        assertFalse(put.isDone());
        q.put(11);
        assertValue(0, q.get());
        assertTrue(put.isDone());
        assertEquals(10, q.getNowait(), "the items of timed-out puts were never added");
        assertEquals(11, q.getNowait());
        for (Future<Void> p : putters.subList(1, 10)) {
            assertTimedOut(p, "Queue.put(timeout)");
        }
    }

    @Test
    void timedOutGettersLeaveTheQueueAtOnce() {
        Queue<Integer> q = new Queue<>();
        List<Future<Integer>> getters = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            getters.add(q.get(Duration.ofMillis(5)));
        }
        Future<Integer> get = q.get();
        Future<Integer> get2 = q.get();
        assertEquals("Queue[maxsize=0 qsize=0 getters[12]]", q.toString());
        sleep(20);
        assertEquals("Queue[maxsize=0 qsize=0 getters[2]]", q.toString());
        q.put(0);
        assertEquals("Queue[maxsize=0 qsize=0 getters[1] tasks=1]", q.toString());
        assertValue(0, get);
        assertFalse(get2.isDone());
        for (Future<Integer> g : getters) {
            assertTimedOut(g, "Queue.get(timeout)");
        }
    }

    @Test
    void putWithGettersHandsItemsInOrder() {
        Queue<Integer> q = new Queue<>();
        Future<Integer> get0 = q.get();
        Future<Integer> get1 = q.get();
        assertTrue(q.put(0).isDone());
        assertValue(0, get0);
        assertFalse(get1.isDone());
        q.putNowait(1);
        assertValue(1, get1);
        assertTrue(q.empty(), "handed straight to the getters");
    }

    @Test
    void putWaitsForRoomMadeLater() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(0);
        loop.callLater(Duration.ofMillis(5), q::get);
        loop.callLater(Duration.ofMillis(10), q::get);
        Future<Void> a = q.put(1);
        Future<Void> b = q.put(2);
        assertFalse(a.isDone() || b.isDone());
        runSync(() -> io.squall.Gen.multi(List.of(a, b)));
        assertEquals(2, q.getNowait());
    }

    @Test
    void putTimesOutAndItsItemIsNeverAdded() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(0);
        Future<Void> timed = q.put(1, Duration.ofMillis(5));
        Future<Void> put = q.put(2);
        sleep(20);
        assertTimedOut(timed, "Queue.put(timeout)");
        assertEquals(0, q.getNowait());
        assertValue(2, q.get());
        assertTrue(put.isDone());
    }

    @Test
    void putTimeoutPreempted() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(0);
        Future<Void> put = q.put(1, Duration.ofMillis(5));
        q.get();
        sleep(20);
        assertValue(null, put);
        assertEquals(1, q.getNowait());
    }

    @Test
    void cancelledGetterNeverTakesAnItem() {
        Queue<Integer> q = new Queue<>();
        Future<Integer> a = q.get();
        Future<Integer> b = q.get();
        assertTrue(a.cancel());
        q.putNowait(7);
        assertTrue(a.isCancelled());
        assertValue(7, b);
        q.putNowait(8);
        assertEquals(8, q.getNowait(), "the item did not vanish into the dead getter");
    }

    @Test
    void cancelledPutterNeverAddsItsItem() {
        Queue<Integer> q = new Queue<>(1);
        q.putNowait(0);
        Future<Void> a = q.put(1);
        Future<Void> b = q.put(2);
        a.cancel();
        assertEquals(0, q.getNowait());
        assertTrue(b.isDone());
        assertEquals(2, q.getNowait());
        assertTrue(q.empty());
    }

    @Test
    void taskDoneTooOftenIsRefused() {
        Queue<Integer> q = new Queue<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertTrue(e.getMessage().contains("more times than items were put"), e.getMessage());
        q.putNowait(1);
        q.getNowait();
        q.taskDone();
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    @Test
    void itIsTaskDoneNotGetThatCompletesJoin() {
        Queue<Integer> q = new Queue<>();
        q.putNowait(0);
        Future<Void> join = q.join();
        assertFalse(join.isDone());
        assertValue(0, q.get());
        assertFalse(join.isDone());
        moment();
        assertFalse(join.isDone());
        q.taskDone();
        assertTrue(join.isDone());
    }

    @Test
    void joinOnAnEmptyQueueIsDone() {
        Queue<Integer> q = new Queue<>();
        assertTrue(q.join().isDone());
        assertTrue(q.join().isDone());
    }

    @Test
    void joinTimesOutWithUnfinishedTasks() {
        Queue<Integer> q = new Queue<>();
        q.put(0);
        Future<Void> join = q.join(Duration.ofMillis(5));
        sleep(20);
        assertTimedOut(join, "Queue.join(timeout)");
        q.getNowait();
        assertFalse(q.join().isDone(), "taken but not done is still unfinished");
        q.taskDone();
        assertTrue(q.join().isDone());
    }

    @Test
    void twoWorkersShareTheWorkAndJoinWaitsForAll() {
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 100; i++) {
            q.putNowait(i);
        }
        int[] sum = new int[1];
        for (int w = 0; w < 2; w++) {
            worker(q, item -> {
                sum[0] += item;
                return io.squall.Gen.sleep(Duration.ofMillis(item % 3));
            });
        }
        runSync(q::join);
        assertEquals(4950, sum[0]);
        moment(); // let the workers go back to waiting
    }

    @Test
    void producerConsumerWithTenWorkers() {
        Queue<Integer> q = new Queue<>(3);
        List<Integer> history = new ArrayList<>();
        Map<String, Integer> perWorker = new java.util.TreeMap<>();
        for (int w = 0; w < 10; w++) {
            String name = "w" + w;
            worker(q, item -> {
                history.add(item);
                perWorker.merge(name, 1, Integer::sum);
                return io.squall.Gen.moment();
            });
        }
        // The producer: each put waits for room (maxsize 3), then join waits for the last taskDone.
        Future<Void> produced = produce(q, 0, 100);
        runSync(() -> produced);
        runSync(q::join);
        moment(); // let the workers go back to waiting
        List<Integer> sorted = new ArrayList<>(history);
        sorted.sort(null);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
        }
        assertEquals(expected, sorted, "every item processed exactly once");
        assertEquals(expected, history, "workers take items in the order they were put");
        assertEquals(10, perWorker.size(), "all ten workers took part: " + perWorker);
    }

    @ParameterizedTest
    @ValueSource(strings = {"priority", "lifo", "fifo"})
    void joinWorksForEveryKind(String kind) {
        IntFunction<Queue<Integer>> make = n -> kind.equals("priority") ? new PriorityQueue<>(n)
                : kind.equals("lifo") ? new LifoQueue<>(n) : new Queue<>(n);
        Queue<Integer> q = make.apply(0);
        assertThrows(IllegalStateException.class, q::taskDone);
        assertTrue(q.join().isDone());
        q.putNowait(1);
        Future<Void> join = q.join();
        q.getNowait();
        assertFalse(join.isDone());
        q.taskDone();
        assertTrue(join.isDone());
    }

    @Test
    void priorityOrderIncludingWaitingPutters() {
        PriorityQueue<Map.Entry<Integer, String>> q = new PriorityQueue<>(2, Map.Entry.comparingByKey());
        q.putNowait(Map.entry(1, "a"));
        q.putNowait(Map.entry(0, "b"));
        assertTrue(q.full());
        q.put(Map.entry(3, "c"));
        q.put(Map.entry(2, "d"));
        assertEquals(Map.entry(0, "b"), q.getNowait());
        assertValue(Map.entry(1, "a"), q.get());
        assertEquals(Map.entry(2, "d"), q.getNowait());
        assertValue(Map.entry(3, "c"), q.get());
        assertTrue(q.empty());
    }

    @Test
    void priorityNaturalOrderAndComparator() {
        PriorityQueue<Integer> q = new PriorityQueue<>(0);
        for (int i : new int[] {5, 1, 4, 2, 3}) {
            q.putNowait(i);
        }
        assertEquals(List.of(1, 2, 3, 4, 5), List.of(q.getNowait(), q.getNowait(), q.getNowait(), q.getNowait(),
                q.getNowait()));
        PriorityQueue<String> byLength = new PriorityQueue<>(0, Comparator.comparingInt(String::length));
        byLength.putNowait("ccc");
        byLength.putNowait("a");
        byLength.putNowait("bb");
        assertEquals("a", byLength.getNowait());
        assertEquals("bb", byLength.getNowait());
    }

    @Test
    void lifoOrderIncludingWaitingPutters() {
        LifoQueue<Integer> q = new LifoQueue<>(2);
        q.putNowait(1);
        q.putNowait(0);
        assertTrue(q.full());
        q.put(3);
        q.put(2);
        assertEquals(3, q.getNowait());
        assertValue(2, q.get());
        assertEquals(0, q.getNowait());
        assertValue(1, q.get());
        assertTrue(q.empty());
    }

    /** A worker as a callback loop: get, process (a future), taskDone, repeat; as a coroutine would. */
    private void worker(Queue<Integer> q, java.util.function.Function<Integer, Future<?>> process) {
        q.get().addDoneCallback(got -> {
            Integer item = got.result();
            process.apply(item).addDoneCallback(done -> {
                q.taskDone();
                loop.addCallback(() -> worker(q, process));
            });
        });
    }

    private Future<Void> produce(Queue<Integer> q, int from, int to) {
        Future<Void> all = new Future<>();
        produceNext(q, from, to, all);
        return all;
    }

    private void produceNext(Queue<Integer> q, int i, int to, Future<Void> all) {
        if (i == to) {
            all.setResult(null);
            return;
        }
        q.put(i).addDoneCallback(f -> loop.addCallback(() -> produceNext(q, i + 1, to, all)));
    }
}
