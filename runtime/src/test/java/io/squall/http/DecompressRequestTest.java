package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/**
 * {@link HTTPServer#decompressRequest(boolean)} on 127.0.0.1: gzip bodies from curl and from the client are
 * inflated before the handler; a gzip bomb (10 MB of zeros in about 10 KB) is refused with 413 once the
 * inflated size passes the body limit, and the server keeps serving. Needs the Debian package curl.
 */
class DecompressRequestTest extends HTTPTestCase {
    private static final Path CURL = Path.of("/usr/bin/curl");
    private static final long LIMIT = 1 << 20;

    @TempDir
    Path dir;

    /** Echoes what the handler received. */
    public static final class EchoHandler extends RequestHandler {
        @Override
        public Future<?> post(String... args) {
            HTTPHeaders h = request().headers();
            write(request().body().length + "|" + h.get("Content-Encoding") + "|" + h.get("X-Consumed-Content-Encoding")
                    + "|" + h.get("Content-Length") + "|" + request().bodyAsString());
            return null;
        }
    }

    /** Counts a streamed body. */
    @StreamRequestBody(maxBodySize = 2 << 20)
    public static final class CountHandler extends RequestHandler {
        private long total;
        private int largest;
        private int zeros;

        @Override
        protected Future<Void> dataReceived(byte[] chunk) {
            total += chunk.length;
            largest = Math.max(largest, chunk.length);
            for (byte b : chunk) {
                zeros += b == 0 ? 1 : 0;
            }
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            write(total + "|" + zeros + "|" + (largest <= (5 << 20)) + "|" + request().headers().get("Content-Encoding"));
            return null;
        }
    }

