package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/**
 * A Squall server behind Debian's nginx on 127.0.0.1 (xheaders, trustedDownstream): the client address is
 * walked out of X-Forwarded-For past trusted proxies only, X-Forwarded-Proto / X-Scheme give the scheme
 * (http or https only), and a client that reaches the server directly cannot spoof either. The test writes
 * its own nginx config on unused ports, starts nginx in the foreground and stops it. Needs the Debian
 * package nginx (/usr/sbin/nginx).
 */
class BehindProxyTest extends HTTPTestCase {
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

    @TempDir
    Path dir;
    private Process nginx;
    private int nginxPort;
    private AsyncHTTPClient client;

    /** Shows what the server made of the request. */
    public static final class WhoHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            HTTPServerRequest r = request();
            write(r.remoteIp() + "|" + r.protocol() + "|" + r.host() + "|" + r.fullUrl());
            return null;
        }
    }

    private void startServer(String... trusted) {
        start(new HTTPServer(new Application().addHandler("/.*", WhoHandler.class)).xheaders(true)
                .trustedDownstream(trusted));
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void stopNginx() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown; its workers follow the master
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    /** Writes a config that proxies to the Squall server and starts nginx on an unused port. */
    private void startNginx() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(NGINX),
                "this test needs nginx in front of Squall: install the Debian package nginx (/usr/sbin/nginx)");
        try (ServerSocketChannel probe = bindUnusedPort()) {
            nginxPort = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        String d = dir.toAbsolutePath().toString();
        // proxy_set_header is inherited only by a location that sets none itself: each location says all
        String common = " proxy_pass http://127.0.0.1:" + port + "; proxy_set_header Host $http_host;"
                + " proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;";
        String conf = String.join("\n",
                "worker_processes 1;",
                "daemon off;",
                "pid " + d + "/nginx.pid;",
                "error_log " + d + "/error.log warn;",
                "events { worker_connections 64; }",
                "http {",
                "  access_log off;",
                // nginx compresses what it relays: the client inflates it (its default decompressResponse)
                "  gzip on; gzip_min_length 1; gzip_proxied any;",
                "  client_body_temp_path " + d + "/body;",
                "  proxy_temp_path " + d + "/proxy;",
                "  fastcgi_temp_path " + d + "/fastcgi;",
                "  uwsgi_temp_path " + d + "/uwsgi;",
                "  scgi_temp_path " + d + "/scgi;",
                "  server {",
                "    listen 127.0.0.1:" + nginxPort + ";",
                // as a TLS-terminating nginx would say
                "    location /tls/ {" + common + " proxy_set_header X-Forwarded-Proto https; }",
                // the client's own X-Forwarded-Proto passed on, to try hostile values through a real proxy
                "    location /pass/ {" + common + " proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; }",
                "    location /real/ {" + common + " proxy_set_header X-Real-IP $remote_addr; }",
                "  }",
                "}", "");
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", d, "-e", d + "/error.log", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", nginxPort)) {
                return;
            } catch (IOException notYet) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("nginx did not start: " + Files.readString(dir.resolve("nginx.out"))
                            + readIfExists(dir.resolve("error.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    private static String readIfExists(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private String viaNginx(String path, String... headers) {
        HTTPRequest r = new HTTPRequest("http://127.0.0.1:" + nginxPort + path);
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return runSync(() -> client.fetch(r)).bodyAsString();
    }

    private String direct(String path, String... headers) {
        HTTPRequest r = new HTTPRequest(url(path));
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return runSync(() -> client.fetch(r)).bodyAsString();
    }

    @Test
    void forwardedForIsWalkedPastTrustedProxiesOnly() throws Exception {
        startServer("127.0.0.1", "10.0.0.0/8");
        startNginx();
        String host = "127.0.0.1:" + nginxPort;
        assertEquals("127.0.0.1|https|" + host + "|https://" + host + "/tls/a?b=1", viaNginx("/tls/a?b=1"),
                "nginx is the only hop: the client is nginx's peer, 127.0.0.1, and the scheme nginx's");
        HTTPResponse gz = runSync(() -> client.fetch("http://127.0.0.1:" + nginxPort + "/tls/z"));
        assertEquals("gzip", gz.headers().get("X-Consumed-Content-Encoding"), "nginx sent gzip, the client inflated it");
        assertEquals("127.0.0.1|https|" + host + "|https://" + host + "/tls/z", gz.bodyAsString());
        // The client claims a chain; nginx appends its peer. 127.0.0.1 and 10.x are trusted: 6.6.6.6 is the client.
        assertEquals("6.6.6.6|https|" + host + "|https://" + host + "/tls/",
                viaNginx("/tls/", "X-Forwarded-For", "6.6.6.6, 10.1.2.3"));
        // An untrusted hop to the right of the spoofed one stops the walk: 8.8.4.4 is the client as far as we know.
        assertEquals("8.8.4.4", viaNginx("/tls/", "X-Forwarded-For", "6.6.6.6, 8.8.4.4, 10.1.2.3").split("\\|")[0]);
        // A hop that is not an address stops the walk too, and is not taken: the peer's address stays.
        assertEquals("127.0.0.1", viaNginx("/tls/", "X-Forwarded-For", "6.6.6.6, <script>").split("\\|")[0]);
        assertEquals("127.0.0.1|http", viaNginx("/real/x", "X-Forwarded-For", "6.6.6.6").substring(0, 14),
                "X-Real-IP set by nginx wins over X-Forwarded-For");
    }

    @Test
    void onlyHttpAndHttpsAreAcceptedAsTheScheme() throws Exception {
        startServer("127.0.0.1");
        startNginx();
        assertEquals("https", viaNginx("/pass/", "X-Forwarded-Proto", "https").split("\\|")[1]);
        assertEquals("http", viaNginx("/pass/", "X-Forwarded-Proto", "javascript").split("\\|")[1]);
        assertEquals("http", viaNginx("/pass/", "X-Forwarded-Proto", "https, gopher").split("\\|")[1],
                "the last value counts, and it must be http or https");
        assertEquals("https", viaNginx("/pass/", "X-Forwarded-Proto", "http, HTTPS").split("\\|")[1]);
        assertEquals("http", viaNginx("/pass/", "X-Forwarded-Proto", "https:evil").split("\\|")[1]);
        assertEquals("https", direct("/d", "X-Scheme", "https", "X-Forwarded-Proto", "http").split("\\|")[1],
                "X-Scheme wins over X-Forwarded-Proto (Tornado)");
    }

    @Test
    void aDirectClientCannotSpoofItsAddressOrScheme() {
        startServer("10.0.0.0/8", "fd00::/8"); // the proxies live elsewhere: 127.0.0.1 is a client
        String who = direct("/x", "X-Forwarded-For", "6.6.6.6", "X-Real-Ip", "7.7.7.7", "X-Forwarded-Proto", "https");
        assertEquals("127.0.0.1|http|127.0.0.1:" + port + "|http://127.0.0.1:" + port + "/x", who);
    }

    @Test
    void withoutATrustedListThePeerIsTheProxyAsInTornado() {
        startServer();
        assertEquals("2001:db8::1|https", direct("/x", "X-Forwarded-For", "1.1.1.1, 2001:db8::1",
                "X-Forwarded-Proto", "https").substring(0, 17));
        assertEquals("127.0.0.1", direct("/x", "X-Real-Ip", "not an ip").split("\\|")[0]);
    }

    @Test
    void trustedDownstreamRefusesHostNamesAndBadRanges() {
        HTTPServer s = new HTTPServer(new Application());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.trustedDownstream("proxy.local"));
        assertTrue(e.getMessage().contains("proxy.local") && e.getMessage().contains("CIDR"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.trustedDownstream("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> s.trustedDownstream("10.0.0.256"));
        ProxyHeaders p = ProxyHeaders.of("10.0.0.0/8", "192.168.1.0/28", "::1", "fd00::/8");
        assertTrue(p.trusts("10.255.0.1") && p.trusts("192.168.1.15") && p.trusts("::1") && p.trusts("fd12::5"));
        assertTrue(!p.trusts("192.168.1.16") && !p.trusts("11.0.0.1") && !p.trusts("::2") && !p.trusts("fe80::1")
                && !p.trusts("localhost"));
        assertEquals(StandardCharsets.UTF_8.name(), "UTF-8");
    }
}
