package io.squall.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.Future;
import io.squall.internal.Log;

/**
 * Serves the files of one directory (Tornado's {@code web.StaticFileHandler}). Route it with one group,
 * the file's path under the directory:
 *
 * <pre>{@code
 * app.addHandler("/files/(.*)", () -> new StaticFileHandler(Path.of("public"), "index.html"));
 * }</pre>
 *
 * or set {@link WebSettings#staticPath} to serve {@code /static/...} and use
 * {@link RequestHandler#staticUrl(String)} for versioned URLs.
 *
 * <p><b>Confinement.</b> The path (already percent-decoded once by the router) is refused with 400 if it
 * holds NUL or other control characters, and with 403 if it is absolute, holds a backslash or a drive
 * letter, or has a ".." segment. It is then resolved to its real path (symbolic links followed) and
 * must still lie inside the directory's real path, so a symbolic link cannot lead out of it. Only regular
 * files are served (never devices or FIFOs). Encoded traversal ({@code %2e%2e}, {@code %2f}) is decoded
 * before these checks; a double-encoded one ({@code %252e}) stays a literal file name.
 *
 * <p><b>HTTP.</b> GET and HEAD; {@code ETag} (a hash of the content, cached per file, size and
 * modification time; for files over 16 MiB the modification time and size instead, so that a first request
 * does not hash gigabytes on the loop), {@code If-None-Match}, {@code Last-Modified},
 * {@code If-Modified-Since} (304); a single {@code Range} (206; 416 with {@code Content-Range: bytes *}/len
 * when it starts past the end), {@code If-Range}. A request for several ranges gets the whole file with 200,
 * which RFC 9110 allows: multipart/byteranges is rarely used by real clients, and many overlapping small
 * ranges are a known amplification attack. Requests with a {@code v} argument (see
 * {@link #staticUrl}) are cacheable for a year ({@code Cache-Control: public, max-age=31536000, immutable});
 * others carry no Cache-Control, so clients revalidate with the ETag, as Tornado does.
 *
 * <p><b>Sending.</b> A body over 32 KiB goes out with {@link HTTPConnection#writeFile}: zero-copy
 * ({@code FileChannel.transferTo}) on a plain connection, never loaded whole into memory; a smaller one is
 * read and sent in the same write as the headers (one system call instead of two). When the
 * application compresses responses, a textual file of 1 KiB to 1 MiB requested whole is read and
 * gzipped instead (larger ones are sent as they are). File system calls run on the loop thread, as in
 * Tornado; serve from local disk.
 */
