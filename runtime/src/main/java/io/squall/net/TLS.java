package io.squall.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import io.squall.internal.Log;

/**
 * TLS set-up helpers (JDK only): server and client {@link SSLContext}s from key and trust material,
 * engines with secure defaults, and clear handshake errors.
 *
 * <p>Server defaults follow Mozilla's "intermediate" profile: TLS 1.2 and 1.3 only; on TLS 1.2 only
 * forward-secret AEAD suites (ECDHE or DHE with AES-GCM or ChaCha20-Poly1305). The client verifies the
 * certificate chain and the host name (endpoint identification "HTTPS") and sends SNI.
 *
 * <pre>
 *   SSLContext server = TLS.serverContextFromPem(Path.of("fullchain.pem"), Path.of("key.pem"));
 *   new HTTPServer(app).ssl(server).listen(8443);
 *   SSLContext client = TLS.clientContextTrusting(Path.of("my-ca.pem"));   // or TLS.defaultClientContext()
 * </pre>
 *
 * <p>All methods are thread-safe.
 */
public final class TLS {

    /** The protocols a server enables by default. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The cipher suites a server enables by default (Mozilla intermediate), in preference order. */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Pattern PEM_BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private static volatile SSLContext defaultClient;
    private static volatile boolean renegotiationPropertySet;

    private TLS() {
        throw new AssertionError("TLS is a utility class");
    }

    // ---------------------------------------------------------------------------------------------------
    // Engines

    /**
     * Creates a server-mode engine. With {@code parameters} null it gets the secure defaults
     * ({@link #DEFAULT_PROTOCOLS}, {@link #DEFAULT_CIPHER_SUITES}, no client certificate) and ALPN offers
     * {@code applicationProtocols}; with {@code parameters} given, it gets exactly those.
     *
     * @param context the server's context, holding its key and certificate chain
     * @param parameters the user's parameters, or null for the defaults
     * @param applicationProtocols ALPN protocols to accept with the defaults (such as "http/1.1"), or null
     * @return a new engine
     */
    public static SSLEngine serverEngine(SSLContext context, SSLParameters parameters, List<String> applicationProtocols) {
        refuseClientRenegotiation();
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        if (parameters != null) {
            engine.setSSLParameters(parameters);
            return engine;
        }
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(supported(DEFAULT_PROTOCOLS, engine.getSupportedProtocols()));
        p.setCipherSuites(supported(DEFAULT_CIPHER_SUITES, engine.getSupportedCipherSuites()));
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        if (applicationProtocols != null && !applicationProtocols.isEmpty()) {
            p.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Creates a client-mode engine for {@code host:port} that sends SNI (for a host name) and, when
     * {@code verifyHostname} is true, checks that the server's certificate names {@code host}.
     *
     * @param context the client's context (its trust managers decide which chains are trusted)
     * @param host the server's host name or address, as the user wrote it
     * @param port the server's port
     * @param verifyHostname true to check the host name (the default everywhere in Squall)
     * @param applicationProtocols ALPN protocols to offer, or null
     * @return a new engine
     */
    public static SSLEngine clientEngine(SSLContext context, String host, int port, boolean verifyHostname,
            List<String> applicationProtocols) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (verifyHostname) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isAddressLiteral(host)) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        if (applicationProtocols != null && !applicationProtocols.isEmpty()) {
            p.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Asks the JDK to answer a TLS 1.2 client's renegotiation with a fatal handshake_failure alert (its
     * {@code jdk.tls.rejectClientInitiatedRenegotiation} property, read when the JDK's first server handshake
     * starts; a value the user set is kept). It applies to every server engine of the JVM. {@link TLSLayer}
     * refuses renegotiation on its own as well, for a JVM whose first server handshake came earlier; it can
     * only close with close_notify then.
     */
    private static void refuseClientRenegotiation() {
        if (!renegotiationPropertySet) {
            renegotiationPropertySet = true;
            try {
                if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
                    System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
                }
            } catch (SecurityException e) {
                Log.debug("TLS: cannot set jdk.tls.rejectClientInitiatedRenegotiation: " + e);
            }
        }
    }

    private static String[] supported(List<String> wanted, String[] supported) {
        List<String> all = Arrays.asList(supported);
        return wanted.stream().filter(all::contains).toArray(String[]::new);
    }

    static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    // ---------------------------------------------------------------------------------------------------
    // Server contexts

