package io.squall.tests.web;

import static io.squall.Async.await;
import static io.squall.tests.web.WebClients.curl;
import static io.squall.tests.web.WebClients.off;
import static io.squall.tests.web.WebClients.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPError;
import io.squall.http.HTTPFile;
import io.squall.http.HTTPHeaders;
import io.squall.http.MultipartParser;
import io.squall.http.HTTPServer;
import io.squall.http.HTTPUtil;
import io.squall.http.RequestHandler;
import io.squall.testing.ExpectLog;
import io.squall.testing.HTTPTestServer;
import io.squall.testing.SquallTest;

/**
 * multipart/form-data on a buffered handler: curl -F as the outside client, then hostile bodies sent raw,
 * each answered 400 with its reason while the server keeps serving; the body limit answers 413.
 */
class FormsAndUploadsTest {
    @TempDir
    Path tmp;

    /** Renders what the handler saw: arguments (via the singular and list getters) and files. */
    public static class FormHandler extends RequestHandler {
        @Override
        public Future<?> post(String... args) {
            StringBuilder b = new StringBuilder();
            for (String name : request().bodyArguments().keySet()) {
                b.append("arg ").append(name).append('=').append(getBodyArguments(name))
                        .append(" last=").append(getBodyArgument(name)).append('\n');
            }
            for (List<HTTPFile> files : request().files().values()) {
                for (HTTPFile f : files) {
                    b.append("file ").append(f.name()).append(' ').append(f.filename()).append(' ')
                            .append(f.contentType()).append(' ').append(f.body().length).append(' ')
                            .append(sha256(f.body()).substring(0, 16)).append('\n');
                }
            }
            b.append("q=").append(getQueryArgument("q", "-")).append(" any=").append(getArgument("a", "-"));
            setHeader("Content-Type", "text/plain; charset=UTF-8");
            write(b.toString());
            return null;
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static HTTPTestServer start(long maxBody) {
        Application app = new Application().addHandler("/form", FormHandler.class);
        return HTTPTestServer.start(new HTTPServer(app).maxBodySize(maxBody));
    }

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> curlFormFieldsAndFilesReachTheHandler() throws Exception {
        WebClients.needCurl();
        HTTPTestServer server = start(HTTPServer.DEFAULT_MAX_BODY_SIZE);
        byte[] bin = new byte[300_000];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) (i * 31 + (i >> 7)); // holds CR, LF and '-' bytes
        }
        Path png = Files.write(tmp.resolve("pic.png"), bin);
        Path txt = Files.writeString(tmp.resolve("notes.txt"), "line 1\r\n--not a boundary\r\n");
        String out = await(off(() -> curl("-F", "a=1", "-F", "a= 2 ", "-F", "title=h\u00e9llo w\u00f6rld",
                "-F", "upload=@" + png + ";type=image/png", "-F", "notes=@" + txt + ";type=text/plain",
                "-F", "upload=@" + txt + ";filename=second name.txt;type=text/plain",
                server.url("/form?q=query"))));
        assertEquals("arg a=[1, 2] last=2\n"
                + "arg title=[h\u00e9llo w\u00f6rld] last=h\u00e9llo w\u00f6rld\n"
                + "file upload pic.png image/png 300000 " + sha256(bin).substring(0, 16) + "\n"
                + "file upload second name.txt text/plain 26 " + sha256(Files.readAllBytes(txt)).substring(0, 16) + "\n"
                + "file notes notes.txt text/plain 26 " + sha256(Files.readAllBytes(txt)).substring(0, 16) + "\n"
                + "q=query any=2", out);

        // Over the server's body limit: 413 (not Tornado's 400), and curl sees it.
        HTTPTestServer small = start(100_000);
        String code = await(off(() -> curl("-o", "/dev/null", "-w", "%{http_code}", "-F",
                "upload=@" + png, small.url("/form"))));
        assertEquals("413", code);
        return null;
    }

