package io.squall.http;

import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a gzip body (RFC 1952) piece by piece, as the pieces arrive, with the inflated size held to a
 * limit: the server's {@link HTTPServer#decompressRequest(boolean)} and the client's response
 * decompression use it. Memory is bounded by one output buffer per call plus the limit: a gzip bomb is
 * refused as soon as its output passes the limit, never inflated in full. Several concatenated members are
 * read as one body; bytes after the last member that do not start a new member are ignored, as
 * {@code GZIPInputStream} does. Not thread-safe; one body per decoder.
 */
final class GzipDecoder {
    private static final int FTEXT_HCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    /** A header longer than this (file names, comments, extra field) is refused. */
    private static final int MAX_HEADER = 64 * 1024;
    private static final int OUT_CHUNK = 16 * 1024;

    private enum State { HEADER, BODY, TRAILER, AFTER_MEMBER, IGNORING }

    private final long limit;
    private final String what;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final ByteArrayBuilder pending = new ByteArrayBuilder(16);
    private final byte[] out = new byte[OUT_CHUNK];
    private State state = State.HEADER;
    private long total;
    private long memberSize;
    private boolean fed;

    /**
     * @param limit the most inflated bytes accepted over the whole body
     * @param what what is being inflated, for messages ("request body", "response from host:port")
     */
    GzipDecoder(long limit, String what) {
        this.limit = limit;
        this.what = what;
    }

    /**
     * Returns true if {@code contentEncoding} names gzip (or x-gzip) as the only coding.
     *
     * @param contentEncoding the Content-Encoding header value, or null
     * @return whether this decoder applies
     */
    static boolean isGzip(String contentEncoding) {
        if (contentEncoding == null) {
            return false;
        }
        String c = contentEncoding.trim();
        return c.equalsIgnoreCase("gzip") || c.equalsIgnoreCase("x-gzip");
    }

    /**
     * Inflates the next piece of the body.
     *
     * @param in the compressed bytes
     * @return the inflated bytes (may be empty)
     * @throws HTTPInputException 413 when the inflated body passes the limit, 400 when the data is not gzip
     */
    byte[] decode(byte[] in) throws HTTPInputException {
        fed |= in.length > 0;
        ByteArrayBuilder result = new ByteArrayBuilder(Math.max(64, Math.min(in.length * 4, OUT_CHUNK)));
        int p = 0;
        while (p < in.length) {
            switch (state) {
                case HEADER:
                case TRAILER: {
                    int need = state == State.HEADER ? headerLength() : 8;
                    int take = Math.min(in.length - p, need < 0 ? Math.max(10 - pending.size(), 256) : need - pending.size());
                    pending.append(in, p, take);
                    p += take;
                    if (state == State.HEADER) {
                        if (pending.size() > MAX_HEADER) {
                            throw new HTTPInputException(400, "gzip header of the " + what + " is longer than "
                                    + MAX_HEADER + " bytes");
                        }
                        int len = headerLength();
                        if (len >= 0 && pending.size() >= len) {
                            // took a little too much while the length was unknown: give back the surplus
                            p -= pending.size() - len;
                            pending.clear();
                            state = State.BODY;
                        }
                    } else if (pending.size() == 8) {
                        checkTrailer();
                        pending.clear();
                        inflater.reset();
                        crc.reset();
                        memberSize = 0;
                        state = State.AFTER_MEMBER;
                    }
                    break;
                }
                case BODY:
                    p = inflate(in, p, result);
                    break;
                case AFTER_MEMBER:
                    state = in[p] == (byte) 0x1f ? State.HEADER : State.IGNORING;
                    break;
                default: // IGNORING
                    p = in.length;
                    break;
            }
        }
        return result.toByteArray();
    }

    /**
     * Checks that the body ended where a gzip stream may end.
     *
     * @throws HTTPInputException 400 if the body stopped in the middle of a member
     */
    void finish() throws HTTPInputException {
        if (state == State.HEADER && total == 0 && pending.size() == 0 && !fed) {
            return; // no body at all (HEAD, 204, 304): nothing to inflate
        }
        if (state != State.AFTER_MEMBER && state != State.IGNORING) {
            throw new HTTPInputException(400, "The " + what + " ends in the middle of its gzip data");
        }
    }

    /** @return inflated bytes so far */
    long total() {
        return total;
    }

    /** Frees the inflater's native memory; call once the body is done or abandoned. */
    void close() {
        inflater.end();
    }

    private int inflate(byte[] in, int p, ByteArrayBuilder result) throws HTTPInputException {
        inflater.setInput(in, p, in.length - p);
        try {
            while (true) {
                int n = inflater.inflate(out);
                if (n > 0) {
                    total += n;
                    memberSize += n;
                    if (total > limit) {
                        throw new HTTPInputException(413, "The " + what + " inflates to more than the limit of "
                                + limit + " bytes");
                    }
                    crc.update(out, 0, n);
                    result.append(out, 0, n);
                }
                if (inflater.finished()) {
                    state = State.TRAILER;
                    return in.length - inflater.getRemaining();
                }
                if (inflater.needsDictionary()) {
                    throw new HTTPInputException(400, "The " + what + " is not valid gzip: it needs a dictionary");
                }
                if (n == 0 && inflater.needsInput()) {
                    return in.length;
                }
            }
        } catch (DataFormatException e) {
            throw new HTTPInputException(400, "The " + what + " is not valid gzip: " + e.getMessage());
        }
    }

    /** @return the length of the header in {@link #pending}, or -1 while more bytes are needed to know */
    private int headerLength() throws HTTPInputException {
        byte[] b = pending.array();
        int n = pending.size();
        if (n < 10) {
            if ((n >= 1 && b[0] != (byte) 0x1f) || (n >= 2 && b[1] != (byte) 0x8b)) {
                throw new HTTPInputException(400, "The " + what + " is not gzip (no gzip magic number)");
            }
            return -1;
        }
        if (b[0] != (byte) 0x1f || b[1] != (byte) 0x8b) {
            throw new HTTPInputException(400, "The " + what + " is not gzip (no gzip magic number)");
        }
        if (b[2] != 8) {
            throw new HTTPInputException(400, "The " + what + " uses gzip method " + b[2] + "; only deflate (8)"
                    + " is supported");
        }
        int flags = b[3] & 0xff;
        int pos = 10;
        if ((flags & FEXTRA) != 0) {
            if (n < pos + 2) {
                return -1;
            }
            pos += 2 + ((b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8);
        }
        for (int flag : new int[] {FNAME, FCOMMENT}) {
            if ((flags & flag) != 0) {
                int z = pos;
                while (z < n && b[z] != 0) {
                    z++;
                }
                if (z >= n) {
                    return -1;
                }
                pos = z + 1;
            }
        }
        if ((flags & FTEXT_HCRC) != 0) {
            pos += 2;
        }
        return pos;
    }

    private void checkTrailer() throws HTTPInputException {
        byte[] b = pending.array();
        long crcValue = le32(b, 0);
        long size = le32(b, 4);
        if (crcValue != crc.getValue()) {
            throw new HTTPInputException(400, "The " + what + " fails its gzip CRC check");
        }
        if (size != (memberSize & 0xffffffffL)) {
            throw new HTTPInputException(400, "The " + what + " has a wrong gzip length in its trailer");
        }
    }

    private static long le32(byte[] b, int i) {
        return (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24;
    }
}