    /**
     * Loads a server context from a PKCS#12 file holding one private key and its certificate chain (the
     * whole chain is served).
     *
     * @param file the .p12/.pfx file
     * @param password its password (also the key's)
     * @return a new context
     * @throws IOException if the file cannot be read or is not PKCS#12
     * @throws GeneralSecurityException if the key store holds no usable key
     */
    public static SSLContext serverContextFromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (IOException e) {
            throw new IOException("TLS: cannot load the PKCS#12 file " + file + ": " + e.getMessage()
                    + " (wrong password, or not a PKCS#12 file?)", e);
        }
        return serverContext(ks, password);
    }

    /**
     * Loads a server context from PEM files: a certificate chain (leaf first, then intermediates, all
     * served) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}; RSA, EC or EdDSA). Convert
     * other key formats with {@code openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem}.
     *
     * @param certificateChain a PEM file of one or more certificates, leaf first
     * @param privateKey a PEM file of the PKCS#8 private key (may be the same file as the chain)
     * @return a new context
     * @throws IOException if a file cannot be read or holds no certificate or no PKCS#8 key
     * @throws GeneralSecurityException if the key cannot be decoded
     */
    public static SSLContext serverContextFromPem(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = readCertificates(certificateChain);
        PrivateKey key = readPrivateKey(privateKey);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
        return serverContext(ks, pw);
    }

    /**
     * Creates a server context from a key store holding the server's key entry.
     *
     * @param keyStore the key store
     * @param keyPassword the key's password
     * @return a new context
     * @throws GeneralSecurityException if the key cannot be used
     */
    public static SSLContext serverContext(KeyStore keyStore, char[] keyPassword) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, keyPassword);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * Reads every certificate of a PEM (or DER) file.
     *
     * @param file the file
     * @return the certificates, in file order, at least one
     * @throws IOException if the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IOException("TLS: no certificate in " + file + " (expected PEM 'BEGIN CERTIFICATE' blocks)");
            }
            return out;
        } catch (CertificateException e) {
            throw new IOException("TLS: cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an unencrypted PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}) from a PEM file.
     *
     * @param file the file
     * @return the key (RSA, EC, Ed25519/Ed448 or RSASSA-PSS)
     * @throws IOException if the file holds no PKCS#8 key (the message says how to convert one)
     * @throws GeneralSecurityException if no algorithm can decode it
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM_BLOCK.matcher(text);
        List<String> seen = new ArrayList<>();
        while (m.find()) {
            String type = m.group(1);
            seen.add(type);
            if (!type.equals("PRIVATE KEY")) {
                continue;
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            for (String alg : List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "XDH", "DSA")) {
                try {
                    return KeyFactory.getInstance(alg).generatePrivate(spec);
                } catch (GeneralSecurityException tryNext) {
                    // not this algorithm
                }
            }
            throw new GeneralSecurityException("TLS: the private key in " + file + " is not RSA, EC or EdDSA");
        }
        throw new IOException("TLS: no unencrypted PKCS#8 'BEGIN PRIVATE KEY' block in " + file
                + (seen.isEmpty() ? "" : " (found " + seen + ")")
                + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out key-pkcs8.pem");
    }

    // ---------------------------------------------------------------------------------------------------
    // Client contexts

    /**
     * The client context used when nothing else is set: it trusts exactly what the JDK's default
     * {@code SSLContext} trusts (the {@code javax.net.ssl.trustStore} property, else the JDK's
     * {@code cacerts}), and says precisely why a certificate is refused (expired, wrong host, unknown issuer).
     *
     * @return the shared default client context
     * @throws IllegalStateException if the JDK's trust store cannot be loaded
     */
    public static SSLContext defaultClientContext() {
        SSLContext ctx = defaultClient;
        if (ctx == null) {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init((KeyStore) null);
                ctx = clientContext(tmf.getTrustManagers(), "the JDK's default trust store");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS: cannot load the JDK's default trust store: " + e, e);
            }
            defaultClient = ctx;
        }
        return ctx;
    }

    /**
     * A client context that trusts only the certificates of {@code caFile}: a PEM file of CA certificates,
     * or a PKCS#12/JKS trust store (by extension .p12, .pfx, .jks; no password).
     *
     * @param caFile the CA file or trust store
     * @return a new context
     * @throws IOException if the file cannot be read or holds no certificate
     * @throws GeneralSecurityException if the trust store cannot be used
     */
    public static SSLContext clientContextTrusting(Path caFile) throws IOException, GeneralSecurityException {
        String name = caFile.getFileName().toString().toLowerCase(Locale.ROOT);
        KeyStore ks;
        if (name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".jks")) {
            ks = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(caFile)) {
                ks.load(in, null);
            }
        } else {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : readCertificates(caFile)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return clientContext(tmf.getTrustManagers(), caFile.toString());
    }

    /**
     * A client context that accepts ANY certificate: no chain check at all. Only for tests and known
     * hosts on a trusted network; it makes the connection open to interception. Each use is logged.
     *
     * @return a new context that trusts everything
     */
    public static SSLContext insecureTrustAllContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS: cannot create a context: " + e, e);
        }
    }

    private static SSLContext clientContext(TrustManager[] tms, String trustSource) throws GeneralSecurityException {
        List<TrustManager> wrapped = new ArrayList<>();
        for (TrustManager tm : tms) {
            wrapped.add(tm instanceof X509ExtendedTrustManager
                    ? new ExplainingTrustManager((X509ExtendedTrustManager) tm, trustSource) : tm);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, wrapped.toArray(new TrustManager[0]), null);
        return ctx;
    }

    // ---------------------------------------------------------------------------------------------------
    // Errors

    /**
     * Turns a handshake failure into an exception whose message says what went wrong (expired certificate,
     * wrong host name, untrusted issuer, protocol mismatch) and with which host.
     *
     * @param e the engine's exception
     * @param host the host as the user named it
     * @param port the port
     * @return an {@link SSLHandshakeException} with a clear message, its cause {@code e}
     */
    public static SSLHandshakeException explain(Throwable e, String host, int port) {
        String where = host + ":" + port;
        String why = null;
        for (Throwable t = e; t != null && why == null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                why = "the server's certificate has expired: " + t.getMessage();
            } else if (t instanceof CertificateNotYetValidException) {
                why = "the server's certificate is not valid yet: " + t.getMessage();
            } else if (t.getMessage() != null && t.getMessage().startsWith("TLS: ")) {
                why = t.getMessage().substring(5);
            } else if (t.getMessage() != null && (t.getMessage().contains("No subject alternative")
                    || t.getMessage().contains("No name matching"))) {
                why = "the server's certificate does not match the host name '" + host + "': " + t.getMessage();
            } else if (t.getMessage() != null && (t.getMessage().contains("PKIX")
                    || t.getMessage().contains("unable to find valid certification path"))) {
                why = "the server's certificate is not trusted (its issuer is not in the trust store): "
                        + t.getMessage();
            }
        }
        if (why == null) {
            why = String.valueOf(e.getMessage() != null ? e.getMessage() : e);
        }
        SSLHandshakeException out = new SSLHandshakeException("TLS handshake with " + where + " failed: " + why);
        out.initCause(e);
        return out;
    }

    /**
     * Delegates to the PKIX trust manager and, when it refuses a server chain, says which of the usual
     * reasons applies.
     */
    private static final class ExplainingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        private final String trustSource;

        ExplainingTrustManager(X509ExtendedTrustManager delegate, String trustSource) {
            this.delegate = delegate;
            this.trustSource = trustSource;
        }

        private CertificateException explained(CertificateException e, X509Certificate[] chain) {
            X509Certificate leaf = chain.length > 0 ? chain[0] : null;
            String subject = leaf == null ? "(no certificate)" : leaf.getSubjectX500Principal().getName();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            CertificateException out;
            if (leaf != null && leaf.getNotAfter().getTime() < System.currentTimeMillis()) {
                out = new CertificateExpiredException("TLS: the server's certificate (" + subject + ") expired on "
                        + leaf.getNotAfter().toInstant());
            } else if (leaf != null && leaf.getNotBefore().getTime() > System.currentTimeMillis()) {
                out = new CertificateNotYetValidException("TLS: the server's certificate (" + subject
                        + ") is not valid before " + leaf.getNotBefore().toInstant());
            } else if (msg.contains("No subject alternative") || msg.contains("No name matching")) {
                out = new CertificateException("TLS: the server's certificate (" + subject
                        + ") does not match the host name: " + msg);
            } else {
                out = new CertificateException("TLS: the server's certificate (" + subject + ", issued by "
                        + (leaf == null ? "?" : leaf.getIssuerX500Principal().getName())
                        + ") is not trusted: no path to a CA in " + trustSource + " (" + msg + ")");
            }
            out.initCause(e);
            return out;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw explained(e, chain);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw explained(e, chain);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                delegate.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw explained(e, chain);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** Accepts every chain; see {@link #insecureTrustAllContext()}. Warns once per context. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        private volatile boolean warned;

        private void accept(X509Certificate[] chain) {
            if (!warned) {
                warned = true;
                Log.warning("TLS: accepting server certificates WITHOUT verification, as requested (insecure);"
                        + " first one: " + (chain.length > 0 ? chain[0].getSubjectX500Principal().getName() : "(none)"));
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            accept(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            accept(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            accept(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
