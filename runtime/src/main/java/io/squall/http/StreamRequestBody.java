package io.squall.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link RequestHandler} class that receives its request body as it arrives (Tornado's
 * {@code @stream_request_body}) instead of buffered whole in {@link HTTPServerRequest#body()}.
 *
 * <p>The server then runs {@link RequestHandler#prepare()} as soon as the headers are read, calls
 * {@link RequestHandler#dataReceived(byte[])} once per piece of the body (at most one read's worth, 64 KiB),
 * and the verb method ({@code post}, {@code put}, ...) after the last piece. Each piece is one step with
 * back-pressure: the server reads nothing more from the socket until the future that {@code dataReceived}
 * returned is done, so an upload of any size runs in constant memory and a slow handler slows the client.
 * Works for Content-Length and chunked bodies; {@code request().body()} is empty.
 *
 * <pre>{@code
 * @StreamRequestBody(maxBodySize = 10L << 30)
 * class Upload extends RequestHandler {
 *     FileChannel out;
 *     protected Future<?> prepare() throws IOException { out = FileChannel.open(...); return null; }
 *     @Coroutine protected Future<Void> dataReceived(byte[] chunk) { ...write...; return Future.of(null); }
 *     public Future<?> put(String... args) { ...close, answer...; return null; }
 * }
 * }</pre>
 *
 * <p>Honoured on routes added with a handler class ({@link Application#route(String, Class)},
 * {@link Application#addHandler(String, Class)}); a handler made by a factory gets its body buffered.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface StreamRequestBody {
    /**
     * @return the largest body this handler accepts, in bytes; a larger Content-Length is answered 413
     *     before {@code prepare()}, a chunked body that grows past it is cut with a 413 (or a closed
     *     connection once the response started). Negative: the server's {@link HTTPServer#maxBodySize}.
     */
    long maxBodySize() default -1;
}
