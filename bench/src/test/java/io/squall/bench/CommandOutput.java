package io.squall.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs commands in-process or as the real jar, and fetches URLs with a plain socket, for the tests. */
final class CommandOutput {
    final int status;
    final String out;
    final String err;

    private CommandOutput(int status, String out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code Main.run(args)} in this JVM. */
    static CommandOutput run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new CommandOutput(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code java -jar jar args} (no -javaagent) and waits at most {@code limit}. */
    static CommandOutput runJar(String jar, Duration limit, String... args) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + "/bin/java";
        String[] cmd = new String[args.length + 4];
        cmd[0] = java;
        // The smoke runs measure nothing, so they must not fail (or wait) because a real benchmark run
        // on this machine holds JMH's global /tmp/jmh.lock.
        cmd[1] = "-Djmh.ignoreLock=true";
        cmd[2] = "-jar";
        cmd[3] = jar;
        System.arraycopy(args, 0, cmd, 4, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().remove(AgentBootstrap.JAR_ENV);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -jar " + String.join(" ", args) + " did not end within " + limit
                    + "; output so far:\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
        }
        o.join();
        e.join();
        return new CommandOutput(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread pump(InputStream in, OutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Returns group 1 of the first match of {@code regex} in the output, failing the test if none. */
    String find(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
        if (!m.find()) {
            throw new AssertionError("no match for /" + regex + "/ in:\n" + out + "\nstderr:\n" + err);
        }
        return m.group(1);
    }

    @Override
    public String toString() {
        return "status " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }

    /** GETs {@code path} from 127.0.0.1:{@code port} over HTTP/1.0 and returns status line and body. */
    static String[] get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IOException("no complete response head: " + response);
            }
            return new String[] {response.substring(0, response.indexOf("\r\n")), response.substring(end + 4)};
        }
    }
}
