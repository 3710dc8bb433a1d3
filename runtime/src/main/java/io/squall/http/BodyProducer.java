package io.squall.http;

import io.squall.Future;

/**
 * Produces a request body piece by piece (Tornado's {@code body_producer}); set with
 * {@link HTTPRequest#bodyProducer}. The client calls {@link #produce} on its loop thread once the request
 * head is sent; the producer writes with {@link Writer#write}, waiting on each returned future for
 * back-pressure, and completes its own future when the body is done. Without a Content-Length header the body
 * is sent chunked. May be a coroutine lambda:
 *
 * <pre>{@code
 * request.bodyProducer(write -> {
 *     for (byte[] piece : pieces) {
 *         await(write.write(piece));
 *     }
 *     return Future.of(null);
 * });
 * }</pre>
 *
 * <p>A request with a producer is not retried on a stale keep-alive connection or replayed on a redirect that
 * keeps the body, since the producer cannot be rewound: such a redirect is not followed.
 */
@FunctionalInterface
public interface BodyProducer {
    /** Writes one piece of a produced body. */
    @FunctionalInterface
    interface Writer {
        /**
         * Sends {@code chunk} (as one chunk when the body is chunked).
         *
         * @param chunk the bytes; an empty array sends nothing
         * @return completes when the bytes are handed to the socket; fails if the connection closed
         */
        Future<Void> write(byte[] chunk);
    }

    /**
     * Writes the whole body with {@code writer}.
     *
     * @param writer where the pieces go
     * @return a future that completes when the last piece was written (its failure fails the fetch)
     * @throws Exception fails the fetch
     */
    Future<?> produce(Writer writer) throws Exception;
}
