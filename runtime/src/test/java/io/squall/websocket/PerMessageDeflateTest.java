package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** RFC 7692 negotiation and the deflate/inflate round trip, without sockets. */
class PerMessageDeflateTest {

    private static String serverAnswer(String offer, CompressionOptions options) {
        PerMessageDeflate.Accepted a = PerMessageDeflate.negotiateAsServer(Extensions.parse(List.of(offer)), options);
        if (a == null) {
            return null;
        }
        a.deflate.end();
        return a.response;
    }

    @Test
    void serverNegotiation() {
        CompressionOptions d = new CompressionOptions();
        assertEquals("permessage-deflate", serverAnswer("permessage-deflate; client_max_window_bits", d));
        assertEquals("permessage-deflate; server_no_context_takeover",
                serverAnswer("permessage-deflate; server_no_context_takeover", d));
        assertEquals("permessage-deflate; server_max_window_bits=10",
                serverAnswer("permessage-deflate; server_max_window_bits=10", d));
        assertEquals("permessage-deflate; client_no_context_takeover",
                serverAnswer("permessage-deflate", new CompressionOptions().clientNoContextTakeover(true)));
        // Bad offers are declined, and the next acceptable one is taken.
        assertNull(serverAnswer("permessage-deflate; server_max_window_bits=7", d));
        assertNull(serverAnswer("permessage-deflate; server_max_window_bits", d));
        assertNull(serverAnswer("permessage-deflate; unknown_param", d));
        assertNull(serverAnswer("permessage-deflate; server_no_context_takeover; server_no_context_takeover", d));
        assertNull(serverAnswer("x-webkit-deflate-frame", d));
        assertEquals("permessage-deflate",
                serverAnswer("permessage-deflate; server_max_window_bits=16, permessage-deflate", d));
        assertThrows(IllegalArgumentException.class, () -> Extensions.parse(List.of("permessage deflate")));
    }

    @Test
    void clientChecksTheAnswer() {
        CompressionOptions d = new CompressionOptions();
        PerMessageDeflate ok = PerMessageDeflate.acceptAsClient(
                Extensions.parse(List.of("permessage-deflate; server_max_window_bits=12; client_max_window_bits=9")), d);
        ok.end();
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.acceptAsClient(
                Extensions.parse(List.of("permessage-deflate; client_max_window_bits")), d));
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.acceptAsClient(
                Extensions.parse(List.of("permessage-deflate, permessage-deflate")), d));
        assertThrows(IllegalArgumentException.class, () -> PerMessageDeflate.acceptAsClient(
                Extensions.parse(List.of("other-extension")), d));
    }

    @Test
    void roundTripsWithAndWithoutContextAndSmallWindows() throws Exception {
        byte[] text = "the quick brown squall jumps over the lazy loop ".repeat(2000).getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[70_000];
        new Random(3).nextBytes(random);
        for (int window : new int[] {15, 9}) {
            for (boolean noContext : new boolean[] {false, true}) {
                PerMessageDeflate sender = new PerMessageDeflate(6, noContext, window);
                PerMessageDeflate receiver = new PerMessageDeflate(6, false, 15);
                int k = 0;
                for (byte[] m : new byte[][] {text, random, new byte[0], text}) {
                    byte[] wire = sender.compress(m);
                    String where = "window " + window + ", noContext " + noContext + ", message " + k++;
                    try {
                        assertArrayEquals(m, receiver.decompress(wire, 0, wire.length, 1 << 20), where);
                    } catch (java.util.zip.DataFormatException e) {
                        throw new AssertionError(where + " (" + wire.length + " bytes on the wire)", e);
                    }
                }
                if (window == 15) {
                    assertTrue(sender.compress(text).length < text.length / 20, "text compresses");
                }
                sender.end();
                receiver.end();
            }
        }
        PerMessageDeflate receiver = new PerMessageDeflate(6, false, 15);
        byte[] bomb = new PerMessageDeflate(9, false, 15).compress(new byte[5_000_000]);
        assertThrows(MessageTooBigException.class, () -> receiver.decompress(bomb, 0, bomb.length, 100_000));
        receiver.end();
    }

    /** Python's zlib, limited to a {@code bits} window, inflates {@code wire} (it refuses references beyond it). */
    private static byte[] pythonInflate(byte[] wire, int bits) throws Exception {
        Process p = new ProcessBuilder(PythonPeer.PYTHON, "-c", "import sys, zlib; d = zlib.decompressobj(wbits=-" + bits
                + "); sys.stdout.buffer.write(d.decompress(sys.stdin.buffer.read() + b'\\x00\\x00\\xff\\xff'))")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(wire);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "python zlib with a " + bits + "-bit window refused the stream");
        return out;
    }

    @Test
    void smallWindowsAreHonouredAsPythonsZlibChecks() throws Exception {
        byte[] block = new byte[1000];
        new Random(5).nextBytes(block);
        byte[] repeated = new byte[10_000];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = block[i % block.length]; // repeats 1000 bytes back: beyond a 512-byte window
        }
        PerMessageDeflate limited = new PerMessageDeflate(6, false, 9);
        assertArrayEquals(repeated, pythonInflate(limited.compress(repeated), 9));
        limited.end();
        PerMessageDeflate full = new PerMessageDeflate(6, false, 15);
        byte[] wire = full.compress(repeated);
        full.end();
        assertTrue(wire.length < 3000, "with the full window the repeats compress: " + wire.length);
        assertArrayEquals(repeated, pythonInflate(wire, 15));
    }
}
