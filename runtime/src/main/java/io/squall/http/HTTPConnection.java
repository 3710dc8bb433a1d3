package io.squall.http;

import io.squall.Future;

/**
 * The response side of one request on an HTTP/1.x connection (Tornado's {@code HTTPConnection}):
 * {@link #writeHeaders}, then any number of {@link #write}s, then {@link #finish}. Methods must be called
 * on the connection's IOLoop thread.
 *
 * <p>The connection frames the body: with a {@code Content-Length} header it checks the length; without
 * one an HTTP/1.1 response is sent chunked and an HTTP/1.0 one is ended by closing the connection. It adds
 * {@code Date} and {@code Server} when they are missing, and drops the body of a response to HEAD and of
 * 1xx, 204 and 304 responses. The returned futures complete when the bytes are flushed to the socket and
 * fail with a {@code StreamClosedException} if the client went away.
 */
public interface HTTPConnection {
    /**
     * Writes the status line, the headers and optionally the first part of the body.
     *
     * @param code the status code
     * @param reason the reason phrase, or null for the standard one
     * @param headers the response headers; the connection may add framing headers to them
     * @param chunk the first body bytes, or null
     * @return completes when flushed
     * @throws IllegalStateException if the headers were already written
     */
    Future<Void> writeHeaders(int code, String reason, HTTPHeaders headers, byte[] chunk);

    /**
     * Writes more of the body.
     *
     * @param chunk the bytes
     * @return completes when flushed
     * @throws IllegalStateException if the headers were not written yet, the response is finished, or
     *     the bytes go past the declared Content-Length
     */
    Future<Void> write(byte[] chunk);

    /**
     * Writes {@code count} bytes of {@code file} from {@code position} as more of the body. The HTTP/1.x
     * server connection sends them zero-copy ({@link io.squall.net.IOStream#writeFile}); this default reads
     * the file in 64 KiB pieces and {@link #write}s each after the previous one is flushed. The caller
     * closes the file once the returned future is done.
     *
     * @param file an open, readable file channel
     * @param position the first byte
     * @param count how many bytes
     * @return completes when the bytes are flushed; fails if the client went away or the file cannot be read
     * @throws IllegalStateException as {@link #write}
     */
    default Future<Void> writeFile(java.nio.channels.FileChannel file, long position, long count) {
        return FileCopy.start(this, file, position, count);
    }

    /**
     * Ends the response. The connection then reads the next request, or closes.
     *
     * @return completes when everything is flushed; fails if fewer bytes than the declared Content-Length
     *     were written (the connection is then closed)
     * @throws IllegalStateException if the headers were not written yet or the response is finished
     */
    Future<Void> finish();

    /**
     * Writes a whole response at once: headers (with a Content-Length), body, finish.
     *
     * @param code the status code
     * @param headers the response headers
     * @param body the body, may be null for none
     * @return completes when flushed
     * @throws IllegalStateException if a response was already started
     */
    default Future<Void> respond(int code, HTTPHeaders headers, byte[] body) {
        byte[] b = body == null ? new byte[0] : body;
        if (!headers.contains("Content-Length")) {
            headers.set("Content-Length", Integer.toString(b.length));
        }
        writeHeaders(code, null, headers, b);
        return finish();
    }

    /**
     * Tells whether the response headers were written.
     *
     * @return true once {@link #writeHeaders} was called
     */
    boolean headersWritten();

    /**
     * Tells whether {@link #finish} was called.
     *
     * @return true once finished
     */
    boolean isFinished();

    /**
     * Tells whether the underlying connection is closed (for example, the client went away).
     *
     * @return true once closed
     */
    boolean isClosed();

    /** Closes the underlying connection at once, abandoning the response. */
    void close();

    /**
     * Sets a callback run once, on the loop, if the connection closes before this response is finished
     * (for example, the client went away while a long poll waited). Replaces an earlier one; null removes it.
     *
     * @param cb the callback, or null
     */
    void setCloseCallback(Runnable cb);

    /**
     * Hands the connection's stream over to the caller (Tornado's {@code detach}), for protocols that take
     * over after a response such as 101 Switching Protocols (WebSocket): the connection stops reading and
     * timing, forgets the stream without closing it, and no longer counts as one of the server's HTTP
     * connections. Call on the loop thread after {@link #finish()} of the upgrade response; bytes written
     * before stay queued on the stream, in order.
     *
     * @return the stream and the bytes the client sent after the request that were already read
     * @throws UnsupportedOperationException if this connection cannot hand its stream over
     * @throws IllegalStateException if the connection is closed or was detached already
     */
    default DetachedStream detach() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot hand its stream over (detach)");
    }
}
