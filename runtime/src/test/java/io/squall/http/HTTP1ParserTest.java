package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The incremental parser, fed whole, one byte at a time, and in odd splits. */
class HTTP1ParserTest {

    /** How the input is cut before it reaches the parser. */
    enum Feed {
        WHOLE(Integer.MAX_VALUE), ONE_BYTE(1), THREE_BYTES(3), SEVEN_BYTES(7);

        final int size;

        Feed(int size) {
            this.size = size;
        }
    }

    /** A parsed request as the server would see it. */
    static final class Parsed {
        String method;
        String target;
        String version;
        HTTPHeaders headers;
        byte[] body;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Parses every request in {@code input}, feeding it in pieces of {@code feed.size} bytes. */
    static List<Parsed> parseRequests(Feed feed, byte[] input, long maxBody) throws HTTPInputException {
        HTTP1Parser p = new HTTP1Parser(true, 8192, 65536, maxBody);
        List<Parsed> out = new ArrayList<>();
        int pos = 0;
        while (pos < input.length) {
            int end = (int) Math.min(input.length, (long) pos + feed.size);
            // Keep feeding the same piece until the parser has consumed all of it.
            while (pos < end) {
                int n = p.feed(input, pos, end - pos);
                pos += n;
                if (p.isHeadComplete()) {
                    p.beginRequestBody();
                }
                if (p.isMessageComplete()) {
                    Parsed r = new Parsed();
                    r.method = p.method();
                    r.target = p.target();
                    r.version = p.version();
                    r.headers = p.headers();
                    r.body = p.body();
                    out.add(r);
                    p.reset();
                }
            }
        }
        assertFalse(p.hasStarted(), "input ended in the middle of a message");
        return out;
    }

