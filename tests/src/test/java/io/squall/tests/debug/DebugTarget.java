package io.squall.tests.debug;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * The debuggee of {@link DebuggerFidelityTest}, run in its own JVM under JDI with the agent. Every await
 * here suspends ({@code Gen.moment()}), so each line after one runs in a resumed frame. The test finds
 * lines by the marker comments; keep each marker on its own line.
 */
public final class DebugTarget {

    private DebugTarget() {
    }

    /**
     * {@code n} is read only before the first await: it is dead in every resumed frame.
     *
     * @param n a number
     * @param name a name, read after the first await
     * @return a future of {@code 2n + 1 + (name + (2n + 1)).length()}
     */
    @Coroutine
    static Future<Integer> compute(int n, String name) {
        int a = n * 2; // FIRST
        await(Gen.moment()); // AWAIT-1
        int b = a + 1; // BREAK-1
        String s = name + b;
        await(Gen.moment()); // AWAIT-2
        int c = b + s.length(); // AFTER-2
        return Future.of(c);
    }

    /**
     * Awaits {@link #compute}.
     *
     * @param depth passed on
     * @return compute's result
     */
    @Coroutine
    static Future<Integer> crawl(int depth) {
        int r = await(compute(depth, "x")); // CRAWL
        return Future.of(r);
    }

    /**
     * Runs {@code crawl(4)} on a fresh loop and prints the result.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("result " + new IOLoop().runSync(() -> crawl(4)));
    }
}
