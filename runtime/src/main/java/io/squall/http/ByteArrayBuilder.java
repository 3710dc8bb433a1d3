package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte array with a size limit: the body and line buffer of the parser, and a writer of heads. */
final class ByteArrayBuilder {
    private byte[] buf;
    private int size;

    ByteArrayBuilder(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    void append(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    void append(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    void append(byte[] b) {
        append(b, 0, b.length);
    }

    /** Appends each char's low byte: for header text already checked to be ISO-8859-1. */
    void appendLatin1(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    void appendAscii(long number) {
        if (number < 0 || number >= 1_000_000_000L) {
            appendLatin1(Long.toString(number));
            return;
        }
        int digits = 1;
        for (long n = number; n >= 10; n /= 10) {
            digits++;
        }
        ensure(digits);
        long n = number;
        for (int i = size + digits - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        size += digits;
    }

    void appendUtf8(String s) {
        append(s.getBytes(StandardCharsets.UTF_8));
    }

    int size() {
        return size;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        size = 0;
    }

    /** Drops the buffer if it grew large, so an idle connection does not keep it. */
    void clearAndShrink(int keep) {
        size = 0;
        if (buf.length > keep) {
            buf = new byte[keep];
        }
    }

    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need < 0) {
            throw new OutOfMemoryError("ByteArrayBuilder cannot grow past 2 GiB");
        }
        if (need > buf.length) {
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) buf.length * 2, need));
            buf = Arrays.copyOf(buf, cap);
        }
    }
}
