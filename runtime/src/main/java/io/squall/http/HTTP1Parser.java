package io.squall.http;

import java.nio.charset.StandardCharsets;

/**
 * An incremental HTTP/1.x message parser over raw bytes, for requests (server side) and responses
 * (client side). Bytes can arrive in any split, down to one at a time; nothing is scanned twice.
 *
 * <p>Use: call {@link #feed} with whatever arrived; it returns how many bytes it consumed. It stops
 * early at two points so the caller can act: when the head (start line and headers) is complete
 * ({@link #isHeadComplete}), where the caller chooses the body framing with {@link #beginRequestBody}
 * or {@link #beginResponseBody}; and when the message is complete ({@link #isMessageComplete}), leaving
 * any following (pipelined) bytes unconsumed. {@link #reset} prepares the next message.
 *
 * <pre>
 *   START_LINE -&gt; HEADERS -&gt; HEAD_COMPLETE -&gt; (FIXED_BODY | CHUNK_SIZE ... | UNTIL_CLOSE) -&gt; DONE
 *   CHUNK_SIZE -&gt; CHUNK_DATA -&gt; CHUNK_DATA_END -&gt; CHUNK_SIZE ... size 0 -&gt; TRAILERS -&gt; DONE
 * </pre>
 *
 * <p>Limits: the start line, the header section (and trailers) and the body each have a maximum;
 * exceeding one fails with {@link HTTPInputException} carrying 414, 431 or 413. Malformed input fails with
 * 400, an HTTP major version other than 1 with 505.
 */
