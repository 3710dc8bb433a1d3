package io.squall.http;

import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request received by an {@link HTTPServer} (Tornado's {@code HTTPServerRequest}): start line,
 * headers, the whole body, the client's address, and the {@link HTTPConnection} to answer on.
 * Arguments from the query string and from a urlencoded form body are parsed on first use.
 */
public final class HTTPServerRequest {
    private final String method;
    private final String uri;
    private final String path;
    private final String query;
    private final String version;
    private final HTTPHeaders headers;
    private final byte[] body;
    private final InetSocketAddress remoteAddress;
    private final HTTPConnection connection;
    private final long startNanos = System.nanoTime();
    private Map<String, List<String>> queryArguments;
    private Map<String, List<String>> bodyArguments;
    private Map<String, List<String>> arguments;
    private Map<String, String> cookies;
    private String remoteIp;
    /** The scheme a trusted proxy reported (xheaders), or null for the connection's own. */
    private String forwardedProtocol;

    /**
     * Creates a request; the server does this, tests may too.
     *
     * @param method the method, e.g. "GET"
     * @param uri the request target as sent, e.g. "/a/b?x=1"
     * @param version "HTTP/1.0" or "HTTP/1.1"
     * @param headers the headers
     * @param body the body, empty if none
     * @param remoteAddress the client's address, may be null
     * @param connection where to write the response, may be null for a request that is never answered
     */
    public HTTPServerRequest(String method, String uri, String version, HTTPHeaders headers, byte[] body,
            InetSocketAddress remoteAddress, HTTPConnection connection) {
        this.method = Objects.requireNonNull(method, "method");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.version = Objects.requireNonNull(version, "version");
        this.headers = headers != null ? headers : new HTTPHeaders();
        this.body = body != null ? body : new byte[0];
        this.remoteAddress = remoteAddress;
        this.connection = connection;
        String target = uri;
        if (!target.startsWith("/") && target.contains("://")) {
            // absolute-form (RFC 9112 3.2.2): keep only path and query
            int slash = target.indexOf('/', target.indexOf("://") + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        int hash = target.indexOf('#');
        if (hash >= 0) {
            target = target.substring(0, hash);
        }
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.query = q < 0 ? "" : target.substring(q + 1);
    }

    /** @return the method, e.g. "GET" */
    public String method() {
        return method;
    }

    /** @return the request target as sent, path and query, e.g. "/a/b?x=1" */
    public String uri() {
        return uri;
    }

    /** @return the path part of the target, still percent-encoded, e.g. "/a/b" */
    public String path() {
        return path;
    }

    /** @return the query string without "?", or "" */
    public String query() {
        return query;
    }

    /** @return "HTTP/1.0" or "HTTP/1.1" */
    public String version() {
        return version;
    }

    /** @return the request headers */
    public HTTPHeaders headers() {
        return headers;
    }

    /** @return the body bytes (empty if none); the array is shared, not copied */
    public byte[] body() {
        return body;
    }

    /**
     * Decodes the body with the charset named in Content-Type, UTF-8 by default.
     *
     * @return the body as text
     */
    public String bodyAsString() {
        return new String(body, charsetOf(headers.get("Content-Type")));
    }

    /** @return the client's address, or null if unknown */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Returns the client's IP address: the socket peer's, or, on a server with
     * {@link HTTPServer#xheaders(boolean)} on, the one a proxy reported in X-Real-Ip or X-Forwarded-For.
     *
     * @return the IP address as text, or null if unknown
     */
    public String remoteIp() {
        if (remoteIp != null) {
            return remoteIp;
        }
        return remoteAddress == null || remoteAddress.getAddress() == null ? null
                : remoteAddress.getAddress().getHostAddress();
    }

    /**
     * Returns the scheme the client used (Tornado's {@code request.protocol}): "https" on a connection that
     * speaks TLS ({@link HTTPServer#ssl}), else "http".
     *
     * @return "https" or "http"
     */
    public String protocol() {
        if (forwardedProtocol != null) {
            return forwardedProtocol;
        }
        return connection instanceof HTTP1ServerConnection && ((HTTP1ServerConnection) connection).isTls()
                ? "https" : "http";
    }

    /**
     * Takes the client address and scheme from proxy headers, as far as the server's trusted proxies allow
     * (see {@link HTTPServer#trustedDownstream(String...)}).
     */
    void applyXHeaders() {
        ProxyHeaders trusted = connection instanceof HTTP1ServerConnection
                ? ((HTTP1ServerConnection) connection).server().trustedDownstreamList() : ProxyHeaders.DEFAULT;
        String[] r = trusted.resolve(headers, remoteIp());
        if (r[0] != null) {
            remoteIp = r[0];
        }
        if (r[1] != null) {
            forwardedProtocol = r[1];
        }
    }

    /**
     * Returns the cookies the client sent in its Cookie headers; surrounding double quotes are removed.
     *
     * @return cookie names to values, in order; unmodifiable
     */
    public Map<String, String> cookies() {
        if (cookies == null) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String header : headers.getAll("Cookie")) {
                for (String pair : header.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0) {
                        continue;
                    }
                    String name = pair.substring(0, eq).trim();
                    String value = pair.substring(eq + 1).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!name.isEmpty()) {
                        out.putIfAbsent(name, value);
                    }
                }
            }
            cookies = Collections.unmodifiableMap(out);
        }
        return cookies;
    }

    /**
     * Returns the Host header as sent, port included (Tornado's {@code request.host}); behind a proxy this is
     * what the proxy forwarded (nginx: {@code proxy_set_header Host $host}).
     *
     * @return the Host header, or "127.0.0.1" when there is none (HTTP/1.0)
     */
    public String host() {
        return headers.get("Host", "127.0.0.1");
    }

    /** @return where to write the response */
    public HTTPConnection connection() {
        return connection;
    }

    /** @return when the request was created, on the {@link System#nanoTime()} scale */
    public long startNanos() {
        return startNanos;
    }

    /** @return true if the client speaks HTTP/1.1 */
    public boolean supportsHttp11() {
        return "HTTP/1.1".equals(version);
    }

    /** @return arguments from the query string, name to values in order; unmodifiable */
    public Map<String, List<String>> queryArguments() {
        if (queryArguments == null) {
            queryArguments = HTTPUtil.parseQueryString(query);
        }
        return queryArguments;
    }

    /** @return arguments from a {@code application/x-www-form-urlencoded} body; empty otherwise */
    public Map<String, List<String>> bodyArguments() {
        if (bodyArguments == null) {
            String type = headers.get("Content-Type", "");
            if (body.length > 0 && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                bodyArguments = HTTPUtil.parseQueryString(new String(body, StandardCharsets.UTF_8));
            } else {
                bodyArguments = Map.of();
            }
        }
        return bodyArguments;
    }

    /** @return query and body arguments together, query values first; unmodifiable */
    public Map<String, List<String>> arguments() {
        if (arguments == null) {
            Map<String, List<String>> all = new LinkedHashMap<>();
            for (Map<String, List<String>> m : List.of(queryArguments(), bodyArguments())) {
                for (Map.Entry<String, List<String>> e : m.entrySet()) {
                    all.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
                }
            }
            all.replaceAll((k, v) -> Collections.unmodifiableList(v));
            arguments = Collections.unmodifiableMap(all);
        }
        return arguments;
    }

    /** @return seconds since the request was created */
    public double requestTime() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static Charset charsetOf(String contentType) {
        if (contentType != null) {
            for (String part : contentType.split(";")) {
                String p = part.trim();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    String name = p.substring(8).trim().replace("\"", "");
                    try {
                        return Charset.forName(name);
                    } catch (RuntimeException unknown) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** Renders "GET /path (remote ip)". */
    @Override
    public String toString() {
        return method + " " + uri + " (" + remoteIp() + ")";
    }

    /**
     * Returns the URL the client asked for (Tornado's {@code request.full_url()}): {@link #protocol()},
     * {@link #host()} and {@link #uri()}. Behind a proxy with {@link HTTPServer#xheaders(boolean)} on, the
     * scheme is the one the trusted proxy reported. The Host header comes from the client: do not use the
     * result as a trusted origin without checking the host against your own names.
     *
     * @return e.g. "https://example.com/a?b=1"
     */
    public String fullUrl() {
        String target = uri.startsWith("/") || !uri.contains("://") ? uri : path + (query.isEmpty() ? "" : "?" + query);
        return protocol() + "://" + host() + target;
    }
}
