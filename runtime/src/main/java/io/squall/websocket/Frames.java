package io.squall.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** RFC 6455 section 5 constants, frame headers and masking. Pure functions; any thread. */
final class Frames {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;
    static final int MASK = 0x80;

    /** The largest payload of a control frame (section 5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** The most bytes a frame header takes: 2 + 8 (length) + 4 (mask). */
    static final int MAX_HEADER = 14;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Frames() {}

    static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    static boolean isKnown(int opcode) {
        return opcode <= OP_BINARY || (opcode >= OP_CLOSE && opcode <= OP_PONG);
    }

    /**
     * Writes a frame header into {@code out} at 0.
     *
     * @param first the first byte (FIN, RSV bits, opcode)
     * @param length the payload length
     * @param masked whether a 4-byte masking key follows (its bytes are {@code maskKey}, big-endian)
     * @return the header length
     */
    static int writeHeader(byte[] out, int first, long length, boolean masked, int maskKey) {
        out[0] = (byte) first;
        int maskBit = masked ? MASK : 0;
        int p;
        if (length < 126) {
            out[1] = (byte) (maskBit | length);
            p = 2;
        } else if (length <= 0xFFFF) {
            out[1] = (byte) (maskBit | 126);
            out[2] = (byte) (length >>> 8);
            out[3] = (byte) length;
            p = 4;
        } else {
            out[1] = (byte) (maskBit | 127);
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (length >>> (56 - 8 * i));
            }
            p = 10;
        }
        if (masked) {
            out[p] = (byte) (maskKey >>> 24);
            out[p + 1] = (byte) (maskKey >>> 16);
            out[p + 2] = (byte) (maskKey >>> 8);
            out[p + 3] = (byte) maskKey;
            p += 4;
        }
        return p;
    }

    /**
     * XORs {@code len} bytes of {@code src} from {@code srcOff} with the masking key into {@code dst} from
     * {@code dstOff} (src and dst may be the same range). Byte {@code i} of the payload uses key byte
     * {@code i % 4}, the key taken big-endian.
     */
    static void mask(byte[] src, int srcOff, byte[] dst, int dstOff, int len, int maskKey) {
        long wide = ((long) maskKey << 32) | (maskKey & 0xFFFFFFFFL);
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = (long) LONGS.get(src, srcOff + i);
            LONGS.set(dst, dstOff + i, v ^ wide);
        }
        for (; i < len; i++) {
            int shift = 24 - 8 * (i & 3);
            dst[dstOff + i] = (byte) (src[srcOff + i] ^ (maskKey >>> shift));
        }
    }

    /**
     * Tells whether {@code code} may be sent in a close frame (section 7.4): 1000-1003, 1007-1014 and
     * 3000-4999. 1004-1006 and 1015 are reserved for reporting and never go on the wire.
     */
    static boolean isValidCloseCode(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
