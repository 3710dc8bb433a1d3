package io.squall.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** A blocking java.net.Socket client that sends exact bytes and reads responses; for use off the loop thread. */
final class RawClient implements Closeable {
    /** A response as read off the wire. */
    static final class Response {
        String statusLine;
        int code;
        HTTPHeaders headers = new HTTPHeaders();
        byte[] body = new byte[0];

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000); // a hang guard only
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    void sendByteByByte(String s) throws IOException {
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            out.write(b);
            out.flush();
        }
    }

    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("EOF while reading a line; got so far: " + line);
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads one response; {@code head} says the request was HEAD (no body follows). */
    Response read(boolean head) throws IOException {
        Response r = new Response();
        r.statusLine = readLine();
        r.code = Integer.parseInt(r.statusLine.split(" ")[1]);
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            r.headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        if (head || r.code < 200 || r.code == 204 || r.code == 304) {
            return r;
        }
        if (r.headers.containsToken("Transfer-Encoding", "chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(readLine().trim(), 16);
                if (size == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(size));
                if (!readLine().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
            r.body = body.toByteArray();
        } else if (r.headers.contains("Content-Length")) {
            int n = Integer.parseInt(r.headers.get("Content-Length"));
            r.body = in.readNBytes(n);
            if (r.body.length != n) {
                throw new IOException("EOF after " + r.body.length + " of " + n + " body bytes");
            }
        } else {
            r.body = in.readAllBytes();
        }
        return r;
    }

    /** True when the server closed the connection: EOF (or a reset) on the next read. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
