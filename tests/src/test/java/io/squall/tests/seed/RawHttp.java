package io.squall.tests.seed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain blocking HTTP/1.0 client, independent of Squall: sends a GET on its own socket and later reads
 * the whole response (the server closes after an HTTP/1.0 response). Sending and reading are separate so a
 * test can put many requests in flight from one thread.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final long sentNanos;

    private RawHttp(Socket socket, long sentNanos) {
        this.socket = socket;
        this.sentNanos = sentNanos;
    }

    /** Connects to 127.0.0.1:{@code port} and sends {@code GET path HTTP/1.0}. */
    static RawHttp send(int port, String path) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            s.setSoTimeout(60_000); // hang guard only
            long sent = System.nanoTime();
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new RawHttp(s, sent);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** When the request was sent ({@link System#nanoTime()}). */
    long sentNanos() {
        return sentNanos;
    }

    /** Reads the response until the server closes; returns {status line, body}. */
    String[] read() throws IOException {
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("incomplete response: '" + response + "'");
        }
        return new String[] {response.substring(0, response.indexOf("\r\n")), response.substring(end + 4)};
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
