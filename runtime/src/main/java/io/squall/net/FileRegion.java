package io.squall.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A part of a file queued on an {@link IOStream}'s write side: sent with {@link FileChannel#transferTo},
 * which the JDK turns into {@code sendfile(2)} when the target is a socket (no copy through the Java heap).
 * The region does not own the file channel; whoever queued it closes it once the write's future is done.
 */
final class FileRegion {
    private final FileChannel file;
    private long position;
    private long remaining;

    FileRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.remaining = count;
    }

    long remaining() {
        return remaining;
    }

    /**
     * Sends up to {@code max} bytes to {@code target}.
     *
     * @return the bytes sent; fewer than asked when the socket buffer is full
     * @throws IOException if the file or the socket fails, or the file became shorter than the region
     */
    long transferTo(WritableByteChannel target, long max) throws IOException {
        long n = file.transferTo(position, Math.min(remaining, max), target);
        if (n == 0 && position >= file.size()) {
            throw new IOException("File shrank while it was being sent: " + remaining + " bytes from offset "
                    + position + " are missing");
        }
        position += n;
        remaining -= n;
        return n;
    }
}
