package io.squall.agent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mark a class woven at build time carries: a class attribute named {@value #ATTRIBUTE} whose content is
 * the weaver's stamp. The JVM, javac and other tools ignore attributes they do not know; the agent sees the
 * mark and leaves the class alone.
 *
 * <p>The mark is added and removed at the byte level: one UTF8 constant is appended to the constant pool and
 * one attribute to the class's attributes, nothing else moves, so {@code strip(mark(b)) } is {@code b} byte
 * for byte and the woven class is exactly what the agent would have produced at load time, plus the mark.
 * All methods are pure and thread-safe.
 */
public final class WovenMarker {

    /** Name of the class attribute marking a woven class. */
    public static final String ATTRIBUTE = "io.squall.Woven";

    /** System property: {@code true} makes the agent log at debug level (on standard error). */
    public static final String DEBUG_PROPERTY = "io.squall.agent.debug";

    private static final byte[] NAME = ATTRIBUTE.getBytes(StandardCharsets.US_ASCII);
    private static final AtomicBoolean REPORTED = new AtomicBoolean();

    private WovenMarker() {
        throw new AssertionError("no instances");
    }

    /**
     * Tells whether a class file carries the mark.
     *
     * @param classBytes a class file
     * @return true if it has the {@value #ATTRIBUTE} attribute; false otherwise or if it is malformed
     */
    public static boolean isWoven(byte[] classBytes) {
        Layout l = Layout.of(classBytes, true);
        return l != null && l.markerIndex() >= 0;
    }

    /**
     * Returns the stamp a woven class carries.
     *
     * @param classBytes a class file
     * @return the stamp, or null if the class is not marked
     */
    public static String stamp(byte[] classBytes) {
        Layout l = Layout.of(classBytes, false);
        if (l == null || l.markerIndex() < 0) {
            return null;
        }
        int at = l.markerIndex();
        int len = u4(classBytes, at + 2);
        return new String(classBytes, at + 6, len, StandardCharsets.UTF_8);
    }

    /**
     * Adds the mark to a class file.
     *
     * @param classBytes a class file without the mark
     * @param stamp what the mark says (the weaver and its version)
     * @return a new class file, identical but for one constant and one attribute
     * @throws IllegalArgumentException if the class file is malformed, already marked, or its constant pool is
     *     full
     */
    public static byte[] mark(byte[] classBytes, String stamp) {
        Layout l = Layout.of(classBytes, false);
        if (l == null) {
            throw new IllegalArgumentException("not a well-formed class file");
        }
        if (l.markerIndex() >= 0) {
            throw new IllegalArgumentException("the class is already marked as woven");
        }
        if (l.poolCount >= 0xFFFF) {
            throw new IllegalArgumentException("the class's constant pool is full");
        }
        byte[] data = stamp.getBytes(StandardCharsets.UTF_8);
        int attrCount = u2(classBytes, l.attributesOffset);
        byte[] out = new byte[classBytes.length + 3 + NAME.length + 6 + data.length];
        int p = 0;
        System.arraycopy(classBytes, 0, out, 0, 8);
        p = 8;
        p = put2(out, p, l.poolCount + 1);
        System.arraycopy(classBytes, 10, out, p, l.poolEnd - 10);
        p += l.poolEnd - 10;
        out[p++] = 1; // Utf8
        p = put2(out, p, NAME.length);
        System.arraycopy(NAME, 0, out, p, NAME.length);
        p += NAME.length;
        System.arraycopy(classBytes, l.poolEnd, out, p, l.attributesOffset - l.poolEnd);
        p += l.attributesOffset - l.poolEnd;
        p = put2(out, p, attrCount + 1);
        int rest = classBytes.length - (l.attributesOffset + 2);
        System.arraycopy(classBytes, l.attributesOffset + 2, out, p, rest);
        p += rest;
        p = put2(out, p, l.poolCount); // the new constant's index
        p = put4(out, p, data.length);
        System.arraycopy(data, 0, out, p, data.length);
        return out;
    }

    /**
     * Removes the mark {@link #mark} added.
     *
     * @param classBytes a class file
     * @return the class file without the mark (the same array if it had none)
     * @throws IllegalArgumentException if the class file is malformed or was not marked by {@link #mark}
     */
    public static byte[] strip(byte[] classBytes) {
        Layout l = Layout.of(classBytes, false);
        if (l == null) {
            throw new IllegalArgumentException("not a well-formed class file");
        }
        int at = l.markerIndex();
        if (at < 0) {
            return classBytes;
        }
        int lastConstant = l.poolEnd - 3 - NAME.length;
        if (u2(classBytes, at) != l.poolCount - 1 || at + 6 + u4(classBytes, at + 2) != classBytes.length
                || classBytes[lastConstant] != 1) {
            throw new IllegalArgumentException("the mark was not added by WovenMarker.mark");
        }
        byte[] out = new byte[lastConstant + (at - l.poolEnd)];
        System.arraycopy(classBytes, 0, out, 0, lastConstant);
        put2(out, 8, l.poolCount - 1);
        System.arraycopy(classBytes, l.poolEnd, out, lastConstant, at - l.poolEnd);
        int attrs = l.attributesOffset - (l.poolEnd - lastConstant);
        put2(out, attrs, u2(classBytes, l.attributesOffset) - 1);
        return out;
    }

    /**
     * Called by the agent for a marked class it leaves alone: says so once, at debug level.
     *
     * @param internalName the class's name
     */
    static void leftAlone(String internalName) {
        if (Boolean.getBoolean(DEBUG_PROPERTY) && REPORTED.compareAndSet(false, true)) {
            System.err.println("[squall-agent] DEBUG " + internalName.replace('/', '.') + " was woven at build time"
                    + " (attribute " + ATTRIBUTE + "), so the agent leaves it alone; so are all other woven"
                    + " classes (this is said once)");
        }
    }

    /** Offsets in a class file. */
    private static final class Layout {
        final byte[] b;
        final int poolCount;
        final int poolEnd;
        final int attributesOffset;
        /** Offsets of the Utf8 constants equal to the marker's name, by index (0 = none). */
        final int markerConstant;

        private Layout(byte[] b, int poolCount, int poolEnd, int attributesOffset, int markerConstant) {
            this.b = b;
            this.poolCount = poolCount;
            this.poolEnd = poolEnd;
            this.attributesOffset = attributesOffset;
            this.markerConstant = markerConstant;
        }

        /** @return the offset of the marker attribute, or -1 */
        int markerIndex() {
            if (markerConstant == 0) {
                return -1;
            }
            int n = u2(b, attributesOffset);
            int p = attributesOffset + 2;
            for (int i = 0; i < n; i++) {
                if (u2(b, p) == markerConstant) {
                    return p;
                }
                p += 6 + u4(b, p + 2);
            }
            return -1;
        }

        /**
         * Parses the offsets.
         *
         * @param quick stop after the constant pool when it has no constant named like the marker (the
         *     result then has no attributes offset and no marker)
         */
        static Layout of(byte[] b, boolean quick) {
            if (b == null || b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
                return null;
            }
            try {
                int count = u2(b, 8);
                int p = 10;
                int marker = 0;
                for (int i = 1; i < count; i++) {
                    int tag = b[p] & 0xFF;
                    switch (tag) {
                        case 1: {
                            int len = u2(b, p + 1);
                            if (len == NAME.length && Arrays.equals(b, p + 3, p + 3 + len, NAME, 0, len)) {
                                marker = i;
                            }
                            p += 3 + len;
                            break;
                        }
                        case 7: case 8: case 16: case 19: case 20:
                            p += 3;
                            break;
                        case 15:
                            p += 4;
                            break;
                        case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                            p += 5;
                            break;
                        case 5: case 6:
                            p += 9;
                            i++;
                            break;
                        default:
                            return null;
                    }
                }
                int poolEnd = p;
                if (quick && marker == 0) {
                    return new Layout(b, count, poolEnd, -1, 0);
                }
                p += 6;
                p += 2 + 2 * u2(b, p);
                for (int members = 0; members < 2; members++) {
                    int n = u2(b, p);
                    p += 2;
                    for (int i = 0; i < n; i++) {
                        p += 6;
                        int attrs = u2(b, p);
                        p += 2;
                        for (int a = 0; a < attrs; a++) {
                            p += 6 + u4(b, p + 2);
                        }
                    }
                }
                int attributesOffset = p;
                int n = u2(b, p);
                p += 2;
                for (int a = 0; a < n; a++) {
                    p += 6 + u4(b, p + 2);
                }
                if (p != b.length) {
                    return null;
                }
                return new Layout(b, count, poolEnd, attributesOffset, marker);
            } catch (ArrayIndexOutOfBoundsException malformed) {
                return null;
            }
        }
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int u4(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static int put2(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
        return p + 2;
    }

    private static int put4(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }
}
