package io.squall.tests.server;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.TCPServer;

/**
 * {@code HTTPServer.start(n)} with the real agent: connections are spread over the loops (SO_REUSEPORT where
 * the platform has it, and the round-robin hand-off forced by {@code setReusePort(false)}), and each request's
 * coroutine handler, its nested coroutines and every resumption run on the loop that owns its connection.
 */
@Timeout(60)
class MultiLoopTest {
    private static final int CONNECTIONS = 24;
    private static final int REQUESTS_PER_CONNECTION = 3;

    /** What a handler saw: the loop and thread at entry and after each resumption. */
    static final class Sighting {
        final List<IOLoop> loops = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        void look() {
            loops.add(IOLoop.current());
            threads.add(Thread.currentThread());
        }
    }

    static final Queue<Sighting> SIGHTINGS = new ConcurrentLinkedQueue<>();
    static volatile List<IOLoop> serverLoops = List.of();

    /** Awaits a timer, a nested coroutine and an already-done future; answers the index of its loop. */
    public static class WhereHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            Sighting s = new Sighting();
            SIGHTINGS.add(s);
            s.look();
            await(Gen.sleep(Duration.ofMillis(5)));
            s.look();
            int n = await(nested(s));
            s.look();
            write(Integer.toString(serverLoops.indexOf(IOLoop.current())) + " " + n);
            return null;
        }

        @Coroutine
        private Future<Integer> nested(Sighting s) {
            await(Gen.moment());
            s.look();
            await(Gen.sleep(Duration.ofMillis(1)));
            s.look();
            return Future.of(7);
        }
    }

    @Test
    void start2_defaultSpreadsConnectionsAndKeepsEachOnItsLoop() throws Exception {
        Map<Integer, Integer> perLoop = run(2, null);
        assertEquals(2, perLoop.size(), "connections landed on both loops: " + perLoop);
    }

    @Test
    void start2_roundRobinFallback_handsConnectionsOutEvenly() throws Exception {
        Map<Integer, Integer> perLoop = run(2, false);
        assertEquals(Map.of(0, CONNECTIONS / 2, 1, CONNECTIONS / 2), perLoop, "round-robin hand-off");
    }

    @Test
    void start2_reusePortOnRequest() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(TCPServer.reusePortSupported(), "no SO_REUSEPORT here");
        Map<Integer, Integer> perLoop = run(2, true);
        assertEquals(2, perLoop.size(), "connections landed on both loops: " + perLoop);
    }

    @Test
    void start1_servesEverythingOnItsOneLoop() throws Exception {
        assertEquals(Map.of(0, CONNECTIONS), run(1, null));
    }

    /**
     * Serves {@link #CONNECTIONS} keep-alive connections of {@link #REQUESTS_PER_CONNECTION} requests each on
     * {@code start(loops)}; checks that every request of a connection ran on the same loop, on that loop's
     * thread, before and after every await; returns how many connections each loop index served.
     */
    private Map<Integer, Integer> run(int loops, Boolean reusePort) throws Exception {
        SIGHTINGS.clear();
        HTTPServer server = new HTTPServer(new Application(Application.route("/where", WhereHandler::new)));
        if (reusePort != null) {
            server.setReusePort(reusePort);
        }
        server.bind(0, "127.0.0.1");
        server.start(loops);
        serverLoops = server.loops();
        Map<Integer, Integer> perLoop = new HashMap<>();
        try {
            List<HttpConn> conns = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    conns.add(new HttpConn(server.port()));
                }
                List<List<String>> answers = new ArrayList<>();
                for (HttpConn c : conns) {
                    answers.add(new ArrayList<>());
                }
                for (int r = 0; r < REQUESTS_PER_CONNECTION; r++) {
                    for (HttpConn c : conns) {
                        c.send("/where");
                    }
                    for (int i = 0; i < conns.size(); i++) {
                        HttpConn.Response resp = conns.get(i).read();
                        assertEquals(200, resp.status, resp.toString());
                        answers.get(i).add(resp.body);
                    }
                }
                for (List<String> a : answers) {
                    assertEquals(1, a.stream().distinct().count(), "every request of one connection ran on the same loop: " + a);
                    String[] loopAndValue = a.get(0).split(" ");
                    assertEquals("7", loopAndValue[1]);
                    int index = Integer.parseInt(loopAndValue[0]);
                    assertNotEquals(-1, index, "the handler's IOLoop.current() is one of the server's loops");
                    perLoop.merge(index, 1, Integer::sum);
                }
            } finally {
                for (HttpConn c : conns) {
                    c.close();
                }
            }
            assertEquals(CONNECTIONS * REQUESTS_PER_CONNECTION, SIGHTINGS.size());
            for (Sighting s : SIGHTINGS) {
                IOLoop first = s.loops.get(0);
                assertTrue(serverLoops.contains(first), "entry on a server loop");
                for (int i = 0; i < s.loops.size(); i++) {
                    assertEquals(first, s.loops.get(i), "IOLoop.current() at step " + i + " is the connection's loop");
                    assertEquals(s.threads.get(0), s.threads.get(i), "resumed on the same thread at step " + i);
                    assertTrue(s.threads.get(i).getName().startsWith("squall-loop-"), s.threads.get(i).getName());
                }
            }
        } finally {
            server.stop();
        }
        return perLoop;
    }

    @Test
    void start2_aSecondServerOnTheSamePortIsStillRefused() throws IOException {
        HTTPServer server = new HTTPServer(new Application(Application.route("/where", WhereHandler::new)));
        server.bind(0, "127.0.0.1");
        server.start(2);
        try {
            HTTPServer second = new HTTPServer(new Application());
            java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.UncheckedIOException.class, () -> second.bind(server.port(), "127.0.0.1"));
            assertTrue(e.getMessage().contains("Another server may be using this port"), e.getMessage());
        } finally {
            server.stop();
        }
    }
}
