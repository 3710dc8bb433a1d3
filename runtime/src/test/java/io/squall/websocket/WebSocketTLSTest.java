package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.net.TestPKI;

/** wss:// end to end: Squall's WebSocket client over a verified TLS connection to Squall's HTTPS server. */
class WebSocketTLSTest extends WebSocketTestCase {
    @Test
    void echoesOverWss() {
        TestPKI pki = TestPKI.get();
        server = new HTTPServer(new Application().addHandler("/echo", () -> new EchoHandlers.Echo(null)))
                .ssl(pki.serverContext(pki.chainPem));
        server.listen(0, "127.0.0.1");
        port = server.port();
        WebSocketClientConnection c = runSync(() -> WebSocket.connect("wss://localhost:" + port + "/echo",
                new WebSocketOptions().sslContext(pki.clientContext())));
        for (int i = 0; i < 3; i++) {
            String m = "over tls " + i;
            runSync(() -> c.writeMessage(m));
            assertEquals(m, runSync(c::readMessage));
        }
        c.close();
        runSync(c::whenClosed);
        // without the test CA the certificate is refused, and the error says so
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(javax.net.ssl.SSLHandshakeException.class,
                () -> runSync(() -> WebSocket.connect("wss://localhost:" + port + "/echo")));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }
}
