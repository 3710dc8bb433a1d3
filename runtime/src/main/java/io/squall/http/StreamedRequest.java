package io.squall.http;

import io.squall.Future;

/**
 * A request whose body a {@link StreamRequestBody} handler receives as it arrives: the link between
 * {@link HTTP1ServerConnection}, which reads the pieces, and the handler, which consumes them one at a time.
 * Everything runs on the connection's loop thread.
 */
final class StreamedRequest {
    private final RequestHandler handler;
    private final Application application;
    private final String[] args;
    private final long maxBodySize;
    /** Inflates a gzip body for {@link HTTPServer#decompressRequest(boolean)}, or null. */
    private GzipDecoder gzip;
    /** Compressed bytes inflated at a time for a streamed body. */
    private static final int SLICE = 4096;

    StreamedRequest(RequestHandler handler, Application application, String[] args, long maxBodySize) {
        this.handler = handler;
        this.application = application;
        this.args = args;
        this.maxBodySize = maxBodySize;
    }

    /** @return the handler's body limit in bytes, or a negative number for the server's limit */
    long maxBodySize() {
        return maxBodySize;
    }

    /**
     * Binds the handler to the request (whose body is empty) and runs its {@code prepare()}.
     *
     * @return completes (never fails) once prepare() is done or the handler answered with an error
     */
    Future<Void> start(HTTPServerRequest request) {
        if (request.connection() instanceof HTTP1ServerConnection) {
            HTTPServer server = ((HTTP1ServerConnection) request.connection()).server();
            HTTPHeaders h = request.headers();
            if (server.decompressRequest() && GzipDecoder.isGzip(h.get("Content-Encoding"))) {
                // The body's framing was read already: the handler sees the headers of the inflated body.
                gzip = new GzipDecoder(maxBodySize >= 0 ? maxBodySize : server.maxBodySize(), "request body");
                h.set("X-Consumed-Content-Encoding", h.get("Content-Encoding"));
                h.remove("Content-Encoding");
                h.remove("Content-Length");
            }
        }
        return handler.startStreamed(application, request, args);
    }

    /**
     * Hands one piece of the body to the handler.
     *
     * @return completes (never fails) once the handler's {@code dataReceived} future is done; the caller
     *     reads no more until then
     */
    Future<Void> dataReceived(byte[] chunk) {
        if (gzip == null) {
            return handler.streamChunk(chunk);
        }
        Future<Void> consumed = new Future<>();
        inflateInto(chunk, 0, consumed);
        return consumed;
    }

    /**
     * Inflates {@code chunk} from {@code off} in slices of {@link #SLICE} compressed bytes (at most about a
     * thousand times that inflated: deflate's ratio is bounded), handing each inflated piece to the handler
     * and waiting for it before the next, so memory stays bounded whatever the ratio.
     */
    private void inflateInto(byte[] chunk, int off, Future<Void> consumed) {
        while (off < chunk.length && gzip != null) {
            int n = Math.min(SLICE, chunk.length - off);
            byte[] piece;
            try {
                piece = gzip.decode(off == 0 && n == chunk.length ? chunk : java.util.Arrays.copyOfRange(chunk, off, off + n));
            } catch (HTTPInputException e) {
                refuse(e);
                break;
            }
            off += n;
            if (piece.length > 0) {
                Future<Void> f = handler.streamChunk(piece);
                if (!f.isDone()) {
                    int next = off;
                    f.addDoneCallback(d -> inflateInto(chunk, next, consumed));
                    return;
                }
            }
        }
        consumed.trySetResult(null);
    }

    /** The body is complete: runs the verb method, then finishes the response if the method did not. */
    void bodyComplete() {
        if (gzip != null) {
            try {
                gzip.finish();
            } catch (HTTPInputException e) {
                refuse(e);
                return;
            } finally {
                gzip.close();
            }
        }
        handler.endStreamed();
    }

    /** A gzip body that inflates past the limit (413) or is not gzip (400): the handler answers with it. */
    private void refuse(HTTPInputException e) {
        io.squall.internal.Log.debug("Refusing the streamed body of " + handler.request() + ": " + e.status() + " "
                + e.getMessage());
        gzip.close();
        gzip = null;
        handler.sendError(e.status());
    }

    /** @return the handler, for messages */
    @Override
    public String toString() {
        return "StreamedRequest(" + handler.getClass().getName() + ")";
    }
}
