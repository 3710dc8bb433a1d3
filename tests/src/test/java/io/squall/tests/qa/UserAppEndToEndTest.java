package io.squall.tests.qa;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;
import io.squall.net.TCPClient;
import io.squall.net.TCPServer;

/**
 * QA regressions, written as a user's app would be: a coroutine TCP server and coroutine HTTP handlers
 * that await TCPClient and AsyncHTTPClient, on a loop thread of their own, driven by raw blocking sockets
 * from the test thread (well-formed requests and the bad input QA sent by hand).
 */
@Timeout(120)
class UserAppEndToEndTest {

    private static IOLoop loop;
    private static Thread loopThread;
    private static HTTPServer http;
    private static LineServer lines;
    static volatile int linePort;
    static volatile int httpPort;
    static final AtomicInteger cleanCloses = new AtomicInteger();

    /** Echoes lines, upper-cased; the client closing is caught by type after a resumption (catch Exception). */
    static final class LineServer extends TCPServer {
        @Coroutine
        @Override
        protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
            try {
                while (true) {
                    byte[] line = await(stream.readUntil(new byte[] {'\n'}));
                    await(Gen.sleep(Duration.ofMillis(2)));
                    await(stream.write(new String(line, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8)));
                }
            } catch (Exception e) {
                if (e instanceof StreamClosedException) {
                    cleanCloses.incrementAndGet();
                    return null;
                }
                throw e;
            }
        }
    }

    /** Awaits the line server over TCPClient, then this server over AsyncHTTPClient, and answers JSON. */
    public static class ProxyHandler extends RequestHandler {
        @Coroutine
        @Override
        public Future<?> get(String... args) {
            IOStream s = await(new TCPClient().connect("127.0.0.1", linePort));
            String tcp;
            try {
                await(s.write((args[0] + "\n").getBytes(StandardCharsets.UTF_8)));
                tcp = new String(await(s.readUntil(new byte[] {'\n'})), StandardCharsets.UTF_8).trim();
            } finally {
                s.close();
            }
            HTTPResponse r = await(AsyncHTTPClient.shared().fetch("http://127.0.0.1:" + httpPort + "/plain/" + args[0]));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tcp", tcp);
            m.put("http", r.bodyAsString());
            write(m);
            return null;
        }
    }

    public static class PlainHandler extends RequestHandler {
        @Coroutine
        @Override
        public Future<?> get(String... args) {
            await(Gen.sleep(Duration.ofMillis(2)));
            write("plain " + args[0]);
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            write("posted " + request().body().length);
            return null;
        }
    }

    @BeforeAll
    static void startServers() throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        loopThread = new Thread(() -> {
            loop = IOLoop.current();
            try {
                lines = new LineServer();
                lines.listen(0, "127.0.0.1");
                linePort = lines.port();
                http = new Application()
                        .addHandler("/proxy/(\\w+)", ProxyHandler.class)
                        .addHandler("/plain/(\\w+)", PlainHandler.class)
                        .listen(0, "127.0.0.1");
                httpPort = http.port();
                ready.complete(null);
            } catch (Throwable t) {
                ready.completeExceptionally(t);
                return;
            }
            loop.start();
            loop.close();
        }, "qa-user-app-loop");
        loopThread.start();
        ready.get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServers() throws Exception {
        loop.addCallback(() -> {
            http.stop();
            http.closeAllConnections();
            lines.stop();
            AsyncHTTPClient.shared().close();
            loop.stop();
        });
        loopThread.join(60_000);
    }

    /** Sends {@code request} on a fresh connection and returns everything until the server closes. */
    private static String exchange(byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", httpPort)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered fully nor closed: " + got, e);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static String statusLine(String response) {
        int end = response.indexOf("\r\n");
        return end < 0 ? response : response.substring(0, end);
    }

    private static String get(String path) throws IOException {
        return exchange(("GET " + path + " HTTP/1.1\r\nHost: qa\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void handlerAwaitsTcpClientAndHttpClient() throws IOException {
        String r = get("/proxy/hello");
        assertEquals("HTTP/1.1 200 OK", statusLine(r));
        assertTrue(r.endsWith("{\"tcp\":\"HELLO\",\"http\":\"plain hello\"}"), r);
    }

    @Test
    void coroutineServerCatchesTheCheckedCloseByType() throws Exception {
        int before = cleanCloses.get();
        for (int i = 0; i < 20; i++) {
            get("/proxy/x" + i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // hang guard only
        while (cleanCloses.get() < before + 20 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(before + 20, cleanCloses.get(), "each client close ended a handleStream through its catch");
    }

    /** Bad input found by hand in QA: the exact status, a closed connection, then a good request answers. */
    @Test
    void badInputGetsItsStatusAndTheServerKeepsServing() throws IOException {
        String post = "POST /plain/a HTTP/1.1\r\nHost: qa\r\n";
        String te = post + "Transfer-Encoding: chunked\r\n\r\n";
        String[][] cases = {
            {"GARBAGE\r\n\r\n", "400"},
            {"GET  / HTTP/1.1\r\nHost: qa\r\n\r\n", "400"},
            {"GET /\r\n", "400"},
            {"GET / HTTP/2.0\r\nHost: qa\r\n\r\n", "505"},
            {"GET / HTTP/3.1\r\nHost: qa\r\n\r\n", "505"},
            {"GET / http/1.1\r\nHost: qa\r\n\r\n", "400"},
            {"GET / HTTP/1.10\r\nHost: qa\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost qa\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost : qa\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: qa\r\n  folded\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: q\u0000a\r\n\r\n", "400"},
            {"GET / HTTP/1.1\r\nHost: q\ra\r\n\r\n", "400"},
            {post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "400"},
            {post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "400"},
            {post + "Content-Length: -1\r\n\r\n", "400"},
            {post + "Content-Length: +5\r\n\r\nhello", "400"},
            {post + "Content-Length: 99999999999999999999\r\n\r\n", "400"},
            {post + "Content-Length: 1000000000\r\n\r\n", "413"},
            {post + "Transfer-Encoding: gzip\r\n\r\n", "400"},
            {"POST /plain/a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
            {te + "zz\r\nhello\r\n0\r\n\r\n", "400"},
            {te + "-5\r\nhello\r\n0\r\n\r\n", "400"},
            {te + "0x5\r\nhello\r\n0\r\n\r\n", "400"},
            {te + "ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n", "400"},
            {te + "5\r\nhelloXX0\r\n\r\n", "400"},
            {te + "7fffffff\r\n", "413"},
            {"GET / HTTP/1.1\r\nHost: qa\r\nX: " + "a".repeat(200_000) + "\r\n\r\n", "431"},
            {"GET /" + "a".repeat(200_000) + " HTTP/1.1\r\n\r\n", "414"},
        };
        for (String[] c : cases) {
            String r = exchange(c[0].getBytes(StandardCharsets.ISO_8859_1));
            String shown = c[0].length() > 60 ? c[0].substring(0, 60) + "..." : c[0];
            assertTrue(statusLine(r).startsWith("HTTP/1.1 " + c[1] + " "), shown + " -> " + statusLine(r));
            assertEquals("HTTP/1.1 200 OK", statusLine(get("/plain/ok")), "a good request after " + shown);
        }
        byte[] garbage = new byte[2560];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) i;
        }
        assertTrue(statusLine(exchange(garbage)).startsWith("HTTP/1.1 400 "));
        String ok = exchange((post + "Content-Length: 5\r\nConnection: close\r\n\r\nhello").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(ok.endsWith("posted 5"), ok);
    }

    /** Clients that reset mid-headers, mid-body and while the handler awaits leave the server serving. */
    @Test
    void resetsMidRequestLeaveTheServerServing() throws IOException {
        String[] partial = {
            "GET /plain/a HTTP/1.1\r\nHost: qa\r\n",
            "POST /plain/a HTTP/1.1\r\nHost: qa\r\nContent-Length: 100\r\n\r\nabc",
            "GET /proxy/abc HTTP/1.1\r\nHost: qa\r\n\r\n",
        };
        for (int i = 0; i < 30; i++) {
            for (String p : partial) {
                Socket s = new Socket("127.0.0.1", httpPort);
                s.getOutputStream().write(p.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                s.setSoLinger(true, 0);
                s.close(); // RST
            }
        }
        assertTrue(get("/proxy/after").endsWith("{\"tcp\":\"AFTER\",\"http\":\"plain after\"}"));
    }
}
