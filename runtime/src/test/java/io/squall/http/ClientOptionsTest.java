package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.Future;
import io.squall.Gen;

/**
 * AsyncHTTPClient's options against HTTPServer on 127.0.0.1: gzip responses (asked for, inflated, bounded,
 * opt-out), the default User-Agent, basic authentication kept to its origin across redirects, and the
 * global maxClients queue with its queue timeout.
 */
class ClientOptionsTest extends HTTPTestCase {
    private static final String TEXT = "squall ".repeat(2000);
    private AsyncHTTPClient client;
    private HTTPServer other;
    private int otherPort;
    private final List<String> otherSaw = new ArrayList<>();
    private final List<HTTPServerRequest> parked = new ArrayList<>();
    private int inFlight;
    private int maxInFlight;

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private Future<?> handle(HTTPServerRequest req) {
        HTTPConnection c = req.connection();
        HTTPHeaders h = req.headers();
        switch (req.path()) {
            case "/gz": { // gzip only when asked for, as a server should
                boolean asked = GzipOutput.acceptsGzip(h);
                HTTPHeaders out = new HTTPHeaders().set("Content-Type", "text/plain");
                if (asked) {
                    out.set("Content-Encoding", "gzip");
                }
                return c.respond(200, out, asked ? gzip(TEXT.getBytes(StandardCharsets.UTF_8))
                        : TEXT.getBytes(StandardCharsets.UTF_8));
            }
            case "/bomb": // 4 MiB of zeros, gzipped to a few KiB, whatever was asked
                return c.respond(200, new HTTPHeaders().set("Content-Encoding", "gzip"), gzip(new byte[4 << 20]));
            case "/cut": { // a streamed gzip body cut short by the server
                byte[] gz = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
                return c.respond(200, new HTTPHeaders().set("Content-Encoding", "gzip"),
                        java.util.Arrays.copyOf(gz, gz.length - 5));
            }
            case "/notgzip":
                return c.respond(200, new HTTPHeaders().set("Content-Encoding", "gzip"),
                        "plain text, not gzip".getBytes(StandardCharsets.UTF_8));
            case "/same":
                return c.respond(302, new HTTPHeaders().set("Location", "/echo"), null);
            case "/elsewhere":
                return c.respond(302, new HTTPHeaders().set("Location", "http://127.0.0.1:" + otherPort + "/echo"), null);
            case "/never":
                parked.add(req);
                return null;
            case "/slow": {
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                Gen.sleep(Duration.ofMillis(30)).addDoneCallback(f -> {
                    inFlight--;
                    c.respond(200, new HTTPHeaders(), req.query().getBytes(StandardCharsets.UTF_8));
                });
                return null;
            }
            default: // /echo
                return c.respond(200, new HTTPHeaders(), ("ua=" + h.get("User-Agent") + " ae=" + h.get("Accept-Encoding")
                        + " auth=" + h.get("Authorization")).getBytes(StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void startServers() {
        start(new HTTPServer(this::handle));
        other = new HTTPServer(req -> {
            otherSaw.add(req.path() + " auth=" + req.headers().get("Authorization") + " cookie="
                    + req.headers().get("Cookie"));
            return req.connection().respond(200, new HTTPHeaders(), "other".getBytes(StandardCharsets.UTF_8));
        });
        other.listen(0, "127.0.0.1");
        otherPort = other.port();
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void stopOther() {
        client.close();
        other.stop();
        other.closeAllConnections();
    }

    private HTTPResponse fetch(HTTPRequest r) {
        return runSync(() -> client.fetch(r));
    }

    @Test
    void gzipIsAskedForAndInflatedByDefault() {
        HTTPResponse r = fetch(new HTTPRequest(url("/gz")));
        assertEquals(TEXT, r.bodyAsString());
        assertNull(r.headers().get("Content-Encoding"), "the inflated body is no longer gzip");
        assertEquals("gzip", r.headers().get("X-Consumed-Content-Encoding"));
        assertEquals("ua=Squall/0.1 ae=gzip auth=null", fetch(new HTTPRequest(url("/echo"))).bodyAsString(),
                "a default User-Agent and Accept-Encoding: gzip");
        assertEquals("ua=probe/2 ae=null auth=null", fetch(new HTTPRequest(url("/echo")).userAgent("probe/2")
                .decompressResponse(false)).bodyAsString());
    }

    @Test
    void decompressResponseFalseGivesTheBytesAsSent() {
        HTTPResponse plain = fetch(new HTTPRequest(url("/gz")).decompressResponse(false));
        assertEquals(TEXT, plain.bodyAsString(), "nothing asked for, nothing compressed");
        HTTPResponse raw = fetch(new HTTPRequest(url("/gz")).decompressResponse(false).header("Accept-Encoding", "gzip"));
        assertEquals("gzip", raw.headers().get("Content-Encoding"));
        assertEquals(0x1f, raw.body()[0] & 0xff, "the gzip bytes as sent");
        assertEquals(0x8b, raw.body()[1] & 0xff);
    }

    @Test
    void streamedGzipResponseIsInflatedPieceByPiece() {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        HTTPResponse r = fetch(new HTTPRequest(url("/gz")).streamingCallback(chunk -> {
            got.write(chunk);
            return null;
        }));
        assertEquals(200, r.code());
        assertEquals(TEXT, got.toString(StandardCharsets.UTF_8));
        HTTPClientError cut = assertThrows(HTTPClientError.class, () -> fetch(new HTTPRequest(url("/cut"))
                .streamingCallback(chunk -> null)));
        assertTrue(cut.getMessage().contains("ends in the middle of its gzip data"), cut.getMessage());
        HTTPResponse head = fetch(new HTTPRequest(url("/gz")).method("HEAD").streamingCallback(chunk -> null));
        assertEquals(200, head.code(), "a HEAD answer with Content-Encoding: gzip has no body to check");
    }

    @Test
    void inflatedSizeIsHeldToTheBodyLimit() {
        client.maxBodySize(1 << 20);
        HTTPClientError e = assertThrows(HTTPClientError.class, () -> fetch(new HTTPRequest(url("/bomb"))));
        assertEquals(599, e.code());
        assertTrue(e.getMessage().contains("too large") && e.getMessage().contains("1048576"), e.getMessage());
        HTTPClientError bad = assertThrows(HTTPClientError.class, () -> fetch(new HTTPRequest(url("/notgzip"))));
        assertTrue(bad.getMessage().contains("not gzip"), bad.getMessage());
        assertEquals(TEXT, fetch(new HTTPRequest(url("/gz"))).bodyAsString(), "the client still works");
    }

    @Test
    void basicAuthGoesToTheSameOriginOnly() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ann:s3cret:\u00e9".getBytes(StandardCharsets.UTF_8));
        HTTPResponse same = fetch(new HTTPRequest(url("/same")).authUsername("ann").authPassword("s3cret:\u00e9"));
        assertEquals("ua=Squall/0.1 ae=gzip auth=" + expected, same.bodyAsString(), "kept on a same-origin redirect");
        HTTPResponse away = fetch(new HTTPRequest(url("/elsewhere")).authUsername("ann").authPassword("s3cret:\u00e9")
                .header("Cookie", "session=1"));
        assertEquals("other", away.bodyAsString());
        assertEquals(List.of("/echo auth=null cookie=null"), otherSaw,
                "credentials and cookies are never sent to another host:port after a redirect");
        assertThrows(IllegalArgumentException.class, () -> new HTTPRequest(url("/")).authUsername("a:b"));
        IllegalArgumentException digest = assertThrows(IllegalArgumentException.class,
                () -> fetch(new HTTPRequest(url("/echo")).authUsername("ann").authMode("digest")));
        assertTrue(digest.getMessage().contains("digest"), digest.getMessage());
    }

    @Test
    void maxClientsBoundsFetchesOverAllHosts() {
        client.maxClients(2);
        List<String> bodies = runSync(() -> {
            List<Future<HTTPResponse>> fs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                fs.add(client.fetch(url("/slow?" + i)));
            }
            fs.add(client.fetch("http://127.0.0.1:" + otherPort + "/x"));
            Future<List<String>> out = new Future<>();
            Gen.multi(fs).addDoneCallback(f -> {
                List<String> texts = new ArrayList<>();
                for (HTTPResponse r : f.result()) {
                    texts.add(r.bodyAsString());
                }
                out.setResult(texts);
            });
            return out;
        });
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "other"), bodies);
        assertEquals(2, maxInFlight, "never more than maxClients at once, though 4 connections per host are allowed");
        assertEquals(0, client.queuedFetches());
    }

    @Test
    void aQueuedFetchTimesOutByItsConnectTimeout() {
        client.maxClients(1);
        Future<HTTPResponse> holder = client.fetch(new HTTPRequest(url("/never")));
        HTTPTimeoutError e = assertThrows(HTTPTimeoutError.class, () -> runSync(() -> client.fetch(
                new HTTPRequest(url("/echo")).connectTimeout(Duration.ofMillis(150)))));
        assertTrue(e.getMessage().startsWith("Timeout in request queue"), e.getMessage());
        assertEquals(599, e.code());
        assertEquals(0, client.queuedFetches(), "the timed-out fetch left the queue");
        assertFalse(holder.isDone());
        assertTrue(holder.cancel());
        HTTPResponse after = fetch(new HTTPRequest(url("/echo")));
        assertEquals(200, after.code(), "the cancelled fetch gave its place back");
        assertInstanceOf(HTTPClientError.class, e);
    }
}
