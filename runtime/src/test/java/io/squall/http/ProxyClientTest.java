package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.net.TestPKI;

/**
 * AsyncHTTPClient through Debian's tinyproxy on 127.0.0.1, started by the test with its own config (basic
 * authentication on): plain http requests go through the proxy in absolute form, https through CONNECT with
 * the origin's certificate still verified, and the proxy's 407 is reported. Needs the Debian package
 * tinyproxy (/usr/bin/tinyproxy).
 */
class ProxyClientTest extends HTTPTestCase {
    private static final Path TINYPROXY = Path.of("/usr/bin/tinyproxy");

    @TempDir
    Path dir;
    private Process tinyproxy;
    private int proxyPort;
    private HTTPServer tlsServer;
    private int tlsPort;
    private TestPKI pki;
    private AsyncHTTPClient client;

    private Future<?> handle(HTTPServerRequest req) {
        String text = req.protocol() + " " + req.method() + " " + req.uri() + " via=" + req.headers().get("Via")
                + " proxyauth=" + req.headers().get("Proxy-Authorization") + " auth=" + req.headers().get("Authorization");
        return req.connection().respond(200, new HTTPHeaders(), text.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void startAll() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(TINYPROXY),
                "this test needs a forward proxy: install the Debian package tinyproxy (/usr/bin/tinyproxy)");
        start(new HTTPServer(this::handle));
        pki = TestPKI.get();
        tlsServer = new HTTPServer(this::handle).ssl(pki.serverContext(pki.chainPem));
        tlsServer.listen(0, "127.0.0.1");
        tlsPort = tlsServer.port();
        client = new AsyncHTTPClient(loop, 4);
        try (ServerSocketChannel probe = bindUnusedPort()) {
            proxyPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        Path conf = dir.resolve("tinyproxy.conf");
        Files.writeString(conf, String.join("\n",
                "Port " + proxyPort,
                "Listen 127.0.0.1",
                "Timeout 30",
                "LogFile \"" + dir.resolve("tinyproxy.log") + "\"",
                "LogLevel Connect",
                "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
                "MaxClients 20",
                "Allow 127.0.0.1",
                "ViaProxyName \"tinyproxy\"",
                "ConnectPort " + tlsPort,
                "BasicAuth squall s3cret",
                ""));
        tinyproxy = new ProcessBuilder(TINYPROXY.toString(), "-d", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", proxyPort)) {
                return;
            } catch (IOException notYet) {
                if (!tinyproxy.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("tinyproxy did not start: " + Files.readString(dir.resolve("tinyproxy.out")));
                }
                Thread.sleep(20);
            }
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (tlsServer != null) {
            tlsServer.stop();
            tlsServer.closeAllConnections();
        }
        if (tinyproxy != null) {
            tinyproxy.destroy();
            if (!tinyproxy.waitFor(10, TimeUnit.SECONDS)) {
                tinyproxy.destroyForcibly();
            }
        }
    }

    private HTTPRequest viaProxy(String url) {
        return new HTTPRequest(url).proxyHost("127.0.0.1").proxyPort(proxyPort).proxyUsername("squall")
                .proxyPassword("s3cret");
    }

    @Test
    void plainRequestsGoThroughTheProxy() {
        HTTPResponse r = runSync(() -> client.fetch(viaProxy(url("/a?b=1")).authUsername("ann").authPassword("pw")));
        String body = r.bodyAsString();
        assertTrue(body.startsWith("http GET /a?b=1 via=1.1 tinyproxy"), body);
        assertTrue(body.contains("proxyauth=null"), "tinyproxy consumed its own credentials: " + body);
        assertTrue(body.contains("auth=Basic YW5uOnB3"), "the origin's credentials pass through: " + body);
        HTTPResponse again = runSync(() -> client.fetch(viaProxy(url("/c"))));
        assertTrue(again.bodyAsString().startsWith("http GET /c via="), again.bodyAsString());
    }

    @Test
    void httpsGoesThroughConnectWithTheOriginVerified() throws Exception {
        String url = "https://127.0.0.1:" + tlsPort + "/secure";
        HTTPResponse r = runSync(() -> client.fetch(viaProxy(url).sslContext(pki.clientContext())));
        assertEquals("https GET /secure via=null proxyauth=null auth=null", r.bodyAsString(),
                "end-to-end TLS: the proxy saw nothing to add a header to");
        String log = Files.readString(dir.resolve("tinyproxy.log"));
        assertTrue(log.contains("CONNECT 127.0.0.1:" + tlsPort), "tinyproxy carried a CONNECT tunnel: " + log);
        // Through the tunnel the origin's certificate is checked as without a proxy: the JDK's trust store
        // does not know the test CA.
        HTTPClientError e = assertThrows(HTTPClientError.class, () -> runSync(() -> client.fetch(viaProxy(url))));
        assertTrue(e.getCause() instanceof SSLHandshakeException, String.valueOf(e.getCause()));
    }

    @Test
    void theProxysRefusalIsReported() {
        HTTPResponse plain = runSync(() -> client.fetch(new HTTPRequest(url("/x")).proxyHost("127.0.0.1")
                .proxyPort(proxyPort).raiseError(false)));
        assertEquals(407, plain.code(), "tinyproxy asks for its credentials");
        HTTPClientError e = assertThrows(HTTPClientError.class, () -> runSync(() -> client.fetch(
                new HTTPRequest("https://127.0.0.1:" + tlsPort + "/").proxyHost("127.0.0.1").proxyPort(proxyPort)
                        .sslContext(pki.clientContext()))));
        assertEquals(599, e.code());
        assertTrue(e.getMessage().contains("refused CONNECT 127.0.0.1:" + tlsPort) && e.getMessage().contains("407")
                && e.getMessage().contains("proxyUsername"), e.getMessage());
        assertNull(e.response());
        HTTPClientError down = assertThrows(HTTPClientError.class, () -> runSync(() -> client.fetch(
                new HTTPRequest(url("/x")).proxyHost("127.0.0.1").proxyPort(1))));
        assertTrue(down.getMessage().contains("Cannot connect to the proxy 127.0.0.1:1"), down.getMessage());
    }
}