public class StaticFileHandler extends RequestHandler {
    /** Cache lifetime of versioned requests. */
    public static final Duration VERSIONED_MAX_AGE = Duration.ofDays(365);
    /** Files larger than this get an ETag from their modification time and size, not their content. */
    static final long HASH_LIMIT = 16L << 20;
    /** Bodies up to this size are read and sent with the headers in one write instead of zero-copy. */
    static final long SMALL_FILE = 32 * 1024;
    /** Textual files up to this size are gzipped when the application compresses responses. */
    static final long GZIP_LIMIT = 1L << 20;

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"), Map.entry("csv", "text/csv"),
            Map.entry("xml", "application/xml"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("avif", "image/avif"), Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("wasm", "application/wasm"),
            Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"), Map.entry("wav", "audio/wav"), Map.entry("webmanifest",
                    "application/manifest+json"), Map.entry("wasm.map", "application/json"));

    /** Content hashes by real path; recomputed when the size or modification time changes. */
    private static final Map<Path, Version> VERSIONS = new ConcurrentHashMap<>();

    private record Version(long size, long modifiedMillis, String hash) {}

    private final Path root;
    private final String defaultFilename;

    /**
     * Serves the files under {@code root}.
     *
     * @param root the directory
     */
    public StaticFileHandler(Path root) {
        this(root, null);
    }

    /**
     * Serves the files under {@code root}, and {@code defaultFilename} for a directory's URL (with a
     * trailing slash; without one, the client is redirected to it, as Tornado does).
     *
     * @param root the directory
     * @param defaultFilename e.g. "index.html", or null to answer 403 for directories
     */
    public StaticFileHandler(Path root, String defaultFilename) {
        this.root = Objects.requireNonNull(root, "root");
        this.defaultFilename = defaultFilename;
    }

    @Override
    public Future<?> get(String... args) {
        serve(args.length > 0 && args[0] != null ? args[0] : "", true);
        return null;
    }

    @Override
    public Future<?> head(String... args) {
        serve(args.length > 0 && args[0] != null ? args[0] : "", false);
        return null;
    }

    /**
     * Returns how long clients may cache the file (Tornado's {@code get_cache_time}); override to change.
     *
     * @param path the requested path
     * @param versioned true if the request has a {@code v} argument
     * @return the lifetime, or null for no Cache-Control header
     */
    protected Duration cacheTime(String path, boolean versioned) {
        return versioned ? VERSIONED_MAX_AGE : null;
    }

    /**
     * Returns the Content-Type for a file (Tornado's {@code get_content_type}); override to add types.
     *
     * @param file the file's real path
     * @return the type; {@code application/octet-stream} when unknown
     */
    protected String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        return type != null ? type : "application/octet-stream";
    }

    // ---------------------------------------------------------------------------------------------------

    private void serve(String relPath, boolean includeBody) {
        Path file = resolve(relPath);
        if (file == null) {
            return; // redirected
        }
        BasicFileAttributes attrs = attributes(file);
        if (!attrs.isRegularFile()) {
            throw new HTTPError(403, relPath + " is not a regular file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            throw new HTTPError(403, "Cannot read " + relPath + ": " + e);
        } catch (IOException e) {
            throw new HTTPError(404, "Cannot open " + relPath + ": " + e);
        }
        boolean handedOver = false;
        try {
            handedOver = respond(relPath, file, attrs, channel, includeBody);
        } finally {
            if (!handedOver) {
                closeQuietly(channel);
            }
        }
    }

    /** Writes the response; true if the channel was handed to a write that closes it. */
    private boolean respond(String relPath, Path file, BasicFileAttributes attrs, FileChannel channel,
            boolean includeBody) {
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new HTTPError(500, "Cannot read the size of " + relPath + ": " + e);
        }
        long modifiedMillis = attrs.lastModifiedTime().toMillis();
        long modifiedSeconds = Math.floorDiv(modifiedMillis, 1000);
        String etag = "\"" + version(file, channel, size, modifiedMillis) + "\"";
        String type = contentType(file);
        setHeader("Content-Type", type);
        setHeader("ETag", etag);
        setHeader("Last-Modified", HTTPDate.format(modifiedSeconds));
        setHeader("Accept-Ranges", "bytes");
        setHeader("X-Content-Type-Options", "nosniff");
        Duration cache = cacheTime(relPath, request().queryArguments().containsKey("v"));
        if (cache != null) {
            long s = Math.max(0, cache.getSeconds());
            setHeader("Cache-Control", s == 0 ? "no-cache" : "public, max-age=" + s
                    + (s >= VERSIONED_MAX_AGE.getSeconds() ? ", immutable" : ""));
            setHeader("Expires", HTTPDate.format(System.currentTimeMillis() / 1000 + s));
        }
        if (notModified(etag, modifiedSeconds)) {
            setStatus(304);
            return false;
        }
        long start = 0;
        long length = size;
        String range = request().headers().get("Range");
        if (range != null && ifRangeMatches(etag, modifiedSeconds)) {
            long[] r = parseRange(range, size);
            if (r == UNSATISFIABLE) {
                setStatus(416);
                clearHeader("Content-Type");
                setHeader("Content-Range", "bytes */" + size);
                setHeader("Content-Length", "0");
                return false;
            }
            if (r != null) {
                start = r[0];
                length = r[1] - r[0] + 1;
                setStatus(206);
                setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + size);
            }
        }
        if (getStatus() == 200 && application().settings().compressResponse() && GzipOutput.compressibleType(type)
                && size <= GZIP_LIMIT) {
            // Small textual file: read it and let the gzip transform of finish() decide and set the headers.
            write(readAll(channel, size, relPath));
            return false;
        }
        disableTransforms();
        setHeader("Content-Length", Long.toString(length));
        if (length <= SMALL_FILE) {
            // One write for headers and body: cheaper than a header write followed by a sendfile call.
            if (includeBody) {
                write(readRange(channel, start, (int) length, relPath));
            }
            return false;
        }
        flush();
        if (!includeBody || length == 0) {
            return false;
        }
        Future<Void> sent = connection().writeFile(channel, start, length);
        sent.addDoneCallback(done -> closeQuietly(channel));
        return true;
    }

    /** RFC 9110 13.1.2 and 13.1.3: If-None-Match (weak comparison) wins over If-Modified-Since. */
    private boolean notModified(String etag, long modifiedSeconds) {
        HTTPHeaders h = request().headers();
        String inm = h.get("If-None-Match");
        if (inm != null) {
            String ours = opaque(etag);
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || opaque(t).equals(ours)) {
                    return true;
                }
            }
            return false;
        }
        String ims = h.get("If-Modified-Since");
        if (ims != null) {
            Long since = parseDate(ims);
            return since != null && modifiedSeconds <= since;
        }
        return false;
    }

    /** RFC 9110 13.1.5: a Range applies only if If-Range (when present) names the current file. */
    private boolean ifRangeMatches(String etag, long modifiedSeconds) {
        String ir = request().headers().get("If-Range");
        if (ir == null) {
            return true;
        }
        ir = ir.trim();
        if (ir.startsWith("\"") || ir.startsWith("W/")) {
            return ir.equals(etag); // strong comparison: a weak tag never matches
        }
        Long date = parseDate(ir);
        return date != null && date == modifiedSeconds;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static Long parseDate(String s) {
        try {
            return ZonedDateTime.parse(s.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Marks a Range that starts past the end: answered 416. */
    private static final long[] UNSATISFIABLE = new long[0];

    /**
     * Parses one byte range (RFC 9110 14.1.2) against a file of {@code size} bytes.
     *
     * @return {first, last} inclusive; null to ignore the header (not bytes, several ranges, or malformed:
     *     the whole file is sent); {@link #UNSATISFIABLE} when it starts past the end
     */
    static long[] parseRange(String header, long size) {
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().equalsIgnoreCase("bytes")) {
            return null;
        }
        String spec = h.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            long suffix = digits(b);
            if (suffix < 0) {
                return null;
            }
            if (suffix == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (first < 0 || last < 0 || last < first) {
            return null;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new long[] {first, Math.min(last, size - 1)};
    }

    /** Non-negative decimal; huge values saturate; -1 if not all digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Checks and resolves the requested path inside the root (see the class comment).
     *
     * @return the real path of the file to serve, or null if the client was redirected
     */
    private Path resolve(String relPath) {
        Path rootReal = realRoot(root);
        Path real = confine(rootReal, relPath);
        if (Files.isDirectory(real)) {
            if (defaultFilename == null) {
                throw new HTTPError(403, (relPath.isEmpty() ? "the static root" : relPath)
                        + " is a directory (no default filename is set)");
            }
            String path = request().path();
            if (!path.endsWith("/")) {
                String q = request().query();
                redirect(path + "/" + (q.isEmpty() ? "" : "?" + q), true);
                return null;
            }
            real = confine(rootReal, relPath + (relPath.isEmpty() || relPath.endsWith("/") ? "" : "/")
                    + defaultFilename);
        }
        return real;
    }

    private static Path realRoot(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new HTTPError(500, "Static root " + root + " cannot be resolved: " + e);
        }
    }

    /** Validates {@code relPath} and returns its real path, which lies inside {@code rootReal}. */
    static Path confine(Path rootReal, String relPath) {
        for (int i = 0; i < relPath.length(); i++) {
            char c = relPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new HTTPError(400, "Control character " + String.format("U+%04X", (int) c)
                        + " in static path");
            }
        }
        if (relPath.startsWith("/") || relPath.indexOf('\\') >= 0
                || (relPath.length() >= 2 && relPath.charAt(1) == ':')) {
            throw new HTTPError(403, relPath + " is absolute or holds a backslash or a drive letter");
        }
        for (String segment : relPath.split("/", -1)) {
            if (segment.equals("..")) {
                throw new HTTPError(403, relPath + " has a '..' segment");
            }
        }
        Path candidate;
        try {
            candidate = rootReal.resolve(relPath).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new HTTPError(400, "Invalid static path " + relPath + ": " + e.getMessage());
        }
        if (!candidate.startsWith(rootReal)) {
            throw new HTTPError(403, relPath + " is not in the static root");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            // As Tornado's: a missing file is a bare 404 (the access line shows it), not a warning per request.
            throw new HTTPError(404);
        } catch (AccessDeniedException e) {
            throw new HTTPError(403, relPath + " cannot be read: " + e);
        } catch (IOException e) {
            throw new HTTPError(404, relPath + " cannot be resolved: " + e);
        }
        if (!real.startsWith(rootReal)) {
            throw new HTTPError(403, relPath + " leads out of the static root (a symbolic link?)");
        }
        return real;
    }

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new HTTPError(404, "Cannot read the attributes of " + file.getFileName() + ": " + e);
        }
    }

    private static byte[] readAll(FileChannel channel, long size, String relPath) {
        return readRange(channel, 0, (int) size, relPath);
    }

    private static byte[] readRange(FileChannel channel, long start, int length, String relPath) {
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            while (b.hasRemaining()) {
                if (channel.read(b, start + b.position()) < 0) {
                    throw new HTTPError(500, relPath + " shrank while it was read");
                }
            }
        } catch (IOException e) {
            throw new HTTPError(500, "Cannot read " + relPath + ": " + e);
        }
        return b.array();
    }

    /** The content hash of a file (hex), cached until its size or modification time change. */
    private static String version(Path file, FileChannel channel, long size, long modifiedMillis) {
        if (size > HASH_LIMIT) {
            return Long.toHexString(modifiedMillis) + "-" + Long.toHexString(size);
        }
        Version v = VERSIONS.get(file);
        if (v != null && v.size == size && v.modifiedMillis == modifiedMillis) {
            return v.hash;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        long pos = 0;
        try {
            int n;
            while (pos < size && (n = channel.read(b, pos)) > 0) {
                pos += n;
                b.flip();
                md.update(b);
                b.clear();
            }
        } catch (IOException e) {
            throw new HTTPError(500, "Cannot read " + file.getFileName() + " to hash it: " + e);
        }
        String hash = SecureCookies.hex(md.digest()).substring(0, 32);
        if (VERSIONS.size() > 10_000) {
            VERSIONS.clear(); // a bound, not an LRU: a static tree rarely has this many files
        }
        VERSIONS.put(file, new Version(size, modifiedMillis, hash));
        return hash;
    }

    /**
     * Returns {@code prefix + path + "?v=" + hash} for a file under the static path of {@code settings};
     * without {@code ?v=} if the file does not exist (as Tornado).
     *
     * @param settings the application's settings
     * @param path the file's path under the static directory
     * @return the URL
     * @throws IllegalStateException if no static path is set
     * @throws HTTPError 403 or 400 if the path would leave the directory
     */
    public static String staticUrl(WebSettings settings, String path) {
        Path dir = settings.staticPath();
        if (dir == null) {
            throw new IllegalStateException("staticUrl needs a static directory: call"
                    + " application.settings().staticPath(Path.of(...)) first");
        }
        String url = settings.staticUrlPrefix() + Escape.urlEscapePath(path, true);
        Path real;
        try {
            real = confine(realRoot(dir), path);
        } catch (HTTPError e) {
            if (e.status() == 404) {
                Log.warning("staticUrl: " + path + " does not exist under " + dir + "; its URL has no version");
                return url;
            }
            throw e;
        }
        try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
            BasicFileAttributes a = attributes(real);
            return url + "?v=" + version(real, ch, ch.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            Log.warning("staticUrl: cannot read " + real + ": " + e + "; its URL has no version");
            return url;
        }
    }

    /** Serves {@link WebSettings#staticPath} requests; null when the request is not for a static file. */
    static Future<?> serveSettings(Application app, HTTPServerRequest request) {
        WebSettings s = app.settings();
        Path dir = s.staticPath();
        if (dir == null) {
            return null;
        }
        String prefix = s.staticUrlPrefix();
        String path = request.path();
        if (path.equals("/favicon.ico") || path.equals("/robots.txt")) {
            return new StaticFileHandler(dir).execute(app, request, new String[] {path.substring(1)});
        }
        if (!path.startsWith(prefix)) {
            return null;
        }
        String rel = HTTPUtil.urlDecode(path.substring(prefix.length()), false);
        return new StaticFileHandler(dir).execute(app, request, new String[] {rel});
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            Log.debug("Closing a static file failed: " + e);
        }
    }
}
