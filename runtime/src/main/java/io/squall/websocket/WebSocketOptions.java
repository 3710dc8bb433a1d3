package io.squall.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import io.squall.http.HTTPHeaders;
import io.squall.net.TCPClient;

/**
 * Settings of one {@link WebSocket#connect(String, WebSocketOptions)}: Tornado's {@code websocket_connect}
 * arguments. Mutable until passed to {@code connect}, which copies what it needs.
 */
public final class WebSocketOptions {
    private Duration connectTimeout = Duration.ofSeconds(20);
    private final HTTPHeaders headers = new HTTPHeaders();
    private final List<String> subprotocols = new ArrayList<>();
    private CompressionOptions compression;
    private int maxMessageSize = WebSocketHandler.DEFAULT_MAX_MESSAGE_SIZE;
    private Duration pingInterval;
    private Duration pingTimeout;
    private Duration closeTimeout = Duration.ofSeconds(5);
    private TCPClient tcpClient;
    private SSLContext sslContext;
    private boolean verifyHostname = true;

    /** Default options: 20 s to connect and shake hands, no subprotocol, no compression, no pings. */
    public WebSocketOptions() {}

    /**
     * @param timeout the most time for connecting and the opening handshake together
     * @return these options
     */
    public WebSocketOptions connectTimeout(Duration timeout) {
        this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Adds a header to the opening request (for example {@code Origin}, {@code Cookie} or
     * {@code Authorization}).
     *
     * @param name the name
     * @param value the value
     * @return these options
     * @throws IllegalArgumentException if the name is not a token or either holds CR, LF or control characters
     */
    public WebSocketOptions header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * Offers a subprotocol ({@code Sec-WebSocket-Protocol}); call again to offer more, in order of preference.
     *
     * @param name the subprotocol
     * @return these options
     */
    public WebSocketOptions subprotocol(String name) {
        subprotocols.add(Objects.requireNonNull(name, "name"));
        return this;
    }

    /**
     * Offers permessage-deflate (RFC 7692).
     *
     * @param options the compression options, or null not to offer it (the default)
     * @return these options
     */
    public WebSocketOptions compression(CompressionOptions options) {
        this.compression = options;
        return this;
    }

    /**
     * @param bytes the largest message accepted (after inflating); larger ones close with 1009
     * @return these options
     * @throws IllegalArgumentException if not positive
     */
    public WebSocketOptions maxMessageSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("WebSocketOptions: maxMessageSize must be positive, got " + bytes);
        }
        this.maxMessageSize = bytes;
        return this;
    }

    /**
     * @param interval how often to ping the server, or null for never (the default)
     * @param timeout how long to wait for a pong before closing, or null for three intervals (at least 30 s)
     * @return these options
     */
    public WebSocketOptions ping(Duration interval, Duration timeout) {
        this.pingInterval = interval;
        this.pingTimeout = timeout;
        return this;
    }

    /**
     * @param timeout how long the close handshake may take before the connection is cut (default 5 s)
     * @return these options
     */
    public WebSocketOptions closeTimeout(Duration timeout) {
        this.closeTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Uses {@code client} to open the TCP connection (for its buffer size or other settings).
     *
     * @param client the client, or null for a default one
     * @return these options
     */
    public WebSocketOptions tcpClient(TCPClient client) {
        this.tcpClient = client;
        return this;
    }

    /**
     * Trusts what {@code context} trusts for {@code wss://} (for example a private CA); by default the JDK's
     * default trust store, as {@link io.squall.http.AsyncHTTPClient} does.
     *
     * @param context the client context, or null for the default
     * @return these options
     */
    public WebSocketOptions sslContext(SSLContext context) {
        this.sslContext = context;
        return this;
    }

    /**
     * Turns the host name check of {@code wss://} off ({@code false}): insecure unless the SSL context pins
     * the server's certificate. On by default.
     *
     * @param on false to skip the check
     * @return these options
     */
    public WebSocketOptions verifyHostname(boolean on) {
        this.verifyHostname = on;
        return this;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    boolean verifyHostname() {
        return verifyHostname;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    HTTPHeaders headers() {
        return headers;
    }

    List<String> subprotocols() {
        return subprotocols;
    }

    CompressionOptions compression() {
        return compression;
    }

    TCPClient tcpClient() {
        return tcpClient != null ? tcpClient : new TCPClient();
    }

    WebSocketProtocol.Settings settings() {
        Duration timeout = pingTimeout;
        if (timeout == null && pingInterval != null) {
            Duration three = pingInterval.multipliedBy(3);
            timeout = three.compareTo(Duration.ofSeconds(30)) > 0 ? three : Duration.ofSeconds(30);
        }
        return new WebSocketProtocol.Settings(maxMessageSize, pingInterval, timeout, closeTimeout);
    }
}
