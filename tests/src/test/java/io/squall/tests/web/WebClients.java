package io.squall.tests.web;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.squall.Future;
import io.squall.IOLoop;

/** Blocking outside clients for the web tests (curl, a raw socket), run off the loop thread. */
final class WebClients {
    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "web-test-client");
        t.setDaemon(true);
        return t;
    });
    static final Path CURL = Path.of("/usr/bin/curl");

    private WebClients() {}

    /** Runs blocking {@code fn} off the loop; the future completes on the loop. */
    static <T> Future<T> off(Callable<T> fn) {
        return IOLoop.current().runInExecutor(POOL, fn);
    }

    /** Skips the test, saying why, when curl is missing. */
    static void needCurl() {
        Assumptions.assumeTrue(Files.isExecutable(CURL),
                "this test needs curl (Debian package curl) at /usr/bin/curl; it is not installed");
    }

    /** Runs curl with {@code args}; returns its stdout; fails if it does not exit 0. */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(CURL.toString());
        cmd.add("-sS");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("curl exited " + p.exitValue() + ": " + text);
        }
        return text;
    }

    /** A response read off a raw socket. */
    static final class Raw {
        String statusLine;
        String headers;
        String body;

        /** @return the first value of header {@code name}, or null */
        String header(String name) {
            for (String l : headers.split("\n")) {
                if (l.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return l.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }

    /** Sends a request given as text (Latin-1) and reads one response; a HEAD's response has no body. */
    static Raw raw(int port, String request) throws IOException {
        return raw(port, request.getBytes(StandardCharsets.ISO_8859_1), request.startsWith("HEAD "));
    }

    /** Sends {@code request} as is on a new connection and reads one response (Content-Length framed). */
    static Raw raw(int port, byte[] request) throws IOException {
        return raw(port, request, false);
    }

    private static Raw raw(int port, byte[] request, boolean head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            Raw r = new Raw();
            r.statusLine = line(in);
            StringBuilder h = new StringBuilder();
            int length = 0;
            String l;
            while (!(l = line(in)).isEmpty()) {
                h.append(l).append('\n');
                if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    length = Integer.parseInt(l.substring(15).trim());
                }
            }
            r.headers = h.toString();
            r.body = head ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return r;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed while reading a line: " + b);
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
