package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

/** The key-material helpers of {@link TLS}: PKCS#12 and PEM server contexts, and the errors for bad input. */
class TLSContextsTest extends NetTestBase {
    private static final byte[] NL = {'\n'};

    @Test
    void pkcs12ServerContextServesItsWholeChain() throws Exception {
        TestPKI pki = TestPKI.get();
        SSLContext ctx = TLS.serverContextFromPkcs12(pki.p12, TestPKI.P12_PASSWORD.toCharArray());
        EchoServer server = server(new EchoServer());
        server.ssl(ctx);
        server.listen(0, "127.0.0.1");
        IOStream s = track(run(() -> new TCPClient().connect("localhost", server.port(), Duration.ofSeconds(5),
                pki.clientContext())));
        assertEquals(2, s.sslEngine().getSession().getPeerCertificates().length, "leaf and CA both served");
        s.write("p12\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("p12\n", new String(run(() -> s.readUntil(NL)), StandardCharsets.US_ASCII));
    }

    @Test
    void wrongPkcs12PasswordSaysSo() {
        TestPKI pki = TestPKI.get();
        IOException e = assertThrows(IOException.class,
                () -> TLS.serverContextFromPkcs12(pki.p12, "nope".toCharArray()));
        assertTrue(e.getMessage().contains(pki.p12.toString()) && e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void pemKeyInAnotherFormatNamesTheConversion() throws Exception {
        TestPKI pki = TestPKI.get();
        Path pkcs1 = pki.dir.resolve("legacy.key");
        Files.writeString(pkcs1, "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> TLS.serverContextFromPem(pki.chainPem, pkcs1));
        assertTrue(e.getMessage().contains("EC PRIVATE KEY") && e.getMessage().contains("openssl pkcs8 -topk8"),
                e.getMessage());
        IOException noCert = assertThrows(IOException.class, () -> TLS.serverContextFromPem(pki.keyPem, pki.keyPem));
        assertTrue(noCert.getMessage().contains(pki.keyPem.toString()), noCert.getMessage());
    }

    @Test
    void sslMustBeSetBeforeBinding() {
        EchoServer server = server(new EchoServer());
        server.listen(0, "127.0.0.1");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> server.ssl(TestPKI.get().serverContext(TestPKI.get().chainPem)));
        assertTrue(e.getMessage().contains("before bind()/listen()"), e.getMessage());
    }
}
