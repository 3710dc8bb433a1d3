package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Gen;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.net.TestPKI;

/** wss://: WebSocket over the TLS stream, with certificates made at test time by {@link TestPKI}. */
@Timeout(120)
class WebSocketTlsTest extends WebSocketTestCase {
    private final Queue<String> closes = new ConcurrentLinkedQueue<>();

    private TestPKI startTlsServer() {
        TestPKI pki = TestPKI.get();
        start(new HTTPServer(new Application()
                .addHandler("/echo", () -> new EchoHandlers.Echo(closes))
                .addHandler("/deflate", () -> new EchoHandlers.DeflateEcho(closes)))
                .ssl(pki.serverContext(pki.chainPem)));
        return pki;
    }

    @Test
    void squallClientOverTls() {
        TestPKI pki = startTlsServer();
        for (String host : new String[] {"127.0.0.1", "localhost"}) {
            WebSocketClientConnection ws = runSync(() -> WebSocket.connect("wss://" + host + ":" + port + "/deflate",
                    new WebSocketOptions().sslContext(pki.clientContext()).compression(new CompressionOptions())));
            assertTrue(ws.isCompressed());
            String big = "tls and deflate ".repeat(20_000);
            runSync(() -> ws.writeMessage(big));
            assertEquals(big, runSync(ws::readMessage));
            ws.close(4011, "done");
            runSync(ws::whenClosed);
            assertEquals(4011, ws.closeCode());
        }
        // The JDK's default trust does not know the test CA: a clear certificate error, no connection.
        Exception e = assertThrows(Exception.class, () -> runSync(() -> WebSocket.connect("wss://localhost:" + port + "/echo")));
        assertTrue(e.getMessage().toLowerCase().contains("certificate") || e.getMessage().contains("trust"),
                e.getMessage());
    }

    @Test
    void pythonClientOverTls() throws Exception {
        PythonPeer.requirePeer();
        TestPKI pki = startTlsServer();
        Map<String, String> r = blocking(() -> PythonPeer.run("squall_wss_client.py",
                "wss://localhost:" + port + "/echo", pki.caPem.toString()));
        assertEquals("over tls \u00e9", r.get("text"), r.toString());
        assertEquals("True", r.get("binary"), r.toString());
        assertEquals("4010", r.get("close"), r.toString());
        runSync(() -> Gen.sleep(Duration.ofMillis(50)));
        assertTrue(closes.contains("4010:tls bye"), closes.toString());
    }
}
