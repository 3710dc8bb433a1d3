package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.Gen;

/** {@link IOStream#writeFile}: file regions queued between byte writes, in order, over real loopback sockets. */
@Timeout(120)
class IOStreamWriteFileTest extends NetTestBase {
    @TempDir
    Path tmp;

    @Test
    void fileRegionsAndBuffersKeepTheirOrder() throws IOException {
        byte[] content = pattern(6 * 1024 * 1024 + 3, 11);
        Path file = tmp.resolve("data.bin");
        Files.write(file, content);
        IOStream[] pair = streamPair(IOStream.DEFAULT_MAX_BUFFER_SIZE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] head = "HEAD".getBytes();
            byte[] mid = "MID".getBytes();
            byte[] tail = "TAIL".getBytes();
            int total = head.length + content.length + mid.length + 1000 + tail.length;
            List<Object> r = run(() -> Gen.multi(List.of(
                    pair[0].write(head), pair[0].writeFile(ch, 0, content.length), pair[0].write(mid),
                    pair[0].writeFile(ch, 5000, 1000), pair[0].writeFile(ch, 0, 0), pair[0].write(tail),
                    pair[1].readBytes(total))));
            byte[] got = (byte[]) r.get(6);
            byte[] expected = new byte[total];
            int p = 0;
            for (byte[] part : new byte[][] {head, content, mid, Arrays.copyOfRange(content, 5000, 6000), tail}) {
                System.arraycopy(part, 0, expected, p, part.length);
                p += part.length;
            }
            assertArrayEquals(expected, got);
            assertFalse(pair[0].writing());
        }
    }

    @Test
    void aFileShorterThanTheRegionClosesTheStream() throws IOException {
        Path file = tmp.resolve("short.bin");
        Files.write(file, pattern(1000, 3));
        IOStream[] pair = streamPair(IOStream.DEFAULT_MAX_BUFFER_SIZE);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Future<Void> w = pair[0].writeFile(ch, 0, 5000);
            StreamClosedException e = assertThrows(StreamClosedException.class, () -> run(() -> w));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("File shrank"), e.getCause().getMessage());
            assertTrue(pair[0].isClosed());
        }
    }

    @Test
    void writeFileOnAClosedStreamFails() throws IOException {
        Path file = tmp.resolve("x.bin");
        Files.write(file, new byte[10]);
        IOStream[] pair = streamPair(IOStream.DEFAULT_MAX_BUFFER_SIZE);
        pair[0].close();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThrows(StreamClosedException.class, () -> run(() -> pair[0].writeFile(ch, 0, 10)));
            assertThrows(IllegalArgumentException.class, () -> pair[1].writeFile(ch, -1, 10));
        }
    }
}
