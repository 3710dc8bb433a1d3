package io.squall.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;

/**
 * Free ports on the loopback interface for tests: Tornado's {@code bind_unused_port}.
 *
 * <p>{@link #bindUnusedPort()} is race-free (the socket stays bound and is yours); {@link #unusedPort()}
 * returns a number that was free a moment ago, for tools that insist on binding the port themselves.
 */
public final class Ports {

    private Ports() {
        throw new AssertionError("no instances");
    }

    /**
     * Opens a server channel bound to an unused port of 127.0.0.1 (port 0: the system picks it), in
     * blocking mode, not registered with any loop. Close it when done.
     *
     * @return the bound channel; its port is {@code ((InetSocketAddress) ch.getLocalAddress()).getPort()},
     *     or {@link #portOf}
     * @throws UncheckedIOException if no port can be bound
     */
    public static ServerSocketChannel bindUnusedPort() {
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("Ports.bindUnusedPort: cannot bind 127.0.0.1:0: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the local port of a bound server channel.
     *
     * @param ch a bound channel, such as one from {@link #bindUnusedPort()}
     * @return its port
     * @throws UncheckedIOException if the channel is closed
     * @throws IllegalStateException if it is not bound
     */
    public static int portOf(ServerSocketChannel ch) {
        try {
            InetSocketAddress a = (InetSocketAddress) ch.getLocalAddress();
            if (a == null) {
                throw new IllegalStateException("Ports.portOf: " + ch + " is not bound");
            }
            return a.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Ports.portOf: " + e.getMessage(), e);
        }
    }

    /**
     * Returns a port of 127.0.0.1 that was unused when this method bound and released it. Another process may
     * take it before you bind it: prefer {@link #bindUnusedPort()} or listening on port 0.
     *
     * @return the port number
     * @throws UncheckedIOException if no port can be bound
     */
    public static int unusedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Ports.unusedPort: cannot bind 127.0.0.1:0: " + e.getMessage(), e);
        }
    }
}
