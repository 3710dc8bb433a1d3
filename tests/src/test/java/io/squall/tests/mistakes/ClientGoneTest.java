package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.StreamClosedException;
import io.squall.tests.RecordingHandler;

/** Issue 13 item 3: after the client went away, writes and flushes fail at once, quietly. */
@Timeout(60)
class ClientGoneTest {

    /** What the streaming handler saw once the client left. */
    static final class Seen {
        final Future<String> outcome = new Future<>();
        volatile boolean noticed;
    }

    /** Streams a line every 5 ms from timer callbacks (not a coroutine: nothing cancels it), never awaiting. */
    static final class Streamer extends RequestHandler {
        private final Seen seen;

        Streamer(Seen seen) {
            this.seen = seen;
        }

        @Override
        public Future<?> get(String... args) {
            Future<Void> forever = new Future<>();
            tick();
            return forever;
        }

        private void tick() {
            try {
                write("tick\n");
            } catch (UncheckedIOException e) {
                Future<Void> flushed = flush();
                seen.outcome.trySetResult((seen.noticed ? "noticed; " : "") + e.getCause().getClass().getSimpleName()
                        + ": " + e.getCause().getMessage() + "; flush failed at once: "
                        + (flushed.isDone() && flushed.exception() instanceof StreamClosedException));
                return;
            }
            flush();
            IOLoop.current().callLater(Duration.ofMillis(5), this::tick);
        }

        @Override
        protected void onConnectionClose() {
            seen.noticed = true;
        }
    }

    @Test
    void writesAfterADisconnectFailFastWithoutServerErrors() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        try {
            Seen seen = new Seen();
            String result = loop.runSync(() -> {
                HTTPServer server = new Application().addHandler("/stream", () -> new Streamer(seen))
                        .listen(0, "127.0.0.1");
                int port = server.port();
                loop.runInExecutor(pool, () -> {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        OutputStream out = s.getOutputStream();
                        out.write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        InputStream in = s.getInputStream();
                        StringBuilder got = new StringBuilder();
                        while (got.indexOf("tick") < 0) {
                            got.append((char) in.read());
                        }
                    }
                    return null;
                });
                return seen.outcome;
            }, Duration.ofSeconds(30));
            assertTrue(result.startsWith("noticed; StreamClosedException: write() for GET /stream"), result);
            assertTrue(result.contains("the client closed the connection; stop writing (override onConnectionClose()"
                    + " to notice at once); flush failed at once: true"), result);
        } finally {
            squall.removeHandler(h);
            pool.shutdownNow();
            loop.close();
        }
        synchronized (records) {
            assertEquals(List.of(), records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(r -> r.getLevel() + " " + r.getMessage()).toList());
        }
    }
}
