package io.squall.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;

/** Writing to an {@link IOStream}, and the stream's close behaviour, over real loopback sockets. */
@Timeout(120)
@SuppressWarnings("unchecked")
class IOStreamWriteTest extends NetTestBase {

    private static final int MAX = IOStream.DEFAULT_MAX_BUFFER_SIZE;
    private static final int TEN_MB = 10 * 1024 * 1024;

    @Test
    void tenMegabytesBothWaysAtOnce() {
        IOStream[] pair = streamPair(MAX);
        byte[] up = pattern(TEN_MB, 5);
        byte[] down = pattern(TEN_MB, 6);
        List<Object> results = run(() -> Gen.multi(List.of(
                pair[0].write(up), pair[1].write(down),
                pair[1].readBytes(TEN_MB), pair[0].readBytes(TEN_MB))));
        assertNull(results.get(0));
        assertNull(results.get(1));
        assertArrayEquals(up, (byte[]) results.get(2));
        assertArrayEquals(down, (byte[]) results.get(3));
        assertFalse(pair[0].writing());
        assertFalse(pair[1].writing());
    }

    @Test
    void writeFuture_completesOnlyWhenFlushed() throws Exception {
        // a small receive buffer on a peer that does not read yet: 4 MB cannot all be flushed
        RawPair p = rawPair(MAX, 32 * 1024);
        byte[] data = pattern(4 * 1024 * 1024, 7);
        Future<Void> written = p.stream.write(data);
        run(Gen::moment);
        run(Gen::moment);
        assertFalse(written.isDone(), "the peer has not read: the bytes cannot all be flushed yet");
        assertTrue(p.stream.writing());
        assertTrue(p.stream.writeBufferSize() > 0 && p.stream.writeBufferSize() < data.length,
                "part was flushed, the rest is queued: " + p.stream.writeBufferSize());

        byte[] received = new byte[data.length];
        Thread reader = new Thread(() -> {
            try {
                InputStream in = p.peer.getInputStream();
                int off = 0;
                while (off < received.length) {
                    int n = in.read(received, off, received.length - off);
                    if (n < 0) {
                        break;
                    }
                    off += n;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "peer-reader");
        reader.start();
        run(() -> written);
        reader.join();
        assertArrayEquals(data, received);
        assertFalse(p.stream.writing());
        assertEquals(0, p.stream.writeBufferSize());
    }

    @Test
    void writes_completeInOrder_andGatheringWritesKeepBufferPositions() throws IOException {
        RawPair p = rawPair(MAX);
        ByteBuffer a = ByteBuffer.wrap(bytes("xxHEADER "));
        a.position(2);
        ByteBuffer b = ByteBuffer.allocateDirect(5).put(bytes("body "));
        b.flip();
        ByteBuffer empty = ByteBuffer.allocate(0);
        StringBuilder order = new StringBuilder();
        run(() -> {
            Future<Void> first = p.stream.write(a, empty, b);
            Future<Void> second = p.stream.write(new byte[0]);
            Future<Void> third = p.stream.write(bytes("tail"));
            first.addDoneCallback(f -> order.append('1'));
            second.addDoneCallback(f -> order.append('2'));
            third.addDoneCallback(f -> order.append('3'));
            return third;
        });
        assertEquals("123", order.toString());
        assertEquals(2, a.position(), "the caller's buffer position is untouched");
        assertEquals(0, b.position());
        byte[] got = new byte[bytes("HEADER body tail").length];
        int off = 0;
        InputStream in = p.peer.getInputStream();
        while (off < got.length) {
            off += in.read(got, off, got.length - off);
        }
        assertEquals("HEADER body tail", str(got));
    }

    @Test
    void resetMidWrite_failsThePendingWriteWithTheCause() {
        RawPair p = rawPair(MAX, 32 * 1024);
        Future<Void> written = p.stream.write(pattern(8 * 1024 * 1024, 8));
        run(Gen::moment);
        assertFalse(written.isDone());
        p.peerReset();
        Throwable t = runExpectingFailure(() -> written);
        assertInstanceOf(StreamClosedException.class, t);
        assertInstanceOf(IOException.class, t.getCause(), "the reset (or broken pipe) is the cause");
        assertTrue(p.stream.isClosed());
        assertSame(t.getCause(), p.stream.error());
    }

    @Test
    void localClose_failsPendingOperations_andRunsTheCloseCallbackOnce() {
        RawPair p = rawPair(MAX, 32 * 1024);
        AtomicInteger closes = new AtomicInteger();
        p.stream.setCloseCallback(closes::incrementAndGet);
        Future<byte[]> read = p.stream.readUntil(bytes("\n"));
        Future<Void> write = p.stream.write(pattern(8 * 1024 * 1024, 9));
        IOException cause = new IOException("closing for the test");
        p.stream.close(cause);
        p.stream.close();
        assertTrue(read.isDone());
        assertTrue(write.isDone());
        assertInstanceOf(StreamClosedException.class, read.exception());
        assertSame(cause, read.exception().getCause());
        assertInstanceOf(StreamClosedException.class, write.exception());
        assertSame(cause, write.exception().getCause());
        run(() -> until(() -> closes.get() > 0));
        run(Gen::moment);
        assertEquals(1, closes.get(), "the close callback runs once");
        assertSame(cause, p.stream.error());
        assertFalse(p.stream.channel().isOpen());
        assertFalse(p.stream.channel().isRegistered(), "the handler was removed from the loop");

        Future<Void> late = p.stream.write(bytes("late"));
        assertInstanceOf(StreamClosedException.class, late.exception());
        AtomicInteger lateCallback = new AtomicInteger();
        p.stream.setCloseCallback(lateCallback::incrementAndGet);
        run(() -> until(() -> lateCallback.get() == 1));
    }

    @Test
    void readUntilClose_afterLocalClose_returnsWhatIsBuffered() {
        RawPair p = rawPair(MAX);
        p.peerWrite("buffered");
        assertEquals("buf", str(run(() -> p.stream.readBytes(3))));
        p.stream.close();
        assertEquals("fered", str(run(() -> p.stream.readUntilClose())));
    }

    @Test
    void closeFromAnotherThread_isHandedToTheLoop() throws Exception {
        RawPair p = rawPair(MAX);
        Future<byte[]> read = p.stream.readBytes(10);
        Thread closer = new Thread(p.stream::close, "closer");
        Throwable t = runExpectingFailure(() -> {
            closer.start();
            return read;
        });
        closer.join();
        assertInstanceOf(StreamClosedException.class, t);
        assertTrue(t.getMessage().contains("closed locally"), t.getMessage());
    }

    @Test
    void writeFromAnotherThread_isHandedToTheLoop() throws Exception {
        IOStream[] pair = streamPair(MAX);
        Future<byte[]> read = pair[1].readBytes(5);
        Future<Void>[] written = new Future[1];
        Thread writer = new Thread(() -> written[0] = pair[0].write(bytes("hello")), "foreign-writer");
        byte[] got = run(() -> {
            writer.start();
            return read;
        });
        writer.join();
        assertEquals("hello", str(got));
        run(() -> written[0]);
        assertTrue(written[0].isDone());
        assertNull(written[0].exception());
    }

    @Test
    void accessors_describeTheConnection() throws IOException {
        IOStream[] pair = streamPair(4096);
        IOStream s = pair[0];
        assertSame(loop, s.loop());
        assertEquals(4096, s.maxBufferSize());
        assertEquals(pair[1].channel().getLocalAddress(), s.remoteAddress());
        s.setNoDelay(true);
        assertTrue(s.channel().getOption(java.net.StandardSocketOptions.TCP_NODELAY));
        s.setNoDelay(false);
        assertFalse(s.channel().getOption(java.net.StandardSocketOptions.TCP_NODELAY));
        assertFalse(s.reading());
        assertFalse(s.writing());
        assertFalse(s.isClosed());
        assertNull(s.error());
        assertTrue(s.toString().contains(String.valueOf(s.remoteAddress().getPort())), s.toString());
        s.close();
        s.setNoDelay(true); // ignored once closed
        assertTrue(s.toString().contains("closed"), s.toString());
    }

    @Test
    void echoBetweenTwoStreams_manySmallMessages() {
        IOStream[] pair = streamPair(MAX);
        int n = 2000;
        // pair[0] echoes lines; pair[1] pipelines n lines and reads n replies
        Future<Void> echoDone = new Future<>();
        Runnable[] echo = new Runnable[1];
        echo[0] = () -> pair[0].readUntil(bytes("\n")).addDoneCallback(f -> {
            if (f.exception() != null) {
                echoDone.trySetResult(null);
                return;
            }
            pair[0].write(f.result());
            echo[0].run();
        });
        String[] last = new String[1];
        int count = run(() -> {
            echo[0].run();
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < n; i++) {
                all.append("message ").append(i).append('\n');
            }
            pair[1].write(bytes(all.toString()));
            Future<Integer> done = new Future<>();
            int[] seen = {0};
            Runnable[] reader = new Runnable[1];
            reader[0] = () -> pair[1].readUntil(bytes("\n")).addDoneCallback(f -> {
                String line = str(f.result());
                if (!line.equals("message " + seen[0] + "\n")) {
                    done.setException(new AssertionError("reply " + seen[0] + " was " + line));
                    return;
                }
                last[0] = line;
                if (++seen[0] == n) {
                    done.setResult(seen[0]);
                } else {
                    reader[0].run();
                }
            });
            reader[0].run();
            return done;
        });
        assertEquals(n, count);
        assertEquals("message " + (n - 1) + "\n", last[0]);
        pair[1].close();
        run(() -> echoDone);
        assertTrue(pair[0].isClosed(), "the echo side saw the end of stream and closed");
        assertNull(pair[0].error());
    }
}
