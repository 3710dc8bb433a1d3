package io.squall.tests.http;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPServer;
import io.squall.http.HTTPTimeoutError;
import io.squall.http.RequestHandler;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import io.squall.testing.HTTPTestServer;
import io.squall.testing.SquallTest;
import io.squall.testing.VirtualClock;

/**
 * Timeouts of tens of seconds (the server's header timeout, the client's request timeout), tested in
 * milliseconds on squall-testing's virtual clock while real sockets on 127.0.0.1 carry the traffic.
 */
class TimeoutsOnVirtualTimeTest {

    /** Answers after a minute. */
    public static class SlowHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            await(Gen.sleep(Duration.ofMinutes(1)));
            write("late");
            return null;
        }
    }

    @SquallTest(virtualTime = true)
    Future<Void> silentClientIsDisconnectedAfterTheHeaderTimeout(IOLoop loop, VirtualClock clock) {
        HTTPTestServer server = HTTPTestServer.start(new HTTPServer(new Application())
                .headerTimeout(Duration.ofSeconds(30)));
        // Taken before connecting: the server arms its header timeout when it accepts, which can be before the
        // loop sees this side's connect complete (by as long as the loop thread is descheduled in between).
        long start = loop.time();
        IOStream stream = await(new TCPClient().connect("127.0.0.1", server.port()));
        byte[] got = await(stream.readUntilClose());
        assertTrue(loop.time() - start >= Duration.ofSeconds(30).toNanos(), "closed by the 30 s header timeout");
        assertTrue(clock.skipped().compareTo(Duration.ofSeconds(25)) > 0, clock.toString());
        assertTrue(got.length == 0 || new String(got, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 408"),
                new String(got, StandardCharsets.ISO_8859_1));
        return null;
    }

    @SquallTest(virtualTime = true)
    Future<Void> clientRequestTimeoutFiresWhileTheHandlerSleeps(VirtualClock clock) {
        HTTPTestServer server = HTTPTestServer.start(new Application().addHandler("/slow", SlowHandler.class));
        String outcome;
        try {
            await(server.fetch(new HTTPRequest(server.url("/slow")).requestTimeout(Duration.ofSeconds(20))));
            outcome = "answered";
        } catch (HTTPTimeoutError e) {
            outcome = "timed out";
        }
        assertEquals("timed out", outcome);
        assertTrue(clock.skipped().compareTo(Duration.ofSeconds(15)) > 0, clock.toString());
        // The handler's minute passes too (virtually) and it finishes against a closed connection.
        await(Gen.sleep(Duration.ofMinutes(2)));
        return null;
    }
}
