package io.squall.testing;

import java.time.Duration;
import java.util.Objects;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestCallback;

/**
 * An HTTP server for one test on an unused port of 127.0.0.1, with a client to call it: Tornado's
 * {@code AsyncHTTPTestCase}.
 *
 * <pre>
 *   &#64;SquallTest
 *   Future&lt;Void&gt; greets() {
 *       HTTPTestServer server = HTTPTestServer.start(new Application().addHandler("/", Hello.class));
 *       HTTPResponse r = await(server.fetch("/?name=Ada"));
 *       assertEquals("Hello, Ada", r.bodyAsString());
 *       return null;
 *   }
 * </pre>
 *
 * <p>The server and client run on the loop that is current when {@link #start} is called (the test's loop
 * under {@link SquallTest}, which also closes the server after the test if the test did not). Responses
 * with an error status are returned, not thrown ({@code raiseError(false)}), so a test can assert on 404s.
 *
 * <p>Threads: create, fetch and close on the loop's thread.
 */
public final class HTTPTestServer implements AutoCloseable {

    private final IOLoop loop;
    private final HTTPServer server;
    private final AsyncHTTPClient client;
    private boolean closed;

    private HTTPTestServer(IOLoop loop, HTTPServer server) {
        this.loop = loop;
        this.server = server;
        this.client = new AsyncHTTPClient(loop, AsyncHTTPClient.DEFAULT_MAX_CONNECTIONS_PER_HOST);
    }

    /**
     * Starts an HTTP server for {@code app} (an {@code Application} or any request callback) on an unused
     * port of 127.0.0.1, on the current thread's loop.
     *
     * @param app the application
     * @return the running server
     * @throws java.io.UncheckedIOException if no port can be bound
     */
    public static HTTPTestServer start(RequestCallback app) {
        return start(new HTTPServer(Objects.requireNonNull(app, "app")));
    }

    /**
     * Starts a server configured by the caller (timeouts, limits) on an unused port of 127.0.0.1, on the
     * current thread's loop.
     *
     * @param server a server not yet listening
     * @return the running server
     * @throws java.io.UncheckedIOException if no port can be bound
     */
    public static HTTPTestServer start(HTTPServer server) {
        IOLoop loop = IOLoop.current();
        server.listen(0, "127.0.0.1");
        HTTPTestServer s = new HTTPTestServer(loop, server);
        SquallTestExtension.closeAfterTest(s);
        return s;
    }

    /**
     * Returns the port the server listens on.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * Returns the absolute URL of {@code path} on this server.
     *
     * @param path starting with {@code /}, may carry a query
     * @return e.g. {@code http://127.0.0.1:40123/path}
     */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /**
     * Returns the running server (to count connections, or to stop it mid-test).
     *
     * @return the server
     */
    public HTTPServer server() {
        return server;
    }

    /**
     * Fetches {@code path} with a GET; an error status is a normal response here.
     *
     * @param path starting with {@code /}
     * @return the response
     */
    public Future<HTTPResponse> fetch(String path) {
        return fetch(new HTTPRequest(url(path)).raiseError(false));
    }

    /**
     * Sends {@code request} to this server; build it with {@link #url}. An error status is returned as a
     * response unless the request asked for {@code raiseError(true)}.
     *
     * @param request the request
     * @return the response
     */
    public Future<HTTPResponse> fetch(HTTPRequest request) {
        return client.fetch(request);
    }

    /**
     * Fetches {@code path} by running the loop until the response is there (Tornado's
     * {@code AsyncHTTPTestCase.fetch}): for {@code void} tests, whose loop is not running.
     *
     * @param path starting with {@code /}
     * @return the response
     * @throws IllegalStateException if the loop is running (in a coroutine, {@code await(fetch(path))})
     */
    public HTTPResponse fetchSync(String path) {
        return fetchSync(new HTTPRequest(url(path)).raiseError(false));
    }

    /**
     * As {@link #fetchSync(String)} with a request of your own.
     *
     * @param request the request
     * @return the response
     * @throws IllegalStateException if the loop is running
     */
    public HTTPResponse fetchSync(HTTPRequest request) {
        return loop.runSync(() -> fetch(request), Duration.ofSeconds(30));
    }

    /** Stops the server, closes its connections and the client. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        server.stop();
        server.closeAllConnections();
    }

    /** Describes the server's address. */
    @Override
    public String toString() {
        return "HTTPTestServer(" + url("/") + ")";
    }
}
