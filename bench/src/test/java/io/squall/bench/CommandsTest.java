package io.squall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.Future;
import io.squall.bench.hello.HelloHandler;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each command of the bench jar starts, does its job on a small bounded run, and stops; bad arguments get
 * the usage text and status 2. Run in-process with the agent (surefire's -javaagent).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandsTest {

    @Test
    void noArgumentsPrintsUsage() {
        CommandOutput r = CommandOutput.run();
        assertEquals(2, r.status, r.toString());
        for (String command : new String[] {"seed ", "seed-servers ", "hello-server ", "http-load ", "memory ", "jmh "}) {
            assertTrue(r.err.contains("  " + command), "usage lists " + command + ":\n" + r.err);
        }
    }

    @Test
    void badArgumentsGetAClearMessageAndStatus2() {
        CommandOutput unknown = CommandOutput.run("bogus");
        assertEquals(2, unknown.status);
        assertTrue(unknown.err.contains("unknown command 'bogus'"), unknown.err);

        CommandOutput notANumber = CommandOutput.run("memory", "--count", "lots");
        assertEquals(2, notANumber.status);
        assertTrue(notANumber.err.contains("--count must be an integer, got 'lots'"), notANumber.err);
        assertTrue(notANumber.err.contains("usage: java -jar squall-bench.jar memory"), notANumber.err);

        CommandOutput noUrl = CommandOutput.run("http-load", "--parallel", "3");
        assertEquals(2, noUrl.status);
        assertTrue(noUrl.err.contains("missing the URL to fetch"), noUrl.err);

        CommandOutput badOption = CommandOutput.run("seed", "--paralel", "3");
        assertEquals(2, badOption.status);
        assertTrue(badOption.err.contains("unknown option --paralel"), badOption.err);

        CommandOutput badUrl = CommandOutput.run("http-load", "ftp://127.0.0.1/");
        assertEquals(2, badUrl.status);
        assertTrue(badUrl.err.contains("only http://host[:port]/path URLs"), badUrl.err);
    }

    @Test
    void jmhListsEveryBenchmark() {
        CommandOutput r = CommandOutput.run("jmh", "-l");
        assertEquals(0, r.status, r.toString());
        for (String system : new String[] {"squall", "cf", "ea", "callback"}) {
            for (String shape : new String[] {"done", "hop", "chain"}) {
                assertTrue(r.out.contains("io.squall.bench.AwaitBench." + system + "_" + shape), r.out);
            }
        }
        if (Runtime.version().feature() < 21) {
            assertTrue(r.out.contains("vt_* benchmarks skipped"), r.out);
            assertTrue(!r.out.contains("AwaitBench.vt_"), r.out);
        } else {
            assertTrue(r.out.contains("io.squall.bench.AwaitBench.vt_hop"), r.out);
        }
    }

    @Test
    void memoryMeasuresEverySystemAndChecksTheirResults() {
        CommandOutput r = CommandOutput.run("memory", "--count", "1000");
        assertEquals(0, r.status, r.toString());
        for (String system : new String[] {"squall", "cf", "ea"}) {
            r.find("^(" + system + ") +-?[0-9.]+ B +-?[0-9.]+ B");
        }
        if (Runtime.version().feature() < 21) {
            r.find("^(vt) +skipped: virtual threads need JDK 21");
        } else {
            r.find("^(vt) +-?[0-9.]+ B");
        }
        r.find("^(ratio cf/squall): ");
    }

    @Test
    void httpLoadFetchesFromAServer() throws Exception {
        HTTPServer server = new HTTPServer(new Application(Application.route("/hello", HelloHandler::new)));
        server.bind(0, "127.0.0.1");
        server.start(1);
        try {
            String url = "http://127.0.0.1:" + server.port() + "/hello";
            CommandOutput r = CommandOutput.run("http-load", "--parallel", "4", "--seconds", "1", url);
            assertEquals(0, r.status, r.toString());
            long fetches = Long.parseLong(r.find("^(\\d+) fetches, \\d+ max parallel, \\d+ bytes, in 1 seconds$"));
            assertTrue(fetches > 0, r.out);
            assertEquals(fetches, Long.parseLong(r.find("^  code 200 -- (\\d+)$")), r.out);
            assertEquals("0", r.find("^errors: (\\d+)"), r.out);
            assertEquals(fetches * HelloHandler.BODY.length(), Long.parseLong(r.find("max parallel, (\\d+) bytes")));
            r.find("^(msecs/connect): [0-9.]+ mean");
            r.find("^(msecs/first-response): [0-9.]+ mean");

            CommandOutput k = CommandOutput.run("http-load", "--parallel", "2", "--seconds", "1", "--keepalive", url);
            assertEquals(0, k.status, k.toString());
            assertTrue(Long.parseLong(k.find("^  code 200 -- (\\d+)$")) > 0, k.out);
            assertEquals("0", k.find("^errors: (\\d+)"), k.out);
        } finally {
            server.stop();
        }
    }

    /** Writes its body in two flushed pieces: chunked on HTTP/1.1, close-delimited on HTTP/1.0. */
    public static final class TwoPieces extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("abc");
            flush();
            write("defg");
            return null;
        }
    }

    @Test
    void httpLoadReadsChunkedAndCloseDelimitedBodies() throws Exception {
        HTTPServer server = new HTTPServer(new Application(Application.route("/pieces", TwoPieces::new)));
        server.bind(0, "127.0.0.1");
        server.start(1);
        try {
            String url = "http://127.0.0.1:" + server.port() + "/pieces";
            for (String[] args : new String[][] {{"--keepalive"}, {}}) {
                String[] words = new String[args.length + 5];
                System.arraycopy(new String[] {"http-load", "--parallel", "2", "--seconds", "1"}, 0, words, 0, 5);
                System.arraycopy(args, 0, words, 5, args.length);
                words = java.util.Arrays.copyOf(words, words.length + 1);
                words[words.length - 1] = url;
                CommandOutput r = CommandOutput.run(words);
                assertEquals(0, r.status, r.toString());
                long fetches = Long.parseLong(r.find("^  code 200 -- (\\d+)$"));
                assertTrue(fetches > 0, r.out);
                assertEquals("0", r.find("^errors: (\\d+)"), r.out);
                assertEquals(fetches * 7, Long.parseLong(r.find("max parallel, (\\d+) bytes")), r.out);
            }
        } finally {
            server.stop();
        }
    }

    @Test
    void seedRunsEveryVariant() {
        CommandOutput r = CommandOutput.run("seed", "--parallel", "5", "--seconds", "3", "--delay-ms", "200");
        assertEquals(0, r.status, r.toString());
        for (String variant : new String[] {"async", "raw", "blocking"}) {
            Matcher m = Pattern.compile("^" + variant + " +(\\d+) +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +(\\d+) ",
                    Pattern.MULTILINE).matcher(r.out);
            assertTrue(m.find(), "summary row for " + variant + ":\n" + r.out);
            assertTrue(Long.parseLong(m.group(1)) > 0, variant + " fetched nothing:\n" + r.out);
            assertEquals("0", m.group(2), variant + " had errors:\n" + r.out);
        }
        r.find("^(limit): parallel / delay = 25.00 fetches/sec");
    }

    @Test
    void seedServersServeTheEchoReplyUntilStopped() throws Exception {
        StartedCommand c = StartedCommand.start("seed-servers", "--echo-port", "0", "--blocking-port", "0",
                "--async-port", "0", "--raw-port", "0", "--delay-ms", "100", "--seconds", "3");
        for (String label : new String[] {"blocking handler", "async handler", "raw handler"}) {
            int port = Integer.parseInt(c.awaitLine(label + ": +http://127\\.0\\.0\\.1:(\\d+)/"));
            String[] response = CommandOutput.get(port, "/");
            assertEquals("HTTP/1.1 200 OK", response[0], label);
            assertEquals("Hello from Squall\n", response[1], label);
        }
        assertEquals(0, c.await(), c.output());
    }

    @Test
    void helloServersAnswerHelloWorld() throws Exception {
        for (String command : new String[] {"hello-server", "netty-hello-server"}) {
            StartedCommand c = StartedCommand.start(command, "--port", "0", "--seconds", "2");
            int port = Integer.parseInt(c.awaitLine("http://127\\.0\\.0\\.1:(\\d+)/hello"));
            String[] response = CommandOutput.get(port, "/hello");
            assertTrue(response[0].startsWith("HTTP/1."), command + ": " + response[0]);
            assertTrue(response[0].endsWith(" 200 OK"), command + ": " + response[0]);
            assertEquals("Hello, world", response[1], command);
            assertEquals(0, c.await(), c.output());
        }
    }

    /** A command running on its own thread, whose output is read line by line as it comes. */
    static final class StartedCommand {
        private final CompletableFuture<Integer> status = new CompletableFuture<>();
        private final BufferedReader lines;
        private final StringBuilder seen = new StringBuilder();

        private StartedCommand(String... args) throws IOException {
            PipedInputStream in = new PipedInputStream(1 << 16);
            PrintStream out = new PrintStream(new PipedOutputStream(in), true, StandardCharsets.UTF_8);
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Thread t = new Thread(() -> {
                try {
                    status.complete(Main.run(args, out, System.err));
                } catch (Throwable e) {
                    status.completeExceptionally(e);
                } finally {
                    out.close();
                }
            }, "command-" + args[0]);
            t.setDaemon(true);
            t.start();
        }

        static StartedCommand start(String... args) throws IOException {
            return new StartedCommand(args);
        }

        /** Reads lines until one matches; returns group 1. */
        String awaitLine(String regex) throws IOException {
            Pattern p = Pattern.compile(regex);
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            throw new AssertionError("the command ended without printing /" + regex + "/:\n" + seen);
        }

        int await() throws Exception {
            String line;
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
            }
            return status.get(60, TimeUnit.SECONDS);
        }

        String output() {
            return seen.toString();
        }
    }
}
