package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/** gzip, getJsonBody, reverseUrl, the default handler, HTTPError reasons, escaping, urlConcat, form POSTs. */
class WebToolboxTest extends HTTPTestCase {
    static final String TEXT = "All work and no play makes Jack a dull boy. ".repeat(100);
    private AsyncHTTPClient client;
    private Application app;
    @TempDir
    Path tmp;

    public static class TextHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            String type = getArgument("type", null);
            if (type != null) {
                setHeader("Content-Type", type);
            }
            if (getArgument("etag", null) != null) {
                setHeader("ETag", "\"abc\"");
            }
            write(getArgument("small", null) != null ? "tiny" : TEXT);
            if (getArgument("flush", null) != null) {
                Future<Void> f = flush();
                Future<Void> done = new Future<>();
                f.addDoneCallback(x -> {
                    write(" and more");
                    done.setResult(null);
                });
                return done;
            }
            return null;
        }
    }

    public static class JsonEcho extends RequestHandler {
        @Override
        public Future<?> post(String... args) {
            Object v = getArgument("object", null) != null ? getJsonObject() : getJsonBody();
            write(Map.of("got", v));
            return null;
        }
    }

    public static class UserHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(reverseUrl("user", args[0], "x y/\u00e9") + "|" + reverseUrl("home"));
            return null;
        }
    }

    public static class Fallback extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setStatus(404);
            write("custom not found: " + Escape.xhtmlEscape(request().path()) + " args=" + args.length);
            return null;
        }
    }

    public static class ErrorHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new HTTPError(422, "row 17 of user 42 failed the check", getArgument("reason"));
        }
    }

    public static class EchoType extends RequestHandler {
        @Override
        public Future<?> post(String... args) {
            write(request().headers().get("Content-Type", "none") + "|" + getBodyArguments("a"));
            return null;
        }
    }

    /** Sends a file through the connection without a Content-Length: zero-copy inside HTTP/1.1 chunks. */
    public class FileChunked extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            disableTransforms();
            flush();
            try {
                FileChannel ch = FileChannel.open(tmp.resolve("data.txt"), StandardOpenOption.READ);
                Future<Void> sent = connection().writeFile(ch, 4, 10);
                Future<Void> done = new Future<>();
                sent.addDoneCallback(f -> {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    write("|tail");
                    done.setResult(null);
                });
                return done;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @BeforeEach
    void startServer() throws IOException {
        Files.writeString(tmp.resolve("data.txt"), "0123456789abcdefghij");
        app = new Application()
                .addHandler("/text", TextHandler.class)
                .addHandler("/json", JsonEcho.class)
                .addRoute(Application.route("/user/([^/]+)/(.+)", UserHandler.class).named("user"))
                .addRoute(Application.route("/", TextHandler.class).named("home"))
                .addRoute(Application.route("/a(b|c)+", TextHandler.class).named("irreversible"))
                .addHandler("/error", ErrorHandler.class)
                .addHandler("/echo", EchoType.class)
                .addHandler("/file", () -> new FileChunked());
        start(new HTTPServer(app));
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private HTTPResponse fetch(HTTPRequest r) {
        return runSync(() -> client.fetch(r.raiseError(false).followRedirects(false)));
    }

    private HTTPResponse get(String path, String... headers) {
        HTTPRequest r = new HTTPRequest(url(path)).decompressResponse(false); // the server's bytes as sent
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return fetch(r);
    }

    // ---------------------------------------------------------------------------------------------------
    // gzip

    @Test
    void gzipWhenAcceptedCompressibleAndBigEnough() throws IOException {
        app.settings().compressResponse(true);
        HTTPResponse gz = get("/text?etag=1", "Accept-Encoding", "gzip");
        assertEquals("gzip", gz.headers().get("Content-Encoding"));
        assertEquals("Accept-Encoding", gz.headers().get("Vary"));
        assertEquals("W/\"abc\"", gz.headers().get("ETag"));
        assertEquals(Integer.toString(gz.body().length), gz.headers().get("Content-Length"));
        assertTrue(gz.body().length < TEXT.length() / 10, "compressed to " + gz.body().length);
        assertEquals(TEXT, StaticFileHandlerTest.gunzip(gz.body()));

        HTTPResponse chunked = get("/text?flush=1", "Accept-Encoding", "deflate, gzip;q=0.5");
        assertEquals("gzip", chunked.headers().get("Content-Encoding"));
        assertEquals("chunked", chunked.headers().get("Transfer-Encoding"));
        assertEquals(TEXT + " and more", StaticFileHandlerTest.gunzip(chunked.body()));

        HTTPResponse small = get("/text?small=1", "Accept-Encoding", "gzip");
        assertNull(small.headers().get("Content-Encoding"), "under 1 KiB");
        assertEquals("Accept-Encoding", small.headers().get("Vary"));
        assertEquals("tiny", small.bodyAsString());

        for (String refuse : new String[] {"gzip;q=0", "identity", "br", "gzip;q=0, *"}) {
            HTTPResponse r = get("/text", "Accept-Encoding", refuse);
            assertNull(r.headers().get("Content-Encoding"), refuse);
            assertEquals(TEXT, r.bodyAsString(), refuse);
        }
        assertNull(get("/text").headers().get("Content-Encoding"), "no Accept-Encoding, no gzip");
        HTTPResponse binary = get("/text?type=image/png", "Accept-Encoding", "gzip");
        assertNull(binary.headers().get("Content-Encoding"));
        assertNull(binary.headers().get("Vary"), "a binary type never varies");
        assertEquals("gzip", get("/text?type=application/problem%2Bjson", "Accept-Encoding", "*").headers()
                .get("Content-Encoding"));
    }

    @Test
    void gzipOffByDefault() {
        HTTPResponse r = get("/text", "Accept-Encoding", "gzip");
        assertNull(r.headers().get("Content-Encoding"));
        assertNull(r.headers().get("Vary"));
    }

    // ---------------------------------------------------------------------------------------------------
    // getJsonBody

    private HTTPResponse postJson(String path, String contentType, byte[] body) {
        HTTPRequest r = new HTTPRequest(url(path)).method("POST").body(body);
        if (contentType != null) {
            r.header("Content-Type", contentType);
        }
        return fetch(r);
    }

    private HTTPResponse postJson(String body) {
        return postJson("/json", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonBodies() {
        assertEquals("{\"got\":{\"a\":[1,2.5,\"x\\n\",true,null],\"b\":{}}}",
                postJson("{\"a\": [1, 2.5, \"x\\n\", true, null], \"b\": {}}").bodyAsString());
        RawClient.Response untyped = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n[1]");
                return c.read();
            }
        });
        assertEquals("{\"got\":[1]}", untyped.text(), "no Content-Type is taken for JSON");
        assertEquals("{\"got\":\"\u00e9\"}", postJson("/json", "application/vnd.api+json; charset=utf-8",
                "\uFEFF\"\\u00e9\"".getBytes(StandardCharsets.UTF_8)).bodyAsString());
    }

    @Test
    void malformedJsonGetsA400ThatSaysWhereAndTheServerKeepsServing() {
        Object[][] cases = {
            {"{\"a\": 1,}", 400, "malformed JSON: Unexpected '}', expected a string key at line 1, column 9"},
            {"{\"a\": 1\n \"b\": 2}", 400, "expected ',' or '}' at line 2, column 2"},
            {"[1, 2", 400, "Unexpected end of JSON"},
            {"", 400, "empty JSON body"},
            {"{'a': 1}", 400, "expected a string key"},
            {"[01]", 400, "Leading zero"},
            {"[NaN]", 400, "expected a value"},
            {"{\"a\":1,\"a\":2}", 400, "Duplicate key"},
            {"{\"a\\r\\nX-Evil: 1\":1,\"a\\r\\nX-Evil: 1\":2}", 400, "Duplicate key"},
            {"\"tab\there\"", 400, "Control character U+0009"},
            {"[1] [2]", 400, "after the JSON value"},
            {"[".repeat(100_000), 400, "nested deeper than 512"},
            {"{\"a\": tru}", 400, "expected a value"},
            {"\"\\x\"", 400, "Invalid escape"},
            {"\"\\u12G4\"", 400, "Invalid hex digit"},
        };
        for (Object[] c : cases) {
            HTTPResponse r = postJson((String) c[0]);
            assertEquals(c[1], r.code(), (String) c[0]);
            assertTrue(r.reason().contains((String) c[2]), c[0] + " -> " + r.reason());
            assertFalse(r.headers().contains("X-Evil"));
            assertEquals("{\"got\":1}", postJson("1").bodyAsString(), "served after " + c[0]);
        }
        HTTPResponse notUtf8 = postJson("/json", "application/json", new byte[] {'"', (byte) 0xC3, '"'});
        assertEquals(400, notUtf8.code());
        assertTrue(notUtf8.reason().contains("not valid UTF-8"), notUtf8.reason());
        HTTPResponse form = postJson("/json", "application/x-www-form-urlencoded", "a=1".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, form.code());
        assertTrue(form.reason().contains("application/json"), form.reason());
        HTTPResponse notObject = postJson("/json?object=1", "application/json", "[1]".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notObject.code());
        assertTrue(notObject.reason().contains("expected a JSON object"), notObject.reason());
        // Each refusal is logged at WARNING (Tornado's log_exception), client input escaped onto one line.
        List<String> warned = logs.expectAll(Level.WARNING, "HTTPError 4");
        assertEquals(18, warned.size(), warned.toString());
        assertTrue(warned.contains("HTTPError 400 in io.squall.http.WebToolboxTest$JsonEcho for POST /json (127.0.0.1):"
                + " Malformed JSON body: Duplicate key \"a\\r\\nX-Evil: 1\" at line 1, column 21"), warned.toString());
        assertTrue(warned.contains("HTTPError 415 in io.squall.http.WebToolboxTest$JsonEcho for POST /json (127.0.0.1):"
                + " Content-Type application/x-www-form-urlencoded is not JSON"), warned.toString());
    }

    @Test
    void jsonDecodeValues() {
        assertEquals(Long.valueOf(-12), JSON.decode(" -12 "));
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"),
                JSON.decode("123456789012345678901234567890"));
        assertEquals(Long.MAX_VALUE, JSON.decode("9223372036854775807"));
        assertEquals(1.5e300, JSON.decode("1.5e300"));
        assertEquals(new java.math.BigDecimal("1e400"), JSON.decode("1e400"));
        assertEquals("\uD83D\uDE00 \"/\\", JSON.decode("\"\\ud83d\\ude00 \\\"\\/\\\\\""));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("z", List.of());
        expected.put("a", false);
        assertEquals(expected, JSON.decode("{\"z\":[],\"a\":false}"));
        assertEquals(List.of("z", "a"), List.copyOf(((Map<?, ?>) JSON.decode("{\"z\":[],\"a\":false}")).keySet()),
                "document order");
        JSONDecodeError e = assertThrows(JSONDecodeError.class, () -> JSON.decode("{\n  \"a\": ]"));
        assertEquals(2, e.line());
        assertEquals(8, e.column());
        String deep = "[".repeat(512) + "]".repeat(512);
        assertEquals(List.class, JSON.decode(deep).getClass().getInterfaces()[0]);
        assertThrows(JSONDecodeError.class, () -> JSON.decode("[".repeat(513) + "]".repeat(513)));
        Object roundTrip = JSON.decode(JSON.encode(Map.of("k", List.of(1, "two", Map.of("x", 3.25)))));
        assertEquals(Map.of("k", List.of(1L, "two", Map.of("x", 3.25))), roundTrip);
    }

    // ---------------------------------------------------------------------------------------------------
    // reverseUrl, default handler, HTTPError

    @Test
    void reverseUrlOfNamedRoutes() {
        assertEquals("/user/42/x%20y/%C3%A9|/", get("/user/42/anything").bodyAsString());
        assertEquals("/user/7/a", app.reverseUrl("user", 7, "a"));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> app.reverseUrl("user", 1));
        assertTrue(count.getMessage().contains("2 group(s) but 1 argument(s)"), count.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> app.reverseUrl("nope"));
        assertTrue(unknown.getMessage().contains("No route named nope"), unknown.getMessage());
        IllegalArgumentException irreversible = assertThrows(IllegalArgumentException.class,
                () -> app.reverseUrl("irreversible", "b"));
        assertTrue(irreversible.getMessage().contains("cannot be reversed"), irreversible.getMessage());
        assertEquals("/a.b/x", new ReverseUrl("^/a\\.b/([a-z]+)$").reverse("r", "x"));
        assertEquals("/f/1/g/2", new ReverseUrl("/f/([0-9]+)/g/([0-9]+)").reverse("r", 1, 2));
    }

    @Test
    void defaultHandlerForUnmatchedPaths() {
        assertEquals(404, get("/nowhere").code());
        assertTrue(get("/nowhere").bodyAsString().contains("404: Not Found"));
        app.settings().defaultHandler(Fallback::new);
        HTTPResponse r = get("/nowhere/%3Cscript%3E");
        assertEquals(404, r.code());
        assertEquals("custom not found: /nowhere/%3Cscript%3E args=0", r.bodyAsString());
        assertEquals(200, get("/text").code(), "routes still win");
    }

    @Test
    void httpErrorReasonIsForTheClientAndTheMessageForTheLog() {
        HTTPResponse r = get("/error?reason=" + HTTPUtil.urlEncode("Check <failed>"));
        assertEquals(422, r.code());
        assertEquals("Check <failed>", r.reason());
        assertTrue(r.bodyAsString().contains("422: Check &lt;failed&gt;"), r.bodyAsString());
        assertFalse(r.bodyAsString().contains("row 17"), "the log message stays on the server");
        HTTPResponse injected = get("/error?reason=" + HTTPUtil.urlEncode("Bad\r\nX-Evil: 1"));
        assertEquals(422, injected.code());
        assertEquals("Bad??X-Evil: 1", injected.reason());
        assertFalse(injected.headers().contains("X-Evil"));
        assertEquals(2, logs.expectAll(Level.WARNING, "HTTPError 422 in io.squall.http.WebToolboxTest$ErrorHandler for"
                + " GET /error?reason=").stream().filter(m -> m.endsWith(": row 17 of user 42 failed the check")).count());
        HTTPError e = new HTTPError(400, "internal detail", "Bad date");
        assertEquals("internal detail", e.logMessage());
        assertEquals("Bad date", e.reason());
        assertEquals("HTTP 400: internal detail", e.getMessage());
        assertNull(new HTTPError(404).logMessage());
        assertEquals("Not Found", new HTTPError(404).reason());
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers and the client

    @Test
    void xhtmlEscape() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;",
                Escape.xhtmlEscape("<a href=\"x\">Tom & Jerry's</a>"));
        assertEquals("plain \u00e9", Escape.xhtmlEscape("plain \u00e9"));
        assertEquals("", Escape.xhtmlEscape(null));
    }

    @Test
    void urlConcat() {
        assertEquals("http://h/p?a=1&b=x+y", HTTPUtil.urlConcat("http://h/p?a=1", Map.of("b", "x y")));
        assertEquals("/p?b=2#frag", HTTPUtil.urlConcat("/p#frag", Map.of("b", 2)));
        assertEquals("/p?a=1&b=2#f?g", HTTPUtil.urlConcat("/p?a=1#f?g", Map.of("b", "2")));
        assertEquals("/p?b=2", HTTPUtil.urlConcat("/p?", Map.of("b", "2")));
        assertEquals("/p?a=1&b=2", HTTPUtil.urlConcat("/p?a=1&", Map.of("b", "2")));
        assertEquals("/p?c=1&c=2", HTTPUtil.urlConcat("/p", Map.of("c", List.of(1, 2))));
        assertEquals("/p?a=1#x", HTTPUtil.urlConcat("/p?a=1#x", Map.of()));
        assertEquals("/p?k=%26%3D%23", HTTPUtil.urlConcat("/p", Map.of("k", "&=#")));
    }

    @Test
    void clientPostsFormsAsUrlencoded() {
        assertEquals("application/x-www-form-urlencoded|[1]",
                fetch(new HTTPRequest(url("/echo")).method("POST").body("a=1")).bodyAsString());
        assertEquals("text/plain|[]", fetch(new HTTPRequest(url("/echo")).method("POST").body("a=1")
                .header("Content-Type", "text/plain")).bodyAsString(), "the user's type is kept");
        assertEquals("application/x-www-form-urlencoded|[x y, z]", fetch(new HTTPRequest(url("/echo")).method("POST")
                .form(Map.of("a", List.of("x y", "z")))).bodyAsString());
    }

    @Test
    void writeFileInsideChunks() {
        HTTPResponse r = get("/file");
        assertEquals("chunked", r.headers().get("Transfer-Encoding"));
        assertEquals("456789abcd|tail", r.bodyAsString());
    }

    /** The default writeFile (for connections that cannot send zero-copy) copies in pieces, one flushed at a time. */
    @Test
    void defaultWriteFileCopiesInPieces() throws IOException {
        byte[] data = new byte[200_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(tmp.resolve("copy.bin"), data);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        List<Future<Void>> pending = new java.util.ArrayList<>();
        HTTPConnection recording = new HTTPConnection() {
            @Override
            public Future<Void> writeHeaders(int code, String reason, HTTPHeaders headers, byte[] chunk) {
                return Future.of(null);
            }

            @Override
            public Future<Void> write(byte[] chunk) {
                assertTrue(pending.stream().allMatch(Future::isDone), "one piece at a time");
                got.write(chunk, 0, chunk.length);
                Future<Void> f = new Future<>();
                pending.add(f);
                loop.callLater(java.time.Duration.ofMillis(1), () -> f.setResult(null));
                return f;
            }

            @Override
            public Future<Void> finish() {
                return Future.of(null);
            }

            @Override
            public boolean headersWritten() {
                return true;
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isClosed() {
                return false;
            }

            @Override
            public void close() {}

            @Override
            public void setCloseCallback(Runnable cb) {}
        };
        try (FileChannel ch = FileChannel.open(tmp.resolve("copy.bin"), StandardOpenOption.READ)) {
            runSync(() -> recording.writeFile(ch, 1000, 150_000));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(data, 1000, 151_000),
                got.toByteArray());
        assertEquals(3, pending.size(), "64 KiB pieces");
        try (FileChannel ch = FileChannel.open(tmp.resolve("copy.bin"), StandardOpenOption.READ)) {
            IOException e = assertThrows(IOException.class, () -> runSync(() -> recording.writeFile(ch, 150_000, 100_000)));
            assertTrue(e.getMessage().contains("File shrank"), e.getMessage());
        }
    }

    @Test
    void noSecretsOrSettingsLeakInLogs() {
        app.settings().defaultHandler(null);
        assertEquals(404, get("/x").code());
        assertTrue(logs.unexpected(Thread.currentThread().getId()).isEmpty());
        assertFalse(logs.toString().contains(Level.SEVERE.getName()));
    }
}
