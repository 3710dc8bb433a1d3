package io.squall.tests.streaming;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.Application;
import io.squall.http.BodyProducer;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.http.StreamRequestBody;

/** The README's streamed upload, as written there (only the port differs), run with the agent. */
@Timeout(60)
class ReadmeStreamingTest {
    @StreamRequestBody(maxBodySize = 10L << 30)              // up to 10 GiB, never held in memory
    public static class UploadHandler extends RequestHandler {
        private final CRC32 crc = new CRC32();
        private long size;

        @Coroutine
        @Override
        protected Future<Void> dataReceived(byte[] chunk) {  // after prepare(), one piece at a time:
            crc.update(chunk);                                // nothing more is read until this is done
            size += chunk.length;
            return Future.of(null);
        }

        @Override
        public Future<?> put(String... args) {               // after the last piece
            write(size + " bytes, crc " + Long.toHexString(crc.getValue()));
            return null;
        }
    }

    @Coroutine
    static Future<String> upload(String url, Path file) {
        HTTPRequest request = new HTTPRequest(url).method("PUT")
                .bodyProducer(write -> send(write, file));   // no Content-Length given: sent chunked
        return Future.of(await(AsyncHTTPClient.shared().fetch(request)).bodyAsString());
    }

    @Coroutine
    static Future<Void> send(BodyProducer.Writer write, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] piece;
            while ((piece = in.readNBytes(64 << 10)).length > 0) {
                await(write.write(piece));                    // done once the socket took it
            }
        }
        return Future.of(null);
    }

    @Test
    void readmeUpload(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Path file = Files.write(dir.resolve("big.bin"), data);
        CRC32 crc = new CRC32();
        crc.update(data);
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        HTTPServer server = new Application().addHandler("/upload", UploadHandler.class).listen(0, "127.0.0.1");
        try {
            String reply = loop.runSync(() -> upload("http://127.0.0.1:" + server.port() + "/upload", file),
                    Duration.ofSeconds(30));
            assertEquals(data.length + " bytes, crc " + Long.toHexString(crc.getValue()), reply);
        } finally {
            server.stop();
            loop.close();
        }
    }
}
