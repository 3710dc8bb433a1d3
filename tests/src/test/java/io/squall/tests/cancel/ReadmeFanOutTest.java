package io.squall.tests.cancel;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.Scope;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPClientError;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * The README's "Cancellation and scopes" fan-out example, verbatim in {@link Crawler}, run against a local
 * server: one URL fails at once (404) while another would take an hour; the scope fails fast with the
 * 404 and the slow fetch is cancelled (its server-side handler sees the client leave and unwinds).
 */
@Timeout(60)
class ReadmeFanOutTest {
    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());

    // ---- the README example, verbatim

    static class Crawler {
        private final AsyncHTTPClient client = AsyncHTTPClient.shared();

        /** Fetches all URLs at once; the first failure cancels the other fetches and fails the whole. */
        @Coroutine
        Future<List<String>> fetchAll(List<String> urls) {
            List<String> bodies = await(Gen.timeout(Duration.ofSeconds(10), () -> Scope.run(scope -> {
                List<Future<String>> fetches = new ArrayList<>();
                for (String url : urls) {
                    fetches.add(scope.spawn(() -> fetchBody(url)));
                }
                return Gen.multi(fetches);
            })));
            return Future.of(bodies);
        }

        @Coroutine
        Future<String> fetchBody(String url) {
            HTTPResponse r = await(client.fetch(url));
            return Future.of(r.bodyAsString());
        }
    }

    // ---- the server it fetches from

    /** Answers "fast", or after an hour unless its client leaves. */
    public static class PageHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            if (args[0].equals("slow")) {
                try {
                    await(Gen.sleep(Duration.ofHours(1)));
                } catch (CancellationException e) {
                    EVENTS.add("slow handler cancelled");
                    throw e;
                }
            }
            write(args[0]);
            return null;
        }
    }

    private final IOLoop loop = new IOLoop();
    private HTTPServer server;

    @BeforeEach
    void start() {
        EVENTS.clear();
        loop.makeCurrent();
        server = new HTTPServer(new Application().addHandler("/page/(\\w+)", PageHandler.class));
        server.listen(0, "127.0.0.1");
    }

    @AfterEach
    void stop() {
        AsyncHTTPClient.shared().close();
        server.stop();
        server.closeAllConnections();
        loop.runSync(() -> Gen.sleep(Duration.ofMillis(2)));
        loop.close();
    }

    private String url(String page) {
        return "http://127.0.0.1:" + server.port() + "/page/" + page;
    }

    @Test
    void theFanOutSucceedsWithEveryBody() {
        List<String> bodies = loop.runSync(() -> new Crawler().fetchAll(List.of(url("a"), url("b"), url("c"))),
                Duration.ofSeconds(20));
        assertEquals(List.of("a", "b", "c"), bodies);
    }

    @Test
    void theFirstFailureCancelsTheOtherFetchesAndFailsFast() {
        Future<List<String>> f = loop.runSync(() -> Future.of(new Crawler().fetchAll(
                List.of(url("slow"), url("missing/x")))));
        loop.runSync(() -> {
            Future<Void> done = new Future<>();
            f.addDoneCallback(x -> done.trySetResult(null));
            return done;
        }, Duration.ofSeconds(20));
        HTTPClientError e = assertInstanceOf(HTTPClientError.class, f.exception());
        assertEquals(404, e.code());
        long end = System.nanoTime() + 10_000_000_000L;
        while (!EVENTS.contains("slow handler cancelled") && System.nanoTime() < end) {
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(2)));
        }
        assertTrue(EVENTS.contains("slow handler cancelled"), "the slow fetch's connection was closed: " + EVENTS);
    }
}
