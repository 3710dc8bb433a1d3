package io.squall.bench.c10k;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.RequestHandler;
import java.time.Duration;

/** {@code GET /sleep}: a coroutine that awaits a timer, then answers {@code slept}; issue 9's c10k handler. */
public class SleepHandler extends RequestHandler {
    /** The reply body. */
    public static final String BODY = "slept";
    private final Duration delay;

    /**
     * Creates the handler.
     *
     * @param delay how long each request sleeps
     */
    public SleepHandler(Duration delay) {
        this.delay = delay;
    }

    @Override
    @Coroutine
    public Future<?> get(String... args) {
        await(Gen.sleep(delay));
        write(BODY);
        return null;
    }
}
