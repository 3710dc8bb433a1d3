package io.squall.bench.load;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A load generator with http_load's semantics, written with Squall coroutines on Squall's own
 * {@link TCPClient} and {@link IOStream}, all on one {@link IOLoop}. {@code parallel} workers fetch the URL
 * in a loop for {@code seconds}: a new connection per fetch (HTTP/1.0) unless keep-alive is asked for. Only
 * fetches that finish inside the window count; at the end of the window every connection still open is
 * closed and every pending connect abandoned.
 */
public final class HttpLoad {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HEAD = 64 * 1024;

    private final LoadTarget target;
    private final int parallel;
    private final double seconds;
    private final boolean keepAlive;
    private final byte[] request;
    private final TCPClient client = new TCPClient();
    private final LoadResult result;

    private final Set<IOStream> open = new HashSet<>();
    private final Set<Future<IOStream>> connecting = new HashSet<>();
    private boolean finished;
    private long start;
    private long deadline;
    private int inFlight;

    /**
     * Prepares a run.
     *
     * @param target what to fetch
     * @param parallel how many fetches to keep in flight
     * @param seconds how long to run
     * @param keepAlive reuse connections (HTTP/1.1) instead of one per fetch
     */
    public HttpLoad(LoadTarget target, int parallel, double seconds, boolean keepAlive) {
        if (parallel < 1) {
            throw new IllegalArgumentException("HttpLoad: parallel must be at least 1, got " + parallel);
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("HttpLoad: seconds must be positive, got " + seconds);
        }
        this.target = target;
        this.parallel = parallel;
        this.seconds = seconds;
        this.keepAlive = keepAlive;
        this.request = target.request(keepAlive);
        this.result = new LoadResult(target.url(), parallel, seconds, keepAlive);
    }

    /**
     * Runs the load on a new IOLoop on the calling thread and returns when the window is over and every
     * worker has stopped.
     *
     * @return the figures
     */
    public LoadResult run() {
        IOLoop loop = new IOLoop();
        try {
            return loop.runSync(this::runOnLoop);
        } finally {
            loop.close();
        }
    }

    @Coroutine
    private Future<LoadResult> runOnLoop() {
        start = System.nanoTime();
        deadline = start + (long) (seconds * 1e9);
        List<Future<Void>> workers = new ArrayList<>(parallel);
        for (int i = 0; i < parallel; i++) {
            workers.add(worker());
        }
        await(Gen.sleep(Duration.ofNanos(deadline - System.nanoTime())));
        finished = true;
        for (Future<IOStream> f : new ArrayList<>(connecting)) {
            f.cancel();
        }
        for (IOStream s : new ArrayList<>(open)) {
            s.close();
        }
        await(Gen.multi(workers));
        return Future.of(result);
    }

    @Coroutine
    private Future<Void> worker() {
        IOStream stream = null;
        boolean backOff = false;
        while (!finished) {
            long t0 = System.nanoTime();
            boolean fresh = false;
            try {
                if (stream == null) {
                    Future<IOStream> connect = client.connect(target.host(), target.port());
                    connecting.add(connect);
                    try {
                        stream = await(connect);
                    } finally {
                        connecting.remove(connect);
                    }
                    if (finished) {
                        stream.close();
                        stream = null;
                        break;
                    }
                    open.add(stream);
                    fresh = true;
                }
                long t1 = System.nanoTime();
                inFlight++;
                result.maxParallel = Math.max(result.maxParallel, inFlight);
                ResponseHead head;
                long bodyBytes;
                byte[] headBytes;
                long t2;
                try {
                    await(stream.write(request));
                    headBytes = await(stream.readUntil(CRLF_CRLF, MAX_HEAD));
                    t2 = System.nanoTime();
                    head = ResponseHead.parse(headBytes);
                    bodyBytes = await(readBody(stream, head));
                } finally {
                    inFlight--;
                }
                long t3 = System.nanoTime();
                if (!keepAlive || head.close) {
                    open.remove(stream);
                    stream.close();
                    stream = null;
                }
                if (t3 - deadline > 0) {
                    break; // finished after the window: not counted, as http_load
                }
                result.record(fresh ? t1 - t0 : -1, t2 - t1, t3 - t0, bodyBytes, head.code, t3 - start);
            } catch (Throwable e) {
                if (stream != null) {
                    open.remove(stream);
                    stream.close();
                    stream = null;
                }
                if (!finished && System.nanoTime() - deadline <= 0) {
                    result.error(e);
                    backOff = true;
                }
            }
            if (backOff) {
                backOff = false;
                await(Gen.moment()); // a refused connect fails at once: let the others run
            }
        }
        if (stream != null) {
            open.remove(stream);
            stream.close();
        }
        return null;
    }

    /** Reads the body as the head frames it and returns its length. */
    @Coroutine
    private static Future<Long> readBody(IOStream stream, ResponseHead head) {
        if (head.noBody) {
            return Future.of(0L);
        }
        if (head.chunked) {
            long total = 0;
            while (true) {
                byte[] line = await(stream.readUntil(CRLF, 1024));
                int size = parseChunkSize(line);
                if (size == 0) {
                    while (await(stream.readUntil(CRLF, MAX_HEAD)).length > 2) {
                        // trailers: skipped
                    }
                    return Future.of(total);
                }
                await(stream.readBytes(size + 2));
                total += size;
            }
        }
        if (head.contentLength >= 0) {
            if (head.contentLength > Integer.MAX_VALUE) {
                throw new UncheckedIOException(new IOException("response body too large for http-load: "
                        + head.contentLength));
            }
            if (head.contentLength > 0) {
                await(stream.readBytes((int) head.contentLength));
            }
            return Future.of(head.contentLength);
        }
        return Future.of((long) await(stream.readUntilClose()).length);
    }

    private static int parseChunkSize(byte[] line) {
        String s = new String(line, StandardCharsets.ISO_8859_1).trim();
        int semi = s.indexOf(';');
        if (semi >= 0) {
            s = s.substring(0, semi).trim();
        }
        try {
            int n = Integer.parseInt(s, 16);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UncheckedIOException(new IOException("bad chunk size line '" + s + "'"));
        }
    }
}
