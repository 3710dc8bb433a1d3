package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.Future;
import io.squall.net.TestPKI;

/**
 * HTTPS end to end on 127.0.0.1: Squall's server against curl, {@code openssl s_client} and the JDK's
 * SSLSocket; Squall's client against Squall's server and against Python's ssl-wrapped http.server
 * (/usr/bin/python3). Needs the Debian packages curl, openssl and python3.
 */
class HTTPSTest extends HTTPTestCase {
    private final Set<Integer> clientPorts = new HashSet<>();
    private TestPKI pki;
    private AsyncHTTPClient client;

    private Future<?> handle(HTTPServerRequest req) {
        clientPorts.add(req.remoteAddress().getPort());
        return req.connection().respond(200, new HTTPHeaders().set("Content-Type", "text/plain"),
                ("hello " + req.path() + (req.protocol().equals("https") ? "" : " (not https?)")).getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void startHttps() {
        pki = TestPKI.get();
        HTTPServer s = new HTTPServer(this::handle).ssl(pki.serverContext(pki.chainPem));
        start(s);
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private String https(String host, int p, String path) {
        return "https://" + host + ":" + p + path;
    }

    private HTTPServer extraServer(Path chain) {
        HTTPServer s = new HTTPServer(this::handle).ssl(pki.serverContext(chain));
        s.listen(0, "127.0.0.1");
        return s;
    }

    @Test
    void fetchesOverHttpsAndReusesTheConnection() {
        for (int i = 0; i < 3; i++) {
            int n = i;
            HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(https("localhost", port, "/k" + n)).caCerts(pki.caPem)));
            assertEquals(200, r.code());
            assertEquals("hello /k" + i, r.bodyAsString());
        }
        assertEquals(1, clientPorts.size(), "one keep-alive TLS connection served all three requests");
        assertEquals(1, client.openConnections());
        // an address literal works too when the certificate names it (IP SAN)
        HTTPResponse byIp = runSync(() -> client.fetch(new HTTPRequest(https("127.0.0.1", port, "/ip"))
                .sslContext(pki.clientContext())));
        assertEquals("hello /ip", byIp.bodyAsString());
    }

    @Test
    void refusedCertificatesFailWithTheReasonAndTheHost() {
        HTTPServer wrong = extraServer(pki.wrongHostChainPem);
        HTTPServer expired = extraServer(pki.expiredChainPem);
        try {
            assertFetchFails(new HTTPRequest(https("localhost", wrong.port(), "/")).caCerts(pki.caPem),
                    "localhost:" + wrong.port(), "does not match the host name");
            assertFetchFails(new HTTPRequest(https("localhost", expired.port(), "/")).caCerts(pki.caPem),
                    "localhost:" + expired.port(), "expired");
            // no setting: the JDK's trust store, which does not know the test CA
            assertFetchFails(new HTTPRequest(https("localhost", port, "/")), "localhost:" + port, "not trusted");
            // the loud opt-out accepts the wrong host
            HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(https("localhost", wrong.port(), "/insecure"))
                    .insecureSkipCertificateVerification(true)));
            assertEquals("hello /insecure", r.bodyAsString());
        } finally {
            wrong.stop();
            expired.stop();
            wrong.closeAllConnections();
            expired.closeAllConnections();
        }
    }

    private void assertFetchFails(HTTPRequest request, String where, String why) {
        Future<HTTPResponse> f = runSync(() -> {
            Future<HTTPResponse> fetch = client.fetch(request);
            Future<Future<HTTPResponse>> done = new Future<>();
            fetch.addDoneCallback(x -> done.setResult(x));
            return done;
        });
        Throwable t = f.exception();
        assertInstanceOf(HTTPClientError.class, t);
        assertEquals(599, ((HTTPClientError) t).code());
        assertTrue(t.getMessage().contains(where) && t.getMessage().contains(why), t.getMessage());
    }

    @Test
    void curlWithTheTestCaGetsTheResponse() {
        String out = blocking(() -> tool(null, "curl", "-sS", "--http1.1", "--cacert", pki.caPem.toString(),
                https("localhost", port, "/curl")));
        assertEquals("hello /curl", out);
    }

    @Test
    void opensslSClientSeesTheWholeChainAlpnAndTls13() {
        String out = blocking(() -> tool("GET /s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                "-CAfile", pki.caPem.toString(), "-alpn", "http/1.1", "-showcerts", "-ign_eof"));
        assertTrue(out.contains("ALPN protocol: http/1.1"), out);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains(" 1 s:CN = Squall Test CA"), "the intermediate/CA is served too: " + out);
        assertTrue(out.contains("TLSv1.3"), out);
        assertTrue(out.contains("HTTP/1.1 200 OK") && out.contains("hello /s"), out);
        // a CBC suite on TLS 1.2 (not forward-secret AEAD) is refused
        String cbc = blocking(() -> tool("", "openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"));
        assertTrue(!cbc.contains("Cipher is ECDHE"), cbc);
    }

    @Test
    void malformedRequestInsideTlsGets400AndTheServerGoesOn() {
        String reply = blocking(() -> {
            try (SSLSocket s = (SSLSocket) pki.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("BLAH\u0001 / HTTP/9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        });
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(https("localhost", port, "/after")).caCerts(pki.caPem)));
        assertEquals("hello /after", r.bodyAsString());
    }

    @Test
    void userSslParametersAreTakenExactly() {
        SSLParameters p = new SSLParameters(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"}, new String[] {"TLSv1.2"});
        HTTPServer exact = new HTTPServer(this::handle).ssl(pki.serverContext(pki.chainPem), p);
        exact.listen(0, "127.0.0.1");
        try {
            String[] negotiated = blocking(() -> {
                try (SSLSocket s = (SSLSocket) pki.clientContext().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), exact.port())) {
                    s.startHandshake();
                    return new String[] {s.getSession().getProtocol(), s.getSession().getCipherSuite(), s.getApplicationProtocol()};
                }
            });
            assertEquals("TLSv1.2", negotiated[0]);
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", negotiated[1]);
            assertEquals("", negotiated[2], "no ALPN: the user's parameters had none");
        } finally {
            exact.stop();
            exact.closeAllConnections();
        }
    }

    @Test
    void clientFetchesFromPythonsSslHttpServer() throws Exception {
        Path script = pki.dir.resolve("pyserver.py");
        Files.writeString(script, String.join("\n",
                "import http.server, ssl, sys",
                "class H(http.server.BaseHTTPRequestHandler):",
                "    protocol_version = 'HTTP/1.1'",
                "    def do_GET(self):",
                "        body = ('python says hi to ' + self.path).encode()",
                "        self.send_response(200)",
                "        self.send_header('Content-Length', str(len(body)))",
                "        self.end_headers()",
                "        self.wfile.write(body)",
                "    def log_message(self, *a):",
                "        pass",
                "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)",
                "ctx.load_cert_chain(sys.argv[1], sys.argv[2])",
                "srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)",
                "srv.socket = ctx.wrap_socket(srv.socket, server_side=True)",
                "print(srv.server_address[1], flush=True)",
                "srv.serve_forever()", ""));
        Process py = start("/usr/bin/python3", script.toString(), pki.chainPem.toString(), pki.keyPem.toString());
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(py.getInputStream(), StandardCharsets.UTF_8));
            int pyPort = Integer.parseInt(blocking(lines::readLine).trim());
            for (int i = 0; i < 2; i++) {
                int n = i;
                HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest(https("localhost", pyPort, "/py" + n)).caCerts(pki.caPem)));
                assertEquals("python says hi to /py" + i, r.bodyAsString());
            }
            assertEquals(1, client.openConnections(), "the keep-alive connection to Python was reused");
        } finally {
            py.destroy();
            py.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static Process start(String... cmd) {
        try {
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs " + cmd[0] + " (Debian package "
                    + (cmd[0].contains("python") ? "python3" : cmd[0]) + "): " + e.getMessage(), e);
        }
    }

    /** Runs an outside tool with {@code stdin} (null: none), returning stdout and stderr together. */
    private static String tool(String stdin, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of(cmd));
        Process p;
        try {
            p = new ProcessBuilder(c).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("this test needs " + cmd[0] + " (Debian package " + cmd[0] + "): " + e.getMessage(), e);
        }
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", c) + " did not finish: " + out);
        }
        return out;
    }
}
