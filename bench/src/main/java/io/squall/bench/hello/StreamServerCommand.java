package io.squall.bench.hello;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.annotations.Coroutine;
import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.http.StreamRequestBody;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * {@code stream-server [--port 8085] [--seconds S]}: streamed bodies on 127.0.0.1, one loop; the Squall side
 * of bench/compare-stream.sh. {@code PUT /upload} takes a body of any size piece by piece and answers its
 * length and CRC-32; {@code GET /download/N} sends N MiB in 64 KiB pieces, awaiting each {@code flush()}.
 */
public final class StreamServerCommand implements Command {
    /** Counts and checksums an upload as it arrives. */
    @StreamRequestBody(maxBodySize = Long.MAX_VALUE)
    public static class Upload extends RequestHandler {
        private final CRC32 crc = new CRC32();
        private long size;

        @Override
        protected Future<Void> dataReceived(byte[] chunk) {
            crc.update(chunk);
            size += chunk.length;
            return null;
        }

        @Override
        public Future<?> put(String... args) {
            write(size + " " + Long.toHexString(crc.getValue()) + "\n");
            return null;
        }
    }

    /** Sends N MiB of a fixed 64 KiB block, one awaited flush per block. */
    public static class Download extends RequestHandler {
        private static final byte[] BLOCK = new byte[64 << 10];

        @Coroutine
        @Override
        public Future<?> get(String... args) {
            long blocks = Long.parseLong(args[0]) * 16;
            for (long i = 0; i < blocks; i++) {
                write(BLOCK);
                await(flush());
            }
            return null;
        }
    }

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("stream-server", words, Set.of("port", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8085, 0, 65535);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        HTTPServer server = new HTTPServer(new Application()
                .addHandler("/upload", Upload.class)
                .addHandler("/download/(\\d+)", Download.class));
        server.bind(port, "127.0.0.1");
        server.start(1);
        out.println("squall stream-server: http://127.0.0.1:" + server.port() + "/");
        out.flush();
        ServerRun.runUntilStopped(seconds, ServerRun.graceful(server));
        return 0;
    }
}
