package io.squall.http;

import java.util.Objects;

import io.squall.Future;

/**
 * Mounts any {@link RequestCallback} under a route (Tornado's {@code FallbackHandler}): a lambda server, a
 * second {@link Application}, a legacy adapter. Every request the route matches, whatever its method, goes
 * to the callback with its body; the callback answers on {@link HTTPServerRequest#connection()} as it would
 * as a server's callback, and its failures are handled as an {@link HTTPServer} handles them (logged, a 500
 * if nothing was sent yet). This handler adds nothing to the response: no default headers, no ETag, no XSRF
 * check, no access log line.
 *
 * <pre>{@code
 * RequestCallback legacy = request -> request.connection().respond(200, new HTTPHeaders(), "old".getBytes());
 * app.addHandler("/legacy/.*", () -> new FallbackHandler(legacy));
 * }</pre>
 */
public class FallbackHandler extends RequestHandler {
    private final RequestCallback fallback;

    /**
     * Creates a handler that passes requests to {@code fallback}.
     *
     * @param fallback the callback
     */
    public FallbackHandler(RequestCallback fallback) {
        this.fallback = Objects.requireNonNull(fallback, "fallback");
    }

    /** Hands the request to the callback; the method is never called. */
    @Override
    protected Future<?> prepare() {
        Future<?> f;
        try {
            f = fallback.handleRequest(request());
        } catch (Throwable t) {
            f = Future.failed(t);
        }
        handOff(f);
        return null;
    }
}
