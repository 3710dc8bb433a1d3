package io.squall.tests.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.squall.Future;
import io.squall.http.HTTPHeaders;
import io.squall.http.MultipartParser;
import io.squall.http.RequestHandler;
import io.squall.http.StreamRequestBody;

// The README's "Forms and uploads" recipe, as written there (only the package line is added).
@StreamRequestBody(maxBodySize = 1L << 30)                    // up to 1 GiB, never held in memory
public class FormUploadHandler extends RequestHandler implements MultipartParser.Receiver {
    private static final Path UPLOADS = Path.of(System.getProperty("java.io.tmpdir"));
    private final List<String> saved = new ArrayList<>();
    private MultipartParser parser;
    private FileChannel file;                                 // the file part being written, or null
    private Path target;                                      // where it goes
    private long size;

    @Override
    protected Future<?> prepare() {
        parser = MultipartParser.forRequest(request(), this); // 400 unless multipart/form-data
        return null;
    }

    @Override
    protected Future<Void> dataReceived(byte[] chunk) {
        return parser.feed(chunk);                            // nothing more is read until it is done
    }

    @Override
    public Future<?> post(String... args) {
        parser.finish();                                      // 400 if the body ended inside a part
        setHeader("Content-Type", "text/plain; charset=UTF-8");
        write(String.join("\n", saved));
        return null;
    }

    @Override
    public Future<?> partBegin(String name, String filename, HTTPHeaders headers) throws IOException {
        if (filename != null) {                               // the client's name is a label, not a path
            target = Files.createTempFile(UPLOADS, "upload-", ".bin");
            file = FileChannel.open(target, StandardOpenOption.WRITE);
            saved.add(name + " " + filename + " -> " + target.getFileName());
            size = 0;
        }
        return null;
    }

    @Override
    public Future<?> partData(byte[] data) throws IOException {
        if (file != null) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                size += file.write(b);                        // page cache: fast; see the note below
            }
        }
        return null;
    }

    @Override
    public Future<?> partEnd() throws IOException {
        if (file != null) {
            file.close();
            file = null;
            saved.add(size + " bytes");
        }
        return null;
    }

    @Override
    protected void onFinish() {                               // after an error page too
        discardPartialFile();
    }

    @Override
    protected void onConnectionClose() {                      // the client left mid-upload
        discardPartialFile();
    }

    private void discardPartialFile() {
        if (file != null) {
            try {
                file.close();
                file = null;
                Files.deleteIfExists(target);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
