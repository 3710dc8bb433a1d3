package io.squall.tests.sync;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.sync.Queue;

/**
 * Tornado's webspider demo with real coroutine workers: a Queue of URLs, N workers that fetch a page, put the
 * links they find under the base URL back in the queue and call taskDone, and a {@code join} with a timeout;
 * against a local site served by Squall's HTTPServer and fetched with AsyncHTTPClient.
 */
@Timeout(60)
class WebSpiderTest {
    private static final int PAGES = 80;
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");
    static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();

    private final IOLoop loop = new IOLoop();
    private HTTPServer server;
    private AsyncHTTPClient client;

    /** Page n links to 2n+1 and 2n+2 (while below PAGES), back to the root, and to an outside site. */
    public static class PageHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            int n = Integer.parseInt(args[0]);
            int now = IN_FLIGHT.incrementAndGet();
            MAX_IN_FLIGHT.accumulateAndGet(now, Math::max);
            try {
                await(Gen.sleep(Duration.ofMillis(n % 4))); // some pages answer later than others
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
            StringBuilder body = new StringBuilder("<html><body>page ").append(n);
            for (int child : new int[] {2 * n + 1, 2 * n + 2}) {
                if (child < PAGES) {
                    body.append(" <a href=\"/page/").append(child).append("\">").append(child).append("</a>");
                }
            }
            body.append(" <a href=\"/page/0\">home</a> <a href=\"http://example.invalid/elsewhere\">out</a>");
            write(body.append("</body></html>").toString());
            return null;
        }
    }

    /** Never answers (a stuck upstream): it waits for a future nobody completes. */
    public static class StuckHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            await(new Future<Void>());
            write("too late");
            return null;
        }
    }

    /** The spider's state: what was queued, what was fetched, what failed. */
    static final class Spider {
        final String base;
        final Queue<String> queue = new Queue<>();
        final Set<String> seen = new LinkedHashSet<>();
        final Set<String> fetched = new TreeSet<>();
        final List<String> failed = new ArrayList<>();
        final AsyncHTTPClient client;

        Spider(String base, AsyncHTTPClient client) {
            this.base = base;
            this.client = client;
        }

        @Coroutine
        Future<Void> crawl(String start, int workers, Duration timeout) {
            seen.add(start);
            await(queue.put(start));
            for (int i = 0; i < workers; i++) {
                IOLoop.current().spawnCallback(this::worker);
            }
            await(queue.join(timeout));
            return Future.of(null);
        }

        @Coroutine
        @SuppressWarnings("squall:swallowed-cancellation") Future<Void> worker() { // as Tornado's webspider
            while (true) {
                String url = await(queue.get());
                try {
                    HTTPResponse r = await(client.fetch(url));
                    fetched.add(url.substring(base.length()));
                    Matcher m = HREF.matcher(r.bodyAsString());
                    while (m.find()) {
                        String link = m.group(1).startsWith("/") ? base + m.group(1) : m.group(1);
                        if (link.startsWith(base) && seen.add(link)) {
                            await(queue.put(link));
                        }
                    }
                } catch (Exception e) {
                    failed.add(url + ": " + e);
                } finally {
                    queue.taskDone();
                }
            }
        }
    }

    @BeforeEach
    void start() {
        loop.makeCurrent();
        IN_FLIGHT.set(0);
        MAX_IN_FLIGHT.set(0);
        server = new HTTPServer(new Application()
                .addHandler("/page/(\\d+)", PageHandler.class)
                .addHandler("/stuck", StuckHandler.class));
        server.listen(0, "127.0.0.1");
        client = new AsyncHTTPClient(loop, 50);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop();
        server.closeAllConnections();
        loop.runSync(() -> Gen.sleep(Duration.ofMillis(5)), Duration.ofSeconds(10));
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    @Test
    void tenWorkersCrawlTheWholeSiteOnceAndJoinReturns() {
        String base = "http://127.0.0.1:" + server.port();
        Spider spider = new Spider(base, client);
        loop.runSync(() -> spider.crawl(base + "/page/0", 10, Duration.ofSeconds(30)), Duration.ofSeconds(40));
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < PAGES; i++) {
            expected.add("/page/" + i);
        }
        assertEquals(expected, spider.fetched, "every page once, nothing outside the base");
        assertEquals(List.of(), spider.failed);
        assertEquals(PAGES, spider.seen.size());
        assertTrue(spider.queue.empty());
        assertTrue(spider.queue.join().isDone(), "no unfinished task");
        assertTrue(MAX_IN_FLIGHT.get() <= 10, "never more fetches at once than workers: " + MAX_IN_FLIGHT.get());
        assertTrue(MAX_IN_FLIGHT.get() > 1, "the workers did fetch concurrently: " + MAX_IN_FLIGHT.get());
    }

    @Test
    void joinWithATimeoutFailsWhileAPageIsStuck() {
        String base = "http://127.0.0.1:" + server.port();
        Spider spider = new Spider(base, client);
        Set<String> before = new HashSet<>();
        TimeoutException e = assertThrows(TimeoutException.class, () -> loop.runSync(
                () -> spider.crawl(base + "/stuck", 3, Duration.ofMillis(200)), Duration.ofSeconds(20)));
        assertTrue(e.getMessage().contains("Queue.join(timeout)"), e.getMessage());
        assertEquals(before, spider.fetched);
        assertEquals("Queue[maxsize=0 qsize=0 getters[2] tasks=1]", spider.queue.toString(),
                "one worker still holds the stuck URL, two wait for work");
    }
}
