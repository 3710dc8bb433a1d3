package io.squall.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses a request body as JSON for {@link RequestHandler#getJsonBody()}, turning every way it can be
 * wrong into an {@link HTTPError} whose reason tells the client what to fix: 415 when the Content-Type
 * is not JSON, 400 when the body is empty, not UTF-8 (RFC 8259 8.1), or not valid JSON (with line and
 * column).
 */
final class JsonBody {
    private JsonBody() {
        throw new AssertionError("no instances");
    }

    static Object parse(HTTPServerRequest request) {
        String type = request.headers().get("Content-Type");
        if (type != null && !isJsonType(type)) {
            throw HTTPError.withReason(415, "Unsupported Media Type: send Content-Type application/json",
                    "Content-Type " + type + " is not JSON");
        }
        byte[] body = request.body();
        if (body.length == 0) {
            throw HTTPError.withReason(400, "Bad Request: empty JSON body", "Empty body where JSON was expected");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw HTTPError.withReason(400, "Bad Request: JSON body is not valid UTF-8",
                    "JSON body is not valid UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // RFC 8259 8.1: a parser may ignore a byte order mark
        }
        try {
            return JSON.decode(text);
        } catch (JSONDecodeError e) {
            throw HTTPError.withReason(400, "Bad Request: malformed JSON: " + e.getMessage(),
                    "Malformed JSON body: " + e.getMessage());
        }
    }

    static boolean isJsonType(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        t = t.trim();
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"));
    }
}
