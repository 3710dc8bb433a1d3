package io.squall.websocket;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;

import io.squall.Gen;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.testing.AsyncTestCase;

/** An {@link AsyncTestCase} with a Squall HTTP server on 127.0.0.1 and a way to run blocking peers. */
abstract class WebSocketTestCase extends AsyncTestCase {
    protected HTTPServer server;
    protected int port;

    protected void start(Application app) {
        start(new HTTPServer(app));
    }

    protected void start(HTTPServer s) {
        server = s;
        server.listen(0, "127.0.0.1");
        port = server.port();
    }

    protected String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    /** Runs blocking {@code fn} on another thread while this test's loop runs, and returns its result. */
    protected <T> T blocking(Callable<T> fn) {
        return runSync(() -> loop.runInExecutor(null, fn));
    }

    @AfterEach
    public void stopServer() {
        if (server != null && !loop.isClosed()) {
            server.stop();
            server.closeAllConnections();
            runSync(() -> Gen.sleep(Duration.ofMillis(20)));
        }
    }
}
