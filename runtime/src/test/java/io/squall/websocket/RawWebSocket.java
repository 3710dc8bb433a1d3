package io.squall.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A blocking, hand-driven WebSocket client for tests that send frames a real client never would: every
 * byte of the handshake and of each frame is written as given.
 */
final class RawWebSocket implements AutoCloseable {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;

    RawWebSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends an upgrade request for {@code path} with {@code extraHeaders} (each ending in CRLF) and returns the response head. */
    String handshake(String path, String extraHeaders) throws IOException {
        String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
        out.write(req.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readHead();
    }

    /** Sends raw request bytes and returns the response head. */
    String request(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readHead();
    }

    String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("closed during the response head: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Builds a frame: first byte as given, masked with {@code maskKey} unless it is null. */
    static byte[] frame(int first, byte[] payload, byte[] maskKey) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(first);
        int maskBit = maskKey != null ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            b.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            b.write(maskBit | 126);
            b.write(n >>> 8);
            b.write(n);
        } else {
            b.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                b.write((int) ((long) n >>> (8 * i)));
            }
        }
        if (maskKey != null) {
            b.write(maskKey, 0, 4);
            for (int i = 0; i < n; i++) {
                b.write(payload[i] ^ maskKey[i & 3]);
            }
        } else {
            b.write(payload, 0, n);
        }
        return b.toByteArray();
    }

    /** A masked frame with a fixed key. */
    static byte[] masked(int first, byte[] payload) {
        return frame(first, payload, new byte[] {0x12, 0x34, 0x56, 0x78});
    }

    void send(byte[]... frames) throws IOException {
        for (byte[] f : frames) {
            out.write(f);
        }
        out.flush();
    }

    /** A received frame. */
    static final class Frame {
        final int first;
        final byte[] payload;

        Frame(int first, byte[] payload) {
            this.first = first;
            this.payload = payload;
        }

        int opcode() {
            return first & 0x0F;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame (-1 if it has none). */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    /** Reads one frame; the server's frames must be unmasked. */
    Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("the server sent a masked frame");
        }
        long n = b1 & 0x7F;
        if (n == 126) {
            n = in.readUnsignedShort();
        } else if (n == 127) {
            n = in.readLong();
        }
        byte[] p = new byte[(int) n];
        in.readFully(p);
        return new Frame(b0, p);
    }

    /** Reads frames until a close frame and returns its code; fails if the connection ends first. */
    int readCloseCode() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == 0x8) {
                return f.closeCode();
            }
        }
    }

    /** Tells whether the server closed the TCP connection (end of stream) within the socket timeout. */
    boolean serverClosed() throws IOException {
        try {
            InputStream s = socket.getInputStream();
            while (true) {
                int c = s.read();
                if (c < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
