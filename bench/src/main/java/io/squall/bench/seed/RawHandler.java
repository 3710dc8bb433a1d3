package io.squall.bench.seed;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.RequestHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

/**
 * The seed's lowest-level variant, like its {@code get_data}: a raw {@link SocketChannel} registered with
 * {@link IOLoop#addHandler}, whose readiness callback completes a {@link Future} that the handler awaits.
 */
public class RawHandler extends RequestHandler {
    private final InetSocketAddress echo;

    /**
     * Creates the handler.
     *
     * @param echo the echo server's address
     */
    public RawHandler(InetSocketAddress echo) {
        this.echo = echo;
    }

    @Override
    @Coroutine
    public Future<?> get(String... args) {
        byte[] reply = await(getData(echo));
        write(reply);
        return null;
    }

    /**
     * Sends the seed's message to the echo server on a raw socket and returns a future of the reply line,
     * completed from the channel's readiness callback on the current loop.
     *
     * @param echo the echo server's address
     * @return a future of the reply line; it fails with an {@link IOException} if the connection fails or
     *     closes before a full line
     */
    public static Future<byte[]> getData(InetSocketAddress echo) {
        Future<byte[]> result = new Future<>();
        SocketChannel channel;
        try {
            // As the seed does: a plain connect and send (immediate on loopback), then wait for readiness.
            channel = SocketChannel.open(echo);
            ByteBuffer out = ByteBuffer.wrap(SeedClient.MESSAGE_BYTES);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        } catch (IOException e) {
            result.setException(new IOException("RawHandler: cannot reach the echo server " + echo + ": " + e, e));
            return result;
        }
        IOLoop loop = IOLoop.current();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(1024);
        loop.addHandler(channel, (SelectableChannel ch, int ops) -> {
            try {
                int n = channel.read(in.clear());
                if (n > 0) {
                    line.write(in.array(), 0, n);
                }
                boolean complete = n > 0 && in.array()[n - 1] == '\n';
                if (complete || n < 0) {
                    loop.removeHandler(channel);
                    channel.close();
                    if (complete) {
                        result.setResult(line.toByteArray());
                    } else {
                        result.setException(new IOException("RawHandler: the echo server " + echo
                                + " closed the connection before a full line (" + line.size() + " bytes)"));
                    }
                } else if (line.size() > SeedClient.MAX_REPLY) {
                    throw new IOException("RawHandler: reply from " + echo + " longer than " + SeedClient.MAX_REPLY);
                }
            } catch (IOException e) {
                loop.removeHandler(channel);
                closeQuietly(channel);
                result.trySetException(e);
            }
        }, IOLoop.READ);
        return result;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one reported
        }
    }
}
