package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;

/**
 * No stack growth (API.md semantics 7): a million awaits in one loop where each resumption completes the
 * future the other coroutine waits on (inline resumption would recurse a million frames deep), a chain of a
 * million coroutines each awaiting the next and completed from the innermost, and a million fast-path awaits.
 */
class DeepShapesTest extends ShapeTest {

    static final int MILLION = 1_000_000;

    /** Two mailboxes; each side replaces its own before waking the other. */
    static final class PingPong {
        Future<Integer> toA = new Future<>();
        Future<Integer> toB = new Future<>();
        int suspensionsA;
    }

    static final class PingShape {
        @Coroutine
        static Future<Long> ping(PingPong p, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                Future<Integer> mine = p.toA;
                if (!mine.isDone()) {
                    p.suspensionsA++;
                }
                int v = await(mine);
                sum += v;
                p.toA = new Future<>();
                p.toB.setResult(v + 1);
            }
            return Future.of(sum);
        }
    }

    static final class PongShape {
        @Coroutine
        static Future<Long> pong(PingPong p, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                int v = await(p.toB);
                sum += v;
                p.toB = new Future<>();
                p.toA.setResult(v + 1);
            }
            return Future.of(sum);
        }
    }

    @Test
    void millionIterationAwaitLoopEachResumptionWakingTheOther() {
        PingPong p = new PingPong();
        List<Long> sums = loop.runSync(() -> {
            Future<Long> b = PongShape.pong(p, MILLION);
            Future<Long> a = PingShape.ping(p, MILLION);
            assertFalse(a.isDone());
            assertFalse(b.isDone());
            p.toA.setResult(0);
            return Gen.multi(List.of(a, b));
        }, Duration.ofSeconds(100));
        long n = MILLION;
        assertEquals(List.of(n * (n - 1), n * n), sums);
        assertEquals(MILLION, p.suspensionsA, "every await of the loop must have found its future pending");
    }

    static final class LinkShape {
        @Coroutine
        static Future<Integer> link(Future<Integer> inner) {
            return Future.of(await(inner) + 1);
        }
    }

    @Test
    void chainOfMillionCoroutinesCompletedFromTheInnermost() {
        Future<Integer> leaf = new Future<>();
        int result = loop.runSync(() -> {
            Future<Integer> f = leaf;
            for (int i = 0; i < MILLION; i++) {
                f = LinkShape.link(f);
            }
            assertFalse(f.isDone());
            Future<Integer> outermost = f;
            loop.callLater(Duration.ofMillis(1), () -> leaf.setResult(0));
            return outermost;
        }, Duration.ofSeconds(100));
        assertEquals(MILLION, result);
    }

    static final class FromAnotherThreadShape {
        @Coroutine
        static Future<Integer> fromAnotherThread(Future<Integer> inner) {
            int v = await(inner);
            return Future.of(v + 1);
        }
    }

    @Test
    void chainCompletedFromAnotherThread() throws Exception {
        Future<Integer> leaf = new Future<>();
        int depth = 200_000;
        int result = loop.runSync(() -> {
            Future<Integer> f = leaf;
            for (int i = 0; i < depth; i++) {
                f = FromAnotherThreadShape.fromAnotherThread(f);
            }
            worker.execute(() -> leaf.setResult(0));
            return f;
        }, Duration.ofSeconds(100));
        assertEquals(depth, result);
    }

    static final class MillionDoneAwaitsShape {
        @Coroutine
        static Future<Long> millionDoneAwaits() {
            long sum = 0;
            for (int i = 0; i < MILLION; i++) {
                sum += await(Future.of(i & 7));
            }
            return Future.of(sum);
        }
    }

    @Test
    void millionFastPathAwaits() {
        Future<Long> f = MillionDoneAwaitsShape.millionDoneAwaits();
        assertTrue(f.isDone(), "done futures never suspend");
        long expected = 0;
        for (int i = 0; i < MILLION; i++) {
            expected += i & 7;
        }
        assertEquals(expected, f.result());
    }

    static final class RecursiveDepthShape {
        @Coroutine
        static Future<Integer> recursiveDepth(int n) {
            if (n == 0) {
                await(Gen.moment());
                return Future.of(0);
            }
            return Future.of(await(RecursiveDepthShape.recursiveDepth(n - 1)) + 1);
        }
    }

    @Test
    void deepRecursiveCoroutineResumesWithoutGrowingTheStack() {
        int depth = 2_000;
        assertEquals(depth, loop.runSync(() -> RecursiveDepthShape.recursiveDepth(depth), Duration.ofSeconds(60)));
    }
}
