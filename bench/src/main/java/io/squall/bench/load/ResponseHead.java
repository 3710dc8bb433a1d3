package io.squall.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The parts of an HTTP response head a load generator needs: status, body framing, connection reuse. */
final class ResponseHead {
    final int code;
    final long contentLength;
    final boolean chunked;
    final boolean close;
    final boolean noBody;

    private ResponseHead(int code, long contentLength, boolean chunked, boolean close, boolean noBody) {
        this.code = code;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.close = close;
        this.noBody = noBody;
    }

    /**
     * Parses a response head (status line and headers, ending with an empty line).
     *
     * @param head the bytes up to and including CRLF CRLF
     * @return the parsed head
     * @throws IOException if the status line is not HTTP/1.x or a framing header is malformed
     */
    static ResponseHead parse(byte[] head) throws IOException {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String status = lines[0];
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: '" + status + "'");
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status code in '" + status + "'");
        }
        boolean http10 = status.startsWith("HTTP/1.0");
        long length = -1;
        boolean chunked = false;
        Boolean close = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length":
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length '" + value + "'");
                    }
                    break;
                case "transfer-encoding":
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    break;
                case "connection":
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.contains("close")) {
                        close = true;
                    } else if (v.contains("keep-alive")) {
                        close = false;
                    }
                    break;
                default:
                    break;
            }
        }
        boolean noBody = code == 204 || code == 304 || (code >= 100 && code < 200);
        boolean mustClose = close != null ? close : http10;
        if (!noBody && !chunked && length < 0) {
            mustClose = true; // the body ends when the server closes
        }
        return new ResponseHead(code, length, chunked, mustClose, noBody);
    }
}