final class HTTP1Parser {
    /** Longest chunk-size line accepted, extensions included. */
    static final int MAX_CHUNK_LINE = 4096;
    /** The empty body, shared (an empty array cannot be changed). */
    private static final byte[] NO_BYTES = new byte[0];
    private static final String HTTP_11 = "HTTP/1.1";
    private static final String HTTP_10 = "HTTP/1.0";
    private static final String[] COMMON_METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};
    /** Capacity the split-line buffer keeps between messages. */
    private static final int LINE_KEEP = 16;

    private enum State {
        START_LINE, HEADERS, HEAD_COMPLETE, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS,
        UNTIL_CLOSE, DONE
    }

    private final boolean request;
    private final int maxStartLine;
    private final int maxHeaderSize;
    private final long defaultMaxBodySize;
    private long maxBodySize;
    /** Body bytes already handed out by {@link #takeBody()} for the current message (streamed bodies). */
    private long takenBody;

    private State state = State.START_LINE;
    /** A line split across reads; small until one is (most lines arrive whole and never touch it). */
    private final ByteArrayBuilder line = new ByteArrayBuilder(LINE_KEEP);
    private int startLineBytes;
    private int headerBytes;
    private boolean started;
    private long remaining;
    private ByteArrayBuilder body;
    private String lastHeaderName;

    private String method;
    private String target;
    private String version;
    private int code;
    private String reason;
    /** The current message's headers, made at its first header line (an idle connection holds none). */
    private HTTPHeaders headers;
    private HTTPHeaders trailers;
    private boolean chunked;

    /**
     * Creates a parser.
     *
     * @param request true to parse requests, false for responses
     * @param maxStartLine longest request or status line, in bytes
     * @param maxHeaderSize largest header section (and trailer section), in bytes
     * @param maxBodySize largest body, in bytes
     */
    HTTP1Parser(boolean request, int maxStartLine, int maxHeaderSize, long maxBodySize) {
        this.request = request;
        this.maxStartLine = maxStartLine;
        this.maxHeaderSize = maxHeaderSize;
        this.maxBodySize = maxBodySize;
        this.defaultMaxBodySize = maxBodySize;
    }

    /**
     * Consumes bytes until the input runs out, the head is complete, or the message is complete.
     *
     * @param b the buffer
     * @param off where the new bytes start
     * @param len how many there are
     * @return the number of bytes consumed
     * @throws HTTPInputException if the input is malformed or over a limit; the parser is then unusable
     * @throws IllegalStateException if called while the head is complete and no framing was chosen
     */
    int feed(byte[] b, int off, int len) throws HTTPInputException {
        int p = off;
        int end = off + len;
        while (p < end) {
            switch (state) {
                case START_LINE:
                case HEADERS:
                case CHUNK_SIZE:
                case CHUNK_DATA_END:
                case TRAILERS:
                    p = consumeLine(b, p, end);
                    if (state == State.HEAD_COMPLETE || state == State.DONE) {
                        return p - off;
                    }
                    break;
                case FIXED_BODY: {
                    int n = (int) Math.min(remaining, end - p);
                    body.append(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DONE;
                        return p - off;
                    }
                    break;
                }
                case CHUNK_DATA: {
                    int n = (int) Math.min(remaining, end - p);
                    body.append(b, p, n);
                    p += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                    break;
                }
                case UNTIL_CLOSE: {
                    int n = end - p;
                    if (takenBody + body.size() + (long) n > maxBodySize) {
                        throw new HTTPInputException(413, "Body is larger than the limit of " + maxBodySize
                                + " bytes");
                    }
                    body.append(b, p, n);
                    p = end;
                    break;
                }
                case HEAD_COMPLETE:
                    throw new IllegalStateException("HTTP1Parser: the head is complete; choose the body framing"
                            + " with beginRequestBody() or beginResponseBody() before feeding more bytes");
                case DONE:
                    return p - off;
                default:
                    throw new AssertionError(state);
            }
        }
        return p - off;
    }

    /** Reads up to and including the next LF; handles a complete line, or keeps the fragment. */
    private int consumeLine(byte[] b, int p, int end) throws HTTPInputException {
        if (!started && state == State.START_LINE) {
            started = true;
        }
        int nl = -1;
        for (int i = p; i < end; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        int segEnd = nl < 0 ? end : nl + 1;
        checkLineLimit(line.size() + (segEnd - p));
        if (nl < 0) {
            line.append(b, p, end - p);
            return end;
        }
        if (line.size() == 0) {
            handleLine(b, p, trimCR(b, p, nl));
        } else {
            line.append(b, p, nl - p);
            handleLine(line.array(), 0, trimCR(line.array(), 0, line.size()));
            line.clear();
        }
        return segEnd;
    }

    private static int trimCR(byte[] b, int start, int end) {
        return end > start && b[end - 1] == '\r' ? end - 1 : end;
    }

    private void checkLineLimit(int lineLength) throws HTTPInputException {
        switch (state) {
            case START_LINE:
                if (startLineBytes + lineLength > maxStartLine) {
                    if (request) {
                        throw new HTTPInputException(414, "Request line is longer than the limit of " + maxStartLine
                                + " bytes");
                    }
                    throw new HTTPInputException(400, "Status line is longer than the limit of " + maxStartLine
                            + " bytes");
                }
                break;
            case HEADERS:
            case TRAILERS:
                if (headerBytes + lineLength > maxHeaderSize) {
                    throw new HTTPInputException(431, (state == State.HEADERS ? "Header" : "Trailer")
                            + " section is larger than the limit of " + maxHeaderSize + " bytes");
                }
                break;
            default:
                if (lineLength > MAX_CHUNK_LINE) {
                    throw new HTTPInputException(400, "Bad chunked encoding: chunk-size line longer than "
                            + MAX_CHUNK_LINE + " bytes");
                }
        }
    }

    /** Handles one line without its CRLF: b[start, end). */
    private void handleLine(byte[] b, int start, int end) throws HTTPInputException {
        int length = end - start + 1;
        switch (state) {
            case START_LINE:
                startLineBytes += length;
                if (start == end) {
                    return; // RFC 9112 2.2: ignore empty lines before the start line
                }
                if (request) {
                    parseRequestLine(b, start, end);
                } else {
                    parseStatusLine(b, start, end);
                }
                state = State.HEADERS;
                return;
            case HEADERS:
                headerBytes += length;
                if (start == end) {
                    state = State.HEAD_COMPLETE;
                    return;
                }
                parseHeaderLine(headers(), b, start, end);
                return;
            case TRAILERS:
                headerBytes += length;
                if (start == end) {
                    state = State.DONE;
                    return;
                }
                if (trailers == null) {
                    trailers = new HTTPHeaders();
                }
                parseHeaderLine(trailers, b, start, end);
                return;
            case CHUNK_SIZE:
                parseChunkSize(b, start, end);
                return;
            case CHUNK_DATA_END:
                if (start != end) {
                    throw new HTTPInputException(400, "Bad chunked encoding: chunk data is not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
                return;
            default:
                throw new AssertionError(state);
        }
    }

    private void parseRequestLine(byte[] b, int start, int end) throws HTTPInputException {
        int sp1 = indexOf(b, start, end, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, end, (byte) ' ');
        if (sp1 < 0 || sp2 < 0 || indexOf(b, sp2 + 1, end, (byte) ' ') >= 0) {
            throw new HTTPInputException(400, "Malformed request line: expected \"METHOD target HTTP/1.1\"");
        }
        if (sp1 == start) {
            throw new HTTPInputException(400, "Malformed request line: empty method");
        }
        for (int i = start; i < sp1; i++) {
            if (!Chars.isToken(b[i])) {
                throw new HTTPInputException(400, "Malformed request line: invalid character in method");
            }
        }
        if (sp2 == sp1 + 1) {
            throw new HTTPInputException(400, "Malformed request line: empty request target");
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            byte c = b[i];
            if (c >= 0 && c <= 0x20 || c == 0x7f) {
                throw new HTTPInputException(400, "Malformed request line: control character in request target");
            }
        }
        method = method(b, start, sp1);
        target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        version = parseVersion(b, sp2 + 1, end);
    }

    private void parseStatusLine(byte[] b, int start, int end) throws HTTPInputException {
        int sp1 = indexOf(b, start, end, (byte) ' ');
        if (sp1 < 0) {
            throw new HTTPInputException(400, "Malformed status line: expected \"HTTP/1.1 200 OK\"");
        }
        version = parseVersion(b, start, sp1);
        int codeEnd = sp1 + 4;
        if (codeEnd > end || (codeEnd < end && b[codeEnd] != ' ')) {
            throw new HTTPInputException(400, "Malformed status line: expected a three-digit status code");
        }
        int c = 0;
        for (int i = sp1 + 1; i < codeEnd; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new HTTPInputException(400, "Malformed status line: expected a three-digit status code");
            }
            c = c * 10 + (b[i] - '0');
        }
        if (c < 100) {
            throw new HTTPInputException(400, "Malformed status line: status code " + c + " is below 100");
        }
        code = c;
        reason = codeEnd < end ? new String(b, codeEnd + 1, end - codeEnd - 1, StandardCharsets.ISO_8859_1) : "";
    }

    /** Accepts {@code HTTP/d.d}; major 1 only (else 505). */
    private String parseVersion(byte[] b, int start, int end) throws HTTPInputException {
        if (end - start != 8 || b[start] != 'H' || b[start + 1] != 'T' || b[start + 2] != 'T' || b[start + 3] != 'P'
                || b[start + 4] != '/' || !isDigit(b[start + 5]) || b[start + 6] != '.' || !isDigit(b[start + 7])) {
            throw new HTTPInputException(400, "Malformed HTTP version: expected HTTP/1.0 or HTTP/1.1");
        }
        if (b[start + 5] == '1' && (b[start + 7] == '1' || b[start + 7] == '0')) {
            return b[start + 7] == '1' ? HTTP_11 : HTTP_10; // shared: no string per message
        }
        String v = new String(b, start, 8, StandardCharsets.ISO_8859_1);
        if (b[start + 5] != '1') {
            throw new HTTPInputException(505, "HTTP version " + v + " is not supported: use HTTP/1.0 or HTTP/1.1");
        }
        return v;
    }

    /** The method's name: a shared constant for the common ones, else a new string. */
    private static String method(byte[] b, int start, int end) {
        for (String m : COMMON_METHODS) {
            if (m.length() == end - start && matches(b, start, m)) {
                return m;
            }
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean matches(byte[] b, int start, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b[start + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void parseHeaderLine(HTTPHeaders into, byte[] b, int start, int end) throws HTTPInputException {
        if (Chars.isWhitespace(b[start])) {
            if (request || lastHeaderName == null) {
                throw new HTTPInputException(400, "Malformed header: line folding (a line starting with"
                        + " whitespace) is not allowed");
            }
            // Obsolete folding in a response: join with one space (RFC 9112 5.2).
            String more = headerValue(b, start, end, lastHeaderName);
            java.util.List<String> all = into.getAll(lastHeaderName);
            String previous = all.get(all.size() - 1);
            into.remove(lastHeaderName);
            for (int i = 0; i < all.size() - 1; i++) {
                into.addTrusted(lastHeaderName, all.get(i));
            }
            into.addTrusted(lastHeaderName, previous.isEmpty() ? more : previous + " " + more);
            return;
        }
        int colon = indexOf(b, start, end, (byte) ':');
        if (colon < 0) {
            throw new HTTPInputException(400, "Malformed header line: no colon");
        }
        if (colon == start) {
            throw new HTTPInputException(400, "Malformed header line: empty field name");
        }
        for (int i = start; i < colon; i++) {
            if (!Chars.isToken(b[i])) {
                throw new HTTPInputException(400, "Malformed header line: invalid character in field name"
                        + (Chars.isWhitespace(b[i]) ? " (no whitespace is allowed before the colon)" : ""));
            }
        }
        String name = new String(b, start, colon - start, StandardCharsets.ISO_8859_1);
        into.addTrusted(name, headerValue(b, colon + 1, end, name));
        lastHeaderName = name;
    }

    private static String headerValue(byte[] b, int start, int end, String name) throws HTTPInputException {
        while (start < end && Chars.isWhitespace(b[start])) {
            start++;
        }
        while (end > start && Chars.isWhitespace(b[end - 1])) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (Chars.isBadValueByte(b[i])) {
                throw new HTTPInputException(400, "Malformed header: control character in the value of " + name);
            }
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private void parseChunkSize(byte[] b, int start, int end) throws HTTPInputException {
        int stop = indexOf(b, start, end, (byte) ';');
        if (stop < 0) {
            stop = end;
        }
        while (stop > start && Chars.isWhitespace(b[stop - 1])) {
            stop--;
        }
        if (stop == start) {
            throw new HTTPInputException(400, "Bad chunked encoding: empty chunk size");
        }
        if (stop - start > 15) {
            throw new HTTPInputException(400, "Bad chunked encoding: chunk size has too many digits");
        }
        long size = 0;
        for (int i = start; i < stop; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0 || b[i] < 0) {
                throw new HTTPInputException(400, "Bad chunked encoding: chunk size is not hexadecimal");
            }
            size = size * 16 + d;
        }
        if (size == 0) {
            state = State.TRAILERS;
            return;
        }
        if (takenBody + body.size() + size > maxBodySize) {
            throw new HTTPInputException(413, "Body is larger than the limit of " + maxBodySize + " bytes");
        }
        remaining = size;
        state = State.CHUNK_DATA;
    }

    private static int indexOf(byte[] b, int from, int end, byte c) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Chooses a request's body framing from its headers: chunked, Content-Length, or no body.
     *
     * @throws HTTPInputException 400 for conflicting or malformed framing headers, 413 if the declared
     *     length is over the limit
     */
    void beginRequestBody() throws HTTPInputException {
        checkHeadComplete();
        java.util.List<String> te = headers().getAll("Transfer-Encoding");
        java.util.List<String> cl = headers().getAll("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HTTPInputException(400, "Request has both Content-Length and Transfer-Encoding");
            }
            if ("HTTP/1.0".equals(version)) {
                throw new HTTPInputException(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
            }
            if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
                throw new HTTPInputException(400, "Unsupported Transfer-Encoding " + String.join(", ", te)
                        + ": only chunked is supported");
            }
            startChunked();
        } else if (!cl.isEmpty()) {
            startFixed(parseContentLength(cl));
        } else {
            startFixed(0);
        }
    }

    /**
     * Chooses a response's body framing (RFC 9112 6.3): none for HEAD, 1xx, 204 and 304; chunked; a
     * Content-Length; or everything until the connection closes.
     *
     * @param headRequest whether the request was HEAD
     * @throws HTTPInputException 400 for malformed framing headers, 413 if over the limit
     */
    void beginResponseBody(boolean headRequest) throws HTTPInputException {
        checkHeadComplete();
        if (headRequest || code < 200 || code == 204 || code == 304) {
            startFixed(0);
            return;
        }
        java.util.List<String> te = headers().getAll("Transfer-Encoding");
        if (!te.isEmpty()) {
            String last = te.get(te.size() - 1);
            String[] codings = last.split(",");
            if (codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                startChunked();
            } else {
                startUntilClose();
            }
            return;
        }
        java.util.List<String> cl = headers().getAll("Content-Length");
        if (!cl.isEmpty()) {
            startFixed(parseContentLength(cl));
        } else {
            startUntilClose();
        }
    }

    private long parseContentLength(java.util.List<String> values) throws HTTPInputException {
        long result = -1;
        for (String value : values) {
            for (String part : value.split(",", -1)) {
                String s = part.trim();
                if (s.isEmpty() || s.length() > 18) {
                    throw new HTTPInputException(400, "Malformed Content-Length: " + abbreviate(value));
                }
                long n = 0;
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c < '0' || c > '9') {
                        throw new HTTPInputException(400, "Malformed Content-Length: " + abbreviate(value));
                    }
                    n = n * 10 + (c - '0');
                }
                if (result >= 0 && n != result) {
                    throw new HTTPInputException(400, "Conflicting Content-Length values: " + abbreviate(value));
                }
                result = n;
            }
        }
        if (result > maxBodySize) {
            throw new HTTPInputException(413, "Content-Length " + result + " is larger than the limit of "
                    + maxBodySize + " bytes");
        }
        return result;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private void checkHeadComplete() {
        if (state != State.HEAD_COMPLETE) {
            throw new IllegalStateException("HTTP1Parser: body framing chosen in state " + state
                    + "; call it once, when isHeadComplete()");
        }
    }

    private void startFixed(long length) {
        // Not the whole declared length up front: a peer may declare much and send little.
        body = length == 0 ? null : new ByteArrayBuilder((int) Math.min(length, 1 << 20));
        remaining = length;
        state = length == 0 ? State.DONE : State.FIXED_BODY;
    }

    private void startChunked() {
        chunked = true;
        body = new ByteArrayBuilder(1024);
        state = State.CHUNK_SIZE;
    }

    private void startUntilClose() {
        body = new ByteArrayBuilder(4096);
        state = State.UNTIL_CLOSE;
    }

    /**
     * Tells the parser the peer closed the connection. Completes a body that runs until close.
     *
     * @return true if a message is now complete, false if the peer closed cleanly between messages
     * @throws HTTPInputException if the close cut a message short
     */
    boolean eof() throws HTTPInputException {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            return true;
        }
        if (state == State.DONE) {
            return true;
        }
        if (state == State.START_LINE && line.size() == 0 && startLineBytes == 0) {
            return false;
        }
        throw new HTTPInputException(400, "Connection closed in the middle of a message (in "
                + state.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")");
    }

    /** Prepares for the next message on the same connection. */
    void reset() {
        state = State.START_LINE;
        line.clearAndShrink(LINE_KEEP);
        startLineBytes = 0;
        headerBytes = 0;
        started = false;
        remaining = 0;
        body = null;
        takenBody = 0;
        maxBodySize = defaultMaxBodySize;
        lastHeaderName = null;
        method = null;
        target = null;
        version = null;
        code = 0;
        reason = null;
        headers = null;
        trailers = null;
        chunked = false;
    }

    /** True once any byte of the current message arrived (empty lines before the start line count). */
    boolean hasStarted() {
        return started;
    }

    boolean isHeadComplete() {
        return state == State.HEAD_COMPLETE;
    }

    boolean isMessageComplete() {
        return state == State.DONE;
    }

    /** True while the body is being read (after the framing was chosen, before the end). */
    boolean isReadingBody() {
        return state.compareTo(State.HEAD_COMPLETE) > 0 && state != State.DONE;
    }

    boolean isChunked() {
        return chunked;
    }

    /** True when the body runs until the connection closes. */
    boolean isUntilClose() {
        return state == State.UNTIL_CLOSE;
    }

    String method() {
        return method;
    }

    String target() {
        return target;
    }

    String version() {
        return version;
    }

    int code() {
        return code;
    }

    String reason() {
        return reason;
    }

    HTTPHeaders headers() {
        if (headers == null) {
            headers = new HTTPHeaders();
        }
        return headers;
    }

    /** The trailer fields of a chunked body, or null. */
    HTTPHeaders trailers() {
        return trailers;
    }

    /** The body read so far (all of it once the message is complete). */
    byte[] body() {
        return body == null ? NO_BYTES : body.toByteArray();
    }

    /**
     * Removes and returns the body bytes read since the last call (a streamed body is handed out piece by
     * piece, so only one read's worth is ever held); the limit still counts every byte of the message.
     */
    byte[] takeBody() {
        if (body == null || body.size() == 0) {
            return NO_BYTES;
        }
        byte[] piece = body.toByteArray();
        takenBody += piece.length;
        body.clear();
        return piece;
    }

    /**
     * Changes the body size limit for the current message; call before the body framing is chosen (a
     * streaming handler has its own limit).
     */
    void setMaxBodySize(long bytes) {
        maxBodySize = bytes;
    }

    long bodySize() {
        return body == null ? 0 : body.size();
    }
}
