package io.squall.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * gzip Content-Encoding of a response body (Tornado's {@code GZipContentEncoding} transform), used by
 * {@link RequestHandler} when {@link WebSettings#compressResponse(boolean)} is on.
 *
 * <p>The decision is made on the first chunk: compress when the client accepts gzip, the Content-Type is
 * textual, there is no Content-Encoding yet, the status carries a full body (not 1xx, 204, 206, 304) and,
 * when the whole body is written at once, it is at least {@link #MIN_LENGTH} bytes (smaller bodies gain
 * nothing). Flushed chunks are compressed with a sync flush so the client can use each part at once.
 * Responses of compressible types get {@code Vary: Accept-Encoding} whether compressed or not, so caches
 * keep the two forms apart; a strong ETag becomes weak (the bytes differ from the identity form's).
 * Runs on the request's loop thread.
 */
final class GzipOutput {
    /** Bodies written at once below this size are sent as they are. */
    static final int MIN_LENGTH = 1024;

    private final boolean clientAccepts;
    private ByteArrayOutputStream sink;
    private GZIPOutputStream gzip;

    GzipOutput(HTTPHeaders requestHeaders) {
        this.clientAccepts = acceptsGzip(requestHeaders);
    }

    /**
     * Transforms the first chunk and sets the headers.
     *
     * @param finishing true when this chunk is the whole body
     */
    byte[] first(int status, HTTPHeaders headers, byte[] chunk, boolean finishing) {
        String type = headers.get("Content-Type");
        if (!compressibleType(type)) {
            return chunk;
        }
        addVary(headers);
        boolean fullBody = status >= 200 && status != 204 && status != 206 && status != 304;
        if (!clientAccepts || !fullBody || headers.contains("Content-Encoding")
                || (finishing && chunk.length < MIN_LENGTH)) {
            return chunk;
        }
        sink = new ByteArrayOutputStream(Math.max(256, chunk.length / 3));
        try {
            gzip = new GZIPOutputStream(sink, 8192, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        headers.set("Content-Encoding", "gzip");
        String etag = headers.get("ETag");
        if (etag != null && etag.startsWith("\"")) {
            headers.set("ETag", "W/" + etag);
        }
        byte[] out = next(chunk, finishing);
        if (finishing) {
            headers.set("Content-Length", Integer.toString(out.length));
        } else {
            headers.remove("Content-Length");
        }
        return out;
    }

    /** Transforms a later chunk; with {@code finishing}, ends the gzip stream. */
    byte[] next(byte[] chunk, boolean finishing) {
        if (gzip == null) {
            return chunk;
        }
        try {
            gzip.write(chunk);
            if (finishing) {
                gzip.finish();
            } else {
                gzip.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] out = sink.toByteArray();
        sink.reset();
        return out;
    }

    /** True when an Accept-Encoding header lists gzip (or *) with a quality above zero. */
    static boolean acceptsGzip(HTTPHeaders h) {
        boolean star = false;
        for (String header : h.getAll("Accept-Encoding")) {
            for (String item : header.split(",")) {
                String[] parts = item.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                double q = 1;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim();
                    if (p.startsWith("q=") || p.startsWith("Q=")) {
                        try {
                            q = Double.parseDouble(p.substring(2).trim());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    return q > 0;
                }
                if (coding.equals("*")) {
                    star = q > 0;
                }
            }
        }
        return star;
    }

    /** True for text, JavaScript, JSON, XML and SVG types: those that compress well. */
    static boolean compressibleType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        t = t.trim();
        return t.startsWith("text/") || t.equals("application/javascript") || t.equals("application/json")
                || t.equals("application/xml") || t.equals("image/svg+xml") || t.equals("application/wasm")
                || t.endsWith("+json") || t.endsWith("+xml") || t.equals("application/x-javascript")
                || t.equals("application/ecmascript");
    }

    static void addVary(HTTPHeaders headers) {
        String vary = headers.get("Vary");
        if (vary == null) {
            headers.set("Vary", "Accept-Encoding");
        } else if (!headers.containsToken("Vary", "Accept-Encoding") && !vary.trim().equals("*")) {
            headers.set("Vary", vary + ", Accept-Encoding");
        }
    }
}