    private static byte[] post(String contentType, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /form HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    private static final String CT = "multipart/form-data; boundary=XyZ";
    private static final String FIELD = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue";

    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> hostileBodiesGet400WithAReasonAndTheServerKeepsServing() {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 400 in .*FormHandler for POST /form \\(127\\.0\\.0\\.1\\): (multipart|the multipart|no multipart)"))) {
            HTTPTestServer server = start(HTTPServer.DEFAULT_MAX_BODY_SIZE);
            int port = server.port();
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < 101; i++) {
                many.append("--XyZ\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nv\r\n");
            }
            many.append("--XyZ--\r\n");
            Map<String, byte[]> cases = new LinkedHashMap<>();
            cases.put("multipart/form-data without a boundary parameter in Content-Type",
                    post("multipart/form-data", FIELD + "\r\n--XyZ--\r\n"));
            cases.put("no multipart boundary found in the body", post(CT, "just some text"));
            cases.put("the multipart body ended inside a part (no closing boundary)", post(CT, FIELD));
            cases.put("multipart boundary found inside a part's data (a boundary line must end with CRLF or --)",
                    post(CT, FIELD + "\r\n--XyZcontinued\r\n--XyZ--\r\n"));
            cases.put("multipart part 1 has no Content-Disposition header",
                    post(CT, "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--\r\n"));
            cases.put("multipart part 1 has no headers (it needs Content-Disposition: form-data; name=...)",
                    post(CT, "--XyZ\r\n\r\nx\r\n--XyZ--\r\n"));
            cases.put("multipart part 2 has a file name with a '..' path segment",
                    post(CT, FIELD + "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../etc/passwd\""
                            + "\r\n\r\nroot\r\n--XyZ--\r\n"));
            cases.put("multipart part 1 has a file name holding a control character (NUL)",
                    post(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\u0000.txt\"\r\n\r\nx\r\n"
                            + "--XyZ--\r\n"));
            cases.put("the multipart body has more than 100 parts", post(CT, many.toString()));
            cases.put("multipart part 1 has headers longer than 10240 bytes",
                    post(CT, "--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\nX-Pad: " + "p".repeat(11_000)
                            + "\r\n\r\nx\r\n--XyZ--\r\n"));
            cases.put("multipart part 1 has Content-Disposition attachment, not form-data",
                    post(CT, "--XyZ\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--XyZ--\r\n"));
            cases.put("multipart part 1 has no name in its Content-Disposition",
                    post(CT, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--\r\n"));
            for (Map.Entry<String, byte[]> c : cases.entrySet()) {
                WebClients.Raw r = await(off(() -> raw(port, c.getValue())));
                assertEquals("HTTP/1.1 400 Bad Request: " + c.getKey(), r.statusLine, c.getKey());
                assertTrue(r.body.contains("400: Bad Request: " + c.getKey().replace("'", "&#39;")), r.body);
                WebClients.Raw ok = await(off(() -> raw(port, post(CT, FIELD + "\r\n--XyZ--\r\nepilogue"))));
                assertEquals("HTTP/1.1 200 OK", ok.statusLine, "after: " + c.getKey());
                assertEquals("arg a=[value] last=value\nq=- any=value", ok.body);
            }
            assertEquals(12, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    /** The parser on its own: urlencoded and multipart through HTTPUtil.parseBodyArguments, and file names. */
    @Test
    void parseBodyArgumentsBothEncodings() {
        Map<String, List<String>> args = new LinkedHashMap<>();
        Map<String, List<HTTPFile>> files = new LinkedHashMap<>();
        HTTPUtil.parseBodyArguments("application/x-www-form-urlencoded", "a=1&b=x+y&a=%C3%A9".getBytes(
                StandardCharsets.UTF_8), args, files);
        assertEquals(Map.of("a", List.of("1", "\u00e9"), "b", List.of("x y")), args);
        args.clear();
        String body = "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"t\"\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\n\u00e9\r\n"
                + "--B  \r\nContent-Disposition: form-data; name=\"f\"; filename=\"C:\\\\dir\\\\x \\\"q\\\".bin\"\r\n\r\n"
                + "\r\n--\r\n--B\r\n"
                + "Content-Disposition: form-data; name=\"g\"; filename=\"x\"; filename*=UTF-8''%E2%82%AC.txt\r\n\r\n\r\n"
                + "--B--";
        HTTPUtil.parseBodyArguments("multipart/form-data; boundary=\"B\"", body.getBytes(StandardCharsets.ISO_8859_1),
                args, files);
        assertEquals(Map.of("t", List.of("\u00e9")), args);
        List<String> seen = new ArrayList<>();
        files.values().forEach(l -> l.forEach(f -> seen.add(f.name() + "|" + f.filename() + "|" + f.contentType()
                + "|" + new String(f.body(), StandardCharsets.ISO_8859_1))));
        assertEquals(List.of("f|C:\\dir\\x \"q\".bin|application/octet-stream|\r\n--", "g|\u20ac.txt|application/octet-stream|"),
                seen);
        HTTPError e = assertThrows(HTTPError.class, () -> HTTPUtil.parseBodyArguments(
                "multipart/form-data; boundary=" + "b".repeat(71), new byte[1], new LinkedHashMap<>(), new LinkedHashMap<>()));
        assertEquals(400, e.status());
        assertEquals("Bad Request: the multipart boundary must have 1 to 70 characters (RFC 2046), got 71", e.reason());

        // A failed parser stays failed: later feeds and finish() report the same error, never success.
        MultipartParser p = new MultipartParser("B", 5, 1024, new MultipartParser.Receiver() {
            @Override
            public Future<?> partBegin(String name, String filename, HTTPHeaders headers) {
                return null;
            }

            @Override
            public Future<?> partData(byte[] data) {
                return null;
            }

            @Override
            public Future<?> partEnd() {
                return null;
            }
        });
        Throwable first = p.feed("--B\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).exception();
        assertEquals("HTTP 400: multipart part 1 has no headers (it needs Content-Disposition: form-data; name=...)",
                first.getMessage());
        assertEquals(first, p.feed("--B--\r\n".getBytes(StandardCharsets.US_ASCII)).exception());
        assertEquals(first, assertThrows(HTTPError.class, p::finish));
    }

    /**
     * The streaming parser gives the same parts however the body is cut (every piece size from 1 byte to the
     * whole), including cuts inside the boundary and data that holds near-boundaries, and waits for a
     * receiver whose futures are still pending.
     */
    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> streamingParserIsCutIndependentAndWaitsForTheReceiver() {
        String body = "ignored preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--Xy\r\n-"
                + "\r\n--XyZ \r\nContent-Disposition: form-data; name=\"f\"; filename=\"d\u00e9j\u00e0 vu.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n\r\n\r\n--XyY\r\n--XyZ\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n"
                + "\r\n--XyZ--\r\nepilogue --XyZ";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String first = null;
        for (int piece = 1; piece <= bytes.length; piece++) {
            List<String> events = new ArrayList<>();
            int p = piece;
            MultipartParser parser = new MultipartParser("XyZ", 10, 1024, new MultipartParser.Receiver() {
                @Override
                public Future<?> partBegin(String name, String filename, HTTPHeaders headers) {
                    events.add("begin " + name + " " + filename + " " + headers.get("Content-Type"));
                    return Gen.moment(); // pending: the parser must wait
                }

                @Override
                public Future<?> partData(byte[] data) {
                    String text = new String(data, StandardCharsets.UTF_8);
                    int last = events.size() - 1;
                    if (events.get(last).startsWith("data ")) {
                        events.set(last, events.get(last) + text);
                    } else {
                        events.add("data " + text);
                    }
                    return p % 2 == 0 ? Gen.moment() : null;
                }

                @Override
                public Future<?> partEnd() {
                    events.add("end");
                    return null;
                }
            });
            for (int i = 0; i < bytes.length; i += piece) {
                await(parser.feed(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + piece))));
            }
            parser.finish();
            String got = String.join("|", events);
            if (first == null) {
                first = got;
            }
            assertEquals(first, got, "pieces of " + piece + " bytes");
        }
        assertEquals("begin a null null|data one\r\n--Xy\r\n-|end|"
                + "begin f d\u00e9j\u00e0 vu.txt text/plain|data \r\n\r\n--XyY|end|begin e null null|end", first);
        return null;
    }

    /** A page with an upload form carrying the XSRF token, as Tornado's {@code xsrf_form_html}. */
    public static class UploadPage extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("<form method=\"post\" enctype=\"multipart/form-data\">" + xsrfFormHtml() + "</form>");
            return null;
        }
    }

    /** With XSRF protection on, a multipart form's {@code _xsrf} field is the token that is checked. */
    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> xsrfTokenInAMultipartForm() throws Exception {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 403 in .*FormHandler for POST /form .*: '_xsrf' argument missing from POST$"))) {
            WebClients.needCurl();
            Application app = new Application().addHandler("/page", UploadPage.class).addHandler("/form", FormHandler.class);
            app.settings().xsrfCookies(true);
            HTTPTestServer server = HTTPTestServer.start(app);
            Path jar = tmp.resolve("cookies.txt");
            String page = await(off(() -> curl("-c", jar.toString(), server.url("/page"))));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_xsrf\" value=\"([^\"]+)\"").matcher(page);
            assertTrue(m.find(), page);
            String token = m.group(1);
            String ok = await(off(() -> curl("-b", jar.toString(), "-F", "_xsrf=" + token, "-F", "a=1", server.url("/form"))));
            assertTrue(ok.startsWith("arg _xsrf=[") && ok.endsWith("arg a=[1] last=1\nq=- any=1"), ok);
            String refused = await(off(() -> curl("-o", "/dev/null", "-w", "%{http_code}", "-b", jar.toString(), "-F", "a=1",
                    server.url("/form"))));
            assertEquals("403", refused);
            assertEquals(1, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    /** The streaming recipe on a hostile body: the 400 comes from the piece that holds the fault. */
    @SquallTest(timeoutMillis = 30_000)
    @Coroutine
    Future<Void> streamingRecipeRefusesAHostileBodyMidway() throws Exception {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 400 in .*FormUploadHandler for POST /upload .*: multipart boundary found inside a part's data"))) {
            int port = HTTPTestServer.start(new Application().addHandler("/upload", FormUploadHandler.class)).port();
            String body = "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.bin\"\r\n\r\n"
                    + "x".repeat(200_000) + "\r\n--XyZ and more\r\n--XyZ--\r\n";
            WebClients.Raw r = await(off(() -> raw(port, postTo("/upload", body))));
            assertEquals("HTTP/1.1 400 Bad Request: multipart boundary found inside a part's data (a boundary line must"
                    + " end with CRLF or --)", r.statusLine);
            WebClients.Raw ok = await(off(() -> raw(port, postTo("/upload", "--XyZ\r\nContent-Disposition: form-data;"
                    + " name=\"f\"; filename=\"b.bin\"\r\n\r\nabc\r\n--XyZ--\r\n"))));
            assertEquals("HTTP/1.1 200 OK", ok.statusLine);
            assertTrue(ok.body.matches("f b\\.bin -> upload-\\d+\\.bin\n3 bytes"), ok.body);
            Path stored = Path.of(System.getProperty("java.io.tmpdir"), ok.body.substring(11, ok.body.indexOf('\n')));
            assertEquals("abc", Files.readString(stored));
            Files.delete(stored); // the refused upload's partial file was deleted by the handler's onFinish
            assertEquals(1, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    private static byte[] postTo(String path, String body) {
        byte[] all = post(CT, body);
        String s = new String(all, StandardCharsets.ISO_8859_1).replaceFirst("POST /form ", "POST " + path + " ");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
