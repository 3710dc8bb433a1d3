package io.squall.http;

import java.util.function.Consumer;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * The client side of a streamed response for one exchange: passes the head to the request's header callback
 * and each piece of the body to its {@link StreamingCallback}, pausing the connection's reads while the
 * callback's future is pending. Runs on the client's loop thread.
 */
final class ResponseStreaming {
    private final IOLoop loop;
    private final StreamingCallback body;
    private final Consumer<String> head;
    private boolean paused;
    /** Whether a gzip body is inflated before the streaming callback sees it, and its decoder once seen. */
    private boolean decompress;
    private GzipDecoder gzip;

    /** @return the streaming options of {@code r}, or null if it has none */
    static ResponseStreaming of(HTTPRequest r, IOLoop loop) {
        if (r.streamingCallback() == null && r.headerCallback() == null) {
            return null;
        }
        ResponseStreaming s = new ResponseStreaming(loop, r.streamingCallback(), r.headerCallback());
        s.decompress = r.decompressResponse();
        return s;
    }

    private ResponseStreaming(IOLoop loop, StreamingCallback body, Consumer<String> head) {
        this.loop = loop;
        this.body = body;
        this.head = head;
    }

    /** @return true while the callback's last future is pending (nothing is read meanwhile) */
    boolean paused() {
        return paused;
    }

    /**
     * A response head was parsed: hands its lines to the header callback and lifts the body size limit when
     * the body is streamed (nothing is held). Called before the body framing is chosen.
     */
    void headReceived(HTTP1Parser parser) {
        if (body != null) {
            parser.setMaxBodySize(Long.MAX_VALUE);
        }
        if (head != null) {
            head.accept(parser.version() + " " + parser.code() + " " + (parser.reason() == null ? "" : parser.reason())
                + "\r\n");
            parser.headers().forEach((name, value) -> head.accept(name + ": " + value + "\r\n"));
            head.accept("\r\n");
        }
        gzip = null;
        if (body != null && decompress && parser.code() >= 200 && GzipDecoder.isGzip(parser.headers().get("Content-Encoding"))) {
            consumeEncoding(parser.headers());
            gzip = new GzipDecoder(Long.MAX_VALUE, "response");
        }
    }

    /**
     * The streamed body is complete: checks that a gzip body ended where gzip may end.
     *
     * @throws HTTPInputException 400 for a gzip body cut short
     */
    void end() throws HTTPInputException {
        GzipDecoder d = gzip;
        gzip = null;
        if (d != null) {
            try {
                d.finish();
            } finally {
                d.close();
            }
        }
    }

    /** Marks {@code h} as describing an inflated body: Content-Encoding moves to X-Consumed-Content-Encoding
     * (called before the body framing is chosen, so Content-Length stays). */
    static void consumeEncoding(HTTPHeaders h) {
        h.set("X-Consumed-Content-Encoding", h.get("Content-Encoding"));
        h.remove("Content-Encoding");
    }

    /**
     * Inflates a whole gzip response body, held to {@code limit}, and rewrites its headers (see
     * {@link #consumeEncoding}). An empty body (HEAD, 204, 304) is left as it is.
     *
     * @throws HTTPInputException 413 over the limit, 400 for data that is not gzip
     */
    static byte[] inflate(HTTPHeaders h, byte[] body, long limit, String from) throws HTTPInputException {
        if (body.length == 0) {
            return body;
        }
        GzipDecoder d = new GzipDecoder(limit, "response from " + from);
        try {
            byte[] out = d.decode(body);
            d.finish();
            consumeEncoding(h);
            h.remove("Content-Length");
            return out;
        } finally {
            d.close();
        }
    }

    /**
     * Hands the body bytes the parser read since the last call to the streaming callback (none are taken when
     * only the header callback is set: the body is then buffered as usual).
     *
     * @param resume called on the loop once a pending callback future succeeded
     * @param fail called with the callback's failure
     * @return true if the caller may read on at once; false if paused (resume follows) or failed
     */
    boolean deliver(HTTP1Parser parser, Runnable resume, Consumer<Throwable> fail) {
        if (body == null) {
            return true; // buffered: the parser keeps the body
        }
        byte[] piece = parser.takeBody();
        if (piece.length > 0 && gzip != null) {
            try {
                piece = gzip.decode(piece);
            } catch (HTTPInputException e) {
                gzip.close();
                gzip = null;
                fail.accept(new HTTPClientError(599, "Malformed gzip response: " + e.getMessage(), null, e));
                return false;
            }
        }
        if (piece.length == 0) {
            return true;
        }
        Future<?> f;
        try {
            f = body.dataReceived(piece);
        } catch (Throwable t) {
            fail.accept(t);
            return false;
        }
        if (f == null || (f.isDone() && f.exception() == null)) {
            return true;
        }
        if (f.isDone()) {
            fail.accept(f.exception());
            return false;
        }
        paused = true;
        f.addDoneCallback(d -> {
            Runnable next = () -> {
                paused = false;
                Throwable t = d.exception();
                if (t != null) {
                    fail.accept(t);
                } else {
                    resume.run();
                }
            };
            if (loop.inLoopThread()) {
                next.run();
            } else {
                loop.addCallback(next);
            }
        });
        return false;
    }
}
