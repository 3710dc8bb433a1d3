package io.squall.bench.seed;

import io.squall.Future;
import io.squall.http.RequestHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The seed's {@code MainHandler}: a plain blocking {@link Socket} to the echo server inside {@code get}. It
 * blocks the loop for the whole echo delay, so the server answers one request at a time: the slow half of
 * the seed's comparison.
 */
public class BlockingHandler extends RequestHandler {
    private final InetSocketAddress echo;

    /**
     * Creates the handler.
     *
     * @param echo the echo server's address
     */
    public BlockingHandler(InetSocketAddress echo) {
        this.echo = echo;
    }

    @Override
    public Future<?> get(String... args) {
        try (Socket socket = new Socket(echo.getAddress(), echo.getPort())) {
            socket.getOutputStream().write(SeedClient.MESSAGE_BYTES);
            socket.getOutputStream().flush();
            write(SeedClient.readLine(socket.getInputStream(), echo));
        } catch (IOException e) {
            throw new UncheckedIOException("BlockingHandler: talking to the echo server " + echo + " failed: "
                    + e.getMessage(), e);
        }
        return null;
    }
}
