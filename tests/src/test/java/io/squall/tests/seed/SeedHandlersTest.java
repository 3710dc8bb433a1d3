package io.squall.tests.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.Future;
import io.squall.bench.seed.AsyncHandler;
import io.squall.bench.seed.EchoServer;
import io.squall.bench.seed.RawHandler;
import io.squall.bench.seed.SeedClient;
import io.squall.bench.seed.SeedServers;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seed's programs end to end, on real loopback sockets with the seed's two-second echo delay: each
 * handler variant returns the echo reply, no earlier than the delay; and 200 concurrent requests to the
 * asynchronous handlers are all in progress at the same moment (checked from the handlers' own start and
 * end times), where the blocking handler serves one at a time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SeedHandlersTest {
    private static final Duration DELAY = EchoServer.SEED_DELAY;
    private static final long DELAY_NANOS = DELAY.toNanos();
    /** Timers are not early; this only absorbs the clock's granularity. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    @Test
    void echoServerEchoesTheLineAfterTheDelay() throws Exception {
        EchoServer echo = new EchoServer(DELAY);
        echo.bind(0, "127.0.0.1");
        echo.start(1);
        try (Socket s = new Socket("127.0.0.1", echo.port())) {
            s.setSoTimeout(60_000);
            long t0 = System.nanoTime();
            s.getOutputStream().write("ping 1\nnot read\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = s.getInputStream().readAllBytes(); // the server closes after the echo
            long elapsed = System.nanoTime() - t0;
            assertEquals("ping 1\n", new String(reply, StandardCharsets.US_ASCII));
            assertTrue(elapsed >= DELAY_NANOS - SLACK_NANOS, "echoed after " + elapsed / 1e6 + " ms");
        } finally {
            echo.stop();
        }
    }

    @Test
    void everyVariantReturnsTheEchoReplyAfterTheDelay() throws Exception {
        SeedServers.Config config = new SeedServers.Config();
        config.delay = DELAY;
        try (SeedServers servers = SeedServers.start(config)) {
            int[] ports = {servers.blockingPort(), servers.asyncPort(), servers.rawPort()};
            List<RawHttp> requests = new ArrayList<>();
            try {
                for (int port : ports) {
                    requests.add(RawHttp.send(port, "/"));
                }
                for (int i = 0; i < ports.length; i++) {
                    String[] response = requests.get(i).read();
                    long elapsed = System.nanoTime() - requests.get(i).sentNanos();
                    String variant = new String[] {"blocking", "async", "raw"}[i];
                    assertTrue(response[0].matches("HTTP/1\\.[01] 200 OK"), variant + ": " + response[0]);
                    assertEquals(SeedClient.MESSAGE, response[1], variant);
                    assertTrue(elapsed >= DELAY_NANOS - SLACK_NANOS, variant + " answered after " + elapsed / 1e6 + " ms");
                }
            } finally {
                for (RawHttp r : requests) {
                    r.close();
                }
            }
        }
    }

    @Test
    void twoHundredConcurrentRequestsToTheAsyncHandlerOverlap() throws Exception {
        assertAllInProgressTogether(200, RecordingAsync::new);
    }

    @Test
    void twoHundredConcurrentRequestsToTheRawHandlerOverlap() throws Exception {
        assertAllInProgressTogether(200, RecordingRaw::new);
    }

    @Test
    void theBlockingHandlerServesOneRequestAtATime() throws Exception {
        // The counterpart: with the echo delay shortened, three requests to the blocking handler never overlap.
        EchoServer echo = new EchoServer(Duration.ofMillis(200));
        echo.bind(0, "127.0.0.1");
        echo.start(1);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", echo.port());
        Recorder recorder = new Recorder();
        HTTPServer server = new HTTPServer(new Application(Application.route("/",
                () -> new RecordingBlocking(address, recorder))));
        server.bind(0, "127.0.0.1");
        server.start(1);
        try {
            List<String[]> responses = fetchAll(server.port(), 3);
            for (String[] r : responses) {
                assertEquals(SeedClient.MESSAGE, r[1]);
            }
            List<long[]> spans = recorder.sortedByStart();
            for (int i = 1; i < spans.size(); i++) {
                assertTrue(spans.get(i)[0] >= spans.get(i - 1)[1], "blocking requests overlapped: " + i);
            }
        } finally {
            server.stop();
            echo.stop();
        }
    }

    private static void assertAllInProgressTogether(int n, Function<Object[], RequestHandler> handler) throws Exception {
        EchoServer echo = new EchoServer(DELAY);
        echo.bind(0, "127.0.0.1");
        echo.start(1);
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", echo.port());
        Recorder recorder = new Recorder();
        HTTPServer server = new HTTPServer(new Application(Application.route("/",
                () -> handler.apply(new Object[] {address, recorder}))));
        server.bind(0, "127.0.0.1");
        server.start(1);
        try {
            List<String[]> responses = fetchAll(server.port(), n);
            for (String[] r : responses) {
                assertTrue(r[0].matches("HTTP/1\\.[01] 200 OK"), r[0]);
                assertEquals(SeedClient.MESSAGE, r[1]);
            }
            List<long[]> spans = recorder.sortedByStart();
            assertEquals(n, spans.size(), "every request reached the handler");
            long lastStart = spans.get(n - 1)[0];
            long firstEnd = Long.MAX_VALUE;
            for (long[] span : spans) {
                firstEnd = Math.min(firstEnd, span[1]);
                assertTrue(span[1] - span[0] >= DELAY_NANOS - SLACK_NANOS, "a handler waited for the echo delay");
            }
            assertTrue(lastStart < firstEnd, "all " + n + " requests were in progress at once: the last one started "
                    + (lastStart - spans.get(0)[0]) / 1e6 + " ms after the first, before any finished ("
                    + (firstEnd - spans.get(0)[0]) / 1e6 + " ms)");
        } finally {
            server.stop();
            echo.stop();
        }
    }

    /** Sends n requests at once from this thread, then reads every response. */
    private static List<String[]> fetchAll(int port, int n) throws IOException {
        List<RawHttp> requests = new ArrayList<>();
        List<String[]> responses = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                requests.add(RawHttp.send(port, "/"));
            }
            for (RawHttp r : requests) {
                responses.add(r.read());
            }
        } finally {
            for (RawHttp r : requests) {
                r.close();
            }
        }
        return responses;
    }

    /** Start and end times of handler calls, recorded on the server's loop thread. */
    static final class Recorder {
        private final List<long[]> spans = Collections.synchronizedList(new ArrayList<>());

        <T> Future<T> record(long start, Future<T> done) {
            done.addDoneCallback(f -> spans.add(new long[] {start, System.nanoTime()}));
            return done;
        }

        List<long[]> sortedByStart() {
            List<long[]> copy;
            synchronized (spans) {
                copy = new ArrayList<>(spans);
            }
            copy.sort((a, b) -> Long.compare(a[0], b[0]));
            return copy;
        }
    }

    /** The seed's async handler, timed. */
    static final class RecordingAsync extends AsyncHandler {
        private final Recorder recorder;

        RecordingAsync(Object[] args) {
            super((InetSocketAddress) args[0]);
            this.recorder = (Recorder) args[1];
        }

        @Override
        public Future<?> get(String... args) {
            return recorder.record(System.nanoTime(), super.get(args));
        }
    }

    /** The seed's raw addHandler variant, timed. */
    static final class RecordingRaw extends RawHandler {
        private final Recorder recorder;

        RecordingRaw(Object[] args) {
            super((InetSocketAddress) args[0]);
            this.recorder = (Recorder) args[1];
        }

        @Override
        public Future<?> get(String... args) {
            return recorder.record(System.nanoTime(), super.get(args));
        }
    }

    /** The seed's blocking handler, timed. */
    static final class RecordingBlocking extends io.squall.bench.seed.BlockingHandler {
        private final Recorder recorder;

        RecordingBlocking(InetSocketAddress echo, Recorder recorder) {
            super(echo);
            this.recorder = recorder;
        }

        @Override
        public Future<?> get(String... args) {
            long start = System.nanoTime();
            Future<?> done = super.get(args);
            return recorder.record(start, done == null ? Future.of(null) : done);
        }
    }
}
