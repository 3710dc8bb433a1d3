package io.squall.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;

import io.squall.Future;
import io.squall.Gen;
import io.squall.testing.AsyncTestCase;

/**
 * Helpers for real loopback sockets on top of {@link AsyncTestCase} (a fresh loop per test, and a test
 * fails if it logs a warning or error it did not expect, or leaves callbacks or handlers on the loop).
 * Tests drive the loop with {@link #run}; waits are on conditions, never on elapsed time.
 */
abstract class NetTestBase extends AsyncTestCase {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<IOStream> streams = new ArrayList<>();
    private final List<TCPServer> servers = new ArrayList<>();

    /** Runs before AsyncTestCase's teardown: releases what the test opened and lets the loop settle. */
    @AfterEach
    void releaseNetResources() {
        for (TCPServer s : servers) {
            s.stop();
            if (s instanceof EchoServer) {
                for (IOStream stream : ((EchoServer) s).streams) {
                    if (stream.loop() == loop) {
                        stream.close(); // listen() connections outlive stop(), as in Tornado
                    }
                }
            }
        }
        for (IOStream s : streams) {
            s.close();
        }
        for (AutoCloseable c : resources) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        // one iteration for the close callbacks and deregistrations that closing queued
        runSync(Gen::moment);
    }

    /** Closes {@code stream} after the test. */
    IOStream track(IOStream stream) {
        streams.add(stream);
        return stream;
    }

    /** Stops {@code server} after the test. */
    <S extends TCPServer> S server(S server) {
        servers.add(server);
        return server;
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Runs the loop until the future is done; returns its value or rethrows its failure. */
    <T> T run(Supplier<? extends Future<T>> fn) {
        return runSync(fn);
    }

    /** Runs the loop until {@code fn}'s future is done and returns its failure (failing if it succeeded). */
    Throwable runExpectingFailure(Supplier<? extends Future<?>> fn) {
        Future<?>[] holder = new Future<?>[1];
        run(() -> {
            Future<?> f = fn.get();
            holder[0] = f;
            Future<Void> done = new Future<>();
            f.addDoneCallback(x -> done.setResult(null));
            return done;
        });
        Throwable t = holder[0].exception();
        if (t == null) {
            throw new AssertionError("expected a failure, got " + holder[0]);
        }
        return t;
    }

    /** A future done once {@code condition} holds, checked on the loop every millisecond. */
    Future<Void> until(BooleanSupplier condition) {
        Future<Void> f = new Future<>();
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (condition.getAsBoolean()) {
                f.trySetResult(null);
            } else {
                loop.callLater(Duration.ofMillis(1), check[0]);
            }
        };
        check[0].run();
        return f;
    }

    /** Runs {@code fn} on {@code f}'s value once it succeeds; a failure passes through. */
    static <A, B> Future<B> then(Future<A> f, java.util.function.Function<? super A, ? extends Future<B>> fn) {
        Future<B> out = new Future<>();
        f.addDoneCallback(done -> {
            Throwable t = done.exception();
            if (t != null) {
                out.setException(t);
                return;
            }
            Future<B> next;
            try {
                next = fn.apply(done.result());
            } catch (Throwable e) {
                out.setException(e);
                return;
            }
            next.addDoneCallback(n -> {
                Throwable t2 = n.exception();
                if (t2 != null) {
                    out.setException(t2);
                } else {
                    out.setResult(n.result());
                }
            });
        });
        return out;
    }

    /**
     * Writes {@code chunks} from the raw peer one at a time; after each, waits until the stream has taken
     * every byte sent so far off the socket ({@code received} counts bytes buffered or delivered), so each
     * chunk arrives in its own socket read.
     */
    Future<Void> feed(RawPair p, byte[][] chunks, java.util.function.IntSupplier received) {
        Future<Void> done = new Future<>();
        feedFrom(p, chunks, 0, 0, received, done);
        return done;
    }

    private void feedFrom(RawPair p, byte[][] chunks, int index, int sent, java.util.function.IntSupplier received,
            Future<Void> done) {
        if (index == chunks.length) {
            done.setResult(null);
            return;
        }
        p.peerWrite(chunks[index]);
        int total = sent + chunks[index].length;
        until(() -> received.getAsInt() >= total)
                .addDoneCallback(x -> feedFrom(p, chunks, index + 1, total, received, done));
    }

    static byte[][] oneByteChunks(byte[] data) {
        byte[][] chunks = new byte[data.length][];
        for (int i = 0; i < data.length; i++) {
            chunks[i] = new byte[] {data[i]};
        }
        return chunks;
    }

    /** A loopback listener for the raw side of a connection. */
    ServerSocketChannel listener() {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            return closeLater(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two connected streams on the test loop: [0] accepted side, [1] connecting side. */
    IOStream[] streamPair(int maxBufferSize) {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            SocketChannel client = closeLater(SocketChannel.open(server.getLocalAddress()));
            SocketChannel accepted = closeLater(server.accept());
            return new IOStream[] {
                track(new IOStream(accepted, loop, maxBufferSize)), track(new IOStream(client, loop, maxBufferSize))
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stream on the test loop connected to a plain blocking socket the test controls. */
    static final class RawPair {
        final IOStream stream;
        final Socket peer;

        RawPair(IOStream stream, Socket peer) {
            this.stream = stream;
            this.peer = peer;
        }

        void peerWrite(byte[] data) {
            try {
                peer.getOutputStream().write(data);
                peer.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void peerWrite(String s) {
            peerWrite(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }

        /** Closes the peer with a RST instead of a FIN. */
        void peerReset() {
            try {
                peer.setSoLinger(true, 0);
                peer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void peerClose() {
            try {
                peer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    RawPair rawPair(int maxBufferSize) {
        return rawPair(maxBufferSize, 0);
    }

    /**
     * As {@link #rawPair(int)}; a positive {@code socketBuffers} shrinks the peer's SO_RCVBUF and the
     * stream's SO_SNDBUF (which also stops the kernel growing them), so that a few MB cannot be flushed
     * until the peer reads.
     */
    RawPair rawPair(int maxBufferSize, int socketBuffers) {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            Socket peer = closeLater(new Socket());
            if (socketBuffers > 0) {
                peer.setReceiveBufferSize(socketBuffers);
            }
            peer.connect(server.getLocalAddress());
            SocketChannel accepted = closeLater(server.accept());
            if (socketBuffers > 0) {
                accepted.setOption(java.net.StandardSocketOptions.SO_SNDBUF, socketBuffers);
            }
            return new RawPair(track(new IOStream(accepted, loop, maxBufferSize)), peer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static String str(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Deterministic pseudo-random content. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }
}