    private void startServer(boolean decompress) {
        start(new HTTPServer(new Application().addHandler("/echo", EchoHandler.class)
                .addHandler("/count", CountHandler.class)).decompressRequest(decompress).maxBodySize(LIMIT));
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CURL.toString(), "-s", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void curlGzipBodiesAreInflatedAndBombsRefused() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CURL), "this test needs curl: install the Debian package curl");
        startServer(true);
        Path form = dir.resolve("form.gz");
        Files.write(form, gzip("name=squall&text=d\u00e9j\u00e0".getBytes(StandardCharsets.UTF_8)));
        String ok = blocking(() -> curl("--data-binary", "@" + form, "-H", "Content-Encoding: gzip",
                "-H", "Content-Type: text/plain; charset=UTF-8", url("/echo")));
        assertEquals("23|null|gzip|23|name=squall&text=d\u00e9j\u00e0", ok);
        Path bomb = dir.resolve("bomb.gz");
        Files.write(bomb, gzip(new byte[10 << 20]));
        assertTrue(Files.size(bomb) < 20_000, "10 MB of zeros gzip to about 10 KB: " + Files.size(bomb));
        String refused = blocking(() -> curl("-o", "-", "-w", "\n%{http_code}", "--data-binary", "@" + bomb,
                "-H", "Content-Encoding: gzip", url("/echo")));
        assertTrue(refused.endsWith("\n413"), refused);
        assertTrue(refused.contains("inflates to more than the limit of " + LIMIT + " bytes"), refused);
        String notGzip = blocking(() -> curl("-o", "-", "-w", "\n%{http_code}", "--data-binary", "plain",
                "-H", "Content-Encoding: gzip", url("/echo")));
        assertTrue(notGzip.endsWith("\n400") && notGzip.contains("not gzip"), notGzip);
        assertEquals("5|null|null|5|plain", blocking(() -> curl("--data-binary", "plain", url("/echo"))),
                "the server keeps serving; a body without Content-Encoding is untouched");
    }

    @Test
    void clientGzipBodyReachesTheHandlerInflated() {
        startServer(true);
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        try {
            byte[] text = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
            HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(url("/echo")).method("POST")
                    .header("Content-Encoding", "gzip").body(gzip(text))));
            assertTrue(r.bodyAsString().startsWith("100000|null|gzip|100000|xxx"), r.bodyAsString().substring(0, 40));
            HTTPResponse bomb = runSync(() -> client.fetch(new HTTPRequest(url("/echo")).method("POST")
                    .header("Content-Encoding", "gzip").body(gzip(new byte[10 << 20])).raiseError(false)));
            assertEquals(413, bomb.code());
        } finally {
            client.close();
        }
    }

    @Test
    void streamedBodiesAreInflatedPieceByPieceToTheHandlersLimit() {
        startServer(true);
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        try {
            byte[] zeros = new byte[1_500_000]; // over the server's 1 MiB, under the handler's 2 MiB
            HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(url("/count")).method("POST")
                    .header("Content-Encoding", "gzip").body(gzip(zeros))));
            assertEquals("1500000|1500000|true|null", r.bodyAsString());
            HTTPResponse bomb = runSync(() -> client.fetch(new HTTPRequest(url("/count")).method("POST")
                    .header("Content-Encoding", "gzip").body(gzip(new byte[10 << 20])).raiseError(false)));
            assertEquals(413, bomb.code());
            HTTPResponse bad = runSync(() -> client.fetch(new HTTPRequest(url("/count")).method("POST")
                    .header("Content-Encoding", "gzip").body("not gzip at all").raiseError(false)));
            assertEquals(400, bad.code());
        } finally {
            client.close();
        }
    }

    @Test
    void offByDefault() {
        startServer(false);
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        try {
            byte[] gz = gzip("hello".getBytes(StandardCharsets.UTF_8));
            HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(url("/echo")).method("POST")
                    .header("Content-Encoding", "gzip").body(gz)));
            assertTrue(r.bodyAsString().startsWith(gz.length + "|gzip|null|"), r.bodyAsString());
        } finally {
            client.close();
        }
    }

    @Test
    void decoderMemoryStaysBoundedByTheLimit() throws Exception {
        byte[] bomb = gzip(new byte[16 << 20]); // 16 MiB of zeros in about 16 KB
        GzipDecoder d = new GzipDecoder(LIMIT, "request body");
        long[] seen = {0};
        HTTPInputException e = assertThrows(HTTPInputException.class, () -> {
            for (int off = 0; off < bomb.length; off += 4096) {
                byte[] piece = java.util.Arrays.copyOfRange(bomb, off, Math.min(bomb.length, off + 4096));
                seen[0] += d.decode(piece).length;
            }
        });
        d.close();
        assertEquals(413, e.status());
        assertTrue(d.total() <= LIMIT + 16 * 1024, "inflation stopped one buffer past the limit: " + d.total());
        assertTrue(seen[0] <= LIMIT, "what was handed out stayed under the limit: " + seen[0]);
    }

    @Test
    void decoderReadsAnySplitHeadersAndSeveralMembers() throws Exception {
        Random rnd = new Random(17);
        byte[] a = new byte[50_000];
        rnd.nextBytes(a);
        byte[] b = "second member".getBytes(StandardCharsets.UTF_8);
        // a header with FNAME and FCOMMENT, written by hand, then a raw deflate body and the trailer
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(gzipWithName(a));
        all.write(gzip(b));
        byte[] data = all.toByteArray();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(a);
        expected.write(b);
        for (int round = 0; round < 20; round++) {
            GzipDecoder d = new GzipDecoder(1 << 20, "test");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int off = 0;
            while (off < data.length) {
                int n = Math.min(data.length - off, 1 + rnd.nextInt(round < 10 ? 7 : 5000));
                out.write(d.decode(java.util.Arrays.copyOfRange(data, off, off + n)));
                off += n;
            }
            d.finish();
            d.close();
            assertArrayEquals(expected.toByteArray(), out.toByteArray(), "round " + round);
        }
        GzipDecoder cut = new GzipDecoder(1 << 20, "request body");
        cut.decode(java.util.Arrays.copyOf(data, 100));
        HTTPInputException e = assertThrows(HTTPInputException.class, cut::finish);
        assertTrue(e.getMessage().contains("ends in the middle"), e.getMessage());
        byte[] corrupt = gzip(b);
        corrupt[corrupt.length - 6] ^= 1; // the CRC
        GzipDecoder bad = new GzipDecoder(1 << 20, "request body");
        assertEquals(400, assertThrows(HTTPInputException.class, () -> bad.decode(corrupt)).status());
    }

    private static byte[] gzipWithName(byte[] data) throws IOException {
        byte[] plain = gzip(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 8 | 16, 0, 0, 0, 0, 0, (byte) 0xff});
        out.write("file-name.txt\0a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        out.write(plain, 10, plain.length - 10); // GZIPOutputStream writes a bare 10-byte header
        return out.toByteArray();
    }
}
