package io.squall.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.internal.Log;
import io.squall.internal.Trampoline;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;

/**
 * One HTTP/1.x connection on the server side: reads requests with an {@link HTTP1Parser}, hands each
 * complete request to the server's {@link RequestCallback}, writes its response, and moves on.
 *
 * <p>Requests are handled one at a time: while a request is being answered nothing more is read, and
 * bytes of pipelined requests that already arrived wait in the input buffer, so responses go out in
 * request order and a client that never reads its responses cannot make the server buffer without bound.
 *
 * <pre>
 *   idle --first byte--&gt; head --blank line--&gt; body --complete--&gt; handling --finish flushed--&gt; idle
 *     (idle timeout)       (header timeout)       (body timeout)                (or close)
 * </pre>
 * A request routed to a {@link StreamRequestBody} handler leaves "head" early: the handler's prepare() runs,
 * then each read's worth of body goes to its dataReceived() and nothing more is read until that is done
 * ({@link StreamedRequest}); the verb method runs after the last piece. A response finished before the body
 * ended closes the connection (lingering, as for bad input).
 * Bad input is answered with its status (400, 413, 414, 431, 505), then the connection is half-closed and
 * what the client still sends is drained briefly, so the client reads the answer rather than a reset.
 * Everything runs on the stream's loop thread.
 */
final class HTTP1ServerConnection implements HTTPConnection {
    private static final int READ_SIZE = 64 * 1024;
    /** Smallest array for request bytes that span reads; an idle connection holds none. */
    private static final int INPUT_MIN_CAPACITY = 512;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final long LINGER_MAX_BYTES = 4L << 20;

    private final HTTPServer server;
    private final IOStream stream;
    private final IOLoop loop;
    private final InetSocketAddress remote;
    private final HTTP1Parser parser;
    private final Future<Void> closedFuture = new Future<>();

    private final InputBuffer in = new InputBuffer(INPUT_MIN_CAPACITY);
    private boolean reading;
    /** The read in flight while {@link #reading}; a detach cancels it (the stream keeps its bytes). */
    private Future<byte[]> pendingRead;
    private boolean handling;
    private final Trampoline processing = new Trampoline(this::step);
    private boolean closed;
    private boolean detached;
    /** The server is stopping gracefully: this response is the last one. */
    private boolean draining;
    /** True from a keep-alive response's flush until the next request starts: idle, a graceful stop closes it. */
    private boolean betweenRequests;

    private HTTPServerRequest request;
    /** The handler receiving the current request's body piece by piece, or null when the body is buffered. */
    private StreamedRequest streamed;
    /** True while a streamed body waits on the handler (prepare() or dataReceived()): nothing is read. */
    private boolean streamWaiting;
    private boolean requestKeepAlive;
    private boolean keepAlive;
    private boolean headersWritten;
    private boolean finished;
    private boolean chunkedOutput;
    private boolean noBodyOutput;
    private long declaredLength;
    private long written;
    private Future<Void> lastWrite;

    private Runnable closeCallback;
    private final Deadline deadline;

    HTTP1ServerConnection(HTTPServer server, IOStream stream, InetSocketAddress remote) {
        this.server = server;
        this.stream = stream;
        this.loop = stream.loop();
        this.remote = remote;
        this.deadline = new Deadline(loop, this::onTimeout);
        this.parser = new HTTP1Parser(true, server.maxStartLineSize(), server.maxHeaderSize(), server.maxBodySize());
    }

