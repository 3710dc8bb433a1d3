package io.squall.http;

import io.squall.Future;

/**
 * What an {@link HTTPServer} calls for every complete request (Tornado's {@code request_callback}).
 * {@link Application} is one; a lambda is another:
 *
 * <pre>{@code
 * new HTTPServer(request -> {
 *     byte[] body = ("Hello " + request.path()).getBytes(StandardCharsets.UTF_8);
 *     return request.connection().respond(200, new HTTPHeaders(), body);
 * }).listen(8888);
 * }</pre>
 *
 * <p>The callback answers through {@link HTTPServerRequest#connection()}, now or later, and must finish
 * the response ({@link HTTPConnection#finish()}) for the connection to move on to the next request. It
 * runs on the connection's {@link io.squall.IOLoop} thread and may be a coroutine.
 */
@FunctionalInterface
public interface RequestCallback {
    /**
     * Handles one request.
     *
     * @param request the request, body included
     * @return null, or a future that fails if handling failed; a failure (or an exception thrown here)
     *     is logged, answered with a 500 if no response was started, and otherwise closes the connection.
     *     Completing the future does not finish the response.
     * @throws Exception handled like a failed future
     */
    Future<?> handleRequest(HTTPServerRequest request) throws Exception;
}
