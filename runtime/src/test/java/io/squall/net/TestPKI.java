package io.squall.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;

/**
 * A throw-away PKI made with {@code openssl} (Debian package {@code openssl}) when first used, in a temp
 * directory removed at JVM exit: nothing committed, nothing that expires in the repository. A test CA
 * (EC P-256) signs a server certificate for {@code localhost} and {@code 127.0.0.1}, one for another host
 * name, and one that has expired. Shared by the TLS tests of every package.
 */
public final class TestPKI {
    /** The directory holding every file below. */
    public final Path dir;
    /** The CA's certificate (PEM): what a client must trust. */
    public final Path caPem;
    /** Server certificate chain (leaf for localhost/127.0.0.1, then the CA), PEM. */
    public final Path chainPem;
    /** The server's PKCS#8 private key, PEM. */
    public final Path keyPem;
    /** The same key and chain as PKCS#12, password {@link #P12_PASSWORD}. */
    public final Path p12;
    /** Chain whose leaf names only {@code wrong.example}. */
    public final Path wrongHostChainPem;
    /** Chain whose leaf (for localhost/127.0.0.1) has expired. */
    public final Path expiredChainPem;

    /** Password of {@link #p12}. */
    public static final String P12_PASSWORD = "squall-test";

    private static TestPKI instance;

    /** Returns the PKI of this JVM, making it on first use. */
    public static synchronized TestPKI get() {
        if (instance == null) {
            try {
                instance = new TestPKI();
            } catch (IOException e) {
                throw new IllegalStateException("TestPKI: cannot make test certificates with openssl (the TLS tests"
                        + " need the 'openssl' command, Debian package openssl): " + e.getMessage(), e);
            }
        }
        return instance;
    }

    private TestPKI() throws IOException {
        dir = Files.createTempDirectory("squall-pki");
        Runtime.getRuntime().addShutdownHook(new Thread(this::delete));
        caPem = dir.resolve("ca.pem");
        keyPem = dir.resolve("server.key");
        chainPem = dir.resolve("chain.pem");
        p12 = dir.resolve("server.p12");
        wrongHostChainPem = dir.resolve("wrong-chain.pem");
        expiredChainPem = dir.resolve("expired-chain.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Squall Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
        sign("server.pem", "DNS:localhost,IP:127.0.0.1", "2");
        sign("wrong.pem", "DNS:wrong.example", "2");
        sign("expired.pem", "DNS:localhost,IP:127.0.0.1", "-1");
        concat(chainPem, "server.pem", "ca.pem");
        concat(wrongHostChainPem, "wrong.pem", "ca.pem");
        concat(expiredChainPem, "expired.pem", "ca.pem");
        openssl("pkcs12", "-export", "-in", "chain.pem", "-inkey", "server.key", "-out", "server.p12",
                "-passout", "pass:" + P12_PASSWORD);
    }

    /** A server context for {@code chain} with the server key. */
    public SSLContext serverContext(Path chain) {
        try {
            return TLS.serverContextFromPem(chain, keyPem);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting only the test CA. */
    public SSLContext clientContext() {
        try {
            return TLS.clientContextTrusting(caPem);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void sign(String out, String san, String days) throws IOException {
        Path ext = dir.resolve(out + ".ext");
        Files.writeString(ext, "subjectAltName=" + san + "\nextendedKeyUsage=serverAuth\n"
                + "keyUsage=critical,digitalSignature\n");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", out, "-days", days, "-extfile", ext.getFileName().toString());
    }

    private void concat(Path target, String... parts) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(Files.readString(dir.resolve(p), StandardCharsets.US_ASCII));
        }
        Files.writeString(target, sb.toString(), StandardCharsets.US_ASCII);
    }

    private void openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("openssl");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void delete() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
