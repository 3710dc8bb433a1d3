package io.squall.bench.seed;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** What every seed handler sends to the echo server, and where the echo server is. */
public final class SeedClient {
    /** The line sent to the echo server (the reply is the same line). */
    public static final String MESSAGE = "Hello from Squall\n";
    /** {@link #MESSAGE} as bytes. */
    static final byte[] MESSAGE_BYTES = MESSAGE.getBytes(StandardCharsets.US_ASCII);
    /** The line delimiter. */
    static final byte[] NEWLINE = {'\n'};
    /** The longest echo reply accepted. */
    static final int MAX_REPLY = 64 * 1024;

    private SeedClient() {
        throw new AssertionError("no instances");
    }

    /**
     * Reads one line (newline included) from a blocking stream.
     *
     * @param in the stream
     * @param where the peer, for the error message
     * @return the line's bytes
     * @throws IOException if the stream ends before the newline or the line is too long
     */
    static byte[] readLine(InputStream in, InetSocketAddress where) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() > MAX_REPLY) {
                throw new IOException("echo server " + where + " sent a line longer than " + MAX_REPLY + " bytes");
            }
        }
        throw new IOException("echo server " + where + " closed the connection before a full line ("
                + line.size() + " bytes)");
    }
}