    /** Starts reading requests; the future completes when the connection is closed. */
    Future<Void> start() {
        stream.setCloseCallback(this::onStreamClosed);
        // Responses leave in one write each; Nagle's algorithm would only delay them (behind delayed ACKs).
        try {
            stream.setNoDelay(true);
        } catch (RuntimeException e) {
            io.squall.internal.Log.debug("Cannot set TCP_NODELAY on " + stream + ": " + e);
        }
        // A new connection must start its first request within the header timeout (as nginx's
        // client_header_timeout): one that connects and sends nothing does not hold a descriptor for the
        // whole idle timeout. Between keep-alive requests the idle timeout applies.
        setDeadline(Math.min(server.idleConnectionTimeoutNanos(), server.headerTimeoutNanos()), "header");
        process();
        return closedFuture;
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading and dispatching

    private void process() {
        processing.run();
    }

    private void step() {
        while (!handling && !streamWaiting && !closed) {
            if (streamed != null && (finished || parser.isMessageComplete())) {
                if (!finished) {
                    dispatchStreamed();
                }
                return; // a finished response ends the request: onResponseFlushed discards the rest of the body
            }
            if (in.isEmpty()) {
                readMore();
                return;
            }
            if (!parser.hasStarted()) {
                betweenRequests = false;
                setDeadline(server.headerTimeoutNanos(), "header");
            }
            try {
                in.feed(parser);
                if (parser.isHeadComplete()) {
                    checkHost();
                    StreamedRequest sr = streamedRequest();
                    if (sr != null) {
                        parser.setMaxBodySize(sr.maxBodySize() >= 0 ? sr.maxBodySize() : server.maxBodySize());
                    }
                    parser.beginRequestBody();
                    if (parser.isReadingBody()) {
                        setDeadline(server.bodyTimeoutNanos(), "body");
                        if ("HTTP/1.1".equals(parser.version())
                                && parser.headers().containsToken("Expect", "100-continue")) {
                            observe(stream.write(CONTINUE));
                        }
                    }
                    if (sr != null) {
                        startStreamed(sr);
                        return;
                    }
                }
            } catch (HTTPInputException e) {
                badRequest(e);
                return;
            }
            if (streamed != null) {
                byte[] piece = parser.takeBody();
                if (piece.length > 0) {
                    streamWaiting = true;
                    clearDeadline(); // the handler's own pace is not the client's fault
                    streamed.dataReceived(piece).addDoneCallback(d -> onLoop(this::resumeStream));
                    return;
                }
                continue;
            }
            if (parser.isMessageComplete()) {
                dispatch();
            }
        }
    }

    /** RFC 9112 section 3.2: an HTTP/1.1 request needs exactly one Host header; more than one is never valid. */
    private void checkHost() throws HTTPInputException {
        int hosts = parser.headers().getAll("Host").size();
        if (hosts > 1) {
            throw new HTTPInputException(400, "Request has " + hosts + " Host headers; exactly one is allowed");
        }
        if (hosts == 0 && "HTTP/1.1".equals(parser.version())) {
            throw new HTTPInputException(400, "HTTP/1.1 request without a Host header");
        }
    }

    private void readMore() {
        if (reading || closed) {
            return;
        }
        reading = true;
        Future<byte[]> f;
        try {
            f = stream.readBytesPartial(READ_SIZE);
        } catch (RuntimeException e) {
            reading = false;
            Log.debug("HTTP connection from " + remote + ": read failed: " + e);
            close();
            return;
        }
        pendingRead = f;
        f.addDoneCallback(this::onRead);
    }

    private void onRead(Future<byte[]> f) {
        reading = false;
        Throwable t = f.exception();
        if (t != null) {
            if (!(t instanceof StreamClosedException) && !(t instanceof CancellationException)) {
                Log.debug("HTTP connection from " + remote + ": read failed: " + t);
            }
            close();
            return;
        }
        in.append(f.result());
        process();
    }

    /**
     * The headers of a request are complete: if the server is an {@link Application} whose route for it has
     * a {@link StreamRequestBody} handler, starts the request now (with an empty body) and returns the handler.
     */
    private StreamedRequest streamedRequest() {
        if (!(server.callback() instanceof Application) || !((Application) server.callback()).streamsAny()) {
            return null;
        }
        beginRequest(new byte[0]);
        StreamedRequest sr;
        try {
            sr = ((Application) server.callback()).streamedRequest(request);
        } catch (RuntimeException e) {
            // The handler's constructor failed: buffer the body; handleRequest then fails the same way (a 500).
            Log.debug("HTTP connection from " + remote + ": cannot start a streaming handler: " + e);
            sr = null;
        }
        if (sr == null) {
            request = null;
        }
        return sr;
    }

    /** Runs the streaming handler's prepare(); no body is read until it is done. */
    private void startStreamed(StreamedRequest sr) {
        streamed = sr;
        streamWaiting = true;
        clearDeadline();
        sr.start(request).addDoneCallback(d -> onLoop(this::resumeStream));
    }

    /** The streaming handler consumed what it was given: read on (or stop, if it finished the response). */
    private void resumeStream() {
        streamWaiting = false;
        if (closed || finished || streamed == null) {
            return;
        }
        if (parser.isReadingBody()) {
            setDeadline(server.bodyTimeoutNanos(), "body");
        }
        process();
    }

    /** The whole streamed body was consumed: the handler's verb method runs. */
    private void dispatchStreamed() {
        clearDeadline();
        handling = true;
        streamed.bodyComplete();
        if (!finished && !closed && in.isEmpty()) {
            readMore(); // as in dispatch(): notice a client that leaves
        }
    }

    private void dispatch() {
        clearDeadline();
        byte[] body = parser.body();
        if (server.decompressRequest()) {
            try {
                body = RequestDecompression.inflate(parser.headers(), body, server.maxBodySize());
            } catch (HTTPInputException e) {
                badRequest(e);
                return;
            }
        }
        beginRequest(body);
        handling = true;
        HTTPServerRequest current = request;
        Future<?> f;
        try {
            f = server.callback().handleRequest(current);
        } catch (Throwable t) {
            onCallbackFailure(current, t);
            return;
        }
        if (f != null) {
            f.addDoneCallback(done -> {
                Throwable t = done.exception();
                if (t != null) {
                    onLoop(() -> onCallbackFailure(current, t));
                }
            });
        }
        if (!finished && !closed && in.isEmpty()) {
            // Notice a client that leaves while the request is handled (its close callback then runs and a
            // RequestHandler's pending work is cancelled); bytes read meanwhile wait in `in` for the next
            // request, at most one read's worth, since step() reads no more while handling.
            readMore();
        }
    }

    /** Resets the response state and makes the request object. */
    private void beginRequest(byte[] body) {
        headersWritten = false;
        finished = false;
        chunkedOutput = false;
        noBodyOutput = false;
        declaredLength = -1;
        written = 0;
        lastWrite = null;
        closeCallback = null;
        request = new HTTPServerRequest(parser.method(), parser.target(), parser.version(), parser.headers(),
                body, remote, this);
        if (server.xheaders()) {
            request.applyXHeaders();
        }
        HTTPHeaders h = request.headers();
        requestKeepAlive = request.supportsHttp11() ? !h.containsToken("Connection", "close")
                : h.containsToken("Connection", "keep-alive");
    }

    private void onCallbackFailure(HTTPServerRequest failed, Throwable t) {
        if (t instanceof StreamClosedException) {
            // The client went away while the response was written: normal, nothing to report.
            Log.debug("Client " + remote + " closed the connection during the response to " + failed);
            close();
            return;
        }
        Log.error("Uncaught exception in the request callback for " + failed, t);
        if (failed != request || closed) {
            return;
        }
        if (!headersWritten) {
            HTTPHeaders h = new HTTPHeaders().set("Content-Type", "text/html; charset=UTF-8");
            respond(500, h, ErrorPage.html(500, HTTPStatus.reason(500)));
        } else if (!finished) {
            close();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // HTTPConnection: writing the response

    @Override
    public Future<Void> writeHeaders(int code, String reason, HTTPHeaders headers, byte[] chunk) {
        if (headersWritten) {
            throw new IllegalStateException("writeHeaders: the response headers were already written for "
                    + request);
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("writeHeaders: status " + code + " is not a three-digit code");
        }
        String phrase = reason != null ? reason : HTTPStatus.reasonOrUnknown(code);
        HTTPHeaders.checkValue("reason phrase", phrase);
        String cl = headers.get("Content-Length");
        long length = -1;
        if (cl != null) {
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length < 0) {
                throw new IllegalArgumentException("writeHeaders: Content-Length " + cl + " is not a non-negative number");
            }
        }
        headersWritten = true;
        declaredLength = length;
        noBodyOutput = "HEAD".equals(request.method()) || code < 200 || code == 204 || code == 304;
        boolean userFraming = headers.contains("Transfer-Encoding");
        boolean closeDelimited = false;
        if (cl == null && !userFraming && !noBodyOutput) {
            if (request.supportsHttp11()) {
                chunkedOutput = true;
                headers.set("Transfer-Encoding", "chunked");
            } else {
                closeDelimited = true;
            }
        }
        keepAlive = requestKeepAlive && !server.noKeepAlive() && !draining && !closeDelimited
                && !headers.containsToken("Connection", "close");
        if (!keepAlive && request.supportsHttp11() && code != 101) { // a 101 keeps its Connection: Upgrade
            headers.set("Connection", "close");
        } else if (keepAlive && !request.supportsHttp11()) {
            headers.set("Connection", "keep-alive");
        }
        if (!headers.contains("Date")) {
            headers.set("Date", HTTPDate.now());
        }
        String serverName = server.serverHeader();
        if (serverName != null && !headers.contains("Server")) {
            headers.set("Server", serverName);
        }
        ByteArrayBuilder head = new ByteArrayBuilder(256);
        head.appendLatin1("HTTP/1.1 ");
        head.appendAscii(code);
        head.append((byte) ' ');
        head.appendLatin1(phrase);
        head.append(CRLF);
        headers.writeTo(head);
        head.append(CRLF);
        ByteBuffer headBuffer = ByteBuffer.wrap(head.array(), 0, head.size());
        if (chunk == null || chunk.length == 0 || noBodyOutput) {
            return send(headBuffer);
        }
        return sendBody(headBuffer, chunk);
    }

    @Override
    public Future<Void> write(byte[] chunk) {
        if (!headersWritten) {
            throw new IllegalStateException("write: call writeHeaders() before writing the body");
        }
        if (finished) {
            throw new IllegalStateException("write: the response was already finished");
        }
        if (chunk.length == 0 || noBodyOutput) {
            return lastWrite != null ? lastWrite : Future.of(null);
        }
        return sendBody(null, chunk);
    }

    /** Sends the file region zero-copy through the stream (inside a chunk when the body is chunked). */
    @Override
    public Future<Void> writeFile(java.nio.channels.FileChannel file, long position, long count) {
        if (!headersWritten || finished) {
            throw new IllegalStateException("writeFile: " + (finished ? "the response was already finished"
                    : "call writeHeaders() before writing the body"));
        }
        if (count == 0 || noBodyOutput) {
            return lastWrite != null ? lastWrite : Future.of(null);
        }
        if (declaredLength >= 0 && written + count > declaredLength) {
            throw new IllegalStateException("Tried to write " + (written + count) + " bytes, more than the "
                    + declaredLength + " bytes declared in Content-Length");
        }
        written += count;
        if (closed) {
            return send();
        }
        if (chunkedOutput) {
            send(ByteBuffer.wrap((Long.toHexString(count) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)));
        }
        Future<Void> f = stream.writeFile(file, position, count);
        lastWrite = f;
        observe(f);
        return chunkedOutput ? send(ByteBuffer.wrap(CRLF)) : f;
    }

    private Future<Void> sendBody(ByteBuffer head, byte[] chunk) {
        if (declaredLength >= 0 && written + chunk.length > declaredLength) {
            throw new IllegalStateException("Tried to write " + (written + chunk.length) + " bytes, more than the "
                    + declaredLength + " bytes declared in Content-Length");
        }
        written += chunk.length;
        ByteBuffer body = ByteBuffer.wrap(chunk);
        if (chunkedOutput) {
            ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(chunk.length) + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return head == null ? send(size, body, ByteBuffer.wrap(CRLF)) : send(head, size, body, ByteBuffer.wrap(CRLF));
        }
        return head == null ? send(body) : send(head, body);
    }

    private Future<Void> send(ByteBuffer... buffers) {
        Future<Void> f;
        if (closed) {
            f = Future.failed(new StreamClosedException("HTTP connection from " + remote + " is closed"));
        } else {
            f = stream.write(buffers);
        }
        lastWrite = f;
        observe(f);
        return f;
    }

    @Override
    public Future<Void> finish() {
        if (!headersWritten) {
            throw new IllegalStateException("finish: call writeHeaders() first");
        }
        if (finished) {
            throw new IllegalStateException("finish: the response was already finished for " + request);
        }
        finished = true;
        closeCallback = null;
        if (!noBodyOutput && declaredLength >= 0 && written < declaredLength) {
            IllegalStateException e = new IllegalStateException("Response to " + request + " finished after "
                    + written + " of the " + declaredLength + " bytes its Content-Length declared;"
                    + " closing the connection");
            Log.warning(e.getMessage());
            close();
            Future<Void> failed = Future.failed(e);
            failed.exception(); // logged just above: not a lost failure if the handler drops finish()'s future
            return failed;
        }
        Future<Void> f = chunkedOutput ? send(ByteBuffer.wrap(LAST_CHUNK)) : lastWrite;
        HTTPServerRequest finishedRequest = request;
        f.addDoneCallback(done -> onLoop(() -> onResponseFlushed(finishedRequest, done)));
        return f;
    }

    private void onResponseFlushed(HTTPServerRequest finishedRequest, Future<Void> done) {
        if (closed || finishedRequest != request) {
            return;
        }
        if (done.exception() != null) {
            close();
            return;
        }
        if (streamed != null && !parser.isMessageComplete()) {
            lingeringClose(); // answered before the streamed body ended (an error, a refusal): drop the rest
            return;
        }
        if (!keepAlive || draining) {
            if (!in.isEmpty()) {
                lingeringClose(); // the client sent more than we will read: don't answer it with a reset
            } else {
                close();
            }
            return;
        }
        parser.reset();
        request = null;
        streamed = null;
        lastWrite = null;
        handling = false;
        betweenRequests = true;
        setDeadline(server.idleConnectionTimeoutNanos(), "idle");
        // Not process() directly: this may run inside the handler's finish(), and a client with many
        // pipelined requests would otherwise nest one handler call per request on the stack.
        try {
            loop.dispatch(this::process);
        } catch (IllegalStateException closedLoop) {
            close();
        }
    }

    @Override
    public void setCloseCallback(Runnable cb) {
        closeCallback = finished ? null : cb;
    }

    @Override
    public boolean headersWritten() {
        return headersWritten;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------------------------------------------
    // Errors, timeouts, closing

    private void badRequest(HTTPInputException e) {
        Log.debug("Bad HTTP request from " + remote + ": " + e.status() + " " + e.getMessage());
        if (streamed != null && headersWritten) {
            close(); // a streaming handler already answered part of its response: no room for an error page
            return;
        }
        clearDeadline();
        handling = true;
        String reason = HTTPStatus.reasonOrUnknown(e.status());
        byte[] body = (e.status() + " " + reason + ": " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayBuilder head = new ByteArrayBuilder(256);
        head.appendLatin1("HTTP/1.1 " + e.status() + " " + reason + "\r\nContent-Type: text/plain; charset=UTF-8"
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\nDate: " + HTTPDate.now() + "\r\n");
        if (server.serverHeader() != null) {
            head.appendLatin1("Server: " + server.serverHeader() + "\r\n");
        }
        head.append(CRLF);
        head.append(body);
        Future<Void> f = send(ByteBuffer.wrap(head.array(), 0, head.size()));
        f.addDoneCallback(done -> onLoop(() -> {
            if (done.exception() != null) {
                close();
            } else {
                lingeringClose();
            }
        }));
    }

    /**
     * Half-closes and discards what the client still sends for a short while, then closes: closing with
     * unread input would make the kernel send a reset that can destroy the error response in flight.
     */
    private void lingeringClose() {
        if (closed) {
            return;
        }
        try {
            stream.shutdownOutput(); // on TLS, close_notify first
        } catch (IOException | RuntimeException e) {
            close();
            return;
        }
        in.discard();
        setDeadline(LINGER_NANOS, "linger");
        drain(0);
    }

    private void drain(long discarded) {
        if (closed) {
            return;
        }
        if (discarded > LINGER_MAX_BYTES) {
            close();
            return;
        }
        Future<byte[]> f;
        try {
            f = stream.readBytesPartial(READ_SIZE);
        } catch (RuntimeException e) {
            close();
            return;
        }
        f.addDoneCallback(done -> {
            if (done.exception() != null) {
                close();
            } else {
                onLoop(() -> drain(discarded + done.result().length));
            }
        });
    }

    private void setDeadline(long timeoutNanos, String phase) {
        if (!closed) {
            deadline.set(timeoutNanos, phase);
        }
    }

    private void clearDeadline() {
        deadline.clear();
    }

    private void onTimeout(String phase) {
        if (closed) {
            return;
        }
        Log.debug("HTTP connection from " + remote + ": " + phase + " timeout, closing");
        close();
    }

    @Override
    public DetachedStream detach() {
        if (closed) {
            throw new IllegalStateException("detach: the HTTP connection from " + remote + " is "
                    + (detached ? "already detached" : "closed"));
        }
        detached = true;
        closeCallback = null;
        stream.setCloseCallback(null);
        markClosed(); // no more reads, timers or keep-alive; the stream itself stays open
        if (reading && pendingRead != null) {
            // The read that watches for the client leaving while the request is handled: abandon it (after
            // markClosed, so its callback does not close the stream), so the new owner can read; IOStream
            // keeps the bytes for the next read.
            pendingRead.cancel();
        }
        return new DetachedStream(stream, in.takeAll());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        markClosed();
        stream.close();
    }

    private void onStreamClosed() {
        if (!closed) {
            markClosed();
        }
    }

    private void markClosed() {
        closed = true;
        deadline.cancel();
        server.connectionClosed(this);
        closedFuture.trySetResult(null);
        Runnable cb = closeCallback;
        closeCallback = null;
        if (cb != null) {
            try {
                loop.dispatch(cb);
            } catch (IllegalStateException closedLoop) {
                Log.debug("HTTP connection from " + remote + ": loop closed, close callback not run");
            }
        }
    }

    /**
     * For a graceful stop, on the loop: closes the connection now if it is idle between keep-alive requests;
     * otherwise lets the request in flight (or the first request of a new connection, which the client is
     * about to send) finish and closes after its response, which says {@code Connection: close} unless its
     * head was already sent.
     */
    void drain() {
        draining = true;
        if (!closed && betweenRequests && !handling && !streamWaiting && streamed == null && !processing.isRunning()
                && !parser.hasStarted() && in.isEmpty()) {
            close();
        }
    }

    /** {@link #drain()} from any thread. */
    void drainFromAnyThread() {
        onLoop(this::drain);
    }

    /** Closes from any thread. */
    void closeFromAnyThread() {
        onLoop(this::close);
    }

    private void observe(Future<Void> f) {
        f.addDoneCallback(done -> {
            if (done.exception() != null && !closed) {
                onLoop(this::close);
            }
        });
    }

    private void onLoop(Runnable r) {
        if (loop.inLoopThread()) {
            r.run();
        } else {
            try {
                loop.addCallback(r);
            } catch (IllegalStateException closedLoop) {
                Log.debug("HTTP connection from " + remote + ": loop closed, dropping " + r);
            }
        }
    }

    @Override
    public String toString() {
        return "HTTP1ServerConnection(" + remote + (closed ? ", closed" : "") + ")";
    }

    /** @return true if this connection speaks TLS */
    boolean isTls() {
        return stream.isTls();
    }

    /** @return the server this connection belongs to */
    HTTPServer server() {
        return server;
    }
}
