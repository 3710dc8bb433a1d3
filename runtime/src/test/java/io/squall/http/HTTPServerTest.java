package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import io.squall.Future;
import io.squall.net.StreamClosedException;

/** HTTPServer over real loopback sockets, driven by raw java.net.Socket clients sending exact bytes. */
class HTTPServerTest extends HTTPTestCase {
    private final Set<Integer> clientPorts = new HashSet<>();

    /** Echoes method, path, query, body size and CRC; "/slow" answers a little later, "/stream" in chunks. */
    private Future<?> handle(HTTPServerRequest req) {
        clientPorts.add(req.remoteAddress().getPort());
        HTTPConnection c = req.connection();
        switch (req.path()) {
            case "/slow": {
                loop.callLater(Duration.ofMillis(30), () -> c.respond(200, new HTTPHeaders(), bytes("slow " + req.query())));
                return null;
            }
            case "/stream": {
                c.writeHeaders(200, null, new HTTPHeaders().set("Content-Type", "text/plain"), bytes("one,"));
                c.write(bytes("two,"));
                c.write(new byte[0]);
                c.write(bytes("three"));
                return c.finish();
            }
            case "/fail":
                throw new IllegalStateException("boom from the callback");
            default:
                CRC32 crc = new CRC32();
                crc.update(req.body());
                String text = req.method() + " " + req.path() + " q=" + req.query() + " len=" + req.body().length
                        + " crc=" + Long.toHexString(crc.getValue());
                return c.respond(200, new HTTPHeaders().set("Content-Type", "text/plain; charset=UTF-8"), bytes(text));
        }
    }

