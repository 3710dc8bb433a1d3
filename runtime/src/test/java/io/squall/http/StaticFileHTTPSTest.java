package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.net.TestPKI;

/** StaticFileHandler over TLS: the file goes through the TLS layer (transferTo copies into it), whole and as a range. */
class StaticFileHTTPSTest extends HTTPTestCase {
    @TempDir
    Path root;

    @Test
    void bigFileOverTls() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024 + 7];
        new Random(1).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        TestPKI pki = TestPKI.get();
        start(new HTTPServer(new Application().addHandler("/s/(.*)", () -> new StaticFileHandler(root)))
                .ssl(pki.serverContext(pki.chainPem)));
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        try {
            for (int i = 0; i < 2; i++) {
                HTTPResponse r = runSync(() -> client.fetch(new HTTPRequest("https://localhost:" + port + "/s/big.bin")
                        .caCerts(pki.caPem)));
                assertEquals(200, r.code());
                assertArrayEquals(big, r.body());
                HTTPResponse range = runSync(() -> client.fetch(new HTTPRequest("https://localhost:" + port + "/s/big.bin")
                        .header("Range", "bytes=100-1000099").caCerts(pki.caPem)));
                assertEquals(206, range.code());
                assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 1000100), range.body());
            }
        } finally {
            client.close();
        }
    }
}
