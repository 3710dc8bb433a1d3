package io.squall.websocket;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Python scripts of {@code src/test/resources/websocket} with Debian's {@code /usr/bin/python3} and
 * its {@code websockets} module (package python3-websockets), the outside peer of the WebSocket tests.
 * Scripts print {@code name=value} lines.
 */
final class PythonPeer {
    static final String PYTHON = "/usr/bin/python3";

    private PythonPeer() {}

    /** Fails the test with what to install when the peer is missing. */
    static void requirePeer() {
        assertTrue(Files.isExecutable(Paths.get(PYTHON)), "this test needs " + PYTHON
                + " with the websockets module (Debian packages python3 and python3-websockets)");
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import websockets").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                fail("this test needs the websockets module of " + PYTHON + " (Debian package python3-websockets): "
                        + out);
            }
        } catch (IOException | InterruptedException e) {
            fail("cannot run " + PYTHON + ": " + e);
        }
    }

    static Path script(String name) {
        try {
            return Paths.get(PythonPeer.class.getResource("/websocket/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a script to its end (at most 90 s) and returns its name=value lines; fails on a non-zero exit. */
    static Map<String, String> run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(script + " did not finish; output so far:\n" + out);
        }
        if (p.exitValue() != 0) {
            fail(script + " exited with " + p.exitValue() + ":\n" + out);
        }
        return parse(out);
    }

    /** Starts a server script; its first line must be {@code port=N}. Closing its stdin stops it. */
    static Server startServer(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (first == null || !first.startsWith("port=")) {
            p.destroyForcibly();
            fail(script + " did not start: " + first);
        }
        return new Server(p, Integer.parseInt(first.substring(5).trim()));
    }

    static Map<String, String> parse(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** A running Python server. */
    static final class Server implements AutoCloseable {
        final Process process;
        final int port;

        Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
