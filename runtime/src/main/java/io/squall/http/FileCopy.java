package io.squall.http;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

import io.squall.Future;

/**
 * Copies part of a file to an {@link HTTPConnection} in 64 KiB pieces, each written once the previous one
 * is flushed (so at most one piece is buffered): the fallback of {@link HTTPConnection#writeFile} for
 * connections that cannot send a file zero-copy. Runs on the connection's loop thread.
 */
final class FileCopy {
    private static final int PIECE = 64 * 1024;

    private final HTTPConnection connection;
    private final FileChannel file;
    private long position;
    private long remaining;
    private final Future<Void> done = new Future<>();

    private FileCopy(HTTPConnection connection, FileChannel file, long position, long count) {
        this.connection = connection;
        this.file = file;
        this.position = position;
        this.remaining = count;
    }

    static Future<Void> start(HTTPConnection connection, FileChannel file, long position, long count) {
        FileCopy c = new FileCopy(connection, file, position, count);
        c.next();
        return c.done;
    }

    private void next() {
        if (remaining == 0) {
            done.trySetResult(null);
            return;
        }
        byte[] piece = new byte[(int) Math.min(PIECE, remaining)];
        try {
            ByteBuffer b = ByteBuffer.wrap(piece);
            while (b.hasRemaining()) {
                int n = file.read(b, position + b.position());
                if (n < 0) {
                    throw new EOFException("File shrank while it was being sent: " + remaining
                            + " bytes from offset " + position + " are missing");
                }
            }
        } catch (IOException e) {
            connection.close();
            done.trySetException(e);
            return;
        }
        position += piece.length;
        remaining -= piece.length;
        Future<Void> f;
        try {
            f = connection.write(piece);
        } catch (RuntimeException e) {
            done.trySetException(e);
            return;
        }
        f.addDoneCallback(w -> {
            if (w.exception() != null) {
                done.trySetException(w.exception());
            } else {
                next();
            }
        });
    }
}
