package io.squall.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for text messages and close reasons (RFC 6455 section 8.1): malformed sequences,
 * overlong forms and encoded surrogates are errors, never replaced. One instance per connection; not
 * thread-safe.
 */
final class Utf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * Decodes {@code len} bytes of {@code b} from {@code off}.
     *
     * @return the text
     * @throws CharacterCodingException if the bytes are not valid UTF-8
     */
    String decode(byte[] b, int off, int len) throws CharacterCodingException {
        int end = off + len;
        int i = off;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1); // all ASCII: the same characters
        }
        decoder.reset();
        return decoder.decode(ByteBuffer.wrap(b, off, len)).toString();
    }
}
