package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/** StaticFileHandler over loopback: confinement against hostile paths, validators, ranges, big files, gzip. */
class StaticFileHandlerTest extends HTTPTestCase {
    @TempDir
    Path tmp;
    Path root;
    byte[] big;
    Application app;

    @BeforeEach
    void files() throws IOException {
        root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("hello.txt"), "Hello, static world!");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<h1>index</h1>");
        Files.writeString(root.resolve("sub/inner.txt"), "inner");
        Files.write(root.resolve("empty.txt"), new byte[0]);
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(root.resolve("style.css"), "body { color: red; }\n".repeat(200));
        Files.writeString(tmp.resolve("secret.txt"), "TOP SECRET");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("linkdir"), outside);
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("hello.txt"));
        app = new Application()
                .addHandler("/static/(.*)", () -> new StaticFileHandler(root))
                .addHandler("/site/(.*)", () -> new StaticFileHandler(root, "index.html"));
        start(new HTTPServer(app));
    }

    private RawClient.Response raw(String method, String target, String... headers) {
        List<RawClient.Response> rs = rawAll(List.of(method + " " + target), headers);
        return rs.get(0);
    }

    /** Sends each "METHOD target" on one keep-alive connection and reads the responses. */
    private List<RawClient.Response> rawAll(List<String> requests, String... headers) {
        return blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                List<RawClient.Response> out = new ArrayList<>();
                for (String req : requests) {
                    StringBuilder b = new StringBuilder(req).append(" HTTP/1.1\r\nHost: x\r\n");
                    for (String h : headers) {
                        b.append(h).append("\r\n");
                    }
                    c.send(b.append("\r\n").toString());
                    out.add(c.read(req.startsWith("HEAD ")));
                }
                return out;
            }
        });
    }

    @Test
    void servesAFileWithValidators() {
        RawClient.Response r = raw("GET", "/static/hello.txt");
        assertEquals(200, r.code);
        assertEquals("Hello, static world!", r.text());
        assertEquals("text/plain", r.headers.get("Content-Type"));
        assertEquals("20", r.headers.get("Content-Length"));
        assertEquals("bytes", r.headers.get("Accept-Ranges"));
        assertEquals("nosniff", r.headers.get("X-Content-Type-Options"));
        assertTrue(r.headers.get("ETag").matches("\"[0-9a-f]{32}\""), r.headers.get("ETag"));
        assertNotNullDate(r.headers.get("Last-Modified"));
        assertNull(r.headers.get("Cache-Control"), "unversioned: clients revalidate");
        assertEquals("Hello, static world!", raw("GET", "/static/alias.txt").text(), "a link inside the root is fine");
    }

    private static void assertNotNullDate(String s) {
        assertTrue(s != null && s.endsWith(" GMT"), String.valueOf(s));
    }

    @Test
    void headSendsTheHeadersOnly() {
        RawClient.Response r = raw("HEAD", "/static/big.bin");
        assertEquals(200, r.code);
        assertEquals(Integer.toString(big.length), r.headers.get("Content-Length"));
        assertEquals("application/octet-stream", r.headers.get("Content-Type"));
        assertEquals(0, r.body.length);
        List<RawClient.Response> two = rawAll(List.of("HEAD /static/hello.txt", "GET /static/hello.txt"));
        assertEquals("Hello, static world!", two.get(1).text(), "the connection is still in sync after HEAD");
    }

    @Test
    void conditionalRequestsGet304() throws IOException {
        RawClient.Response first = raw("GET", "/static/hello.txt");
        String etag = first.headers.get("ETag");
        String modified = first.headers.get("Last-Modified");
        RawClient.Response r = raw("GET", "/static/hello.txt", "If-None-Match: " + etag);
        assertEquals(304, r.code);
        assertEquals(etag, r.headers.get("ETag"));
        assertEquals(304, raw("GET", "/static/hello.txt", "If-None-Match: \"x\", W/" + etag).code, "weak comparison");
        assertEquals(304, raw("GET", "/static/hello.txt", "If-None-Match: *").code);
        assertEquals(200, raw("GET", "/static/hello.txt", "If-None-Match: \"other\"").code);
        assertEquals(304, raw("GET", "/static/hello.txt", "If-Modified-Since: " + modified).code);
        assertEquals(200, raw("GET", "/static/hello.txt", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT").code);
        assertEquals(200, raw("GET", "/static/hello.txt", "If-Modified-Since: yesterday").code, "bad date ignored");
        assertEquals(200, raw("GET", "/static/hello.txt", "If-None-Match: \"other\"",
                "If-Modified-Since: " + modified).code, "If-None-Match wins over If-Modified-Since");
        // A change of content changes the ETag.
        Files.writeString(root.resolve("hello.txt"), "Hello, changed world");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(Instant.now().plusSeconds(5)));
        RawClient.Response changed = raw("GET", "/static/hello.txt", "If-None-Match: " + etag);
        assertEquals(200, changed.code);
        assertNotEquals(etag, changed.headers.get("ETag"));
    }

    @Test
    void singleRanges() {
        RawClient.Response r = raw("GET", "/static/hello.txt", "Range: bytes=0-4");
        assertEquals(206, r.code);
        assertEquals("Hello", r.text());
        assertEquals("bytes 0-4/20", r.headers.get("Content-Range"));
        assertEquals("5", r.headers.get("Content-Length"));
        assertEquals("world!", raw("GET", "/static/hello.txt", "Range: bytes=-6").text());
        assertEquals("static world!", raw("GET", "/static/hello.txt", "Range: bytes=7-").text());
        assertEquals("bytes 7-19/20", raw("GET", "/static/hello.txt", "Range: bytes=7-1000").headers.get("Content-Range"));
        assertEquals("Hello, static world!", raw("GET", "/static/hello.txt", "Range: bytes=-500").text());
        RawClient.Response mid = raw("GET", "/static/big.bin", "Range: bytes=1000000-1999999");
        assertEquals(206, mid.code);
        assertArrayEquals(Arrays.copyOfRange(big, 1000000, 2000000), mid.body);
    }

    @Test
    void badRangesGet416OrTheWholeFile() {
        for (String bad : new String[] {"bytes=20-", "bytes=100-200", "bytes=-0", "bytes=99999999999999999999999-"}) {
            RawClient.Response r = raw("GET", "/static/hello.txt", "Range: " + bad);
            assertEquals(416, r.code, bad);
            assertEquals("bytes */20", r.headers.get("Content-Range"), bad);
            assertEquals(0, r.body.length);
        }
        assertEquals(416, raw("GET", "/static/empty.txt", "Range: bytes=0-").code);
        // Ignored (RFC 9110 14.2): malformed, other units, several ranges.
        for (String ignored : new String[] {"bytes=5-2", "bytes=a-b", "items=0-1", "bytes=0-1,3-4", "bytes=0-0,-1",
                "bytes", "bytes=--1", "bytes= -"}) {
            RawClient.Response r = raw("GET", "/static/hello.txt", "Range: " + ignored);
            assertEquals(200, r.code, ignored);
            assertEquals("Hello, static world!", r.text(), ignored);
        }
        String etag = raw("GET", "/static/hello.txt").headers.get("ETag");
        assertEquals(206, raw("GET", "/static/hello.txt", "Range: bytes=0-1", "If-Range: " + etag).code);
        assertEquals(200, raw("GET", "/static/hello.txt", "Range: bytes=0-1", "If-Range: \"stale\"").code);
        assertEquals(200, raw("GET", "/static/hello.txt", "Range: bytes=0-1", "If-Range: W/" + etag).code,
                "If-Range uses strong comparison");
    }

    @Test
    void bigFilesAreStreamedIntact() {
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        HTTPResponse r;
        try {
            r = runSync(() -> client.fetch(url("/static/big.bin")));
        } finally {
            client.close();
        }
        assertEquals(200, r.code());
        assertArrayEquals(big, r.body());
    }

    /** A client that leaves in the middle of a big file: the transfer stops and the server goes on. */
    @Test
    void clientLeavingMidTransfer() throws Exception {
        Files.write(root.resolve("huge.bin"), new byte[32 * 1024 * 1024]);
        for (int i = 0; i < 3; i++) {
            blocking(() -> {
                try (RawClient c = new RawClient(port)) {
                    c.socket.setReceiveBufferSize(4096);
                    c.send("GET /static/huge.bin HTTP/1.1\r\nHost: x\r\n\r\n");
                    c.readLine();
                    c.socket.setSoLinger(true, 0); // a reset, as a client that crashed
                }
                return null;
            });
        }
        assertEquals("Hello, static world!", raw("GET", "/static/hello.txt").text());
        RawClient.Response whole = raw("GET", "/static/big.bin");
        assertArrayEquals(big, whole.body);
        // The file is not held open by the abandoned transfers (on Linux a held file would still be listed).
        runSync(() -> io.squall.Gen.sleep(java.time.Duration.ofMillis(50)));
        Path fds = Path.of("/proc/self/fd");
        if (Files.isDirectory(fds)) {
            long open = 0;
            try (var list = Files.list(fds)) {
                for (Path fd : (Iterable<Path>) list::iterator) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().endsWith("huge.bin")) {
                            open++;
                        }
                    } catch (IOException gone) {
                        // closed while listing
                    }
                }
            }
            assertEquals(0, open, "file descriptors of huge.bin still open");
        }
    }

    @Test
    void hostilePathsAreRefusedAndTheServerKeepsServing() {
        String[][] cases = {
            {"/static/../secret.txt", "403"},
            {"/static/%2e%2e/secret.txt", "403"},
            {"/static/%2E%2E%2Fsecret.txt", "403"},
            {"/static/..%2fsecret.txt", "403"},
            {"/static/sub/../../secret.txt", "403"},
            {"/static/sub/%2e%2e/%2e%2e/secret.txt", "403"},
            {"/static/..%5csecret.txt", "403"},
            {"/static/%5c..%5csecret.txt", "403"},
            {"/static/sub\\..\\..\\secret.txt", "403"},
            {"/static//etc/passwd", "403"},
            {"/static/%2fetc%2fpasswd", "403"},
            {"/static/C:%5cWindows%5cwin.ini", "403"},
            {"/static/hello.txt%00.png", "400"},
            {"/static/%0d%0aX-Evil:%201", "400"},
            {"/static/escape.txt", "403"},
            {"/static/linkdir/secret.txt", "403"},
            {"/static/%252e%252e/secret.txt", "404"},
            {"/static/%c0%ae%c0%ae/secret.txt", "404"},
            {"/static/nothere.txt", "404"},
            {"/static/sub", "403"},
            {"/static/", "403"},
        };
        List<String> requests = new ArrayList<>();
        for (String[] c : cases) {
            requests.add("GET " + c[0]);
            requests.add("GET /static/hello.txt");
        }
        List<RawClient.Response> rs = rawAll(requests);
        for (int i = 0; i < cases.length; i++) {
            RawClient.Response bad = rs.get(2 * i);
            assertEquals(Integer.parseInt(cases[i][1]), bad.code, cases[i][0]);
            assertFalse(bad.text().contains("SECRET"), cases[i][0]);
            assertFalse(bad.headers.contains("X-Evil"), cases[i][0]);
            assertEquals("Hello, static world!", rs.get(2 * i + 1).text(), "served after " + cases[i][0]);
        }
        // Each refusal is logged at WARNING with its reason (Tornado's log_exception); a 404 is not.
        List<String> warned = logs.expectAll(Level.WARNING, "HTTPError 4");
        assertEquals(18, warned.size(), warned.toString());
        assertTrue(warned.contains("HTTPError 403 in io.squall.http.StaticFileHandler for GET /static/../secret.txt"
                + " (127.0.0.1): ../secret.txt has a '..' segment"), warned.toString());
        assertTrue(warned.contains("HTTPError 403 in io.squall.http.StaticFileHandler for GET /static/ (127.0.0.1):"
                + " the static root is a directory (no default filename is set)"), warned.toString());
        assertTrue(warned.contains("HTTPError 400 in io.squall.http.StaticFileHandler for GET /static/%0d%0aX-Evil:%201"
                + " (127.0.0.1): Control character U+000D in static path"), warned.toString());
    }

    @Test
    void directoriesAndDefaultFilename() {
        RawClient.Response r = raw("GET", "/site/sub?x=1");
        assertEquals(301, r.code);
        assertEquals("/site/sub/?x=1", r.headers.get("Location"));
        assertEquals("<h1>index</h1>", raw("GET", "/site/sub/").text());
        assertEquals("text/html", raw("GET", "/site/sub/").headers.get("Content-Type"));
        assertEquals("inner", raw("GET", "/site/sub/inner.txt").text());
        assertEquals(403, raw("GET", "/site/linkdir/").code, "a linked directory outside the root");
        logs.expect(Level.WARNING, "for GET /site/linkdir/ (127.0.0.1): linkdir/ leads out of the static root");
    }

    @Test
    void onlyGetAndHead() {
        assertEquals(405, raw("POST", "/static/hello.txt", "Content-Length: 0").code);
        assertEquals(405, raw("DELETE", "/static/hello.txt").code);
    }

    /** Root-level static path from the settings, staticUrl with a content hash, long cache for versioned URLs. */
    public static class PageHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(staticUrl("style.css") + "\n" + staticUrl("sub/inner.txt"));
            return null;
        }
    }

    @Test
    void versionedStaticUrls() throws IOException {
        app.settings().staticPath(root);
        app.addHandler("/page", PageHandler.class);
        String[] urls = raw("GET", "/page").text().split("\n");
        assertTrue(urls[0].matches("/static/style\\.css\\?v=[0-9a-f]{32}"), urls[0]);
        assertTrue(urls[1].startsWith("/static/sub/inner.txt?v="), urls[1]);
        RawClient.Response versioned = raw("GET", urls[0]);
        assertEquals(200, versioned.code);
        assertEquals("public, max-age=31536000, immutable", versioned.headers.get("Cache-Control"));
        assertNotNullDate(versioned.headers.get("Expires"));
        assertEquals(urls[0].substring(urls[0].indexOf("v=") + 2), versioned.headers.get("ETag").replace("\"", ""),
                "the version is the ETag");
        Files.writeString(root.resolve("style.css"), "p { margin: 0 }");
        Files.setLastModifiedTime(root.resolve("style.css"), FileTime.from(Instant.now().plusSeconds(5)));
        String[] after = raw("GET", "/page").text().split("\n");
        assertNotEquals(urls[0], after[0], "new content, new URL");
        assertEquals(403, raw("GET", "/static/../secret.txt").code, "the settings route is confined too");
        logs.expect(Level.WARNING, "for GET /static/../secret.txt (127.0.0.1): ../secret.txt has a '..' segment");
        Files.writeString(root.resolve("robots.txt"), "User-agent: *");
        assertEquals("User-agent: *", raw("GET", "/robots.txt").text());
        assertEquals(404, raw("GET", "/favicon.ico").code);
    }

    @Test
    void smallTextFilesAreGzippedWhenCompressionIsOn() throws IOException {
        app.settings().compressResponse(true);
        RawClient.Response gz = raw("GET", "/static/style.css", "Accept-Encoding: gzip, deflate");
        assertEquals("gzip", gz.headers.get("Content-Encoding"));
        assertEquals("Accept-Encoding", gz.headers.get("Vary"));
        assertTrue(gz.headers.get("ETag").startsWith("W/\""), gz.headers.get("ETag"));
        assertEquals(Files.readString(root.resolve("style.css")), gunzip(gz.body));
        assertTrue(gz.body.length < 200, "compressed: " + gz.body.length);
        RawClient.Response plain = raw("GET", "/static/style.css");
        assertNull(plain.headers.get("Content-Encoding"));
        assertEquals("Accept-Encoding", plain.headers.get("Vary"));
        RawClient.Response range = raw("GET", "/static/style.css", "Accept-Encoding: gzip", "Range: bytes=0-3");
        assertEquals(206, range.code);
        assertEquals("body", range.text(), "ranges are never gzipped");
        RawClient.Response binary = raw("GET", "/static/big.bin", "Accept-Encoding: gzip");
        assertNull(binary.headers.get("Content-Encoding"));
        assertArrayEquals(big, binary.body);
    }

    static String gunzip(byte[] b) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** curl as an outside client: a download, a range, and a traversal sent as is. */
    @Test
    void curlAgrees() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")),
                "this test needs curl (Debian package curl) at /usr/bin/curl");
        Path out = tmp.resolve("download.bin");
        String code = blocking(() -> curl("-s", "-o", out.toString(), "-w", "%{http_code}", url("/static/big.bin")));
        assertEquals("200", code);
        assertArrayEquals(big, Files.readAllBytes(out));
        assertEquals("static", blocking(() -> curl("-s", "-r", "7-12", url("/static/hello.txt"))));
        assertEquals("403", blocking(() -> curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "--path-as-is",
                url("/static/../secret.txt"))));
        logs.expect(Level.WARNING, "for GET /static/../secret.txt (127.0.0.1): ../secret.txt has a '..' segment");
    }

    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/curl");
        cmd.add("--max-time");
        cmd.add("30");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        return new String(out, StandardCharsets.UTF_8);
    }
}
