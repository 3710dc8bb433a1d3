package io.squall.http;

import io.squall.Future;

/**
 * Receives a response body piece by piece instead of buffered in {@link HTTPResponse#body()} (Tornado's
 * {@code streaming_callback}); set with {@link HTTPRequest#streamingCallback}. Called on the client's loop
 * thread, once per piece in order. Returning a future that is not done yet pauses reading from the socket
 * until it is (back-pressure); a failure (thrown or in the future) fails the fetch and closes the connection.
 * May be a coroutine lambda.
 */
@FunctionalInterface
public interface StreamingCallback {
    /**
     * Consumes the next bytes of the body.
     *
     * @param chunk the bytes, never empty; the callee may keep the array
     * @return null, or a future that completes when the piece is consumed
     * @throws Exception fails the fetch
     */
    Future<?> dataReceived(byte[] chunk) throws Exception;
}
