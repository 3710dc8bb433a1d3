package io.squall.tests.http;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * Issue 9's memory bound: an idle keep-alive connection (one request answered, waiting for the next) costs
 * at most 2 KiB of live heap on the server. The server runs on its own loop thread in this JVM; the clients
 * are a separate {@code /usr/bin/python3} process (so their sockets do not count), each connection sends
 * one request to a {@code @Coroutine} handler that awaits a timer, reads the answer and stays open. Live
 * heap is measured after full collections before and after the connections open.
 */
class IdleConnectionMemoryTest {
    private static final int WANTED_CONNECTIONS = 2000;
    private static final long MAX_BYTES_PER_CONNECTION = 2048;
    private static final String PYTHON = "/usr/bin/python3";

    /** A handler as a user writes it: awaits a short timer, then answers. */
    public static class SleepyHello extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            await(Gen.sleep(Duration.ofMillis(1)));
            write("hello");
            return null;
        }
    }

    /**
     * Opens N connections (argv: port, N), one GET each, reads each answer, prints "ready N" and holds them
     * until a line arrives on stdin, then closes them all and prints "closed".
     */
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "port, n = int(sys.argv[1]), int(sys.argv[2])",
            "req = b'GET /hello HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n'",
            "socks = []",
            "for i in range(n):",
            "    s = socket.create_connection(('127.0.0.1', port))",
            "    s.sendall(req)",
            "    buf = b''",
            "    while not buf.endswith(b'hello'):",
            "        chunk = s.recv(4096)",
            "        if not chunk:",
            "            sys.exit('connection %d closed early after %r' % (i, buf))",
            "        buf += chunk",
            "    socks.append(s)",
            "print('ready', len(socks), flush=True)",
            "sys.stdin.readline()",
            "for s in socks:",
            "    s.close()",
            "print('closed', flush=True)",
            "");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anIdleKeepAliveConnectionHoldsAtMostTwoKilobytes(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of(PYTHON)), "this test needs " + PYTHON
                + " (Debian's python3 package) to open the client connections outside this JVM");
        int n = connectionsWithinFdLimit();
        Path script = dir.resolve("hold_connections.py");
        Files.writeString(script, CLIENT);

        HTTPServer server = new HTTPServer(new Application(Application.route("/hello", SleepyHello::new)));
        server.bind(0, "127.0.0.1");
        server.start(1);
        try {
            // Warm up: load every class and size the loop's own structures on a few connections.
            runClients(script, server.port(), 20, server, null);
            waitFor(() -> server.connectionCount() == 0, "the warm-up connections to close");
            long before = liveHeap();

            long[] after = new long[1];
            runClients(script, server.port(), n, server, () -> after[0] = liveHeap());
            long perConnection = (after[0] - before) / n;
            System.out.printf("IdleConnectionMemoryTest: %d idle keep-alive connections, live heap %d -> %d bytes,"
                    + " %d bytes per connection (limit %d)%n", n, before, after[0], perConnection,
                    MAX_BYTES_PER_CONNECTION);
            assertTrue(perConnection <= MAX_BYTES_PER_CONNECTION, "an idle keep-alive connection holds "
                    + perConnection + " bytes of live heap; the limit is " + MAX_BYTES_PER_CONNECTION
                    + " (measure with jcmd <pid> GC.class_histogram to see which objects grew)");
            waitFor(() -> server.connectionCount() == 0, "the server to notice the clients closing");
        } finally {
            server.stop();
            server.closeAllConnections();
        }
    }

    /**
     * Runs the client script with {@code count} connections; once they are all open and the server counts
     * them, runs {@code whileOpen}, then lets the clients close.
     */
    private static void runClients(Path script, int port, int count, HTTPServer server, Runnable whileOpen)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, script.toString(), String.valueOf(port), String.valueOf(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = p.getOutputStream()) {
            String ready = out.readLine();
            assertEquals("ready " + count, ready, "the client script did not open its connections");
            waitFor(() -> server.connectionCount() == count, count + " connections on the server (it counts "
                    + server.connectionCount() + ")");
            if (whileOpen != null) {
                whileOpen.run();
            }
            in.write('\n');
            in.flush();
            assertEquals("closed", out.readLine());
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** Live heap after full collections: the least of three, so a stray allocation elsewhere does not count. */
    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** As many connections as wanted, leaving room under the descriptor limit (the clients have their own). */
    private static int connectionsWithinFdLimit() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            long max = ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
            long room = max - ((com.sun.management.UnixOperatingSystemMXBean) os).getOpenFileDescriptorCount() - 200;
            if (room < 500) {
                fail("this test opens up to " + WANTED_CONNECTIONS + " connections but the descriptor limit is "
                        + max + "; raise it (ulimit -n 4096)");
            }
            return (int) Math.min(WANTED_CONNECTIONS, room);
        }
        return WANTED_CONNECTIONS;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
