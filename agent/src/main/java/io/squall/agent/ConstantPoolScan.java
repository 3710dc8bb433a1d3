package io.squall.agent;

import java.nio.charset.StandardCharsets;

/**
 * Cheap rejection: tells from a class file's constant pool, without parsing the class, whether it can
 * contain a coroutine (it names {@code io/squall/Async} or the {@code @Coroutine} annotation).
 */
final class ConstantPoolScan {

    private static final byte[] ASYNC = Names.ASYNC.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COROUTINE = Names.COROUTINE_DESC.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SQUALL_TEST = Names.SQUALL_TEST_DESC.getBytes(StandardCharsets.US_ASCII);

    private ConstantPoolScan() {
        throw new AssertionError("no instances");
    }

    /**
     * Scans the constant pool.
     *
     * @param b a class file
     * @return true if the pool names {@code io/squall/Async} or {@code Lio/squall/annotations/Coroutine;};
     *     false otherwise, or if the bytes are not a well-formed class file
     */
    static boolean mayContainCoroutine(byte[] b) {
        if (b == null || b.length < 10 || (b[0] & 0xFF) != 0xCA || (b[1] & 0xFF) != 0xFE) {
            return false;
        }
        int count = u2(b, 8);
        int p = 10;
        try {
            for (int i = 1; i < count; i++) {
                int tag = b[p] & 0xFF;
                switch (tag) {
                    case 1: { // Utf8
                        int len = u2(b, p + 1);
                        if ((len == ASYNC.length && matches(b, p + 3, ASYNC))
                                || (len == COROUTINE.length && matches(b, p + 3, COROUTINE))
                                || (len == SQUALL_TEST.length && matches(b, p + 3, SQUALL_TEST))) {
                            return true;
                        }
                        p += 3 + len;
                        break;
                    }
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        p += 3;
                        break;
                    case 15: // MethodHandle
                        p += 4;
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        p += 5;
                        break;
                    case 5: case 6: // Long, Double take two entries
                        p += 9;
                        i++;
                        break;
                    default:
                        return false;
                }
            }
        } catch (ArrayIndexOutOfBoundsException malformed) {
            return false;
        }
        return false;
    }

    private static boolean matches(byte[] b, int offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (b[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }
}
