package io.squall.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.http.HTTPHeaders;
import io.squall.net.IOStream;

/**
 * Opens WebSocket client connections: Tornado's {@code websocket_connect}.
 *
 * <pre>{@code
 * WebSocketClientConnection ws = await(WebSocket.connect("ws://127.0.0.1:8888/echo"));
 * await(ws.writeMessage("hi"));
 * Object reply = await(ws.readMessage());   // "hi" from an echo server
 * }</pre>
 *
 * <p>The connection runs on the loop of the thread that calls {@code connect}. {@code wss://} URLs run over
 * TLS ({@link io.squall.net.TCPClient}'s, {@link IOStream} underneath): the server's certificate and host
 * name are verified against the JDK's default trust store unless {@link WebSocketOptions#sslContext} names
 * another trust.
 */
public final class WebSocket {
    private static final int MAX_RESPONSE_HEAD = 64 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private WebSocket() {}

    /**
     * Connects to {@code url} with default {@link WebSocketOptions}.
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @return a future of the open connection; see {@link #connect(String, WebSocketOptions)}
     */
    public static Future<WebSocketClientConnection> connect(String url) {
        return connect(url, new WebSocketOptions());
    }

    /**
     * Connects to {@code url} and runs the opening handshake (RFC 6455 section 4.1).
     *
     * @param url a {@code ws://} or {@code wss://} URL
     * @param options timeouts, headers, subprotocols, compression
     * @return a future of the open connection. It fails with {@link IllegalArgumentException} for a
     *     malformed URL, the {@link io.squall.net.TCPClient} errors (TLS ones for {@code wss://}: an
     *     untrusted or expired certificate, a wrong host name), ({@code UnknownHostException}, {@code ConnectException}),
     *     {@link TimeoutException} when the connect timeout passes, and {@link WebSocketHandshakeException}
     *     when the server refuses or answers wrongly
     * @throws IllegalStateException on a worker thread that has no loop of its own (the connection would live on
     *     a loop nobody runs): connect on a loop thread, or hand the call to one with {@code loop.addCallback}
     */
    public static Future<WebSocketClientConnection> connect(String url, WebSocketOptions options) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(options, "options");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Future.failed(new IllegalArgumentException("WebSocket.connect: malformed URL " + url + ": "
                    + e.getMessage(), e));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("ws") || scheme.equals("wss"))) {
            return Future.failed(new IllegalArgumentException("WebSocket.connect: " + url
                    + " is not a ws:// or wss:// URL with a host"));
        }
        if (uri.getRawFragment() != null) {
            return Future.failed(new IllegalArgumentException("WebSocket.connect: " + url
                    + " has a fragment (#...), which WebSocket URLs must not have (RFC 6455 section 3)"));
        }
        return new ClientHandshake(uri, url, options, scheme.equals("wss")).start();
    }

    /** One connection attempt: TCP connect, request, response check; everything on the caller's loop. */
    private static final class ClientHandshake {
        private final URI uri;
        private final String url;
        private final WebSocketOptions options;
        private final IOLoop loop = IOLoop.current();
        private final Future<WebSocketClientConnection> result = new Future<>();
        private final String key = Handshake.newKey();
        private final boolean tls;
        private IOStream stream;
        private Timeout timer;

        ClientHandshake(URI uri, String url, WebSocketOptions options, boolean tls) {
            this.uri = uri;
            this.url = url;
            this.options = options;
            this.tls = tls;
        }

        Future<WebSocketClientConnection> start() {
            Duration timeout = options.connectTimeout();
            timer = loop.callLater(timeout, () -> fail(new TimeoutException("WebSocket.connect: " + url
                    + " did not complete the opening handshake within " + timeout)));
            int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1); // an IPv6 literal
            }
            Future<IOStream> connecting = tls
                    ? options.tcpClient().connect(host, port, timeout, options.sslContext(), options.verifyHostname(),
                            List.of("http/1.1"))
                    : options.tcpClient().connect(host, port, timeout);
            connecting.addDoneCallback(f -> {
                if (f.exception() != null) {
                    fail(f.exception());
                } else if (result.isDone()) {
                    f.result().close();
                } else {
                    onConnected(f.result());
                }
            });
            return result;
        }

        private void onConnected(IOStream s) {
            stream = s;
            s.setNoDelay(true);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            HTTPHeaders h = new HTTPHeaders(options.headers());
            h.set("Host", uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost());
            h.set("Upgrade", "websocket");
            h.set("Connection", "Upgrade");
            h.set("Sec-WebSocket-Key", key);
            h.set("Sec-WebSocket-Version", "13");
            if (!options.subprotocols().isEmpty()) {
                h.set("Sec-WebSocket-Protocol", String.join(", ", options.subprotocols()));
            }
            if (options.compression() != null) {
                h.set("Sec-WebSocket-Extensions", PerMessageDeflate.clientOffer(options.compression()));
            }
            StringBuilder request = new StringBuilder(256).append("GET ").append(path).append(" HTTP/1.1\r\n");
            h.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            s.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            s.readUntil(END_OF_HEAD, MAX_RESPONSE_HEAD).addDoneCallback(f -> {
                if (f.exception() != null) {
                    fail(f.exception());
                    return;
                }
                try {
                    onResponse(f.result());
                } catch (WebSocketHandshakeException | RuntimeException e) {
                    fail(e);
                }
            });
        }

        private void onResponse(byte[] head) throws WebSocketHandshakeException {
            String[] lines = new String(head, 0, head.length - 4, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
                throw refused("the answer is not HTTP: '" + lines[0] + "'", 0);
            }
            int code;
            try {
                code = Integer.parseInt(status[1]);
            } catch (NumberFormatException e) {
                throw refused("malformed status line '" + lines[0] + "'", 0);
            }
            HTTPHeaders h = new HTTPHeaders();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw refused("malformed header line '" + lines[i] + "'", code);
                }
                try {
                    h.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
                } catch (IllegalArgumentException e) {
                    throw refused("malformed header line '" + lines[i] + "': " + e.getMessage(), code);
                }
            }
            if (code != 101) {
                throw refused("the server answered " + lines[0].substring(status[0].length()).trim()
                        + " instead of 101 Switching Protocols", code);
            }
            if (Handshake.tokens(h, "Upgrade").stream().noneMatch("websocket"::equalsIgnoreCase)) {
                throw refused("the 101 answer lacks 'Upgrade: websocket'", code);
            }
            if (!h.containsToken("Connection", "upgrade")) {
                throw refused("the 101 answer lacks 'Connection: Upgrade'", code);
            }
            String accept = h.get("Sec-WebSocket-Accept");
            if (accept == null || !accept.trim().equals(Handshake.accept(key))) {
                throw refused("Sec-WebSocket-Accept is " + (accept == null ? "missing" : "wrong ('" + accept + "')"), code);
            }
            String subprotocol = h.get("Sec-WebSocket-Protocol");
            if (subprotocol != null) {
                subprotocol = subprotocol.trim();
                if (!options.subprotocols().contains(subprotocol)) {
                    throw refused("the server chose subprotocol '" + subprotocol + "', which was not offered", code);
                }
            }
            List<Extensions.Extension> extensions;
            PerMessageDeflate deflate = null;
            try {
                extensions = Extensions.parse(h.getAll("Sec-WebSocket-Extensions"));
                if (!extensions.isEmpty()) {
                    if (options.compression() == null) {
                        throw new IllegalArgumentException("the server answered with extensions " + extensions
                                + ", none of which was offered");
                    }
                    deflate = PerMessageDeflate.acceptAsClient(extensions, options.compression());
                }
            } catch (IllegalArgumentException e) {
                throw refused(e.getMessage(), code);
            }
            if (result.isDone()) {
                if (deflate != null) {
                    deflate.end();
                }
                return;
            }
            loop.removeTimeout(timer);
            WebSocketProtocol protocol = new WebSocketProtocol(stream, true, options.settings(), deflate);
            WebSocketClientConnection connection = new WebSocketClientConnection(protocol, subprotocol, url);
            connection.start(new byte[0]); // bytes after the head stay buffered in the stream
            result.trySetResult(connection);
        }

        private WebSocketHandshakeException refused(String why, int status) {
            return new WebSocketHandshakeException("WebSocket handshake with " + url + " failed: " + why, status);
        }

        private void fail(Throwable t) {
            if (!result.trySetException(t)) {
                return;
            }
            loop.removeTimeout(timer);
            if (stream != null) {
                stream.close();
            }
        }
    }
}