    /** What the default handler answers. */
    private static String echo(String method, String path, String query, String body) {
        CRC32 crc = new CRC32();
        crc.update(bytes(body));
        return method + " " + path + " q=" + query + " len=" + bytes(body).length + " crc=" + Long.toHexString(crc.getValue());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private HTTPServer startDefault() {
        return start(new HTTPServer(this::handle));
    }

    @Test
    void requestWrittenByteByByte() {
        startDefault();
        RawClient.Response r = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.sendByteByByte("POST /echo?x=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
                return c.read();
            }
        });
        assertEquals(200, r.code);
        assertEquals("HTTP/1.1 200 OK", r.statusLine);
        assertEquals(echo("POST", "/echo", "x=1", "hello"), r.text());
        assertEquals("Squall/0.1", r.headers.get("Server"));
        assertTrue(r.headers.get("Date").endsWith(" GMT"), r.headers.get("Date"));
    }

    @Test
    void tenMegabyteBody() {
        startDefault();
        byte[] body = new byte[10 << 20];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + (i >> 11));
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        RawClient.Response r = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
                for (int off = 0; off < body.length; off += 100_000) {
                    c.send(java.util.Arrays.copyOfRange(body, off, Math.min(body.length, off + 100_000)));
                }
                return c.read();
            }
        });
        assertEquals("PUT /big q= len=" + body.length + " crc=" + Long.toHexString(crc.getValue()), r.text());
    }

    @Test
    void thousandSequentialRequestsOnOneKeepAliveConnection() {
        startDefault();
        List<String> bodies = blocking(() -> {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                for (int i = 0; i < 1000; i++) {
                    c.send("GET /n HTTP/1.1\r\nHost: t\r\n\r\n".replace("/n", "/n" + i));
                    out.add(c.read().text());
                }
            }
            return out;
        });
        assertEquals(1000, bodies.size());
        for (int i = 0; i < 1000; i++) {
            assertEquals("GET /n" + i + " q= len=0 crc=0", bodies.get(i));
        }
        assertEquals(1, clientPorts.size(), "all requests arrived on one connection");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        startDefault();
        String pipeline = "GET /slow?a HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /p1 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /p2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"
                + "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /slow?b HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /last HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        List<String> got = blocking(() -> {
            List<String> out = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                c.send(pipeline);
                for (int i = 0; i < 6; i++) {
                    RawClient.Response r = c.read(i == 3);
                    out.add(i == 3 ? "HEAD len " + r.headers.get("Content-Length") : r.text());
                }
                out.add("closed=" + c.closedByServer());
            }
            return out;
        });
        assertEquals(List.of("slow a", echo("POST", "/p1", "", "abc"), echo("POST", "/p2", "", "xy"),
                "HEAD len " + echo("HEAD", "/h", "", "").length(), "slow b", "GET /last q= len=0 crc=0", "closed=true"), got);
    }

    @Test
    void chunkedRequestAndChunkedResponse() {
        startDefault();
        List<Object> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
                c.sendByteByByte("4\r\nwiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n");
                RawClient.Response up = c.read();
                c.send("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");
                RawClient.Response down = c.read();
                return List.of(up.text(), down.headers.get("Transfer-Encoding"), down.text(),
                        String.valueOf(down.headers.get("Content-Length")));
            }
        });
        CRC32 crc = new CRC32();
        crc.update(bytes("wikipedia in\r\n\r\nchunks."));
        assertEquals("POST /up q= len=23 crc=" + Long.toHexString(crc.getValue()), got.get(0));
        assertEquals("chunked", got.get(1));
        assertEquals("one,two,three", got.get(2));
        assertEquals("null", got.get(3));
    }

    @Test
    void badInputGetsItsStatusAndTheServerKeepsServing() {
        start(new HTTPServer(this::handle).maxBodySize(1000).maxHeaderSize(1024).maxStartLineSize(256));
        String[][] cases = {
            {"400", "GET /\r\n\r\n"},
            {"400", "GET / HTTP/1.1 extra\r\n\r\n"},
            {"400", "GET / HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n"},
            {"400", "GET / HTTP/1.1\r\nHost: t\r\nBad Name: x\r\n\r\n"},
            {"400", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"},
            {"400", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"},
            {"400", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"},
            {"400", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n0\r\n\r\n"},
            {"400", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"},
            {"413", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"},
            {"413", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + "a".repeat(1000) + "\r\n1\r\nb\r\n"},
            {"414", "GET /" + "a".repeat(300) + " HTTP/1.1\r\n\r\n"},
            {"431", "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(1100) + "\r\n\r\n"},
            {"505", "GET / HTTP/2.0\r\n\r\n"},
            {"505", "GET / HTTP/3.1\r\n\r\n"},
        };
        for (String[] c : cases) {
            List<Object> got = blocking(() -> {
                try (RawClient bad = new RawClient(port)) {
                    bad.send(c[1]);
                    RawClient.Response r = bad.read();
                    return List.of(r.code, r.headers.get("Connection"), bad.closedByServer(), r.text());
                }
            });
            assertEquals(Integer.parseInt(c[0]), got.get(0), "status for " + c[1] + ": " + got);
            assertEquals("close", got.get(1));
            assertEquals(true, got.get(2), "connection closed after " + c[1]);
            RawClient.Response ok = blocking(() -> {
                try (RawClient good = new RawClient(port)) {
                    good.send("GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
                    return good.read();
                }
            });
            assertEquals("GET /ok q= len=0 crc=0", ok.text());
        }
    }

    @Test
    void badRequestAfterAGoodOneOnTheSameConnection() {
        startDefault();
        List<Object> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\nBROKEN\r\n\r\n");
                return List.of(c.read().text(), c.read().code, c.closedByServer());
            }
        });
        assertEquals(List.of("GET /first q= len=0 crc=0", 400, true), got);
    }

    @Test
    void headHasNoBodyAndTheConnectionStaysUsable() {
        startDefault();
        List<String> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\n");
                RawClient.Response h = c.read(true);
                c.send("GET /y HTTP/1.1\r\nHost: t\r\n\r\n");
                RawClient.Response g = c.read();
                return List.of(h.statusLine, h.headers.get("Content-Length"), g.text());
            }
        });
        assertEquals(List.of("HTTP/1.1 200 OK", "" + echo("HEAD", "/x", "", "").length(), "GET /y q= len=0 crc=0"), got);
    }

    @Test
    void expectContinue() {
        startDefault();
        List<String> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("POST /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
                String interim = c.readLine();
                String blank = c.readLine();
                c.send("12345");
                return List.of(interim, blank, c.read().text());
            }
        });
        assertEquals(List.of("HTTP/1.1 100 Continue", "", echo("POST", "/c", "", "12345")), got);
    }

    @Test
    void http10WithAndWithoutKeepAlive() {
        startDefault();
        List<Object> got = blocking(() -> {
            List<Object> out = new ArrayList<>();
            try (RawClient c = new RawClient(port)) {
                c.send("GET /a HTTP/1.0\r\n\r\n");
                RawClient.Response r = c.read();
                out.add(r.text());
                out.add(String.valueOf(r.headers.get("Connection")));
                out.add(c.closedByServer());
            }
            try (RawClient c = new RawClient(port)) {
                c.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawClient.Response r = c.read();
                out.add(r.headers.get("Connection"));
                c.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                RawClient.Response s = c.read();
                out.add(s.text());
                out.add(String.valueOf(s.headers.get("Transfer-Encoding")));
            }
            return out;
        });
        assertEquals(List.of("GET /a q= len=0 crc=0", "null", true, "keep-alive", "one,two,three", "null"), got);
    }

    @Test
    void idleTimeoutClosesSilentConnections() {
        start(new HTTPServer(this::handle).idleConnectionTimeout(Duration.ofMillis(100)));
        List<Object> got = blocking(() -> {
            try (RawClient silent = new RawClient(port); RawClient used = new RawClient(port)) {
                used.send("GET /once HTTP/1.1\r\nHost: t\r\n\r\n");
                String first = used.read().text();
                return List.of(silent.closedByServer(), first, used.closedByServer());
            }
        });
        assertEquals(List.of(true, "GET /once q= len=0 crc=0", true), got);
    }

    @Test
    void silentNewConnectionIsClosedAtTheHeaderTimeoutNotTheIdleOne() {
        start(new HTTPServer(this::handle).idleConnectionTimeout(Duration.ofHours(1)).headerTimeout(Duration.ofMillis(100)));
        List<Object> got = blocking(() -> {
            try (RawClient silent = new RawClient(port); RawClient used = new RawClient(port)) {
                used.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n");
                return List.of(silent.closedByServer(), used.read().text());
            }
        });
        assertEquals(List.of(true, "GET /first q= len=0 crc=0"), got);
    }

    @Test
    void http11RequestNeedsExactlyOneHostHeader() {
        startDefault();
        for (String bad : List.of("GET /nohost HTTP/1.1\r\n\r\n",
                "GET /twohosts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET /twohosts10 HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")) {
            List<Object> got = blocking(() -> {
                try (RawClient c = new RawClient(port)) {
                    c.send(bad);
                    RawClient.Response r = c.read();
                    return List.of(r.code, c.closedByServer());
                }
            });
            assertEquals(List.of(400, true), got, bad);
        }
        RawClient.Response ok = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /ok10 HTTP/1.0\r\n\r\n");
                return c.read();
            }
        });
        assertEquals(200, ok.code);
        assertEquals("GET /ok10 q= len=0 crc=0", ok.text());
    }

    @Test
    void headerAndBodyTimeoutsCloseSlowClients() {
        start(new HTTPServer(this::handle).headerTimeout(Duration.ofMillis(100)).bodyTimeout(Duration.ofMillis(100)));
        List<Boolean> got = blocking(() -> {
            try (RawClient slowHead = new RawClient(port); RawClient slowBody = new RawClient(port)) {
                slowHead.send("GET / HTTP/1.1\r\nHost: exa");
                slowBody.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc");
                return List.of(slowHead.closedByServer(), slowBody.closedByServer());
            }
        });
        assertEquals(List.of(true, true), got);
        RawClient.Response ok = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n");
                return c.read();
            }
        });
        assertEquals(200, ok.code);
    }

    @Test
    void clientDisconnectingMidResponseIsSeenByTheHandlerAndHarmsNoOne() {
        Future<Throwable> writeFailure = new Future<>();
        byte[] megabyte = new byte[1 << 20];
        start(new HTTPServer(req -> {
            if (!req.path().equals("/huge")) {
                return handle(req);
            }
            HTTPConnection c = req.connection();
            c.writeHeaders(200, null, new HTTPHeaders(), megabyte);
            writeChunks(c, 200, writeFailure);
            return null;
        }));
        String after = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /huge HTTP/1.1\r\nHost: t\r\n\r\n");
                InputStream in = c.socket.getInputStream();
                in.readNBytes(100_000);
            }
            try (RawClient c = new RawClient(port)) {
                c.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
                return c.read().text();
            }
        });
        assertEquals("GET /next q= len=0 crc=0", after);
        Throwable t = runSync(() -> writeFailure);
        assertInstanceOf(StreamClosedException.class, t);
    }

    /** Writes megabyte chunks, each after the previous one was flushed, until a write fails or n are sent. */
    private static void writeChunks(HTTPConnection c, int n, Future<Throwable> failure) {
        if (n == 0) {
            c.finish();
            failure.trySetResult(null);
            return;
        }
        c.write(new byte[1 << 20]).addDoneCallback(f -> {
            if (f.exception() != null) {
                failure.trySetResult(f.exception());
            } else {
                writeChunks(c, n - 1, failure);
            }
        });
    }

    @Test
    void callbackExceptionGives500AndIsLogged() {
        startDefault();
        List<Object> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n");
                RawClient.Response r = c.read();
                c.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n");
                return List.of(r.code, r.text().contains("boom"), c.read().text());
            }
        });
        assertEquals(List.of(500, false, "GET /again q= len=0 crc=0"), got);
        assertNull(logs.expect(Level.SEVERE, "Uncaught exception in the request callback").getThrown().getCause());
    }

    @Test
    void manyClientsAtOnce() {
        startDefault();
        List<String> got = blocking(() -> {
            List<RawClient> clients = new ArrayList<>();
            List<String> out = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    RawClient c = new RawClient(port);
                    clients.add(c);
                    c.send("GET /c" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                }
                for (RawClient c : clients) {
                    out.add(c.read().text());
                }
            } finally {
                for (RawClient c : clients) {
                    c.close();
                }
            }
            return out;
        });
        for (int i = 0; i < 50; i++) {
            assertEquals("GET /c" + i + " q= len=0 crc=0", got.get(i));
        }
        assertEquals(50, clientPorts.size());
    }

    @Test
    void responseBytesAreExact() {
        startDefault();
        byte[] raw = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /exact HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                c.socket.getInputStream().transferTo(all);
                return all.toByteArray();
            }
        });
        String s = new String(raw, StandardCharsets.ISO_8859_1);
        String[] parts = s.split("\r\n\r\n", 2);
        assertTrue(parts[0].startsWith("HTTP/1.1 200 OK\r\n"), s);
        assertTrue(parts[0].contains("\r\nContent-Length: 25\r\n"), s);
        assertTrue(parts[0].contains("\r\nConnection: close\r\n"), s);
        assertFalse(parts[0].contains("Transfer-Encoding"), s);
        assertArrayEquals(bytes("GET /exact q= len=0 crc=0"), java.util.Arrays.copyOf(parts[1].getBytes(
                StandardCharsets.ISO_8859_1), 25));
        assertEquals(25, parts[1].length());
    }

    @Test
    void multipleLoopsServeApplicationHandlers() {
        Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Application app = new Application().addHandler("/t/(\\d+)", () -> new RequestHandler() {
            @Override
            public Future<?> get(String... args) {
                threads.add(Thread.currentThread().getName());
                Future<Void> later = new Future<>();
                io.squall.IOLoop.current().callLater(Duration.ofMillis(2), () -> {
                    write("n=" + args[0]);
                    later.setResult(null);
                });
                return later;
            }
        });
        HTTPServer multi = new HTTPServer(app);
        multi.setReusePort(false); // round-robin: 8 connections surely reach both loops
        multi.bind(0, "127.0.0.1");
        multi.start(2);
        try {
            int multiPort = multi.port();
            List<String> got = blocking(() -> {
                List<String> out = new ArrayList<>();
                List<RawClient> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < 8; i++) {
                        RawClient c = new RawClient(multiPort);
                        clients.add(c);
                        c.send("GET /t/" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                    }
                    for (RawClient c : clients) {
                        out.add(c.read().text());
                    }
                } finally {
                    for (RawClient c : clients) {
                        c.close();
                    }
                }
                return out;
            });
            assertEquals(List.of("n=0", "n=1", "n=2", "n=3", "n=4", "n=5", "n=6", "n=7"), got);
            assertEquals(2, threads.size(), "both loops served requests: " + threads);
            assertTrue(threads.stream().allMatch(t -> t.startsWith("squall-loop-")), threads.toString());
        } finally {
            multi.stop();
        }
    }

    @Test
    void requestsAfterConnectionCloseAreNotAnswered() {
        startDefault();
        List<Object> got = blocking(() -> {
            try (RawClient c = new RawClient(port)) {
                c.send("GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
                RawClient.Response r = c.read();
                return List.of(r.text(), r.headers.get("Connection"), c.closedByServer());
            }
        });
        assertEquals(List.of(echo("GET", "/a", "", ""), "close", true), got);
    }
}