    private static int statusOf(Feed feed, String input) {
        HTTPInputException e = assertThrows(HTTPInputException.class,
                () -> parseRequests(feed, bytes(input), 1 << 20));
        return e.status();
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void simpleGet(Feed feed) throws Exception {
        List<Parsed> rs = parseRequests(feed, bytes("GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-Two:  v w \r\n\r\n"), 1024);
        assertEquals(1, rs.size());
        Parsed r = rs.get(0);
        assertEquals("GET", r.method);
        assertEquals("/a/b?x=1", r.target);
        assertEquals("HTTP/1.1", r.version);
        assertEquals("h", r.headers.get("host"));
        assertEquals("v w", r.headers.get("X-TWO"));
        assertEquals(0, r.body.length);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void contentLengthBodyAndPipelining(Feed feed) throws Exception {
        String in = "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /g HTTP/1.0\n\n"
                + "PUT /q HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
        List<Parsed> rs = parseRequests(feed, bytes(in), 1024);
        assertEquals(3, rs.size());
        assertEquals("hello", new String(rs.get(0).body, StandardCharsets.US_ASCII));
        assertEquals("/g", rs.get(1).target);
        assertEquals("HTTP/1.0", rs.get(1).version);
        assertEquals("PUT", rs.get(2).method);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void chunkedBodyWithExtensionsAndTrailers(Feed feed) throws Exception {
        String in = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1A \r\n" + "abcdefghijklmnopqrstuvwxyz" + "\r\n0\r\nX-Trailer: t\r\n\r\n"
                + "GET /next HTTP/1.1\r\n\r\n";
        List<Parsed> rs = parseRequests(feed, bytes(in), 1024);
        assertEquals(2, rs.size());
        assertEquals("helloabcdefghijklmnopqrstuvwxyz", new String(rs.get(0).body, StandardCharsets.US_ASCII));
        assertEquals("/next", rs.get(1).target);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void leadingEmptyLinesAreIgnored(Feed feed) throws Exception {
        List<Parsed> rs = parseRequests(feed, bytes("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), 1024);
        assertEquals("/", rs.get(0).target);
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void malformedInputGetsItsStatus(Feed feed) {
        assertEquals(400, statusOf(feed, "GET /\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET  / HTTP/1.1\r\n\r\n"));
        assertEquals(400, statusOf(feed, "G(T / HTTP/1.1\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTX/1.1\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / http/1.1\r\n\r\n"));
        assertEquals(505, statusOf(feed, "GET / HTTP/2.0\r\n\r\n"));
        assertEquals(505, statusOf(feed, "GET / HTTP/0.9\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nNoColon\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nName : x\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\n: x\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nA: b\u0000c\r\n\r\n"));
        assertEquals(400, statusOf(feed, "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nContent-Length: \r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n"));
        assertEquals(400, statusOf(feed, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n"));
    }

    @Test
    void equalRepeatedContentLengthsAreAccepted() throws Exception {
        List<Parsed> rs = parseRequests(Feed.ONE_BYTE,
                bytes("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nab"), 1024);
        assertEquals("ab", new String(rs.get(0).body, StandardCharsets.US_ASCII));
    }

    @Test
    void limits() {
        HTTPInputException big = assertThrows(HTTPInputException.class, () -> parseRequests(Feed.WHOLE,
                bytes("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"), 10));
        assertEquals(413, big.status());
        HTTPInputException bigChunks = assertThrows(HTTPInputException.class, () -> parseRequests(Feed.ONE_BYTE,
                bytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n"), 10));
        assertEquals(413, bigChunks.status());

        HTTP1Parser p = new HTTP1Parser(true, 64, 256, 10);
        byte[] longLine = bytes("GET /" + "a".repeat(100) + " HTTP/1.1\r\n\r\n");
        assertEquals(414, assertThrows(HTTPInputException.class, () -> p.feed(longLine, 0, longLine.length)).status());

        HTTP1Parser q = new HTTP1Parser(true, 64, 256, 10);
        byte[] headers = bytes("GET / HTTP/1.1\r\n" + "X-A: 0123456789012345678901234567890123456789\r\n".repeat(8));
        HTTPInputException e = assertThrows(HTTPInputException.class, () -> {
            for (int i = 0; i < headers.length; i++) {
                q.feed(headers, i, 1);
            }
        });
        assertEquals(431, e.status());
    }

    @Test
    void feedStopsAtTheEndOfTheHeadUntilFramingIsChosen() throws Exception {
        HTTP1Parser p = new HTTP1Parser(true, 8192, 65536, 1024);
        byte[] in = bytes("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
        int n = p.feed(in, 0, in.length);
        assertTrue(p.isHeadComplete());
        assertEquals(in.length - 3, n);
        assertThrows(IllegalStateException.class, () -> p.feed(in, n, 3));
        p.beginRequestBody();
        assertEquals(3, p.feed(in, n, 3));
        assertTrue(p.isMessageComplete());
        assertArrayEquals(bytes("abc"), p.body());
    }

    @ParameterizedTest
    @EnumSource(Feed.class)
    void responses(Feed feed) throws Exception {
        byte[] in = bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.0 404\r\nContent-Length: 2\r\n\r\nno"
                + "HTTP/1.1 200 OK\r\nX-F: a\r\n  b\r\n\r\nuntil close");
        HTTP1Parser p = new HTTP1Parser(false, 8192, 65536, 1024);
        List<String> seen = new ArrayList<>();
        int pos = 0;
        while (pos < in.length) {
            int end = (int) Math.min(in.length, (long) pos + feed.size);
            while (pos < end) {
                pos += p.feed(in, pos, end - pos);
                if (p.isHeadComplete()) {
                    p.beginResponseBody(false);
                }
                if (p.isMessageComplete()) {
                    seen.add(p.code() + " " + p.reason() + " [" + new String(p.body(), StandardCharsets.US_ASCII) + "]");
                    p.reset();
                }
            }
        }
        assertTrue(p.isUntilClose());
        assertEquals("a b", p.headers().get("X-F"));
        assertTrue(p.eof());
        seen.add(p.code() + " [" + new String(p.body(), StandardCharsets.US_ASCII) + "]");
        assertEquals(List.of("100 Continue []", "200 OK [abc]", "204 No Content []", "404  [no]", "200 [until close]"),
                seen);
    }

    @Test
    void responseToHeadHasNoBodyAndEofMidMessageIsAnError() throws Exception {
        HTTP1Parser p = new HTTP1Parser(false, 8192, 65536, 1024);
        byte[] in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        p.feed(in, 0, in.length);
        p.beginResponseBody(true);
        assertTrue(p.isMessageComplete());
        p.reset();
        assertFalse(p.eof(), "clean close between messages");
        byte[] part = bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        int n = p.feed(part, 0, part.length);
        p.beginResponseBody(false);
        p.feed(part, n, part.length - n);
        assertEquals(400, assertThrows(HTTPInputException.class, p::eof).status());
        assertNull(new HTTP1Parser(false, 64, 256, 10).trailers());
    }
}
