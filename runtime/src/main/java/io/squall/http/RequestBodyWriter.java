package io.squall.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.squall.Future;
import io.squall.net.IOStream;

/**
 * Runs a request's {@link BodyProducer} on a client connection: frames its pieces as chunks when the body is
 * chunked, ends a chunked body with the last chunk, and reports the end (or a failure) to the connection.
 * Runs on the stream's loop thread.
 */
final class RequestBodyWriter implements BodyProducer.Writer {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final IOStream stream;
    private final boolean chunked;

    private RequestBodyWriter(IOStream stream, boolean chunked) {
        this.stream = stream;
        this.chunked = chunked;
    }

    /** Calls the producer now (after the head was queued); tells {@code connection} when it is done. */
    static void start(HTTP1ClientConnection connection, IOStream stream, BodyProducer producer, boolean chunked) {
        RequestBodyWriter writer = new RequestBodyWriter(stream, chunked);
        Future<?> f;
        try {
            f = producer.produce(writer);
        } catch (Throwable t) {
            connection.producerDone(t);
            return;
        }
        if (f == null) {
            f = Future.of(null);
        }
        f.addDoneCallback(done -> {
            Runnable end = () -> {
                Throwable t = done.exception();
                if (t == null && chunked) {
                    Future<Void> last = writer.send(ByteBuffer.wrap(LAST_CHUNK));
                    last.addDoneCallback(l -> connection.producerDone(l.exception()));
                    return;
                }
                connection.producerDone(t);
            };
            if (stream.loop().inLoopThread()) {
                end.run();
            } else {
                stream.loop().addCallback(end);
            }
        });
    }

    @Override
    public Future<Void> write(byte[] chunk) {
        if (chunk.length == 0) {
            return Future.of(null);
        }
        if (!chunked) {
            return send(ByteBuffer.wrap(chunk));
        }
        ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(chunk.length) + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        return send(size, ByteBuffer.wrap(chunk), ByteBuffer.wrap(CRLF));
    }

    private Future<Void> send(ByteBuffer... buffers) {
        try {
            return stream.write(buffers);
        } catch (RuntimeException e) {
            return Future.failed(e);
        }
    }
}
