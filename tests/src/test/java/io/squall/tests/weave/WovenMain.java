package io.squall.tests.weave;

import static io.squall.Async.await;

import java.time.Duration;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/** A tiny program with a coroutine that really suspends, run from woven classes in a child JVM. */
public final class WovenMain {

    private WovenMain() {}

    @Coroutine
    static Future<String> greet(Future<String> name) {
        String n = await(name);
        return Future.of("hello " + n);
    }

    /**
     * Prints the coroutine's result.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        IOLoop loop = new IOLoop();
        Future<String> name = new Future<>();
        String r = loop.runSync(() -> {
            Future<String> g = greet(name);
            loop.addCallback(() -> name.setResult(g.isDone() ? "not suspended" : "woven"));
            return g;
        }, Duration.ofSeconds(10));
        System.out.println("result: " + r);
        loop.close();
    }
}
