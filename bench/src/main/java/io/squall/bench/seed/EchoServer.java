package io.squall.bench.seed;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.net.IOStream;
import io.squall.net.StreamClosedException;
import io.squall.net.TCPServer;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The seed's echo server: reads one line, waits (two seconds in the seed), writes the line back and closes
 * the connection. The wait is a {@link Gen#sleep}, so one loop serves any number of clients at once.
 */
public class EchoServer extends TCPServer {
    /** The seed's delay before the echo. */
    public static final Duration SEED_DELAY = Duration.ofSeconds(2);
    private static final byte[] NEWLINE = {'\n'};
    private static final int MAX_LINE = 64 * 1024;

    private final Duration delay;

    /** Creates the server with the seed's two-second delay. */
    public EchoServer() {
        this(SEED_DELAY);
    }

    /**
     * Creates the server.
     *
     * @param delay how long to wait before echoing
     * @throws IllegalArgumentException if the delay is negative
     */
    public EchoServer(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("EchoServer: the delay must not be negative, got " + delay);
        }
        this.delay = delay;
    }

    @Override
    @Coroutine
    protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
        try {
            byte[] line = await(stream.readUntil(NEWLINE, MAX_LINE));
            await(Gen.sleep(delay));
            await(stream.write(line));
        } catch (Exception e) {
            // await rethrows the stream's checked StreamClosedException, which javac cannot see.
            if (!(e instanceof StreamClosedException)) {
                throw e;
            }
            // The client went away: nothing to answer (Tornado's examples ignore StreamClosedError too).
        } finally {
            stream.close();
        }
        return null;
    }
}
