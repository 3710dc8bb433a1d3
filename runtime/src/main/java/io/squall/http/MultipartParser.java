package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * An incremental {@code multipart/form-data} parser (RFC 7578, RFC 2046 section 5.1) that hands each part's
 * headers and bytes to a {@link Receiver} as they arrive, in memory bounded by the piece fed plus the part
 * headers: the way to take uploads larger than memory in a {@link StreamRequestBody} handler (see the
 * README's "Forms and uploads"). {@link HTTPUtil#parseBodyArguments} uses it for buffered bodies.
 *
 * <pre>{@code
 * parser = MultipartParser.forRequest(request(), receiver);   // in prepare()
 * return parser.feed(chunk);                                   // in dataReceived(chunk)
 * parser.finish();                                             // in post()
 * }</pre>
 *
 * <p>Hostile input fails with an {@link HTTPError} 400 whose reason says what was wrong: no boundary, a
 * boundary inside a part's data, a part without a {@code Content-Disposition: form-data; name=...}, a file
 * name holding a control character (NUL, CR, LF...) or a {@code ..} segment, more parts than allowed, part
 * headers longer than allowed, or a body that ends inside a part. File names are passed on as sent.
 *
 * <p>Not thread-safe: one parser per request, fed on the request's loop thread, one piece at a time (do not
 * feed the next piece before the previous feed's future is done).
 */
public final class MultipartParser {
    /** The default limit on the number of parts (Tornado 6.5's). */
    public static final int DEFAULT_MAX_PARTS = 100;
    /** The default limit on the size of one part's header block, in bytes (Tornado 6.5's). */
    public static final int DEFAULT_MAX_PART_HEADER_SIZE = 10 * 1024;

    /**
     * Receives the parts, in order, on the thread that feeds the parser. Each method may return a future
     * that is not done yet (e.g. a write to disk): the parser then waits for it before it goes on, which
     * together with {@link StreamRequestBody} gives back-pressure all the way to the client. A method that
     * throws, or whose future fails, fails the {@link #feed} in progress with that exception.
     */
    public interface Receiver {
        /**
         * A part begins.
         *
         * @param name the form field's name (the Content-Disposition's {@code name})
         * @param filename the file name as sent, or null for a plain field
         * @param headers the part's headers, values as sent, one char per byte (ISO-8859-1)
         * @return null, or a future the parser waits for
         * @throws Exception fails the feed
         */
        Future<?> partBegin(String name, String filename, HTTPHeaders headers) throws Exception;

        /**
         * The next bytes of the current part (never empty; the receiver may keep the array).
         *
         * @param data the bytes
         * @return null, or a future the parser waits for
         * @throws Exception fails the feed
         */
        Future<?> partData(byte[] data) throws Exception;

        /**
         * The current part is complete.
         *
         * @return null, or a future the parser waits for
         * @throws Exception fails the feed
         */
        Future<?> partEnd() throws Exception;
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, DONE }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    /** "\r\n--" + boundary: what ends every part. */
    private final byte[] delimiter;
    private final int maxParts;
    private final int maxPartHeaderSize;
    private final Receiver receiver;
    private State state = State.PREAMBLE;
    /** Unconsumed input: what was left of earlier pieces, then the piece being fed. */
    private byte[] buf;
    private int pos;
    private int parts;
    /** The malformed input or receiver failure that stopped the parser, or null. */
    private Throwable failure;
    /** The feed in progress while a receiver's future is pending, else null. */
    private Future<Void> feeding;
    private IOLoop loop;

    /**
     * Creates a parser.
     *
     * @param boundary the boundary from the Content-Type, 1 to 70 characters
     * @param maxParts the most parts accepted (more is a 400)
     * @param maxPartHeaderSize the longest header block of one part, in bytes (longer is a 400)
     * @param receiver gets the parts
     * @throws HTTPError 400 if the boundary is empty or longer than 70 characters
     */
    public MultipartParser(String boundary, int maxParts, int maxPartHeaderSize, Receiver receiver) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw bad("the multipart boundary must have 1 to 70 characters (RFC 2046), got "
                    + (boundary == null ? "none" : boundary.length()));
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxParts = maxParts;
        this.maxPartHeaderSize = maxPartHeaderSize;
        this.receiver = java.util.Objects.requireNonNull(receiver, "receiver");
        // The first boundary may open the body: a virtual CRLF lets it match the delimiter.
        this.buf = new byte[] {'\r', '\n'};
    }

    /**
     * Creates a parser for a request whose Content-Type is {@code multipart/form-data; boundary=...}, with
     * the default limits ({@link #DEFAULT_MAX_PARTS}, {@link #DEFAULT_MAX_PART_HEADER_SIZE}); the other
     * overload takes yours. The body size is held by the handler's {@link StreamRequestBody#maxBodySize()}.
     *
     * @param request the request (in a {@link StreamRequestBody} handler's {@code prepare()})
     * @param receiver gets the parts
     * @return the parser
     * @throws HTTPError 400 if the request is not multipart/form-data or has no valid boundary
     */
    public static MultipartParser forRequest(HTTPServerRequest request, Receiver receiver) {
        return new MultipartParser(boundaryOf(request.headers().get("Content-Type", "")), DEFAULT_MAX_PARTS,
                DEFAULT_MAX_PART_HEADER_SIZE, receiver);
    }

    /**
     * Creates a parser with explicit limits (see {@link #forRequest(HTTPServerRequest, Receiver)}).
     *
     * @param request the request
     * @param maxParts the most parts accepted
     * @param maxPartHeaderSize the longest header block of one part, in bytes
     * @param receiver gets the parts
     * @return the parser
     * @throws HTTPError 400 if the request is not multipart/form-data or has no valid boundary
     */
    public static MultipartParser forRequest(HTTPServerRequest request, int maxParts, int maxPartHeaderSize,
            Receiver receiver) {
        return new MultipartParser(boundaryOf(request.headers().get("Content-Type", "")), maxParts,
                maxPartHeaderSize, receiver);
    }

    /**
     * Returns the boundary parameter of a {@code multipart/form-data} Content-Type.
     *
     * @param contentType the header's value
     * @return the boundary, unquoted
     * @throws HTTPError 400 if the type is not multipart/form-data or it has no boundary
     */
    static String boundaryOf(String contentType) {
        String[] pieces = contentType.split(";");
        if (!pieces[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            throw bad("expected Content-Type multipart/form-data, got " + pieces[0].trim());
        }
        for (int i = 1; i < pieces.length; i++) {
            String p = pieces[i].trim();
            if (p.regionMatches(true, 0, "boundary=", 0, 9)) {
                String b = p.substring(9).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                return b;
            }
        }
        throw bad("multipart/form-data without a boundary parameter in Content-Type");
    }

    /** @return the number of parts begun so far */
    public int parts() {
        return parts;
    }

    /**
     * Parses the next piece of the body, calling the receiver for what it completes.
     *
     * @param chunk the bytes, any size; not kept after the returned future is done
     * @return completes when the piece is consumed (every receiver future it led to is done); fails with an
     *     {@link HTTPError} 400 on malformed input, or with the receiver's exception
     * @throws IllegalStateException if the previous feed is still in progress
     */
    public Future<Void> feed(byte[] chunk) {
        if (feeding != null) {
            throw new IllegalStateException("MultipartParser.feed() called before the previous feed's future was"
                    + " done; wait for it (dataReceived's back-pressure does)");
        }
        if (failure != null) {
            return Future.failed(failure);
        }
        if (state == State.DONE) {
            return Future.of(null); // the epilogue after the closing boundary is ignored
        }
        int left = buf.length - pos;
        byte[] joined = new byte[left + chunk.length];
        System.arraycopy(buf, pos, joined, 0, left);
        System.arraycopy(chunk, 0, joined, left, chunk.length);
        buf = joined;
        pos = 0;
        Future<Void> f = new Future<>();
        feeding = f;
        drive();
        return f;
    }

    /**
     * Checks that the body ended after the closing boundary; call it when the whole body was fed.
     *
     * @throws HTTPError 400 if no boundary was ever found, the body ended inside a part, or an earlier feed
     *     failed with it (that failure again)
     * @throws IllegalStateException if a feed is still in progress, or an earlier feed failed with the
     *     receiver's exception (the cause)
     */
    public void finish() {
        if (feeding != null) {
            throw new IllegalStateException("MultipartParser.finish() called while a feed is in progress");
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        } else if (failure != null) {
            throw new IllegalStateException("an earlier feed of this MultipartParser failed: " + failure, failure);
        }
        if (state == State.PREAMBLE) {
            throw bad("no multipart boundary found in the body");
        }
        if (state != State.DONE) {
            throw bad("the multipart body ended inside a part (no closing boundary)");
        }
    }

    /** Runs the state machine until the input is consumed or a receiver's future is pending. */
    private void drive() {
        Future<Void> f = feeding;
        try {
            while (true) {
                Future<?> wait = step();
                if (wait == null) {
                    if (needsMore) {
                        needsMore = false;
                        feeding = null;
                        f.setResult(null);
                        return;
                    }
                    continue;
                }
                if (wait.isDone()) {
                    if (wait.exception() != null) {
                        throw wait.exception();
                    }
                    continue;
                }
                if (loop == null) {
                    loop = IOLoop.current();
                }
                IOLoop l = loop;
                wait.addDoneCallback(d -> {
                    Runnable resume = () -> {
                        if (d.exception() != null) {
                            feeding = null;
                            state = State.DONE;
                            failure = d.exception();
                            f.setException(d.exception());
                        } else {
                            drive();
                        }
                    };
                    if (l.inLoopThread()) {
                        resume.run();
                    } else {
                        l.addCallback(resume);
                    }
                });
                return;
            }
        } catch (Throwable t) {
            feeding = null;
            state = State.DONE;
            failure = t;
            f.setException(t);
        }
    }

    private boolean needsMore;

    /**
     * One step: consumes some input and returns the receiver's future (null if it called none). Sets
     * {@link #needsMore} when the input is exhausted for now.
     */
    private Future<?> step() throws Exception {
        switch (state) {
            case PREAMBLE: {
                int i = indexOf(buf, delimiter, pos);
                if (i < 0) {
                    pos = Math.max(pos, buf.length - (delimiter.length - 1));
                    needsMore = true;
                    return null;
                }
                pos = i + delimiter.length;
                state = State.AFTER_DELIMITER;
                return null;
            }
            case AFTER_DELIMITER: {
                int p = pos;
                if (buf.length - p < 2) {
                    needsMore = true;
                    return null;
                }
                if (buf[p] == '-' && buf[p + 1] == '-') {
                    state = State.DONE;
                    pos = buf.length;
                    needsMore = true;
                    return null;
                }
                while (p < buf.length && (buf[p] == ' ' || buf[p] == '\t') && p - pos < 64) {
                    p++; // transport padding (RFC 2046)
                }
                if (buf.length - p < 2) {
                    needsMore = true;
                    return null;
                }
                if (buf[p] != '\r' || buf[p + 1] != '\n') {
                    throw bad("multipart boundary found inside a part's data (a boundary line must end with CRLF"
                            + " or --)");
                }
                pos = p + 2;
                state = State.HEADERS;
                return null;
            }
            case HEADERS: {
                if (buf.length - pos >= 2 && buf[pos] == '\r' && buf[pos + 1] == '\n') {
                    throw bad("multipart part " + (parts + 1) + " has no headers (it needs Content-Disposition:"
                            + " form-data; name=...)");
                }
                int end = indexOf(buf, CRLFCRLF, pos);
                int size = (end < 0 ? buf.length : end) - pos;
                if (size > maxPartHeaderSize) {
                    throw bad("multipart part " + (parts + 1) + " has headers longer than " + maxPartHeaderSize
                            + " bytes");
                }
                if (end < 0) {
                    needsMore = true;
                    return null;
                }
                // Latin-1 keeps every byte; names and file names are then decoded as UTF-8, as browsers send them.
                String block = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                pos = end + 4;
                if (++parts > maxParts) {
                    throw bad("the multipart body has more than " + maxParts + " parts");
                }
                String[] nameAndFile = new String[1];
                HTTPHeaders headers = parseHeaders(block, parts, nameAndFile);
                if (nameAndFile[0] == null) {
                    throw bad("multipart part " + parts + " has no Content-Disposition header");
                }
                nameAndFile = parseDisposition(nameAndFile[0], parts);
                state = State.BODY;
                return receiver.partBegin(nameAndFile[0], nameAndFile[1], headers);
            }
            case BODY: {
                int i = indexOf(buf, delimiter, pos);
                if (i < 0) {
                    int keep = delimiter.length - 1;
                    int upTo = buf.length - keep;
                    if (upTo > pos) {
                        byte[] data = Arrays.copyOfRange(buf, pos, upTo);
                        pos = upTo;
                        return receiver.partData(data); // the next step finds the input exhausted
                    }
                    needsMore = true;
                    return null;
                }
                if (i > pos) {
                    byte[] data = Arrays.copyOfRange(buf, pos, i);
                    pos = i;
                    return receiver.partData(data);
                }
                pos = i + delimiter.length;
                state = State.AFTER_DELIMITER;
                return receiver.partEnd();
            }
            default:
                pos = buf.length;
                needsMore = true;
                return null;
        }
    }

    /** Parses the header block; {@code disposition[0]} gets the Content-Disposition, checked before the rest. */
    private static HTTPHeaders parseHeaders(String block, int part, String[] disposition) {
        HTTPHeaders headers = new HTTPHeaders();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw bad("multipart part " + part + " has a malformed header line");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Disposition") && disposition[0] == null) {
                disposition[0] = value;
                parseDisposition(value, part); // its specific complaints (a NUL in a file name) come first
            }
            try {
                headers.add(name, value);
            } catch (IllegalArgumentException e) {
                throw bad("multipart part " + part + " has a malformed header: " + e.getMessage());
            }
        }
        return headers;
    }

    /** Returns {name, filename or null} of a {@code form-data} Content-Disposition. */
    private static String[] parseDisposition(String value, int part) {
        String name = null;
        String filename = null;
        String filenameStar = null;
        int semi = value.indexOf(';');
        String type = (semi < 0 ? value : value.substring(0, semi)).trim();
        if (!type.equalsIgnoreCase("form-data")) {
            throw bad("multipart part " + part + " has Content-Disposition " + type + ", not form-data");
        }
        int i = semi < 0 ? value.length() : semi + 1;
        while (i < value.length()) {
            while (i < value.length() && " \t;".indexOf(value.charAt(i)) >= 0) {
                i++;
            }
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < value.length() && value.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < value.length()) {
                    char c = value.charAt(i++);
                    if (c == '\\' && i < value.length() && (value.charAt(i) == '"' || value.charAt(i) == '\\')) {
                        v.append(value.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    throw bad("multipart part " + part + " has an unterminated quoted string in Content-Disposition");
                }
            } else {
                while (i < value.length() && value.charAt(i) != ';') {
                    v.append(value.charAt(i++));
                }
            }
            String s = v.toString().trim();
            if (key.equals("name") && name == null) {
                name = s;
            } else if (key.equals("filename") && filename == null) {
                filename = s;
            } else if (key.equals("filename*") && filenameStar == null) {
                filenameStar = s;
            }
        }
        if (name == null) {
            throw bad("multipart part " + part + " has no name in its Content-Disposition");
        }
        name = utf8(name);
        checkText("field name", name, part);
        if (filename != null) {
            filename = utf8(filename);
        }
        if (filenameStar != null) {
            int q = filenameStar.indexOf("''");
            if (q > 0 && filenameStar.substring(0, q).equalsIgnoreCase("UTF-8")) {
                filename = HTTPUtil.urlDecode(filenameStar.substring(q + 2), false);
            }
        }
        if (filename != null) {
            checkText("file name", filename, part);
            for (String segment : filename.split("[/\\\\]", -1)) {
                if (segment.equals("..")) {
                    throw bad("multipart part " + part + " has a file name with a '..' path segment");
                }
            }
        }
        return new String[] {name, filename};
    }

    /** Text read as Latin-1 (one char per byte) decoded as the UTF-8 it was sent as. */
    private static String utf8(String latin1) {
        for (int i = 0; i < latin1.length(); i++) {
            if (latin1.charAt(i) >= 0x80) {
                return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return latin1;
    }

    private static void checkText(String what, String s, int part) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw bad("multipart part " + part + " has a " + what + " holding a control character ("
                        + (c == 0 ? "NUL" : String.format("0x%02x", (int) c)) + ")");
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        byte first = needle[0];
        int last = hay.length - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (hay[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static HTTPError bad(String what) {
        return HTTPError.withReason(400, "Bad Request: " + what, what);
    }
}
