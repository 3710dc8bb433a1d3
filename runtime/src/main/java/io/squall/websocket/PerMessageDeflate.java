package io.squall.websocket;

import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The permessage-deflate extension (RFC 7692) of one connection, once negotiated: compresses outgoing
 * messages and inflates incoming ones with {@code java.util.zip}, keeping or dropping the window between
 * messages as agreed. Also the negotiation itself, for either side. Not thread-safe: used on the
 * connection's loop. {@link #end()} frees the native zlib memory.
 */
final class PerMessageDeflate {
    static final String NAME = "permessage-deflate";
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    /** A server's answer to an offer: the extension and the header value that accepts it. */
    static final class Accepted {
        final PerMessageDeflate deflate;
        final String response;

        Accepted(PerMessageDeflate deflate, String response) {
            this.deflate = deflate;
            this.response = response;
        }
    }

    private final Deflater deflater;
    private final Inflater inflater = new Inflater(true);
    private final boolean resetAfterMessage;
    private byte[] out = new byte[1024];
    /** The message being inflated, while {@link #decompress} runs. */
    private byte[] inflated;
    private int inflatedSize;

    /**
     * @param level the deflate level
     * @param noContextTakeover whether our compressor starts each message afresh
     * @param maxWindowBits the window the peer allows us (8-15); below 15 we compress without back-references
     */
    PerMessageDeflate(int level, boolean noContextTakeover, int maxWindowBits) {
        this.deflater = new Deflater(level, true);
        if (maxWindowBits < 15) {
            deflater.setStrategy(Deflater.HUFFMAN_ONLY);
        }
        this.resetAfterMessage = noContextTakeover;
    }

