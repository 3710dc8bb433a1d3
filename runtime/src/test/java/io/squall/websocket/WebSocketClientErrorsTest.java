package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;

/** Squall's client against a hand-driven server that breaks the protocol. */
@Timeout(60)
class WebSocketClientErrorsTest extends WebSocketTestCase {

    /** Accepts one connection on another thread, reads the request head, and lets {@code script} answer. */
    private static <T> CompletableFuture<T> rawServer(ServerSocket ss, Function<Socket, T> script) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = ss.accept()) {
                s.setSoTimeout(10_000);
                return script.apply(s);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static String key(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed during the request");
            }
            b.write(c);
        }
        for (String line : b.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                return line.substring(18).trim();
            }
        }
        throw new IOException("no key in " + b);
    }

    private static void accept(OutputStream out, String acceptValue) throws IOException {
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptValue + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads the client's close frame (masked) and returns its code. */
    private static int clientCloseCode(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            assertTrue((b1 & 0x80) != 0, "client frames are masked");
            int n = b1 & 0x7F;
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] p = new byte[n];
            in.readFully(p);
            for (int i = 0; i < n; i++) {
                p[i] ^= mask[i & 3];
            }
            if ((b0 & 0x0F) == 8) {
                return ((p[0] & 0xFF) << 8) | (p[1] & 0xFF);
            }
        }
    }

    private int badFrameFromServer(byte[] frame) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> server = rawServer(ss, s -> {
                try {
                    String key = key(s.getInputStream());
                    accept(s.getOutputStream(), Handshake.accept(key));
                    s.getOutputStream().write(frame);
                    return clientCloseCode(s.getInputStream());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            WebSocketClientConnection ws = runSync(() -> WebSocket.connect("ws://127.0.0.1:" + ss.getLocalPort() + "/"));
            assertNull(runSync(ws::readMessage), "a broken connection ends the messages");
            runSync(ws::whenClosed);
            return runSync(() -> Future.from(server));
        }
    }

    @Test
    void protocolErrorsFromTheServerCloseWithTheRightCode() throws Exception {
        assertEquals(1002, badFrameFromServer(RawWebSocket.masked(0x81, "hi".getBytes(StandardCharsets.UTF_8))),
                "a masked frame from a server");
        assertEquals(1007, badFrameFromServer(RawWebSocket.frame(0x81, new byte[] {(byte) 0xC3, 0x28}, null)),
                "invalid UTF-8");
        assertEquals(1002, badFrameFromServer(RawWebSocket.frame(0x83, new byte[0], null)), "a bad opcode");
        assertEquals(1009, badFrameFromServer(new byte[] {(byte) 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0}),
                "the header of a 4 GiB frame");
    }

    @Test
    void wrongAcceptAndUnofferedChoicesFailTheHandshake() throws Exception {
        for (String bad : List.of("wrong accept", "unoffered subprotocol", "unoffered extension")) {
            try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
                CompletableFuture<Void> server = rawServer(ss, s -> {
                    try {
                        String key = key(s.getInputStream());
                        String extra = bad.equals("unoffered subprotocol") ? "Sec-WebSocket-Protocol: chat\r\n"
                                : bad.equals("unoffered extension") ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "";
                        s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                                + (bad.equals("wrong accept") ? Handshake.accept("x") : Handshake.accept(key)) + "\r\n"
                                + extra + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        s.getInputStream().read(); // until the client closes
                        return null;
                    } catch (IOException e) {
                        return null;
                    }
                });
                WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                        () -> runSync(() -> WebSocket.connect("ws://127.0.0.1:" + ss.getLocalPort() + "/")), bad);
                assertTrue(e.getMessage().contains(bad.startsWith("wrong") ? "Sec-WebSocket-Accept is wrong"
                        : bad.contains("subprotocol") ? "subprotocol 'chat'" : "permessage-deflate"), e.getMessage());
                runSync(() -> Future.from(server));
            }
        }
    }
}
