package io.squall.http;

import java.util.Objects;

import io.squall.net.IOStream;

/**
 * What {@link HTTPConnection#detach()} hands over: the connection's stream and the bytes the connection had
 * already read from it but not used (for example a WebSocket frame the client sent right behind its
 * upgrade request). The new owner reads those bytes first, then the stream.
 */
public final class DetachedStream {
    private final IOStream stream;
    private final byte[] buffered;

    /**
     * @param stream the stream, now owned by the caller
     * @param buffered the bytes already read past the request, possibly empty
     */
    public DetachedStream(IOStream stream, byte[] buffered) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.buffered = Objects.requireNonNull(buffered, "buffered");
    }

    /** @return the stream; its close callback is no longer set by the HTTP connection */
    public IOStream stream() {
        return stream;
    }

    /** @return the bytes read past the request, to be consumed before reading the stream (not copied) */
    public byte[] buffered() {
        return buffered;
    }
}
