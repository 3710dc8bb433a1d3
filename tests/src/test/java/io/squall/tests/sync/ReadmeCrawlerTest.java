package io.squall.tests.sync;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPServer;
import io.squall.sync.Queue;

/** The README's "A worker pool with Queue" example, verbatim, run against a local site. */
@Timeout(60)
class ReadmeCrawlerTest {

    // ---- README begin (keep identical to README.md)
    public static class Crawler {
        private static final Pattern HREF = Pattern.compile("href=\"(/[^\"]*)\"");
        private final Queue<String> urls = new Queue<>();
        private final Set<String> seen = new HashSet<>();
        private final AsyncHTTPClient client;
        private final String base;

        public Crawler(AsyncHTTPClient client, String base) {
            this.client = client;
            this.base = base;
        }

        @Coroutine
        public Future<Set<String>> crawl(String path, int workers) {
            seen.add(base + path);
            await(urls.put(base + path));
            for (int i = 0; i < workers; i++) {
                IOLoop.current().spawnCallback(this::worker);
            }
            await(urls.join(Duration.ofMinutes(5)));   // every URL put has had its taskDone()
            return Future.of(seen);
        }

        @Coroutine
        @SuppressWarnings("squall:swallowed-cancellation") private Future<Void> worker() { // as the README
            while (true) {
                String url = await(urls.get());          // waits while the queue is empty
                try {
                    Matcher links = HREF.matcher(await(client.fetch(url)).bodyAsString());
                    while (links.find()) {
                        if (seen.add(base + links.group(1))) {
                            await(urls.put(base + links.group(1)));
                        }
                    }
                } catch (Exception e) {
                    System.err.println(url + " failed: " + e);
                } finally {
                    urls.taskDone();
                }
            }
        }
    }
    // ---- README end

    @Test
    void theReadmeCrawlerVisitsEveryPage() {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        HTTPServer server = new HTTPServer(new Application().addHandler("/page/(\\d+)", WebSpiderTest.PageHandler.class));
        server.listen(0, "127.0.0.1");
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 10);
        try {
            String base = "http://127.0.0.1:" + server.port();
            Set<String> seen = loop.runSync(() -> new Crawler(client, base).crawl("/page/0", 4), Duration.ofSeconds(30));
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < 80; i++) {
                expected.add(base + "/page/" + i);
            }
            assertEquals(expected, new TreeSet<>(seen));
        } finally {
            client.close();
            server.stop();
            server.closeAllConnections();
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(5)), Duration.ofSeconds(10));
            loop.close();
        }
    }
}
