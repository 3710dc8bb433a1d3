package io.squall.websocket;

import java.util.zip.Deflater;

/**
 * Settings for the permessage-deflate extension (RFC 7692), Tornado's {@code get_compression_options()}.
 * Compression is off unless a {@link WebSocketHandler} returns options from
 * {@link WebSocketHandler#compressionOptions()} or a client passes them in {@link WebSocketOptions}; it is
 * used only if the peer agrees during the handshake.
 *
 * <p>Windows: {@code java.util.zip} always compresses with a 32 KiB (15-bit) window. When the peer asks for
 * a smaller window ({@code server_max_window_bits} from a client, {@code client_max_window_bits} from a
 * server), messages are compressed without back-references (Huffman coding only), which any window size
 * can decode. Received messages are inflated with a 32 KiB window, which reads any window size, and
 * never past the connection's maximum message size.
 *
 * <p>Mutable until passed to a handshake; each handshake copies what it needs.
 */
public final class CompressionOptions {
    private int level = 6;
    private boolean serverNoContextTakeover;
    private boolean clientNoContextTakeover;

    /** Options with zlib's default level 6 and context takeover in both directions. */
    public CompressionOptions() {}

    /**
     * Sets the deflate level.
     *
     * @param level 0 (store) to 9 (smallest), or -1 for zlib's default
     * @return these options
     * @throws IllegalArgumentException if out of range
     */
    public CompressionOptions level(int level) {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("CompressionOptions: level must be -1..9, got " + level);
        }
        this.level = level;
        return this;
    }

    /**
     * Asks that the server start each message with an empty window ({@code server_no_context_takeover}):
     * less memory kept between messages, less compression.
     *
     * @param on true to ask for it
     * @return these options
     */
    public CompressionOptions serverNoContextTakeover(boolean on) {
        this.serverNoContextTakeover = on;
        return this;
    }

    /**
     * Asks that the client start each message with an empty window ({@code client_no_context_takeover}).
     *
     * @param on true to ask for it
     * @return these options
     */
    public CompressionOptions clientNoContextTakeover(boolean on) {
        this.clientNoContextTakeover = on;
        return this;
    }

    /** @return the deflate level */
    public int level() {
        return level;
    }

    /** @return whether server_no_context_takeover is asked for */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /** @return whether client_no_context_takeover is asked for */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    @Override
    public String toString() {
        return "CompressionOptions(level=" + level + ", serverNoContextTakeover=" + serverNoContextTakeover
                + ", clientNoContextTakeover=" + clientNoContextTakeover + ")";
    }
}
