package io.squall.bench.seed;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.UsageException;
import io.squall.bench.load.HttpLoad;
import io.squall.bench.load.LoadResult;
import io.squall.bench.load.LoadTarget;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code seed [--parallel 200] [--seconds 10] [--delay-ms 2000] [--variants async,raw,blocking]}: the seed's
 * experiment. Starts the echo server and the HTTP servers in-process on free loopback ports, runs
 * {@link HttpLoad} against each variant in turn, and prints each run's http_load lines and a comparison
 * with the seed's published figures and the ceiling the echo delay allows.
 */
public final class SeedCommand implements Command {
    /** The seed's published fetches/sec, by variant (Tornado: blocking 0.4, async 79.99). */
    static final Map<String, Double> PUBLISHED = Map.of("blocking", 0.4, "async", 79.99, "raw", 79.99);
    private static final List<String> ALL = List.of("async", "raw", "blocking");

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("seed", words, Set.of("parallel", "seconds", "delay-ms", "variants", "warmup-seconds"),
                Set.of());
        a.expectPositional(0, 0, "");
        int parallel = a.intOption("parallel", 200, 1, 20_000);
        double seconds = a.positiveOption("seconds", 10, 3600);
        int delayMs = a.intOption("delay-ms", 2000, 0, 600_000);
        double warmup = a.doubleOption("warmup-seconds", 0, 0, 3600);
        List<String> variants = new ArrayList<>();
        for (String v : a.stringOption("variants", String.join(",", ALL)).split(",")) {
            String name = v.trim();
            if (!ALL.contains(name)) {
                throw new UsageException("seed: unknown variant '" + name + "' (known: " + ALL + ")");
            }
            if (variants.contains(name)) {
                throw new UsageException("seed: variant '" + name + "' is given twice");
            }
            variants.add(name);
        }
        SeedServers.Config config = new SeedServers.Config();
        config.delay = Duration.ofMillis(delayMs);
        config.blockingPort = variants.contains("blocking") ? 0 : -1;
        config.asyncPort = variants.contains("async") ? 0 : -1;
        config.rawPort = variants.contains("raw") ? 0 : -1;

        out.printf(Locale.ROOT, "# seed: echo server answering after %d ms, one HTTP server per handler variant;"
                + " http-load --parallel %d --seconds %s against each (JDK %s, %d CPUs)%n", delayMs, parallel,
                fmt(seconds), Runtime.version(), Runtime.getRuntime().availableProcessors());
        Map<String, LoadResult> results = new LinkedHashMap<>();
        SeedServers servers = SeedServers.start(config);
        try {
            out.println("# echo server on " + servers.echoHostPort());
            for (String variant : variants) {
                String url = servers.url(variant);
                out.println();
                out.println("## " + variant + " (" + describe(variant) + "): " + url);
                if (warmup > 0 && !variant.equals("blocking")) {
                    warmUp(out, url, parallel, warmup, delayMs);
                }
                LoadResult r = new HttpLoad(LoadTarget.parse(url), parallel, seconds, false).run();
                r.print(out);
                results.put(variant, r);
                out.flush();
            }
        } finally {
            closeInBackground(servers);
        }
        out.println();
        printSummary(out, results, parallel, seconds, delayMs);
        return 0;
    }

    /**
     * Loads the server for {@code seconds} unmeasured (so the JIT has compiled the request path), then waits
     * for the requests still in flight at the server to finish before the measured window opens.
     */
    private static void warmUp(PrintStream out, String url, int parallel, double seconds, int delayMs)
            throws InterruptedException {
        LoadResult w = new HttpLoad(LoadTarget.parse(url), parallel, seconds, false).run();
        out.printf(Locale.ROOT, "(warm-up: %d fetches in %s s, not counted)%n", w.fetches(), fmt(seconds));
        Thread.sleep(delayMs + 500L);
    }

    private static String describe(String variant) {
        switch (variant) {
            case "blocking":
                return "MainHandler, a blocking java.net.Socket inside get";
            case "async":
                return "TCPClient + IOStream with await";
            case "raw":
                return "raw SocketChannel with IOLoop.addHandler, like the seed's get_data";
            default:
                throw new AssertionError(variant);
        }
    }

    static void printSummary(PrintStream out, Map<String, LoadResult> results, int parallel, double seconds, int delayMs) {
        double limit = delayMs == 0 ? Double.POSITIVE_INFINITY : parallel * 1000.0 / delayMs;
        long rounds = delayMs == 0 ? 0 : roundsInWindow(seconds, delayMs);
        out.println("# summary (fetches/sec as http_load counts them: fetches finished inside the window / window)");
        out.printf(Locale.ROOT, "%-9s %8s %12s %12s %16s %16s %7s %10s%n", "variant", "fetches", "fetches/sec",
                "sustained/s", "mean 1st-resp ms", "max 1st-resp ms", "errors", "seed");
        for (Map.Entry<String, LoadResult> e : results.entrySet()) {
            LoadResult r = e.getValue();
            out.printf(Locale.ROOT, "%-9s %8d %12.2f %12.2f %16.1f %16.1f %7d %10s%n", e.getKey(), r.fetches(),
                    r.fetchesPerSecond(), r.sustainedPerSecond(), r.firstResponse().meanMillis(),
                    r.firstResponse().maxMillis(), r.errorCount(), String.format(Locale.ROOT, "%.2f", PUBLISHED.get(e.getKey())));
        }
        if (delayMs > 0) {
            out.printf(Locale.ROOT, "limit: parallel / delay = %.2f fetches/sec; inside a %s s window each client"
                    + " finishes at most %d fetches, so the window's ceiling is %d fetches = %.2f fetches/sec"
                    + " (blocking: one at a time, %d fetches = %.2f/sec)%n", limit, fmt(seconds), rounds,
                    rounds * parallel, rounds * parallel / seconds, rounds, rounds / seconds);
        }
    }

    /** The most sequential fetches of {@code delayMs} each that finish strictly inside the window. */
    static long roundsInWindow(double seconds, int delayMs) {
        double windowMs = seconds * 1000.0;
        long k = (long) Math.floor(windowMs / delayMs);
        if (k * (double) delayMs >= windowMs) {
            k--; // a fetch needs a little more than the delay, so one ending exactly at the window is lost
        }
        return Math.max(k, 0);
    }

    private static void closeInBackground(SeedServers servers) throws InterruptedException {
        // The blocking server may still be working through queued connections, 2 s each; stopping waits for
        // its loop, so stop everything on a daemon thread and give it a few seconds.
        Thread t = new Thread(servers::close, "seed-servers-stop");
        t.setDaemon(true);
        t.start();
        t.join(5_000);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
