package io.squall.bench.seed;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.annotations.Coroutine;
import io.squall.http.RequestHandler;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import java.net.InetSocketAddress;

/**
 * The seed's asynchronous handler: {@link TCPClient} and {@link IOStream} with {@code await}. While it waits
 * for the echo, the loop serves everyone else.
 */
public class AsyncHandler extends RequestHandler {
    private static final TCPClient CLIENT = new TCPClient();
    private final InetSocketAddress echo;

    /**
     * Creates the handler.
     *
     * @param echo the echo server's address
     */
    public AsyncHandler(InetSocketAddress echo) {
        this.echo = echo;
    }

    @Override
    @Coroutine
    public Future<?> get(String... args) {
        IOStream stream = await(CLIENT.connect(echo.getHostString(), echo.getPort()));
        try {
            await(stream.write(SeedClient.MESSAGE_BYTES));
            byte[] reply = await(stream.readUntil(SeedClient.NEWLINE, SeedClient.MAX_REPLY));
            write(reply);
        } finally {
            stream.close();
        }
        return null;
    }
}
