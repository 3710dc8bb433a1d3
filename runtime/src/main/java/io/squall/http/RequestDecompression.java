package io.squall.http;

/**
 * {@link HTTPServer#decompressRequest(boolean)}: inflates a buffered gzip request body, held to the body
 * size limit, and makes the headers describe the inflated body. Loop thread.
 */
final class RequestDecompression {
    private RequestDecompression() {}

    /**
     * Returns the body inflated if its Content-Encoding is gzip, else as it is.
     *
     * @param headers the request headers; rewritten when the body is inflated
     * @param body the body as received
     * @param limit the most inflated bytes accepted
     * @return the body to hand to the application
     * @throws HTTPInputException 413 when the body inflates past {@code limit}, 400 when it is not gzip
     */
    static byte[] inflate(HTTPHeaders headers, byte[] body, long limit) throws HTTPInputException {
        if (body.length == 0 || !GzipDecoder.isGzip(headers.get("Content-Encoding"))) {
            return body;
        }
        GzipDecoder d = new GzipDecoder(limit, "request body");
        byte[] out;
        try {
            out = d.decode(body);
            d.finish();
        } finally {
            d.close();
        }
        headers.set("X-Consumed-Content-Encoding", headers.get("Content-Encoding"));
        headers.remove("Content-Encoding");
        headers.set("Content-Length", Integer.toString(out.length));
        return out;
    }
}
