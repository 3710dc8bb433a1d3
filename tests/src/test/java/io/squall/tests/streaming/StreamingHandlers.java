package io.squall.tests.streaming;

import static io.squall.Async.await;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.http.RequestHandler;
import io.squall.http.StreamRequestBody;

/** Handlers shared by the streaming tests (public static: the routes make them by reflection). */
final class StreamingHandlers {
    static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());
    /** When set, every dataReceived waits for it: the test holds the handler to observe back-pressure. */
    static volatile Future<Void> gate;
    static final AtomicLong RECEIVED = new AtomicLong();
    static final AtomicLong FLUSHED = new AtomicLong();
    static volatile FileChannel lastChannel;
    static volatile Path lastFile;

    private StreamingHandlers() {}

    static void reset() {
        EVENTS.clear();
        gate = null;
        RECEIVED.set(0);
        FLUSHED.set(0);
        lastChannel = null;
        lastFile = null;
    }

    /** A pseudo-random but reproducible byte at offset {@code i} of a generated body. */
    static byte byteAt(long i) {
        long x = i * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ i);
    }

    /** Fills {@code buf} with the generated body from offset {@code from}. */
    static void fill(byte[] buf, int len, long from) {
        for (int i = 0; i < len; i++) {
            buf[i] = byteAt(from + i);
        }
    }

    /** Counts and checksums the body as it arrives, answering "bytes crc32hex" from put/post. */
    @StreamRequestBody(maxBodySize = 1L << 40)
    public static class Checksum extends RequestHandler {
        private final CRC32 crc = new CRC32();
        private long bytes;
        private long pieces;

        @Override
        protected Future<?> prepare() {
            EVENTS.add("prepare");
            return null;
        }

        @Coroutine
        @Override
        protected Future<Void> dataReceived(byte[] chunk) {
            if (pieces++ == 0) {
                EVENTS.add("first piece");
            }
            Future<Void> g = gate;
            if (g != null) {
                await(g);
            } else if (pieces % 16 == 0) {
                await(Gen.moment()); // a real suspension now and then: each piece is one coroutine step
            }
            crc.update(chunk);
            bytes += chunk.length;
            RECEIVED.addAndGet(chunk.length);
            return Future.of(null);
        }

        @Override
        public Future<?> put(String... args) {
            EVENTS.add("put");
            write(bytes + " " + Long.toHexString(crc.getValue()) + " " + pieces);
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            return put(args);
        }
    }

    /** Streams at most 1 MiB; more is answered 413. */
    @StreamRequestBody(maxBodySize = 1 << 20)
    public static class Small extends Checksum {}

    /** Writes each piece to a temp file; deletes it when the client leaves. */
    @StreamRequestBody(maxBodySize = 1L << 40)
    public static class ToFile extends RequestHandler {
        private FileChannel out;
        private Path file;

        @Override
        protected Future<?> prepare() {
            try {
                file = Files.createTempFile("squall-upload", ".bin");
                out = FileChannel.open(file, StandardOpenOption.WRITE);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            lastChannel = out;
            lastFile = file;
            return null;
        }

        @Override
        protected Future<Void> dataReceived(byte[] chunk) throws Exception {
            out.write(java.nio.ByteBuffer.wrap(chunk));
            RECEIVED.addAndGet(chunk.length);
            return null;
        }

        @Override
        public Future<?> put(String... args) throws RuntimeException {
            try {
                write(Long.toString(out.size()));
                out.close();
                Files.delete(file);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        }

        @Override
        protected void onConnectionClose() {
            EVENTS.add("onConnectionClose");
            try {
                out.close();
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                EVENTS.add("cleanup failed: " + e);
            }
        }
    }

    /** GET /download/MiB: the generated body in 64 KiB pieces, each flush awaited. */
    public static class Download extends RequestHandler {
        @Coroutine
        @Override
        public Future<?> get(String... args) {
            long total = Long.parseLong(args[0]) << 20;
            byte[] buf = new byte[64 << 10];
            EVENTS.add("download started");
            try {
                for (long sent = 0; sent < total; sent += buf.length) {
                    int n = (int) Math.min(buf.length, total - sent);
                    fill(buf, n, sent);
                    write(n == buf.length ? buf.clone() : java.util.Arrays.copyOf(buf, n));
                    await(flush());                   // done once the socket took it: a slow client slows us
                    FLUSHED.addAndGet(n);
                }
                EVENTS.add("download done");
            } catch (RuntimeException e) {
                EVENTS.add("download failed: " + e.getClass().getSimpleName());
                throw e;
            } finally {
                EVENTS.add("finally");
            }
            return null;
        }

        @Override
        protected void onConnectionClose() {
            EVENTS.add("onConnectionClose");
        }
    }
}
