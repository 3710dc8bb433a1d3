package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.Future;
import io.squall.IOLoop;

/** Application routing and RequestHandler behaviour, end to end over loopback. */
class WebTest extends HTTPTestCase {
    private AsyncHTTPClient client;
    private static final AtomicInteger CREATED = new AtomicInteger();

    public static class MainHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("Hello, ");
            write("world".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return null;
        }
    }

    public static class JsonHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "caf\u00e9 \"q\"");
            m.put("n", 3);
            m.put("ok", true);
            m.put("nested", Map.of("list", List.of(1, 2)));
            m.put("none", null);
            write(m);
            return null;
        }
    }

    public static class ArgsHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(getArgument("a") + "|" + getArguments("b") + "|" + getArgument("c", "dflt") + "|"
                    + getQueryArguments("a") + "|" + getBodyArguments("a"));
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            return get(args);
        }
    }

    public static class PathHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(args.length + ":" + args[0] + ":" + args[1] + ":" + args[2]);
            return null;
        }
    }

    public static class FailHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new IllegalStateException("secret detail");
        }

        @Override
        public Future<?> post(String... args) {
            return Future.failed(new IllegalArgumentException("async secret"));
        }

        @Override
        public Future<?> put(String... args) {
            throw new HTTPError(403, "not for you");
        }

        @Override
        public Future<?> delete(String... args) {
            throw new HTTPError(599, "odd", "Custom Reason");
        }
    }

    /** Answers later, from a timer, like a coroutine that awaited something. */
    public static class AsyncHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            Future<Void> done = new Future<>();
            IOLoop.current().callLater(Duration.ofMillis(20), () -> {
                setStatus(201);
                write("later");
                done.setResult(null);
            });
            return done;
        }

        @Override
        public Future<?> post(String... args) {
            Future<Void> done = new Future<>();
            IOLoop.current().callLater(Duration.ofMillis(5), () -> done.setException(new HTTPError(409)));
            return done;
        }
    }

    /** Flushes twice before finishing: the response goes out chunked. */
    public static class FlushHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("part1,");
            Future<Void> flushed = flush();
            Future<Void> done = new Future<>();
            flushed.addDoneCallback(f -> {
                write("part2");
                flush();
                done.setResult(null);
            });
            return done;
        }
    }

    public static class HeaderHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            StringBuilder refused = new StringBuilder();
            for (String[] bad : new String[][] {{"X-Evil", "a\r\nSet-Cookie: x=1"}, {"X-Evil", "a\nb"},
                    {"X\r\nEvil", "v"}, {"X Evil", "v"}}) {
                try {
                    setHeader(bad[0], bad[1]);
                } catch (IllegalArgumentException e) {
                    refused.append('r');
                }
                try {
                    addHeader(bad[0], bad[1]);
                } catch (IllegalArgumentException e) {
                    refused.append('a');
                }
            }
            try {
                setStatus(200, "OK\r\nX-Evil: 1");
            } catch (IllegalArgumentException e) {
                refused.append('s');
            }
            assertThrows(IllegalArgumentException.class, () -> setStatus(299));
            setStatus(202);
            setHeader("X-One", "1");
            addHeader("X-Multi", "a");
            addHeader("X-Multi", "b");
            setHeader("X-Gone", "x");
            clearHeader("X-Gone");
            write(refused.toString());
            return null;
        }

        @Override
        public Future<?> head(String... args) {
            setHeader("X-Head", "yes");
            write("ignored body");
            return null;
        }
    }

    public static class PrepareHandler extends RequestHandler {
        @Override
        protected Future<?> prepare() {
            if (getArgument("go", null) == null) {
                redirect("/main");
            }
            return null;
        }

        @Override
        public Future<?> get(String... args) {
            write("went");
            return null;
        }
    }

    /** Made by a factory; counts instances to show one per request. */
    public static class CountingHandler extends RequestHandler {
        private final int id;
        private final List<String> finished;

        CountingHandler(List<String> finished) {
            this.id = CREATED.incrementAndGet();
            this.finished = finished;
        }

        @Override
        public Future<?> get(String... args) {
            write("instance " + id);
            return null;
        }

        @Override
        protected void onFinish() {
            finished.add("finished " + id);
        }
    }

    /** Declares framing it does not keep: a bad Content-Length, or fewer bytes than declared. */
    public static class BadLengthHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setHeader("Content-Length", "-3");
            write("abc");
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            setHeader("Content-Length", "10");
            write("abc");
            return null;
        }
    }

    /** Waits for ever; reports when the client goes away. */
    static class LongPollHandler extends RequestHandler {
        private final Future<String> closed;

        LongPollHandler(Future<String> closed) {
            this.closed = closed;
        }

        @Override
        public Future<?> get(String... args) {
            return new Future<Void>();
        }

        @Override
        protected void onConnectionClose() {
            closed.setResult("closed while waiting for " + request().path());
        }
    }

    /** Reads and sets cookies. */
    public static class CookieHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setCookie("session", "abc123");
            setCookie("pref", "x%20y", Duration.ofHours(1));
            clearCookie("old");
            try {
                setCookie("bad", "a;b");
            } catch (IllegalArgumentException e) {
                write("refused;");
            }
            write(getCookie("a") + "|" + getCookie("b") + "|" + getCookie("c", "none") + "|" + request().remoteIp());
            return null;
        }
    }

    private final Future<String> pollClosed = new Future<>();

    private final List<String> finishedLog = new java.util.ArrayList<>();

    @BeforeEach
    void startApp() {
        Application app = new Application()
                .addHandler("/main", MainHandler.class)
                .addHandler("/json", JsonHandler.class)
                .addHandler("/args", ArgsHandler.class)
                .addHandler("/path/([a-z]+)/(\\d+)(/extra)?", PathHandler.class)
                .addHandler("/fail", FailHandler.class)
                .addHandler("/async", AsyncHandler.class)
                .addHandler("/flush", FlushHandler.class)
                .addHandler("/headers", HeaderHandler.class)
                .addHandler("/prepare", PrepareHandler.class)
                .addHandler("/badlength", BadLengthHandler.class)
                .addHandler("/cookies", CookieHandler.class)
                .addHandler("/poll", () -> new LongPollHandler(pollClosed))
                .addHandler("/count", () -> new CountingHandler(finishedLog));
        start(new HTTPServer(app));
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private HTTPResponse fetch(String path) {
        return fetch(new HTTPRequest(url(path)));
    }

    private HTTPResponse fetch(HTTPRequest r) {
        return runSync(() -> client.fetch(r.raiseError(false).followRedirects(false)));
    }

    @Test
    void writesStringsAndBytes() {
        HTTPResponse r = fetch("/main");
        assertEquals(200, r.code());
        assertEquals("Hello, world", r.bodyAsString());
        assertEquals("text/html; charset=UTF-8", r.headers().get("Content-Type"));
        assertEquals("12", r.headers().get("Content-Length"));
    }

    @Test
    void writesJson() {
        HTTPResponse r = fetch("/json");
        assertEquals("application/json; charset=UTF-8", r.headers().get("Content-Type"));
        assertEquals("{\"name\":\"caf\u00e9 \\\"q\\\"\",\"n\":3,\"ok\":true,\"nested\":{\"list\":[1,2]},\"none\":null}",
                r.bodyAsString());
    }

    @Test
    void argumentsFromQueryAndForm() {
        assertEquals("2|[x y, z]|dflt|[1, 2]|[]", fetch("/args?a=1&b=x+y&a=2&b=z").bodyAsString());
        HTTPResponse form = fetch(new HTTPRequest(url("/args?a=q")).method("POST")
                .header("Content-Type", "application/x-www-form-urlencoded").body("a=%C3%A9+f&c=+given+"));
        assertEquals("\u00e9 f|[]|given|[q]|[\u00e9 f]", form.bodyAsString());
        HTTPResponse missing = fetch("/args?b=1");
        assertEquals(400, missing.code());
        assertTrue(missing.bodyAsString().contains("400: Bad Request"), missing.bodyAsString());
        logs.expect(Level.WARNING, "HTTPError 400 in io.squall.http.WebTest$ArgsHandler for GET /args?b=1 (127.0.0.1):"
                + " Missing argument a");
    }

    @Test
    void pathGroupsArePercentDecodedArguments() {
        assertEquals("3:abc:42:null", fetch("/path/abc/42").bodyAsString());
        assertEquals("3:xyz:7:/extra", fetch("/path/xyz/7/extra").bodyAsString());
        assertEquals(404, fetch("/path/ABC/42").code(), "the pattern must match the whole path");
        assertEquals(404, fetch("/path/abc/42/more").code());
    }

    @Test
    void percentDecodingOfGroups() {
        Application app = new Application().addHandler("/d/(.*)", PathEcho::new);
        HTTPServer second = new HTTPServer(app);
        second.listen(0, "127.0.0.1");
        try {
            HTTPResponse r = fetch(new HTTPRequest("http://127.0.0.1:" + second.port() + "/d/a%20b%2Fc+d%C3%A9"));
            assertEquals("a b/c+d\u00e9", r.bodyAsString());
        } finally {
            second.stop();
            second.closeAllConnections();
        }
    }

    /** Writes its only group back. */
    static class PathEcho extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(args[0]);
            return null;
        }
    }

    @Test
    void notFoundAndMethodNotAllowed() {
        HTTPResponse nf = fetch("/nowhere");
        assertEquals(404, nf.code());
        assertEquals("<html><title>404: Not Found</title><body>404: Not Found</body></html>", nf.bodyAsString());
        HTTPResponse post = fetch(new HTTPRequest(url("/main")).method("POST").body("x"));
        assertEquals(405, post.code());
        assertEquals(405, fetch(new HTTPRequest(url("/main")).method("BREW")).code());
        assertEquals(405, fetch(new HTTPRequest(url("/main")).method("HEAD")).code());
    }

    @Test
    void exceptionsGive500WithoutDetailsAndAreLogged() {
        HTTPResponse sync = fetch("/fail");
        assertEquals(500, sync.code());
        assertFalse(sync.bodyAsString().contains("secret"), sync.bodyAsString());
        assertEquals("secret detail", logs.expect(Level.SEVERE, "for GET /fail").getThrown().getMessage());
        logs.expect(Level.SEVERE, "500 GET /fail");

        HTTPResponse async = fetch(new HTTPRequest(url("/fail")).method("POST").body(""));
        assertEquals(500, async.code());
        assertFalse(async.bodyAsString().contains("secret"));
        assertEquals("async secret", logs.expect(Level.SEVERE, "for POST /fail").getThrown().getMessage());
        logs.expect(Level.SEVERE, "500 POST /fail");
    }

    @Test
    void httpErrorsGiveTheirStatus() {
        HTTPResponse forbidden = fetch(new HTTPRequest(url("/fail")).method("PUT").body("x"));
        assertEquals(403, forbidden.code());
        assertEquals("<html><title>403: Forbidden</title><body>403: Forbidden</body></html>", forbidden.bodyAsString());
        assertFalse(forbidden.bodyAsString().contains("not for you"));
        logs.expect(Level.WARNING, "for PUT /fail (127.0.0.1): not for you");
        HTTPResponse custom = fetch(new HTTPRequest(url("/fail")).method("DELETE"));
        assertEquals(599, custom.code());
        assertEquals("Custom Reason", custom.reason());
        assertTrue(logs.expect(Level.WARNING, "HTTPError 599 in ").getMessage().endsWith(" for DELETE /fail (127.0.0.1): odd"));
        logs.expect(Level.SEVERE, "599 DELETE /fail");
        assertEquals(409, fetch(new HTTPRequest(url("/async")).method("POST").body("")).code());
    }

    @Test
    void handlerFutureCompletingLaterFinishesTheResponse() {
        HTTPResponse r = fetch("/async");
        assertEquals(201, r.code());
        assertEquals("Created", r.reason());
        assertEquals("later", r.bodyAsString());
    }

    @Test
    void flushSendsChunks() {
        HTTPResponse r = fetch("/flush");
        assertEquals("part1,part2", r.bodyAsString());
        assertEquals("chunked", r.headers().get("Transfer-Encoding"));
        assertNull(r.headers().get("Content-Length"));
    }

    @Test
    void headerInjectionIsRefusedAndHeadersAreSet() {
        HTTPResponse r = fetch("/headers");
        assertEquals("ra".repeat(4) + "s", r.bodyAsString());
        assertEquals(202, r.code());
        assertEquals("1", r.headers().get("X-One"));
        assertEquals(List.of("a", "b"), r.headers().getAll("X-Multi"));
        assertFalse(r.headers().contains("X-Gone"));
        assertFalse(r.headers().contains("X-Evil"));
        assertFalse(r.headers().contains("Set-Cookie"));
        HTTPResponse head = fetch(new HTTPRequest(url("/headers")).method("HEAD"));
        assertEquals("yes", head.headers().get("X-Head"));
        assertEquals("12", head.headers().get("Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void prepareCanFinishTheRequest() {
        HTTPResponse redirected = fetch("/prepare");
        assertEquals(302, redirected.code());
        assertEquals("/main", redirected.headers().get("Location"));
        assertEquals("went", fetch("/prepare?go=1").bodyAsString());
        HTTPResponse followed = runSync(() -> client.fetch(url("/prepare")));
        assertEquals("Hello, world", followed.bodyAsString());
        assertEquals(url("/main"), followed.effectiveUrl());
    }

    @Test
    void oneHandlerPerRequestFromTheFactory() {
        int before = CREATED.get();
        assertEquals("instance " + (before + 1), fetch("/count").bodyAsString());
        assertEquals("instance " + (before + 2), fetch("/count").bodyAsString());
        assertEquals(List.of("finished " + (before + 1), "finished " + (before + 2)), finishedLog);
    }

    @Test
    void badRoutesAreRefusedEarly() {
        assertThrows(IllegalArgumentException.class, () -> new Application().addHandler("/(", MainHandler.class));
        IllegalArgumentException inner = assertThrows(IllegalArgumentException.class,
                () -> new Application().addHandler("/x", Inner.class));
        assertTrue(inner.getMessage().contains("inner class"), inner.getMessage());
    }

    /** Not static: cannot be created without an enclosing instance. */
    class Inner extends RequestHandler {
    }

    @Test
    void inconsistentFramingFromAHandler() {
        HTTPResponse invalid = fetch("/badlength");
        assertEquals(500, invalid.code());
        assertTrue(logs.expect(Level.SEVERE, "for GET /badlength").getThrown().getMessage().contains("Content-Length"));
        logs.expect(Level.SEVERE, "500 GET /badlength");
        HTTPClientError cut = assertThrows(HTTPClientError.class,
                () -> fetch(new HTTPRequest(url("/badlength")).method("POST").body("")));
        assertEquals(599, cut.code());
        assertTrue(cut.getMessage().contains("closed before the response was complete"), cut.getMessage());
        logs.expect(Level.WARNING, "finished after 3 of the 10 bytes");
        assertEquals(200, fetch("/main").code());
    }

    @Test
    void clientGoingAwayCallsOnConnectionClose() {
        blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /poll HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            return null;
        });
        assertEquals("closed while waiting for /poll", runSync(() -> pollClosed));
        assertEquals(200, fetch("/main").code());
    }

    @Test
    void cookiesBothWays() {
        HTTPResponse r = fetch(new HTTPRequest(url("/cookies")).header("Cookie", "a=1; b=\"quoted\"")
                .header("X-Real-Ip", "10.1.2.3"));
        assertEquals("refused;1|quoted|none|127.0.0.1", r.bodyAsString(), "X-Real-Ip is ignored unless xheaders");
        List<String> set = r.headers().getAll("Set-Cookie");
        assertEquals(3, set.size(), set.toString());
        assertEquals("session=abc123; Path=/", set.get(0));
        assertTrue(set.get(1).startsWith("pref=x%20y; Path=/; Max-Age=3600; Expires="), set.get(1));
        assertTrue(set.get(2).startsWith("old=; Path=/; Max-Age=0; Expires="), set.get(2));
    }

    @Test
    void xheadersGiveTheProxiedClientAddress() {
        HTTPServer proxied = new HTTPServer(new Application().addHandler("/cookies", CookieHandler.class)).xheaders(true);
        proxied.listen(0, "127.0.0.1");
        try {
            String base = "http://127.0.0.1:" + proxied.port();
            assertTrue(fetch(new HTTPRequest(base + "/cookies").header("X-Real-Ip", "10.1.2.3")).bodyAsString()
                    .endsWith("|10.1.2.3"));
            assertTrue(fetch(new HTTPRequest(base + "/cookies").header("X-Forwarded-For", "1.1.1.1, 2001:db8::1"))
                    .bodyAsString().endsWith("|2001:db8::1"));
            assertTrue(fetch(new HTTPRequest(base + "/cookies").header("X-Real-Ip", "not an ip")).bodyAsString()
                    .endsWith("|127.0.0.1"));
        } finally {
            proxied.stop();
            proxied.closeAllConnections();
        }
    }
}
