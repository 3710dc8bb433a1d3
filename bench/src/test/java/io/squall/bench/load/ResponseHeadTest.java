package io.squall.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How http-load frames a response body and decides whether the connection can be reused. */
class ResponseHeadTest {
    private static ResponseHead parse(String head) throws IOException {
        return ResponseHead.parse(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void contentLengthOnKeepAlive() throws IOException {
        ResponseHead h = parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
        assertEquals(200, h.code);
        assertEquals(12, h.contentLength);
        assertFalse(h.chunked);
        assertFalse(h.close);
    }

    @Test
    void chunkedBody() throws IOException {
        ResponseHead h = parse("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n");
        assertTrue(h.chunked);
        assertFalse(h.close);
    }

    @Test
    void http10AndConnectionCloseAndUnframedBodiesEndTheConnection() throws IOException {
        assertTrue(parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n").close);
        assertFalse(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n").close);
        assertTrue(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n").close);
        ResponseHead unframed = parse("HTTP/1.1 200 OK\r\n\r\n");
        assertTrue(unframed.close);
        assertEquals(-1, unframed.contentLength);
    }

    @Test
    void noBodyStatuses() throws IOException {
        assertTrue(parse("HTTP/1.1 204 No Content\r\n\r\n").noBody);
        assertTrue(parse("HTTP/1.1 304 Not Modified\r\n\r\n").noBody);
        assertFalse(parse("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").noBody);
    }

    @Test
    void malformedHeadsAreRefused() {
        assertThrows(IOException.class, () -> parse("ICY 200 OK\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 2x0 OK\r\n\r\n"));
        assertThrows(IOException.class, () -> parse("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n"));
    }
}