    /** Compresses one whole message; the result goes in frames with RSV1 set (section 7.2.1). */
    byte[] compress(byte[] data) {
        deflater.setInput(data);
        int n = 0;
        while (true) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            int k = deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            n += k;
            if (n < out.length && deflater.needsInput()) {
                break;
            }
        }
        if (resetAfterMessage) {
            deflater.reset();
        }
        // A sync flush ends with an empty stored block, 00 00 FF FF, which the receiver adds back.
        if (n >= 4 && out[n - 4] == 0 && out[n - 3] == 0 && out[n - 2] == (byte) 0xFF && out[n - 1] == (byte) 0xFF) {
            n -= 4;
        }
        if (n == 0) {
            // Nothing new to flush (an empty message): send an empty stored block's first byte, which with
            // the receiver's 00 00 FF FF makes a whole block (section 7.2.3.6). An empty payload would not.
            return new byte[] {0};
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Inflates one whole message (its frames' payloads joined).
     *
     * @param max the most bytes the message may inflate to
     * @return the message
     * @throws MessageTooBigException if it inflates past {@code max} (the inflation stops there)
     * @throws DataFormatException if the payload is not a valid deflate stream
     */
    byte[] decompress(byte[] data, int off, int len, long max) throws DataFormatException, MessageTooBigException {
        if (len == 0) {
            return new byte[0]; // an empty payload is an empty message; 00 00 FF FF alone would not be a block
        }
        inflated = new byte[(int) Math.min(max + 1, Math.max(256L, 4L * len))];
        inflatedSize = 0;
        try {
            inflater.setInput(data, off, len);
            drain(max);
            if (!inflater.finished()) {
                inflater.setInput(TAIL);
                drain(max);
            }
            if (inflater.finished()) {
                inflater.reset(); // the peer ended its deflate stream (BFINAL): the next message starts afresh
            }
            return inflatedSize == inflated.length ? inflated : Arrays.copyOf(inflated, inflatedSize);
        } finally {
            inflated = null;
        }
    }

    private void drain(long max) throws DataFormatException, MessageTooBigException {
        while (!inflater.finished()) {
            if (inflatedSize == inflated.length) {
                inflated = Arrays.copyOf(inflated, (int) Math.min(max + 1, 2L * inflated.length));
            }
            int k = inflater.inflate(inflated, inflatedSize, inflated.length - inflatedSize);
            inflatedSize += k;
            if (inflatedSize > max) {
                throw new MessageTooBigException("a compressed message inflates to more than " + max + " bytes");
            }
            if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                break;
            }
        }
    }

    /** Frees zlib's native memory; the extension is unusable afterwards. */
    void end() {
        deflater.end();
        inflater.end();
    }

    // ---------------------------------------------------------------------------------------------------
    // Negotiation

    /**
     * Picks the first acceptable permessage-deflate offer of a client (section 7.1).
     *
     * @param offers the client's extension offers
     * @param options the server's options
     * @return the extension and the response header value, or null if no offer is acceptable
     */
    static Accepted negotiateAsServer(List<Extensions.Extension> offers, CompressionOptions options) {
        for (Extensions.Extension offer : offers) {
            if (!NAME.equalsIgnoreCase(offer.name)) {
                continue;
            }
            Params p = Params.of(offer, true);
            if (p == null) {
                continue; // malformed or unknown parameters: decline this offer, try the next
            }
            boolean serverNoContext = p.serverNoContextTakeover || options.serverNoContextTakeover();
            StringBuilder response = new StringBuilder(NAME);
            if (serverNoContext) {
                response.append("; server_no_context_takeover");
            }
            if (options.clientNoContextTakeover()) {
                response.append("; client_no_context_takeover");
            }
            if (p.serverMaxWindowBits > 0) {
                response.append("; server_max_window_bits=").append(p.serverMaxWindowBits);
            }
            int window = p.serverMaxWindowBits > 0 ? p.serverMaxWindowBits : 15;
            return new Accepted(new PerMessageDeflate(options.level(), serverNoContext, window), response.toString());
        }
        return null;
    }

    /** The client's offer, as a header value (it allows the server to limit our window). */
    static String clientOffer(CompressionOptions options) {
        StringBuilder b = new StringBuilder(NAME);
        if (options.serverNoContextTakeover()) {
            b.append("; server_no_context_takeover");
        }
        if (options.clientNoContextTakeover()) {
            b.append("; client_no_context_takeover");
        }
        return b.append("; client_max_window_bits").toString();
    }

    /**
     * Checks a server's answer to {@link #clientOffer} (section 7.1).
     *
     * @param answers the extensions the server accepted
     * @param options the client's options
     * @return the extension, or null if the server did not accept it
     * @throws IllegalArgumentException if the answer is not one the client can accept
     */
    static PerMessageDeflate acceptAsClient(List<Extensions.Extension> answers, CompressionOptions options) {
        PerMessageDeflate accepted = null;
        for (Extensions.Extension answer : answers) {
            if (!NAME.equalsIgnoreCase(answer.name)) {
                throw new IllegalArgumentException("the server answered with extension '" + answer
                        + "', which was not offered");
            }
            if (accepted != null) {
                accepted.end();
                throw new IllegalArgumentException("the server accepted permessage-deflate twice");
            }
            Params p = Params.of(answer, false);
            if (p == null) {
                throw new IllegalArgumentException("the server's permessage-deflate parameters are invalid: '"
                        + answer + "'");
            }
            boolean clientNoContext = p.clientNoContextTakeover || options.clientNoContextTakeover();
            int window = p.clientMaxWindowBits > 0 ? p.clientMaxWindowBits : 15;
            accepted = new PerMessageDeflate(options.level(), clientNoContext, window);
        }
        return accepted;
    }

    /** The four parameters of section 7.1, each at most once. */
    private static final class Params {
        boolean serverNoContextTakeover;
        boolean clientNoContextTakeover;
        int serverMaxWindowBits;
        /** 0: absent; -1: present without a value (offers only). */
        int clientMaxWindowBits;

        /** @return the parameters, or null if one is unknown, repeated, or has a bad value */
        static Params of(Extensions.Extension e, boolean offer) {
            Params p = new Params();
            boolean[] seen = new boolean[4];
            for (String[] kv : e.params) {
                String name = kv[0].toLowerCase(java.util.Locale.ROOT);
                String value = kv[1];
                int index;
                switch (name) {
                    case "server_no_context_takeover":
                        index = 0;
                        if (value != null) {
                            return null;
                        }
                        p.serverNoContextTakeover = true;
                        break;
                    case "client_no_context_takeover":
                        index = 1;
                        if (value != null) {
                            return null;
                        }
                        p.clientNoContextTakeover = true;
                        break;
                    case "server_max_window_bits":
                        index = 2;
                        p.serverMaxWindowBits = windowBits(value);
                        if (p.serverMaxWindowBits < 0) {
                            return null;
                        }
                        break;
                    case "client_max_window_bits":
                        index = 3;
                        if (value == null && offer) {
                            p.clientMaxWindowBits = -1;
                        } else {
                            p.clientMaxWindowBits = windowBits(value);
                            if (p.clientMaxWindowBits < 0) {
                                return null;
                            }
                        }
                        break;
                    default:
                        return null;
                }
                if (seen[index]) {
                    return null;
                }
                seen[index] = true;
            }
            if (offer && p.clientMaxWindowBits == -1) {
                p.clientMaxWindowBits = 0; // the client lets us limit its window; we never need to
            }
            return p;
        }

        private static int windowBits(String value) {
            if (value == null || value.length() > 2 || !value.chars().allMatch(Character::isDigit) || value.startsWith("0")) {
                return -1;
            }
            int bits = Integer.parseInt(value);
            return bits >= 8 && bits <= 15 ? bits : -1;
        }
    }
}
