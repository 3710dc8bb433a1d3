package io.squall.tests.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load-balancer recipe of {@code deploy/}: two Squall backend processes behind Debian's haproxy running the
 * shipped {@code deploy/haproxy/haproxy.cfg} (on unused ports), under a bounded load of a few keep-alive
 * clients. Killing one backend fails only the requests it had in flight; the balancer routes the rest to the
 * other; a restarted backend rejoins once its health checks pass; a backend stopped with SIGTERM (a graceful
 * stop) fails nothing.
 */
@Timeout(90)
class BalancerTest {
    private static final int WORKERS = 6;
    private static final int DELAY_MS = 100;

    /** One request through the balancer: when it was sent and answered, the status (-1: I/O error), the body. */
    static final class Outcome {
        final long sent;
        final long done;
        final int status;
        final String body;

        Outcome(long sent, long done, int status, String body) {
            this.sent = sent;
            this.done = done;
            this.status = status;
            this.body = body;
        }

        boolean ok() {
            return status == 200;
        }

        @Override
        public String toString() {
            return status + " " + body.trim() + " sent at " + TimeUnit.NANOSECONDS.toMillis(sent) + " ms";
        }
    }

    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private volatile boolean loadRunning = true;

    @Test
    void killOneBackend_onlyItsInFlightRequestsFail_restartedRejoins_sigtermFailsNothing(@TempDir Path dir)
            throws Exception {
        String haproxy = findHaproxy();
        assumeTrue(haproxy != null, "BalancerTest needs haproxy: install Debian's haproxy package"
                + " (apt-get install haproxy; .ci/run does)");
        int[] ports = unusedPorts(3);
        int front = ports[0];
        Path cfg = dir.resolve("haproxy.cfg");
        String shipped = Files.readString(repoRoot().resolve("deploy/haproxy/haproxy.cfg"));
        assertTrue(shipped.contains("127.0.0.1:9000") && shipped.contains("127.0.0.1:9001")
                && shipped.contains("127.0.0.1:9002"), "the shipped config names ports 9000-9002");
        Files.writeString(cfg, shipped.replace("127.0.0.1:9000", "127.0.0.1:" + front)
                .replace("127.0.0.1:9001", "127.0.0.1:" + ports[1]).replace("127.0.0.1:9002", "127.0.0.1:" + ports[2]));

        BackendProcess a = new BackendProcess("a", ports[1], DELAY_MS);
        BackendProcess b = new BackendProcess("b", ports[2], DELAY_MS);
        Process balancer = null;
        BackendProcess restarted = null;
        List<Thread> workers = new ArrayList<>();
        try {
            a.awaitListening();
            b.awaitListening();
            balancer = new ProcessBuilder(haproxy, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            waitFor("haproxy to route to both backends", 20, () -> {
                String first = get(front);
                String second = get(front);
                return first != null && second != null && !first.equals(second);
            }, dir);

            long t0 = System.nanoTime();
            for (int i = 0; i < WORKERS; i++) {
                Thread t = new Thread(() -> drive(front), "load-" + i);
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
            Thread.sleep(1500);

            // 1. SIGKILL backend a: only the requests it had in flight may fail
            long killed = System.nanoTime();
            a.kill();
            Thread.sleep(2000);
            long settled = killed + TimeUnit.MILLISECONDS.toNanos(1000);
            List<Outcome> failed = select(o -> !o.ok());
            assertTrue(failed.size() <= WORKERS, "at most one request in flight per client can fail: " + failed);
            for (Outcome o : failed) {
                assertTrue(o.sent < settled, "a request sent well after the kill failed: " + o);
                assertTrue(o.done > killed, "a request failed before the kill: " + o);
            }
            List<Outcome> after = select(o -> o.sent > settled);
            assertTrue(after.size() > 10, "the balancer kept serving after the kill: " + after.size() + " requests");
            assertTrue(after.stream().allMatch(o -> o.ok() && o.body.equals("b\n")),
                    "after the kill every request is answered by b: " + summary(after));
            assertTrue(select(o -> o.sent < killed && o.body.equals("a\n")).size() > 0, "a served before the kill");

            // 2. restart a on its port: the health checks put it back in rotation
            restarted = new BackendProcess("a", ports[1], DELAY_MS).awaitListening();
            long restartedAt = System.nanoTime();
            waitFor("the restarted backend to receive requests again", 20,
                    () -> !select(o -> o.sent > restartedAt && o.ok() && o.body.equals("a\n")).isEmpty(), dir);

            // 3. SIGTERM backend b: it stops gracefully, the balancer moves its traffic to a, nothing fails
            int failedBefore = select(o -> !o.ok()).size();
            long terminated = System.nanoTime();
            b.terminate();
            int status = b.waitFor();
            Thread.sleep(1000);
            loadRunning = false;
            for (Thread t : workers) {
                t.join(10_000);
            }
            List<Outcome> duringStop = select(o -> o.done > terminated);
            assertTrue(duringStop.size() > 10, "load went on while b stopped: " + duringStop.size());
            List<Outcome> newFailures = select(o -> !o.ok() && o.done > terminated);
            assertEquals(List.of(), newFailures, "a graceful stop fails no request (" + failedBefore
                    + " failed at the kill); b's output: " + b.output());
            assertEquals(143, status, "b ended on SIGTERM after its shutdown hook: " + b.output());
            long total = outcomes.size();
            System.out.printf(Locale.ROOT, "BalancerTest: %d requests in %.1f s, %d failed at the SIGKILL of a, 0 at"
                    + " the SIGTERM of b%n", total, (System.nanoTime() - t0) / 1e9, failed.size());
        } finally {
            loadRunning = false;
            if (balancer != null) {
                balancer.destroy();
                if (!balancer.waitFor(10, TimeUnit.SECONDS)) {
                    balancer.destroyForcibly();
                }
            }
            a.close();
            b.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    /** One client: keep-alive GETs of / through the balancer until the load stops; a new connection after an error. */
    private void drive(int port) {
        Socket s = null;
        InputStream in = null;
        while (loadRunning) {
            long sent = System.nanoTime();
            try {
                if (s == null) {
                    s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    s.setSoTimeout(10_000);
                    in = new BufferedInputStream(s.getInputStream());
                }
                sent = System.nanoTime();
                s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String[] response = readResponse(in);
                outcomes.add(new Outcome(sent, System.nanoTime(), Integer.parseInt(response[0]), response[1]));
                if ("close".equalsIgnoreCase(response[2])) {
                    s.close();
                    s = null;
                }
            } catch (IOException | RuntimeException e) {
                outcomes.add(new Outcome(sent, System.nanoTime(), -1, e.toString()));
                try {
                    if (s != null) {
                        s.close();
                    }
                } catch (IOException ignored) {
                    // already failed
                }
                s = null;
            }
        }
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // done
        }
    }

    /** Reads one response: {status, body, Connection header}. */
    private static String[] readResponse(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        String connection = "";
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            String lower = l.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).trim());
            } else if (lower.startsWith("connection:")) {
                connection = l.substring(11).trim();
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("the connection ended inside a body");
        }
        return new String[] {status.split(" ")[1], new String(body, StandardCharsets.UTF_8), connection};
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection ended before a full response");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** One GET of / on a fresh connection; its body, or null on any error or non-200. */
    private static String get(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(new BufferedInputStream(s.getInputStream()));
            return "200".equals(r[0]) ? r[1] : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private List<Outcome> select(Predicate<Outcome> p) {
        return outcomes.stream().filter(p).collect(Collectors.toList());
    }

    private static String summary(List<Outcome> list) {
        return list.stream().filter(o -> !o.ok() || !o.body.equals("b\n")).limit(10).map(Outcome::toString)
                .collect(Collectors.joining("; ", list.size() + " requests, not ok or not b: [", "]"));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(String what, int seconds, Check check, Path dir) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                Path log = dir.resolve("haproxy.log");
                throw new AssertionError("waited " + seconds + " s for " + what + "; haproxy's log: "
                        + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            Thread.sleep(50);
        }
    }

    private static String findHaproxy() {
        for (String d : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin")
                .split(File.pathSeparator)) {
            File f = new File(d, "haproxy");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    /** The checkout's root: the tests module runs in tests/. */
    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new AssertionError("cannot find deploy/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    private static int[] unusedPorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }
}
