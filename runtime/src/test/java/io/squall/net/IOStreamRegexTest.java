package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;

/** IOStream.readUntilRegex (Tornado's read_until_regex) over real loopback sockets. */
@Timeout(120)
class IOStreamRegexTest extends NetTestBase {

    private static final int MAX = IOStream.DEFAULT_MAX_BUFFER_SIZE;

    @Test
    void readsThroughTheEndOfTheFirstMatchAndLeavesTheRest() {
        RawPair p = rawPair(MAX);
        p.peerWrite("HEADER 12\r\nHEADER 345\nrest");
        Pattern lineEnd = Pattern.compile("\\d+\\r?\\n");
        assertEquals("HEADER 12\r\n", str(run(() -> p.stream.readUntilRegex(lineEnd))));
        assertEquals("HEADER 345\n", str(run(() -> p.stream.readUntilRegex(lineEnd, 100))));
        assertEquals("rest", str(run(() -> p.stream.readBytes(4))));
    }

    @Test
    void aMatchSplitAcrossManyPacketsIsFound() {
        RawPair p = rawPair(MAX);
        AtomicInteger delivered = new AtomicInteger();
        byte[] data = bytes("alpha;;beta;;;gamma;;");
        Pattern sep = Pattern.compile(";{2,}");
        List<String> parts = run(() -> {
            Future<List<String>> out = new Future<>();
            List<String> got = new ArrayList<>();
            Runnable[] next = new Runnable[1];
            next[0] = () -> p.stream.readUntilRegex(sep).addDoneCallback(f -> {
                delivered.addAndGet(f.result().length);
                got.add(str(f.result()));
                if (got.size() == 3) {
                    out.setResult(got);
                } else {
                    next[0].run();
                }
            });
            next[0].run();
            return then(feed(p, oneByteChunks(data), () -> p.stream.readBufferSize() + delivered.get()), x -> out);
        });
        // Byte by byte, ";;" matches as soon as two arrive: the third ';' starts the next part.
        assertEquals(List.of("alpha;;", "beta;;", ";gamma;;"), parts);
    }

    @Test
    void bytesAboveAsciiAreMatchedOneForOne() {
        RawPair p = rawPair(MAX);
        byte[] utf8 = "größe=\u00e9t\u00e9\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        p.peerWrite(utf8);
        byte[] got = run(() -> p.stream.readUntilRegex(Pattern.compile("\n")));
        assertEquals(utf8.length, got.length, "the match offset is a byte offset");
        assertEquals("größe=été\n", new String(got, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void noMatchWithinMaxBytesIsUnsatisfiableAndCloses() {
        RawPair p = rawPair(MAX);
        p.peerWrite("0123456789012345678901234567890123456789");
        Throwable t = runExpectingFailure(() -> p.stream.readUntilRegex(Pattern.compile("\\n"), 16));
        assertInstanceOf(UnsatisfiableReadException.class, t);
        assertTrue(t.getMessage().contains("readUntilRegex(/\\n/, maxBytes=16)") && t.getMessage().contains("a match"),
                t.getMessage());
        assertTrue(p.stream.isClosed());
        assertSame(t, p.stream.error());
    }

    @Test
    void aMatchEndingBeyondMaxBytesIsUnsatisfiable() {
        RawPair p = rawPair(MAX);
        p.peerWrite("0123456789END");
        Throwable t = runExpectingFailure(() -> p.stream.readUntilRegex(Pattern.compile("E.D"), 12));
        assertInstanceOf(UnsatisfiableReadException.class, t);
        assertTrue(t.getMessage().contains("ends after 13 bytes"), t.getMessage());
    }

    @Test
    void theReadBufferFillingFirstFailsClearly() {
        RawPair p = rawPair(1024);
        p.peerWrite(pattern(3000, 2));
        Throwable t = runExpectingFailure(() -> p.stream.readUntilRegex(Pattern.compile("NEVER"), 1_000_000));
        assertInstanceOf(StreamBufferFullException.class, t);
        assertTrue(t.getMessage().contains("1024") && t.getMessage().contains("readUntilRegex"), t.getMessage());
        assertTrue(p.stream.isClosed());
    }

    @Test
    void thePeerClosingBeforeAMatchFailsTheRead() {
        RawPair p = rawPair(MAX);
        p.peerWrite("no end in sight");
        p.peerClose();
        Throwable t = runExpectingFailure(() -> p.stream.readUntilRegex(Pattern.compile("\\n")));
        assertInstanceOf(StreamClosedException.class, t);
    }

    @Test
    void badArgumentsAreRefused() {
        RawPair p = rawPair(MAX);
        assertThrows(NullPointerException.class, () -> p.stream.readUntilRegex(null));
        assertThrows(IllegalArgumentException.class, () -> p.stream.readUntilRegex(Pattern.compile("x"), 0));
    }
}
