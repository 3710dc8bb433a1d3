package io.squall.http;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.squall.Future;

/** Collects the parts of a buffered multipart body: fields into arguments, files into {@link HTTPFile}s. */
final class MultipartCollector implements MultipartParser.Receiver {
    private final Map<String, List<String>> arguments;
    private final Map<String, List<HTTPFile>> files;
    private ByteArrayBuilder data = new ByteArrayBuilder(256);
    private String name;
    private String filename;
    private HTTPHeaders headers;

    MultipartCollector(Map<String, List<String>> arguments, Map<String, List<HTTPFile>> files) {
        this.arguments = arguments;
        this.files = files;
    }

    @Override
    public Future<?> partBegin(String name, String filename, HTTPHeaders headers) {
        this.name = name;
        this.filename = filename;
        this.headers = headers;
        data = new ByteArrayBuilder(256); // a finished part keeps the array of the last one
        return null;
    }

    @Override
    public Future<?> partData(byte[] bytes) {
        data.append(bytes);
        return null;
    }

    @Override
    public Future<?> partEnd() {
        String type = headers.get("Content-Type");
        if (filename != null) {
            files.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new HTTPFile(name, filename,
                    type != null ? type : "application/octet-stream", data.toByteArray(), headers));
        } else {
            Charset cs = HTTPServerRequest.charsetOf(type);
            arguments.computeIfAbsent(name, k -> new ArrayList<>(1))
                    .add(new String(data.array(), 0, data.size(), cs));
        }
        return null;
    }
}
