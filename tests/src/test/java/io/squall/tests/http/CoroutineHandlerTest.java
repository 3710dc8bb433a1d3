package io.squall.tests.http;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPClientError;
import io.squall.http.HTTPError;
import io.squall.http.HTTPHeaders;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.testing.ExpectLog;
import io.squall.testing.HTTPTestServer;
import io.squall.testing.SquallTest;

/**
 * RequestHandler methods, prepare() and a server callback written as coroutines, with the real agent; on
 * squall-testing's {@code @SquallTest} (a fresh loop per test, servers closed after it).
 */
class CoroutineHandlerTest {
    private HTTPServer appServer;
    private HTTPServer callbackServer;
    private AsyncHTTPClient client;

    /** Awaits a sleep and another fetch (through the same server) before answering. */
    public static class ProxyHandler extends RequestHandler {
        private String prepared;

        @Override
        @Coroutine
        protected Future<?> prepare() {
            await(Gen.sleep(Duration.ofMillis(5)));
            prepared = "prepared";
            return null;
        }

        @Override
        @Coroutine
        public Future<?> get(String... args) {
            await(Gen.sleep(Duration.ofMillis(10)));
            HTTPResponse r = await(AsyncHTTPClient.shared().fetch("http://127.0.0.1:" + request().headers().get("X-Port")
                    + "/plain/" + args[0]));
            write(Map.of("prepared", prepared, "inner", r.bodyAsString(), "arg", args[0]));
            return null;
        }

        @Override
        @Coroutine
        public Future<?> post(String... args) {
            await(Gen.sleep(Duration.ofMillis(5)));
            if (getArgument("fail", null) != null) {
                throw new HTTPError(418, "asked to fail after an await");
            }
            write("posted " + request().bodyAsString());
            return null;
        }
    }

    /** Answers from a plain method. */
    public static class PlainHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("plain " + args[0]);
            return null;
        }
    }

    @BeforeEach
    void start(IOLoop loop) {
        appServer = HTTPTestServer.start(new Application()
                .addHandler("/proxy/(\\w+)", ProxyHandler.class)
                .addHandler("/plain/(\\w+)", PlainHandler.class)).server();
        callbackServer = HTTPTestServer.start(this::callback).server();
        client = new AsyncHTTPClient(loop, 50);
    }

    @Coroutine
    private Future<?> callback(io.squall.http.HTTPServerRequest request) {
        await(Gen.sleep(Duration.ofMillis(5)));
        byte[] body = ("callback " + request.path()).getBytes(StandardCharsets.UTF_8);
        return request.connection().respond(200, new HTTPHeaders(), body);
    }

    @AfterEach
    void stop() {
        client.close();
        AsyncHTTPClient.shared().close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    private String url(HTTPServer s, String path) {
        return "http://127.0.0.1:" + s.port() + path;
    }

    @Coroutine
    private Future<List<String>> fetchAll() {
        List<String> out = new ArrayList<>();
        HTTPResponse proxied = await(client.fetch(new HTTPRequest(url(appServer, "/proxy/abc"))
                .header("X-Port", Integer.toString(appServer.port()))));
        out.add(proxied.bodyAsString());
        HTTPResponse posted = await(client.fetch(new HTTPRequest(url(appServer, "/proxy/x")).method("POST").body("data")));
        out.add(posted.bodyAsString());
        try {
            await(client.fetch(new HTTPRequest(url(appServer, "/proxy/x?fail=1")).method("POST").body("")));
            out.add("no error");
        } catch (HTTPClientError e) {
            out.add("error " + e.code());
        }
        HTTPResponse cb = await(client.fetch(url(callbackServer, "/cb")));
        out.add(cb.bodyAsString());
        return Future.of(out);
    }

    @SquallTest(timeoutMillis = 30_000)
    Future<Void> coroutineHandlersAwaitAndAnswer() {
        // Each refusal below is an HTTPError whose log message is logged at WARNING (Tornado's log_exception).
        try (ExpectLog refusals = ExpectLog.expect("io.squall", Pattern.compile("^HTTPError 418 in .*ProxyHandler for POST /proxy/x\\?fail=1 .*: asked to fail after an await$"))) {
            List<String> got = await(fetchAll());
            assertEquals(4, got.size(), got.toString());
            assertTrue(got.get(0).contains("\"prepared\":\"prepared\"") && got.get(0).contains("\"inner\":\"plain abc\"")
                    && got.get(0).contains("\"arg\":\"abc\""), got.get(0));
            assertEquals(List.of("posted data", "error 418", "callback /cb"), got.subList(1, 4));
            assertEquals(1, refusals.matchedCount(), refusals.toString());
        }
        return null;
    }

    @Coroutine
    private Future<Integer> manyAtOnce(int n) {
        List<Future<HTTPResponse>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(client.fetch(url(callbackServer, "/c" + i)));
        }
        List<HTTPResponse> rs = await(Gen.multi(fs));
        int ok = 0;
        for (int i = 0; i < n; i++) {
            if (rs.get(i).bodyAsString().equals("callback /c" + i)) {
                ok++;
            }
        }
        return Future.of(ok);
    }

    @SquallTest(timeoutMillis = 30_000)
    Future<Void> concurrentCoroutineRequestsOverlap() {
        assertEquals(100, await(manyAtOnce(100)));
        assertTrue(client.openConnections() > 1, "the requests ran on several connections at once");
        return null;
    }
}
