package io.squall.tests.web;

import io.squall.tests.RecordingHandler;

import static io.squall.Async.await;
import static io.squall.tests.web.WebClients.off;
import static io.squall.tests.web.WebClients.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.Authenticated;
import io.squall.http.FallbackHandler;
import io.squall.http.HTTPError;
import io.squall.http.HTTPHeaders;
import io.squall.http.RedirectHandler;
import io.squall.http.RequestCallback;
import io.squall.http.RequestHandler;
import io.squall.http.StreamRequestBody;
import io.squall.testing.ExpectLog;
import io.squall.testing.HTTPTestServer;
import io.squall.testing.SquallTest;

/**
 * Singular arguments, conditional GET, default headers, the current user and {@code @Authenticated}, the
 * access log, RedirectHandler and FallbackHandler: real sockets on 127.0.0.1, exact bytes, the real agent.
 */
class WebParityTest {
    static final String PAGE = "<p>dynamic page</p>";

    public static class ArgsHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(getQueryArgument("a") + "|" + getQueryArgument("b", "dflt") + "|" + getQueryArguments("a"));
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            write(getBodyArgument("a") + "|" + getBodyArgument("q", "none") + "|" + getQueryArgument("q") + "|"
                    + getBodyArguments("a") + "|" + getArguments("a"));
            return null;
        }
    }

    /** A dynamic page; ?flush=1 flushes first (then no ETag), ?etag= sets its own. */
    public static class PageHandler extends RequestHandler {
        private int defaultCalls;

        @Override
        protected void setDefaultHeaders() {
            defaultCalls++;
            setHeader("X-Frame-Options", "DENY");
            setHeader("Access-Control-Allow-Origin", "*");
            setHeader("X-Default-Calls", Integer.toString(defaultCalls));
        }

        @Override
        public Future<?> get(String... args) {
            setHeader("X-Temp", "set by get");
            if (getArgument("fail", null) != null) {
                throw new HTTPError(404, "asked to fail", "Not Found: no such page");
            }
            write(PAGE);
            if (getArgument("flush", null) != null) {
                return flush();
            }
            return null;
        }

        @Override
        public Future<?> head(String... args) {
            return get(args);
        }

        @Override
        public Future<?> post(String... args) {
            write(PAGE);
            return null;
        }
    }

    static String sha1(String s) throws Exception {
        return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)))
                + "\"";
    }

    private static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + String.join("", headers) + "\r\n";
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> singularArgumentsDefaultHeadersAndConditionalGet() throws Exception {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 40[04] in .*: (Missing query argument a|asked to fail)$"))) {
            HTTPTestServer s = HTTPTestServer.start(new Application().addHandler("/args", ArgsHandler.class)
                    .addHandler("/page", PageHandler.class));
            int port = s.port();
            assertEquals("2|dflt|[1, 2]", await(off(() -> raw(port, get("/args?a=1&a=+2+")))).body);
            WebClients.Raw missing = await(off(() -> raw(port, get("/args?b=1"))));
            assertEquals("HTTP/1.1 400 Bad Request: missing query argument a", missing.statusLine);
            String form = "a=x&a=y&q=body";
            WebClients.Raw posted = await(off(() -> raw(port, "POST /args?q=query&a=z HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form)));
            assertEquals("y|body|query|[x, y]|[z, x, y]", posted.body);

            // Default headers on a page, and again on an error page (after clear() dropped the others).
            WebClients.Raw page = await(off(() -> raw(port, get("/page"))));
            assertEquals("HTTP/1.1 200 OK", page.statusLine);
            assertEquals(PAGE, page.body);
            assertEquals("DENY", page.header("X-Frame-Options"));
            assertEquals("*", page.header("Access-Control-Allow-Origin"));
            assertEquals("1", page.header("X-Default-Calls"));
            assertEquals("set by get", page.header("X-Temp"));
            String etag = sha1(PAGE);
            assertEquals(etag, page.header("ETag"));
            WebClients.Raw error = await(off(() -> raw(port, get("/page?fail=1"))));
            assertEquals("HTTP/1.1 404 Not Found: no such page", error.statusLine);
            assertEquals("DENY", error.header("X-Frame-Options"));
            assertEquals("2", error.header("X-Default-Calls"));
            assertNull(error.header("X-Temp"));
            assertNull(error.header("ETag"), "only 200 answers get an ETag");

            // If-None-Match: the same tag, a list with a weak form of it, and * give 304 with no body.
            for (String inm : List.of(etag, "\"other\", W/" + etag, "*", "\"a\",\"b\" , " + etag)) {
                WebClients.Raw r = await(off(() -> raw(port, get("/page", "If-None-Match: " + inm + "\r\n"))));
                assertEquals("HTTP/1.1 304 Not Modified", r.statusLine, inm);
                assertEquals("", r.body);
                assertEquals(etag, r.header("ETag"));
                assertNull(r.header("Content-Length"), r.headers);
                assertNull(r.header("Content-Type"), r.headers);
                assertEquals("DENY", r.header("X-Frame-Options"));
            }
            WebClients.Raw head = await(off(() -> raw(port, "HEAD /page HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                    + "If-None-Match: " + etag + "\r\n\r\n")));
            assertEquals("HTTP/1.1 304 Not Modified", head.statusLine);
            WebClients.Raw stale = await(off(() -> raw(port, get("/page", "If-None-Match: \"stale\", W/\"older\"\r\n"))));
            assertEquals("HTTP/1.1 200 OK", stale.statusLine);
            assertEquals(PAGE, stale.body);
            // A flushed (streamed) response gets no ETag and no 304; nor does a POST.
            WebClients.Raw flushed = await(off(() -> raw(port, get("/page?flush=1", "If-None-Match: *\r\n"))));
            assertEquals("HTTP/1.1 200 OK", flushed.statusLine);
            assertNull(flushed.header("ETag"));
            WebClients.Raw post = await(off(() -> raw(port, "POST /page HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                    + "If-None-Match: *\r\nContent-Length: 0\r\n\r\n")));
            assertEquals("HTTP/1.1 200 OK", post.statusLine);
            assertNull(post.header("ETag"));
            assertEquals(2, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    /** Finds the user from a cookie, after an await (as a database lookup would); counts its calls. */
    public static class BaseHandler extends RequestHandler {
        int lookups;

        @Override
        @Coroutine
        protected Future<?> getCurrentUser() {
            lookups++;
            await(Gen.sleep(Duration.ofMillis(2)));
            return Future.of(getCookie("user"));
        }
    }

    public static class SecretHandler extends BaseHandler {
        @Authenticated
        @Override
        public Future<?> get(String... args) {
            String first = currentUser();
            String again = currentUser();
            write("hello " + first + "/" + again + " lookups=" + lookups);
            return null;
        }

        @Authenticated
        @Override
        public Future<?> head(String... args) {
            return get(args);
        }

        @Authenticated
        @Override
        @Coroutine
        public Future<?> post(String... args) {
            await(Gen.sleep(Duration.ofMillis(1)));
            write("posted by " + currentUser());
            return null;
        }

        /** Not annotated: loads the user itself. */
        @Override
        @Coroutine
        public Future<?> put(String... args) {
            Object u = await(loadCurrentUser());
            write("put by " + u + " lookups=" + lookups);
            return null;
        }
    }

    /** Every method needs a user. */
    @Authenticated
    public static class AdminHandler extends BaseHandler {
        @Override
        public Future<?> delete(String... args) {
            write("deleted by " + currentUser());
            return null;
        }
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> authenticatedRedirectsOrRefuses() {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 403 in .*: @Authenticated .*: nobody is logged in"))) {
            Application app = new Application().addHandler("/secret", SecretHandler.class)
                    .addHandler("/admin", AdminHandler.class);
            app.settings().loginUrl("/login");
            int port = HTTPTestServer.start(app).port();
            WebClients.Raw r = await(off(() -> raw(port, get("/secret?x=1&y=%C3%A9"))));
            assertEquals("HTTP/1.1 302 Found", r.statusLine);
            assertEquals("/login?next=%2Fsecret%3Fx%3D1%26y%3D%25C3%25A9", r.header("Location"));
            WebClients.Raw head = await(off(() -> raw(port, "HEAD /secret HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")));
            assertEquals("HTTP/1.1 302 Found", head.statusLine);
            String post = "POST /secret HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Length: 0\r\n";
            assertEquals("HTTP/1.1 403 Forbidden", await(off(() -> raw(port, post + "\r\n"))).statusLine);
            assertEquals("HTTP/1.1 403 Forbidden", await(off(() -> raw(port,
                    "DELETE /admin HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"))).statusLine);

            String cookie = "Cookie: user=ann\r\n";
            assertEquals("hello ann/ann lookups=1", await(off(() -> raw(port, get("/secret", cookie)))).body);
            assertEquals("posted by ann", await(off(() -> raw(port, post + cookie + "\r\n"))).body);
            assertEquals("put by ann lookups=1", await(off(() -> raw(port, "PUT /secret HTTP/1.1\r\nHost: h\r\n"
                    + "Connection: close\r\nContent-Length: 0\r\n" + cookie + "\r\n"))).body);
            assertEquals("put by null lookups=1", await(off(() -> raw(port, "PUT /secret HTTP/1.1\r\nHost: h\r\n"
                    + "Connection: close\r\nContent-Length: 0\r\n\r\n"))).body);
            assertEquals("deleted by bob", await(off(() -> raw(port, "DELETE /admin HTTP/1.1\r\nHost: h\r\n"
                    + "Connection: close\r\nCookie: user=bob\r\n\r\n"))).body);

            // An absolute login URL gets the full URL as next=; no login URL at all refuses GET too.
            app.settings().loginUrl("https://sso.example/login");
            assertEquals("https://sso.example/login?next=http%3A%2F%2F127.0.0.1%2Fsecret",
                    await(off(() -> raw(port, get("/secret")))).header("Location"));
            app.settings().loginUrl(null);
            assertEquals("HTTP/1.1 403 Forbidden", await(off(() -> raw(port, get("/secret")))).statusLine);
            assertEquals(3, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    public static class FailHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new IllegalStateException("broken on purpose");
        }
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> accessLogLevelsAndOverride() throws Exception {
        Class.forName("io.squall.http.AccessLog"); // its defaults are set when it is first used
        Logger access = Logger.getLogger("io.squall.access");
        assertEquals(java.util.logging.Level.WARNING, access.getLevel(),
                "unconfigured, the access log shows failures only (as Tornado under Python's default logging)");
        access.setLevel(java.util.logging.Level.INFO);
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        access.addHandler(h);
        try {
            int port = HTTPTestServer.start(new Application().addHandler("/page", PageHandler.class)
                    .addHandler("/fail", FailHandler.class)).port();
            await(off(() -> raw(port, get("/page?x=1"))));
            await(off(() -> raw(port, get("/nowhere"))));
            try (ExpectLog e = ExpectLog.expect("io.squall", Pattern.compile("Uncaught exception.*broken on purpose"))) {
                assertEquals("HTTP/1.1 500 Internal Server Error", await(off(() -> raw(port, get("/fail")))).statusLine);
            }
            List<String> got = new ArrayList<>();
            synchronized (records) {
                for (LogRecord r : records) {
                    got.add(r.getLevel() + " " + r.getMessage().replaceAll("\\d+\\.\\d\\dms$", "Nms"));
                }
            }
            assertEquals(List.of("INFO 200 GET /page?x=1 (127.0.0.1) Nms", "WARNING 404 GET /nowhere (127.0.0.1) Nms",
                    "SEVERE 500 GET /fail (127.0.0.1) Nms"), got);

            // Per application: a log function replaces the default.
            List<String> mine = new ArrayList<>();
            Application quiet = new Application().addHandler("/page", PageHandler.class);
            quiet.settings().logFunction(handler -> mine.add(handler.getStatus() + " " + handler.request().path()));
            int port2 = HTTPTestServer.start(quiet).port();
            await(off(() -> raw(port2, get("/page"))));
            assertEquals(List.of("200 /page"), mine);
            synchronized (records) {
                assertEquals(3, records.size(), "the overridden application logged nothing on io.squall.access");
            }
        } finally {
            access.removeHandler(h);
            access.setLevel(java.util.logging.Level.WARNING);
        }
        return null;
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> redirectAndFallbackHandlers() {
        RequestCallback legacy = request -> {
            if (request.path().endsWith("/boom")) {
                throw new IllegalStateException("legacy callback broke");
            }
            byte[] body = ("legacy " + request.method() + " " + request.uri() + " " + request.body().length)
                    .getBytes(StandardCharsets.UTF_8);
            return request.connection().respond(200, new HTTPHeaders().set("Content-Type", "text/plain"), body);
        };
        Application app = new Application()
                .addHandler("/docs/(.*)", () -> new RedirectHandler("/manual/{0}"))
                .addHandler("/to/(.*)", () -> new RedirectHandler("/{0}"))
                .addHandler("/go/([a-z]+)/([0-9]+)", () -> new RedirectHandler("https://example.com/{1}/{0}?k=v", false))
                .addHandler("/legacy/.*", () -> new FallbackHandler(legacy));
        app.settings().xsrfCookies(true); // not applied to the mounted callback
        int port = HTTPTestServer.start(app).port();
        WebClients.Raw r = await(off(() -> raw(port, get("/docs/a%20b/c.html?x=1"))));
        assertEquals("HTTP/1.1 301 Moved Permanently", r.statusLine);
        assertEquals("/manual/a%20b/c.html?x=1", r.header("Location"));
        // A group never makes the target protocol-relative (another host): "//evil.example" collapses.
        assertEquals("/evil.example", await(off(() -> raw(port, get("/to//evil.example")))).header("Location"));
        assertEquals("/manual//evil.example", await(off(() -> raw(port, get("/docs//evil.example")))).header("Location"));
        WebClients.Raw go = await(off(() -> raw(port, get("/go/abc/42?z=1"))));
        assertEquals("HTTP/1.1 302 Found", go.statusLine);
        assertEquals("https://example.com/42/abc?k=v&z=1", go.header("Location"));

        assertEquals("legacy GET /legacy/x?y=1 0", await(off(() -> raw(port, get("/legacy/x?y=1")))).body);
        assertEquals("legacy PATCH /legacy/p 3", await(off(() -> raw(port, "PATCH /legacy/p HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close\r\nContent-Length: 3\r\n\r\nabc"))).body);
        try (ExpectLog e = ExpectLog.expect("io.squall", Pattern.compile("legacy callback broke"))) {
            assertEquals("HTTP/1.1 500 Internal Server Error", await(off(() -> raw(port, get("/legacy/boom")))).statusLine);
        }
        assertEquals("legacy GET /legacy/again 0", await(off(() -> raw(port, get("/legacy/again")))).body);
        return null;
    }

    /** Counts the body it is given: it must get none from a client that is not logged in. */
    @StreamRequestBody
    @Authenticated
    public static class PrivateUpload extends BaseHandler {
        static long received;

        @Override
        protected Future<Void> dataReceived(byte[] chunk) {
            received += chunk.length;
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            write("stored " + received + " for " + currentUser());
            return null;
        }
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> authenticatedStreamingUploadIsRefusedBeforeItsBody() {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 403 in .*PrivateUpload for POST /up .*: @Authenticated .*nobody is logged in and no loginUrl is set$"))) {
            int port = HTTPTestServer.start(new Application().addHandler("/up", PrivateUpload.class)).port();
            PrivateUpload.received = 0;
            // Headers announcing 50 MB, and no body sent: the 403 must come without it.
            WebClients.Raw r = await(off(() -> raw(port, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 50000000\r\n\r\n")));
            assertEquals("HTTP/1.1 403 Forbidden", r.statusLine);
            assertEquals(0, PrivateUpload.received);
            WebClients.Raw ok = await(off(() -> raw(port, "POST /up HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"
                    + "Cookie: user=cy\r\nContent-Length: 5\r\n\r\nhello")));
            assertEquals("stored 5 for cy", ok.body);
            assertEquals(1, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }
}
