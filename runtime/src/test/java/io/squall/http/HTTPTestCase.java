package io.squall.http;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;

import io.squall.Gen;
import io.squall.testing.AsyncTestCase;

/** An {@link AsyncTestCase} with an HTTP server on 127.0.0.1 and a way to run blocking clients. */
abstract class HTTPTestCase extends AsyncTestCase {
    protected HTTPServer server;
    protected int port;

    /** Starts {@code s} on an ephemeral port of 127.0.0.1, on this test's loop. */
    protected HTTPServer start(HTTPServer s) {
        server = s;
        server.listen(0, "127.0.0.1");
        port = server.port();
        return server;
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Runs blocking {@code fn} on another thread while this test's loop runs, and returns its result. */
    protected <T> T blocking(Callable<T> fn) {
        return runSync(() -> loop.runInExecutor(null, fn));
    }

    /** Stops the server, closes its connections and lets the loop run their close callbacks. */
    @AfterEach
    public void stopServer() {
        if (server != null && !loop.isClosed()) {
            server.stop();
            server.closeAllConnections();
            runSync(() -> Gen.sleep(Duration.ofMillis(1)));
        }
    }
}
