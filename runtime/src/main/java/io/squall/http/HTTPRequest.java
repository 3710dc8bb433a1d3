package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * A request for {@link AsyncHTTPClient#fetch(HTTPRequest)} (Tornado's {@code HTTPRequest}), built fluently:
 *
 * <pre>{@code
 * HTTPResponse r = await(client.fetch(new HTTPRequest("http://127.0.0.1:8888/items")
 *         .method("POST").header("Content-Type", "application/json").body("{\"a\":1}")
 *         .requestTimeout(Duration.ofSeconds(5)).raiseError(false)));
 * }</pre>
 *
 * <p>Defaults: GET, no body, connect and request timeouts of 20 s, redirects followed (at most 5),
 * {@link #raiseError} true, gzip asked for and inflated ({@link #decompressResponse}), no authentication
 * ({@link #authUsername}) and no proxy ({@link #proxyHost}). {@code http://} and {@code https://} URLs are supported; for https the server's
 * certificate chain and host name are verified against the JDK's trust store unless {@link #sslContext},
 * {@link #caCerts} or {@link #insecureSkipCertificateVerification} says otherwise.
 */
public final class HTTPRequest {
    private final String url;
    private String method = "GET";
    private final HTTPHeaders headers = new HTTPHeaders();
    private byte[] body;
    private Duration connectTimeout = Duration.ofSeconds(20);
    private Duration requestTimeout = Duration.ofSeconds(20);
    private boolean raiseError = true;
    private boolean followRedirects = true;
    private int maxRedirects = 5;
    private SSLContext sslContext;
    private Path caCerts;
    private boolean insecureSkipVerify;
    private StreamingCallback streamingCallback;
    private java.util.function.Consumer<String> headerCallback;
    private BodyProducer bodyProducer;
    private boolean decompressResponse = true;
    private String userAgent;
    private String authUsername;
    private String authPassword;
    private String authMode = "basic";
    private String proxyHost;
    private int proxyPort;
    private String proxyUsername;
    private String proxyPassword;

    /**
     * Creates a GET request.
     *
     * @param url an absolute {@code http://} URL
     * @throws NullPointerException if {@code url} is null
     */
    public HTTPRequest(String url) {
        this.url = Objects.requireNonNull(url, "url");
    }

    /**
     * Creates a request that copies everything from {@code other} but the URL.
     *
     * @param other the request to copy
     * @param url the new URL
     */
    HTTPRequest(HTTPRequest other, String url) {
        this.url = url;
        this.method = other.method;
        this.headers.clear();
        other.headers.forEach(this.headers::addTrusted);
        this.body = other.body;
        this.connectTimeout = other.connectTimeout;
        this.requestTimeout = other.requestTimeout;
        this.raiseError = other.raiseError;
        this.followRedirects = other.followRedirects;
        this.maxRedirects = other.maxRedirects;
        this.sslContext = other.sslContext;
        this.caCerts = other.caCerts;
        this.insecureSkipVerify = other.insecureSkipVerify;
        this.streamingCallback = other.streamingCallback;
        this.headerCallback = other.headerCallback;
        this.bodyProducer = other.bodyProducer;
        this.decompressResponse = other.decompressResponse;
        this.userAgent = other.userAgent;
        this.authUsername = other.authUsername;
        this.authPassword = other.authPassword;
        this.authMode = other.authMode;
        this.proxyHost = other.proxyHost;
        this.proxyPort = other.proxyPort;
        this.proxyUsername = other.proxyUsername;
        this.proxyPassword = other.proxyPassword;
    }

    /**
     * Trusts the server certificates that {@code context}'s trust managers accept, instead of the JDK's
     * trust store (https only). The host name is still verified.
     *
     * @param context the client context, or null for the default
     * @return this
     */
    public HTTPRequest sslContext(SSLContext context) {
        this.sslContext = context;
        return this;
    }

    /**
     * Trusts only the CA certificates of {@code file} (Tornado's {@code ca_certs}): a PEM file, or a PKCS#12
     * or JKS trust store without password (by extension .p12, .pfx, .jks). The host name is still verified.
     *
     * @param file the CA file, or null for the default
     * @return this
     */
    public HTTPRequest caCerts(Path file) {
        this.caCerts = file;
        return this;
    }

    /**
     * With {@code true}, accepts ANY server certificate and host name (Tornado's {@code validate_cert=False}):
     * the connection is then open to interception. For tests and known hosts only; logged once per client.
     *
     * @param insecure true to turn certificate and host name verification off
     * @return this
     */
    public HTTPRequest insecureSkipCertificateVerification(boolean insecure) {
        this.insecureSkipVerify = insecure;
        return this;
    }

    /** @return the context set by {@link #sslContext}, or null */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** @return the CA file set by {@link #caCerts}, or null */
    public Path caCerts() {
        return caCerts;
    }

    /** @return true if certificate verification is turned off */
    public boolean insecureSkipCertificateVerification() {
        return insecureSkipVerify;
    }

    /**
     * Sets the method.
     *
     * @param method e.g. "POST"; an HTTP token, upper-cased
     * @return this
     * @throws IllegalArgumentException if it is not a token
     */
    public HTTPRequest method(String method) {
        String m = method.toUpperCase(Locale.ROOT);
        for (int i = 0; i < m.length(); i++) {
            if (m.charAt(i) >= 128 || !Chars.isToken((byte) m.charAt(i))) {
                throw new IllegalArgumentException("Invalid HTTP method " + method);
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("Empty HTTP method");
        }
        this.method = m;
        return this;
    }

    /**
     * Adds a request header.
     *
     * @param name the name
     * @param value the value
     * @return this
     * @throws IllegalArgumentException if the name is not a token or either holds CR or LF
     */
    public HTTPRequest header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * Sets the body.
     *
     * @param body the bytes, or null for none
     * @return this
     */
    public HTTPRequest body(byte[] body) {
        this.body = body;
        return this;
    }

    /**
     * Sets the body to a urlencoded form ({@link HTTPUtil#encodeQueryString}) and Content-Type to
     * {@code application/x-www-form-urlencoded}.
     *
     * @param form names and values (an {@code Iterable} value repeats the name)
     * @return this
     */
    public HTTPRequest form(java.util.Map<String, ?> form) {
        headers.set("Content-Type", "application/x-www-form-urlencoded");
        return body(HTTPUtil.encodeQueryString(form));
    }

    /**
     * Sets the body to {@code text} encoded as UTF-8.
     *
     * @param text the text
     * @return this
     */
    public HTTPRequest body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sets how long connecting may take.
     *
     * @param timeout the timeout, positive
     * @return this
     */
    public HTTPRequest connectTimeout(Duration timeout) {
        this.connectTimeout = requirePositive(timeout, "connectTimeout");
        return this;
    }

    /**
     * Sets how long the whole request may take, from {@code fetch} to the last byte of the response
     * (waiting for a free connection included).
     *
     * @param timeout the timeout, positive
     * @return this
     */
    public HTTPRequest requestTimeout(Duration timeout) {
        this.requestTimeout = requirePositive(timeout, "requestTimeout");
        return this;
    }

    /**
     * Chooses whether a response with a status outside 2xx fails the fetch with {@link HTTPClientError}
     * (true, the default, as Tornado) or is returned like any other (false). Failures without a response
     * (connection refused, timeouts) always fail the fetch.
     *
     * @param value whether to fail on non-2xx
     * @return this
     */
    public HTTPRequest raiseError(boolean value) {
        this.raiseError = value;
        return this;
    }

    /**
     * Chooses whether 301, 302, 303, 307 and 308 responses with a Location are followed (default true).
     *
     * @param value whether to follow
     * @return this
     */
    public HTTPRequest followRedirects(boolean value) {
        this.followRedirects = value;
        return this;
    }

    /**
     * Sets how many redirects are followed at most (default 5); one more fails with the redirect response.
     *
     * @param value at least 0
     * @return this
     */
    public HTTPRequest maxRedirects(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("maxRedirects must be at least 0, got " + value);
        }
        this.maxRedirects = value;
        return this;
    }

    private static Duration requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    /** @return the URL */
    public String url() {
        return url;
    }

    /** @return the method */
    public String method() {
        return method;
    }

    /** @return the request headers (modifiable) */
    public HTTPHeaders headers() {
        return headers;
    }

    /** @return the body, or null */
    public byte[] body() {
        return body;
    }

    /** @return the connect timeout */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** @return the request timeout */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return whether non-2xx responses fail the fetch */
    public boolean raiseError() {
        return raiseError;
    }

    /** @return whether redirects are followed */
    public boolean followRedirects() {
        return followRedirects;
    }

    /**
     * Streams the response body to {@code callback} instead of buffering it (Tornado's
     * {@code streaming_callback}); the {@link HTTPResponse#body()} is then empty. The client's body size
     * limit does not apply to a streamed body (nothing is held). See {@link StreamingCallback}.
     *
     * @param callback the consumer, or null to buffer
     * @return this
     */
    public HTTPRequest streamingCallback(StreamingCallback callback) {
        this.streamingCallback = callback;
        return this;
    }

    /** @return the streaming callback, or null */
    public StreamingCallback streamingCallback() {
        return streamingCallback;
    }

    /**
     * Calls {@code callback} with each line of the response head as it is read (Tornado's
     * {@code header_callback}): the status line, then each {@code Name: value} line, each ending in CRLF,
     * then a lone CRLF; interim (1xx) responses included. Runs on the client's loop thread; an exception
     * fails the fetch.
     *
     * @param callback the consumer, or null
     * @return this
     */
    public HTTPRequest headerCallback(java.util.function.Consumer<String> callback) {
        this.headerCallback = callback;
        return this;
    }

    /** @return the header callback, or null */
    public java.util.function.Consumer<String> headerCallback() {
        return headerCallback;
    }

    /**
     * Produces the body piece by piece instead of {@link #body(byte[])} (Tornado's {@code body_producer});
     * sent chunked unless a Content-Length header is set. See {@link BodyProducer}.
     *
     * @param producer the producer, or null
     * @return this
     */
    public HTTPRequest bodyProducer(BodyProducer producer) {
        this.bodyProducer = producer;
        return this;
    }

    /** @return the body producer, or null */
    public BodyProducer bodyProducer() {
        return bodyProducer;
    }

    /** @return the most redirects followed */
    public int maxRedirects() {
        return maxRedirects;
    }

    @Override
    public String toString() {
        return method + " " + url;
    }

    /**
     * Chooses whether the client asks for a gzip response ({@code Accept-Encoding: gzip}, unless the request
     * sets its own Accept-Encoding) and inflates a gzip response before handing it over (default true, as
     * Tornado's {@code decompress_response}). The inflated body is held to the client's body size limit.
     * An inflated response loses its Content-Encoding (and, when buffered, Content-Length) header; the coding is kept in
     * {@code X-Consumed-Content-Encoding}. With false, nothing is asked for and the body is given as sent.
     *
     * @param value whether to ask for and inflate gzip
     * @return this
     */
    public HTTPRequest decompressResponse(boolean value) {
        this.decompressResponse = value;
        return this;
    }

    /** @return whether gzip responses are asked for and inflated */
    public boolean decompressResponse() {
        return decompressResponse;
    }

    /**
     * Sets the User-Agent header (Tornado's {@code user_agent}); without it, and without a User-Agent header,
     * the client sends {@code Squall/<version>}.
     *
     * @param value the product token(s), or null for the default
     * @return this
     * @throws IllegalArgumentException if the value holds CR, LF or NUL
     */
    public HTTPRequest userAgent(String value) {
        if (value != null) {
            HTTPHeaders.checkValue("User-Agent", value);
        }
        this.userAgent = value;
        return this;
    }

    /** @return the User-Agent set by {@link #userAgent(String)}, or null */
    public String userAgent() {
        return userAgent;
    }

    /**
     * Sets the user name for HTTP authentication (Tornado's {@code auth_username}); sent with
     * {@link #authPassword} in the scheme of {@link #authMode} to the URL's own origin only: after a
     * redirect to another scheme, host or port the credentials are dropped.
     *
     * @param value the user name, or null for none; it may not hold a colon (RFC 7617)
     * @return this
     * @throws IllegalArgumentException if the name holds a colon or a control character
     */
    public HTTPRequest authUsername(String value) {
        if (value != null && (value.indexOf(':') >= 0 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("authUsername may not hold a colon or a control character");
        }
        this.authUsername = value;
        return this;
    }

    /**
     * Sets the password for HTTP authentication (Tornado's {@code auth_password}); see {@link #authUsername}.
     *
     * @param value the password, or null for an empty one
     * @return this
     */
    public HTTPRequest authPassword(String value) {
        this.authPassword = value;
        return this;
    }

    /**
     * Names the authentication scheme (Tornado's {@code auth_mode}): {@code "basic"} (the default) is the
     * one supported; another name fails the fetch with an {@link IllegalArgumentException}.
     *
     * @param value the scheme
     * @return this
     */
    public HTTPRequest authMode(String value) {
        this.authMode = Objects.requireNonNull(value, "authMode");
        return this;
    }

    /** @return the user name for HTTP authentication, or null */
    public String authUsername() {
        return authUsername;
    }

    /** @return the password for HTTP authentication, or null */
    public String authPassword() {
        return authPassword;
    }

    /** @return the authentication scheme, "basic" by default */
    public String authMode() {
        return authMode;
    }

    /**
     * Sends the request through an HTTP proxy (Tornado's {@code proxy_host}); set {@link #proxyPort(int)}
     * too. An {@code http://} URL is asked of the proxy in absolute form; an {@code https://} URL goes
     * through a {@code CONNECT} tunnel, inside which TLS runs end to end with the origin (its certificate and
     * host name verified as without a proxy).
     *
     * @param host the proxy's host name or address, or null for a direct connection
     * @return this
     */
    public HTTPRequest proxyHost(String host) {
        this.proxyHost = host;
        return this;
    }

    /**
     * Sets the proxy's port (Tornado's {@code proxy_port}); see {@link #proxyHost(String)}.
     *
     * @param port 1 to 65535
     * @return this
     * @throws IllegalArgumentException if the port is out of range
     */
    public HTTPRequest proxyPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxyPort must be 1..65535, got " + port);
        }
        this.proxyPort = port;
        return this;
    }

    /**
     * Sets the user name the proxy itself asks for (Tornado's {@code proxy_username}), sent to the proxy
     * only, with {@link #proxyPassword(String)}, as {@code Proxy-Authorization: Basic}.
     *
     * @param username the user name, or null for none; it may not hold a colon
     * @return this
     * @throws IllegalArgumentException if the name holds a colon or a control character
     */
    public HTTPRequest proxyUsername(String username) {
        if (username != null && (username.indexOf(':') >= 0 || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("proxyUsername may not hold a colon or a control character");
        }
        this.proxyUsername = username;
        return this;
    }

    /**
     * Sets the proxy's password (Tornado's {@code proxy_password}); see {@link #proxyUsername(String)}.
     *
     * @param password the password, or null for an empty one
     * @return this
     */
    public HTTPRequest proxyPassword(String password) {
        this.proxyPassword = password;
        return this;
    }

    /** @return the proxy host, or null for a direct connection */
    public String proxyHost() {
        return proxyHost;
    }

    /** @return the proxy port (meaningful when {@link #proxyHost()} is set) */
    public int proxyPort() {
        return proxyPort;
    }

    /** @return the proxy user name, or null */
    public String proxyUsername() {
        return proxyUsername;
    }

    /** @return the proxy password, or null */
    public String proxyPassword() {
        return proxyPassword;
    }
}
