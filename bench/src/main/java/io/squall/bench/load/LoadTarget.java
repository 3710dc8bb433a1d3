package io.squall.bench.load;

import io.squall.bench.UsageException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/** The URL a load run fetches, split into host, port and request target, and the request it sends. */
public final class LoadTarget {
    private final String url;
    private final String host;
    private final int port;
    private final String pathAndQuery;

    private LoadTarget(String url, String host, int port, String pathAndQuery) {
        this.url = url;
        this.host = host;
        this.port = port;
        this.pathAndQuery = pathAndQuery;
    }

    /**
     * Parses an {@code http://host[:port]/path} URL.
     *
     * @param url the URL
     * @return the target
     * @throws UsageException if it is not a plain http URL with a host
     */
    public static LoadTarget parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new UsageException("http-load: not a URL: '" + url + "' (" + e.getReason() + ")");
        }
        if (!"http".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
            throw new UsageException("http-load: only http://host[:port]/path URLs are supported, got '" + url + "'");
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        if (u.getRawQuery() != null) {
            path += "?" + u.getRawQuery();
        }
        return new LoadTarget(url, u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), path);
    }

    /** @return the URL as given */
    public String url() {
        return url;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /**
     * Returns the request bytes: HTTP/1.0 (one fetch per connection, as http_load) or HTTP/1.1 keep-alive.
     *
     * @param keepAlive whether connections are reused
     * @return the request
     */
    public byte[] request(boolean keepAlive) {
        String hostHeader = port == 80 ? host : host + ":" + port;
        String req = keepAlive
                ? "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: squall-http-load\r\n\r\n"
                : "GET " + pathAndQuery + " HTTP/1.0\r\nHost: " + hostHeader + "\r\nUser-Agent: squall-http-load\r\n\r\n";
        return req.getBytes(StandardCharsets.US_ASCII);
    }
}
