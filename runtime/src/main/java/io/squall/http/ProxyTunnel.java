package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.squall.Future;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;
import io.squall.net.TCPClient;
import io.squall.net.TLS;

/**
 * Connects {@link AsyncHTTPClient} to an origin through an HTTP proxy: a plain connection to the proxy for
 * {@code http://} URLs (the request then names the origin in absolute form), or, for {@code https://}, a
 * {@code CONNECT host:port} tunnel (RFC 9110 9.3.6) in which TLS is started with the origin, verified as
 * without a proxy. Runs on the client's loop thread.
 */
final class ProxyTunnel {
    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private ProxyTunnel() {}

    /**
     * Returns the value of an {@code Authorization} (or {@code Proxy-Authorization}) header for basic
     * authentication (RFC 7617, UTF-8).
     *
     * @param user the user name, without a colon
     * @param password the password, or null for an empty one
     * @return "Basic " and the base64 of user:password
     */
    static String basic(String user, String password) {
        String pair = user + ":" + (password == null ? "" : password);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Opens a stream that reaches {@code host:port} through the proxy of {@code r}.
     *
     * @return the stream: to the proxy for plain http, a TLS stream to the origin for https; fails with an
     *     {@link HTTPClientError} (599) naming the proxy when it cannot be reached or refuses the tunnel,
     *     with an {@link javax.net.ssl.SSLHandshakeException} when the origin's certificate is refused
     */
    static Future<IOStream> connect(TCPClient tcp, HTTPRequest r, String proxyHost, int proxyPort, boolean https,
            String host, int port, SSLContext context, boolean verify, List<String> alpn, int maxHeaderSize) {
        Duration timeout = r.connectTimeout();
        String proxy = proxyHost + ":" + proxyPort;
        Future<IOStream> result = new Future<>();
        tcp.connect(proxyHost, proxyPort, timeout).addDoneCallback(f -> {
            Throwable t = f.exception();
            if (t != null) {
                result.trySetException(new HTTPClientError(599, "Cannot connect to the proxy " + proxy + " for "
                        + r.method() + " " + r.url() + ": " + (t.getMessage() != null ? t.getMessage() : t), null, t));
                return;
            }
            IOStream stream = f.result();
            if (result.isDone()) {
                stream.close();
                return;
            }
            if (!https) {
                result.trySetResult(stream);
                return;
            }
            tunnel(stream, r, proxy, host, port, context, verify, alpn, maxHeaderSize, result);
        });
        return result;
    }

    private static void tunnel(IOStream stream, HTTPRequest r, String proxy, String host, int port,
            SSLContext context, boolean verify, List<String> alpn, int maxHeaderSize, Future<IOStream> result) {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        StringBuilder head = new StringBuilder(128)
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (r.proxyUsername() != null) {
            head.append("Proxy-Authorization: ").append(basic(r.proxyUsername(), r.proxyPassword())).append("\r\n");
        }
        head.append("\r\n");
        Future<byte[]> answer;
        try {
            stream.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            answer = stream.readUntil(END_OF_HEAD, maxHeaderSize);
        } catch (RuntimeException e) {
            stream.close();
            result.trySetException(e);
            return;
        }
        answer.addDoneCallback(a -> {
            Throwable t = a.exception();
            if (t != null) {
                stream.close();
                result.trySetException(new HTTPClientError(599, "The proxy " + proxy + " did not answer CONNECT "
                        + authority + ": " + (t instanceof StreamClosedException ? "it closed the connection"
                        : String.valueOf(t.getMessage())), null, t));
                return;
            }
            String text = new String(a.result(), StandardCharsets.ISO_8859_1);
            String statusLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
            String[] parts = statusLine.split(" ", 3);
            int code = -1;
            if (parts.length >= 2 && parts[0].startsWith("HTTP/1.")) {
                try {
                    code = Integer.parseInt(parts[1]);
                } catch (NumberFormatException notANumber) {
                    code = -1;
                }
            }
            if (code < 200 || code > 299) {
                stream.close();
                result.trySetException(new HTTPClientError(599, "The proxy " + proxy + " refused CONNECT "
                        + authority + ": " + (code < 0 ? "malformed answer '" + abbreviate(statusLine) + "'"
                        : abbreviate(statusLine.substring(parts[0].length()).trim()))
                        + (code == 407 ? " (set proxyUsername and proxyPassword)" : ""), null));
                return;
            }
            if (result.isDone()) {
                stream.close();
                return;
            }
            Future<IOStream> hs;
            try {
                SSLContext ctx = context != null ? context : TLS.defaultClientContext();
                hs = stream.startTls(TLS.clientEngine(ctx, host, port, verify, alpn), r.connectTimeout());
            } catch (RuntimeException e) {
                stream.close(e);
                result.trySetException(e);
                return;
            }
            hs.addDoneCallback(h -> {
                Throwable e = h.exception();
                if (e == null) {
                    if (!result.trySetResult(stream)) {
                        stream.close();
                    }
                } else {
                    stream.close(e);
                    result.trySetException(e instanceof SSLException || e instanceof StreamClosedException
                            ? TLS.explain(e, host, port) : e);
                }
            });
        });
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }
}
