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
        return handler.startStreamed(application, request, args);
    }

    /**
     * Hands one piece of the body to the handler.
     *
     * @return completes (never fails) once the handler's {@code dataReceived} future is done; the caller
     *     reads no more until then
     */
    Future<Void> dataReceived(byte[] chunk) {
        return handler.streamChunk(chunk);
    }

    /** The body is complete: runs the verb method, then finishes the response if the method did not. */
    void bodyComplete() {
        handler.endStreamed();
    }

    /** @return the handler, for messages */
    @Override
    public String toString() {
        return "StreamedRequest(" + handler.getClass().getName() + ")";
    }
}
