package io.squall.tests.http;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.TLS;

/**
 * The README's HTTPS tour, compiled and run with the real agent: an HTTPS server in a few lines and a
 * coroutine fetching from it over a verified connection. Needs openssl (Debian package) for the certificate.
 */
@Timeout(60)
class HttpsTourTest {
    private final IOLoop loop = new IOLoop();
    private HTTPServer server;

    @TempDir
    Path dir;

    /** The README's handler. */
    public static class HelloHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("Hello over TLS\n");
            return null;
        }
    }

    // --- README: "Serving and fetching HTTPS" -------------------------------------------------------------
    static HTTPServer serveHttps(Path fullchain, Path privkey, int port) throws Exception {
        SSLContext tls = TLS.serverContextFromPem(fullchain, privkey);   // or TLS.serverContextFromPkcs12(...)
        HTTPServer server = new HTTPServer(new Application().addHandler("/", HelloHandler.class)).ssl(tls);
        server.listen(port, "127.0.0.1");
        return server;
    }

    @Coroutine
    static Future<String> fetchHttps(String url, Path myCa) {
        HTTPResponse r = await(AsyncHTTPClient.shared().fetch(new HTTPRequest(url).caCerts(myCa)));
        return Future.of(r.bodyAsString());
    }
    // ------------------------------------------------------------------------------------------------------

    @AfterEach
    void close() {
        AsyncHTTPClient.shared().close();
        loop.runSync(() -> io.squall.Gen.sleep(Duration.ofMillis(5)), Duration.ofSeconds(10));
        if (server != null) {
            server.stop();
            server.closeAllConnections();
        }
        loop.close();
    }

    @Test
    void theTourRuns() throws Exception {
        SquallAgent.install();
        loop.makeCurrent();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1, "openssl (Debian package openssl) failed: " + out);
        server = serveHttps(cert, key, 0);
        String body = loop.runSync(() -> fetchHttps("https://localhost:" + server.port() + "/", cert), Duration.ofSeconds(30));
        assertEquals("Hello over TLS\n", body);
        assertEquals(true, Files.exists(cert));
    }
}
