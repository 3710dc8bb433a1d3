package io.squall.bench.hello;

import io.squall.Future;
import io.squall.http.RequestHandler;

/** {@code GET /hello}: answers {@code Hello, world}. */
public class HelloHandler extends RequestHandler {
    /** The reply body. */
    public static final String BODY = "Hello, world";

    @Override
    public Future<?> get(String... args) {
        write(BODY);
        return null;
    }
}
