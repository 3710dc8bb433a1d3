package io.squall.http;

import java.nio.ByteBuffer;

import io.squall.Future;
import io.squall.internal.Trampoline;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;

/**
 * One client connection to a host:port: sends a request and parses its response with an
 * {@link HTTP1Parser}. One exchange at a time; {@link AsyncHTTPClient} pools these between exchanges.
 * Runs on the stream's loop thread.
 */
final class HTTP1ClientConnection {
    private static final int READ_SIZE = 64 * 1024;

    /** The parts of a response, and whether the connection can carry another exchange. */
    static final class Exchange {
        int code;
        String reason;
        HTTPHeaders headers;
        byte[] body;
        boolean reusable;
    }

    /**
     * A failure of a reused connection before any byte of the response arrived: the server probably closed
     * the idle connection, and the request may be retried on a new one.
     */
    static final class StaleConnectionException extends StreamClosedException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(String message, Throwable cause) {
            super(message);
            initCause(cause);
        }
    }

    final String key;
    final IOStream stream;
    private final HTTP1Parser parser;
    private int uses;
    private final InputBuffer in = new InputBuffer(READ_SIZE);
    private boolean headRequest;
    private boolean wantsClose;
    private boolean receivedAny;
    private final Trampoline processing = new Trampoline(this::step);
    private boolean readPending;
    private Future<Exchange> current;
    /** Streaming options of the current exchange (null when buffered), see {@link ResponseStreaming}. */
    private ResponseStreaming streaming;
    /** True while the body producer of the current request is still writing. */
    private boolean producing;

    HTTP1ClientConnection(String key, IOStream stream, int maxHeaderSize, long maxBodySize) {
        this.key = key;
        this.stream = stream;
        this.parser = new HTTP1Parser(false, 64 * 1024, maxHeaderSize, maxBodySize);
        try {
            stream.setNoDelay(true);
        } catch (RuntimeException e) {
            io.squall.internal.Log.debug("Cannot set TCP_NODELAY on " + stream + ": " + e);
        }
    }

    boolean isClosed() {
        return stream.isClosed();
    }

    void close() {
        stream.close();
    }

    /**
     * Sends one request and reads its response.
     *
     * @param head the request line and headers, CRLF-terminated
     * @param body the body, or null
     * @param isHead whether the request is HEAD (the response then has no body)
     * @param closeAfter whether the request asked for Connection: close
     * @return the response parts; fails with {@link StaleConnectionException} when a reused connection
     *     turned out closed before any response byte, with another exception otherwise
     */
    Future<Exchange> send(byte[] head, byte[] body, boolean isHead, boolean closeAfter) {
        return send(head, body, isHead, closeAfter, null, null, false);
    }

    /**
     * As {@link #send(byte[], byte[], boolean, boolean)}, with the request's streaming options.
     *
     * @param streams the response streaming callbacks, or null to buffer the response
     * @param producer writes the body after the head, or null
     * @param chunked whether the producer's pieces are sent as chunks
     */
    Future<Exchange> send(byte[] head, byte[] body, boolean isHead, boolean closeAfter, ResponseStreaming streams,
            BodyProducer producer, boolean chunked) {
        if (current != null && !current.isDone()) {
            throw new IllegalStateException("HTTP1ClientConnection " + key + " is busy with another request");
        }
        boolean reused = uses > 0;
        uses++;
        current = new Future<>();
        Future<Exchange> result = current;
        headRequest = isHead;
        wantsClose = closeAfter;
        receivedAny = false;
        streaming = streams;
        producing = producer != null;
        parser.reset();
        Future<Void> w = body == null || body.length == 0 ? stream.write(ByteBuffer.wrap(head))
                : stream.write(ByteBuffer.wrap(head), ByteBuffer.wrap(body));
        w.addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t != null) {
                fail(reused && !receivedAny && producer == null ? new StaleConnectionException("Connection to "
                        + key + " was closed before the request was sent", t) : t);
            }
        });
        if (producer != null) {
            RequestBodyWriter.start(this, stream, producer, chunked);
        }
        if (!result.isDone()) {
            process();
        }
        return result;
    }

    private void process() {
        processing.run();
    }

    private void step() {
        while (current != null && !current.isDone()) {
            if (streaming != null && streaming.paused()) {
                return;
            }
            if (parser.isMessageComplete() && parser.code() >= 200) {
                complete(false); // a streamed body whose last piece was consumed while reading was paused
                return;
            }
            if (in.isEmpty()) {
                readMore();
                return;
            }
            try {
                in.feed(parser);
                receivedAny = true;
                if (parser.isHeadComplete()) {
                    if (streaming != null) {
                        streaming.headReceived(parser);
                    }
                    parser.beginResponseBody(headRequest);
                }
            } catch (HTTPInputException e) {
                fail(new HTTPClientError(599, (e.status() == 413 ? "Response from " + key + " is too large: "
                        : "Malformed HTTP response from " + key + ": ") + e.getMessage(), null, e));
                close();
                return;
            } catch (RuntimeException e) {
                fail(e); // the header callback threw
                return;
            }
            if (streaming != null && parser.code() >= 200 && !streaming.deliver(parser, this::process, this::fail)) {
                return; // paused until the streaming callback's future is done, or failed
            }
            if (parser.isMessageComplete()) {
                if (parser.code() < 200) {
                    parser.reset(); // an interim response such as 100 Continue; the real one follows
                    continue;
                }
                complete(false);
                return;
            }
        }
    }

    private void readMore() {
        if (readPending) {
            return;
        }
        readPending = true;
        Future<byte[]> f;
        try {
            f = stream.readBytesPartial(READ_SIZE);
        } catch (RuntimeException e) {
            readPending = false;
            fail(e);
            return;
        }
        f.addDoneCallback(this::onRead);
    }

    private void onRead(Future<byte[]> f) {
        readPending = false;
        Throwable t = f.exception();
        if (t != null) {
            onReadFailure(t);
            return;
        }
        in.append(f.result());
        process();
    }

    private void onReadFailure(Throwable t) {
        if (current == null || current.isDone()) {
            return;
        }
        if (t instanceof StreamClosedException && parser.hasStarted()) {
            try {
                if (parser.eof()) {
                    complete(true);
                    return;
                }
            } catch (HTTPInputException e) {
                fail(new HTTPClientError(599, "Connection to " + key + " closed before the response was complete ("
                        + e.getMessage() + ")", null, t));
                return;
            }
        }
        if (t instanceof StreamClosedException && !receivedAny && uses > 1) {
            fail(new StaleConnectionException("Reused connection to " + key + " was closed by the server", t));
            return;
        }
        if (t instanceof StreamClosedException) {
            fail(new HTTPClientError(599, "Connection to " + key + " closed before a response was received", null, t));
            return;
        }
        fail(t);
    }

    private void complete(boolean closedByPeer) {
        if (streaming != null) {
            try {
                streaming.end();
            } catch (HTTPInputException e) {
                fail(new HTTPClientError(599, "Malformed gzip response from " + key + ": " + e.getMessage(), null, e));
                return;
            }
        }
        Exchange x = new Exchange();
        x.code = parser.code();
        x.reason = parser.reason();
        x.headers = parser.headers();
        x.body = parser.body();
        HTTPHeaders h = x.headers;
        boolean keepAlive = "HTTP/1.1".equals(parser.version()) ? !h.containsToken("Connection", "close")
                : h.containsToken("Connection", "keep-alive");
        x.reusable = !closedByPeer && keepAlive && !wantsClose && in.isEmpty() && !stream.isClosed() && !producing;
        parser.reset();
        Future<Exchange> f = current;
        f.trySetResult(x);
    }

    /** The body producer finished (or failed: then the exchange fails, if it is still running). */
    void producerDone(Throwable failure) {
        producing = false;
        if (failure != null) {
            fail(failure);
            close(); // the request body is incomplete: the connection cannot carry another exchange
        }
    }

    void fail(Throwable t) {
        Future<Exchange> f = current;
        if (f != null && f.trySetException(t)) {
            close();
        }
    }

    @Override
    public String toString() {
        return "HTTP1ClientConnection(" + key + ", uses=" + uses + (isClosed() ? ", closed" : "") + ")";
    }
}
