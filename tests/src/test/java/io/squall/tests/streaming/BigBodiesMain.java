package io.squall.tests.streaming;

import static io.squall.Async.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.Application;
import io.squall.http.BodyProducer;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * Run in a child JVM with a small heap by {@link BigBodiesTest}: uploads N MiB through a
 * {@code @StreamRequestBody} handler and downloads N MiB from a handler that awaits each {@code flush()},
 * both over 127.0.0.1, and prints the checksums and the heap it needed.
 */
public final class BigBodiesMain {
    static final int PIECE = 64 << 10;

    private BigBodiesMain() {}

    /** Piece {@code k} of a generated body: a fixed random block stamped with its index. */
    static byte[] piece(byte[] block, long k) {
        byte[] b = block.clone();
        ByteBuffer.wrap(b).putLong(0, k).putLong(PIECE - 8, ~k);
        return b;
    }

    static byte[] block() {
        byte[] b = new byte[PIECE];
        new java.util.Random(42).nextBytes(b);
        return b;
    }

    /** GET /big/N: N MiB of generated pieces, each flush awaited. */
    public static class BigDownload extends RequestHandler {
        @Coroutine
        @Override
        public Future<?> get(String... args) {
            long pieces = (Long.parseLong(args[0]) << 20) / PIECE;
            byte[] block = block();
            for (long k = 0; k < pieces; k++) {
                write(piece(block, k));
                await(flush());
            }
            return null;
        }
    }

    @Coroutine
    static Future<Void> produce(BodyProducer.Writer write, long pieces, CRC32 expected) {
        byte[] block = block();
        for (long k = 0; k < pieces; k++) {
            byte[] p = piece(block, k);
            expected.update(p);
            await(write.write(p));
        }
        return Future.of(null);
    }

    public static void main(String[] args) {
        long mib = Long.parseLong(args[0]);
        long pieces = (mib << 20) / PIECE;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        HTTPServer server = new HTTPServer(new Application()
                .addHandler("/sum", StreamingHandlers.Checksum.class)
                .addHandler("/big/(\\d+)", BigDownload.class));
        server.listen(0, "127.0.0.1");
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        String base = "http://127.0.0.1:" + server.port();
        Duration limit = Duration.ofMinutes(10);

        long t0 = System.nanoTime();
        CRC32 sent = new CRC32();
        HTTPResponse up = loop.runSync(() -> client.fetch(new HTTPRequest(base + "/sum").method("PUT")
                .requestTimeout(limit).bodyProducer(w -> produce(w, pieces, sent))), limit);
        long t1 = System.nanoTime();
        System.out.println("upload " + up.bodyAsString().split(" ")[0] + " " + up.bodyAsString().split(" ")[1]
                + " expected " + (pieces * PIECE) + " " + Long.toHexString(sent.getValue()));

        CRC32 got = new CRC32();
        CRC32 expected = new CRC32();
        byte[] block = block();
        for (long k = 0; k < pieces; k++) {
            expected.update(piece(block, k));
        }
        AtomicLong bytes = new AtomicLong();
        HTTPResponse down = loop.runSync(() -> client.fetch(new HTTPRequest(base + "/big/" + mib)
                .requestTimeout(limit).streamingCallback(chunk -> {
                    got.update(chunk);
                    bytes.addAndGet(chunk.length);
                    return null;
                })), limit);
        long t2 = System.nanoTime();
        System.out.println("download " + down.code() + " " + bytes.get() + " " + Long.toHexString(got.getValue())
                + " expected " + (pieces * PIECE) + " " + Long.toHexString(expected.getValue()));

        long peak = 0;
        long liveAfterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
                MemoryUsage after = pool.getCollectionUsage();
                if (after != null) {
                    liveAfterGc += after.getUsed();
                }
            }
        }
        System.out.println("maxHeap " + Runtime.getRuntime().maxMemory() + " peakHeap " + peak
                + " heapAfterLastGc " + liveAfterGc);
        System.out.println("seconds " + (t1 - t0) / 1_000_000_000.0 + " " + (t2 - t1) / 1_000_000_000.0);
        client.close();
        server.stop();
        server.closeAllConnections();
        loop.runSync(() -> io.squall.Gen.sleep(Duration.ofMillis(10)));
        loop.close();
    }
}
