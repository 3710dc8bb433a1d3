package io.squall.http;

import java.util.Objects;

/**
 * A file uploaded in a {@code multipart/form-data} body (Tornado's {@code HTTPFile}), as found in
 * {@link HTTPServerRequest#files()}: the form field's name, the file name the client sent, the part's content
 * type and its bytes. Immutable apart from the body array, which is shared, not copied.
 *
 * <p>The file name is given back exactly as the client sent it (a name holding a control character or a
 * {@code ..} segment was already refused with 400). It is the client's label for the file, never a safe path:
 * the library never uses it as one, and neither should you: store uploads under names you choose.
 */
public final class HTTPFile {
    private final String name;
    private final String filename;
    private final String contentType;
    private final byte[] body;
    private final HTTPHeaders headers;

    /**
     * Creates an uploaded file; the multipart parser does this, tests may too.
     *
     * @param name the form field's name
     * @param filename the file name the client sent (may be empty)
     * @param contentType the part's Content-Type, {@code application/octet-stream} when it sent none
     * @param body the bytes
     * @param headers the part's headers
     */
    public HTTPFile(String name, String filename, String contentType, byte[] body, HTTPHeaders headers) {
        this.name = Objects.requireNonNull(name, "name");
        this.filename = Objects.requireNonNull(filename, "filename");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.body = Objects.requireNonNull(body, "body");
        this.headers = headers != null ? headers : new HTTPHeaders();
    }

    /** @return the form field's name, e.g. "avatar" */
    public String name() {
        return name;
    }

    /** @return the file name as the client sent it, e.g. "me.png"; a label, never a path */
    public String filename() {
        return filename;
    }

    /** @return the part's content type, e.g. "image/png" */
    public String contentType() {
        return contentType;
    }

    /** @return the file's bytes; the array is shared, not copied */
    public byte[] body() {
        return body;
    }

    /** @return the part's headers (Content-Disposition, ...), values as sent, one char per byte (ISO-8859-1) */
    public HTTPHeaders headers() {
        return headers;
    }

    /** Renders "HTTPFile(avatar, me.png, image/png, 1234 bytes)". */
    @Override
    public String toString() {
        return "HTTPFile(" + name + ", " + filename + ", " + contentType + ", " + body.length + " bytes)";
    }
}
