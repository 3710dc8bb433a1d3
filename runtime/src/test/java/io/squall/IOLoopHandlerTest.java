package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;

/** addHandler / updateHandler / removeHandler on a real Pipe and a loopback socket pair. */
@org.junit.jupiter.api.Timeout(120)
class IOLoopHandlerTest extends AsyncTestCase {
    private Pipe pipe;

    @BeforeEach
    void openPipe() throws IOException {
        pipe = Pipe.open();
    }

    @AfterEach
    void closePipe() throws IOException {
        pipe.source().close();
        pipe.sink().close();
    }

    private static void write(Pipe.SinkChannel sink, String s) {
        try {
            ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                sink.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readAvailable(SelectableChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(1024);
            int n = ((java.nio.channels.ReadableByteChannel) ch).read(b);
            return n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code n} more loop iterations (each callback queues the next one), then completes. */
    private Future<Void> iterations(int n) {
        Future<Void> f = new Future<>();
        Runnable[] step = new Runnable[1];
        int[] left = {n};
        step[0] = () -> {
            if (--left[0] <= 0) {
                f.setResult(null);
            } else {
                loop.addCallback(step[0]);
            }
        };
        loop.addCallback(step[0]);
        return f;
    }

    @Test
    void readHandlerGetsDataWrittenByAnotherThread() {
        String got = runSync(() -> {
            Future<String> f = new Future<>();
            StringBuilder sb = new StringBuilder();
            loop.addHandler(pipe.source(), (ch, ops) -> {
                assertEquals(IOLoop.READ, ops);
                assertSame(pipe.source(), ch);
                sb.append(readAvailable(ch));
                if (sb.length() >= 5) {
                    loop.removeHandler(ch);
                    f.setResult(sb.toString());
                }
            }, IOLoop.READ);
            Thread t = new Thread(() -> write(pipe.sink(), "hello"));
            t.start();
            return f;
        });
        assertEquals("hello", got);
    }

    @Test
    void writeHandlerIsCalledWhenWritable() {
        int ops = runSync(() -> {
            Future<Integer> f = new Future<>();
            loop.addHandler(pipe.sink(), (ch, ready) -> {
                write(pipe.sink(), "x");
                loop.removeHandler(ch);
                f.setResult(ready);
            }, IOLoop.WRITE);
            return f;
        });
        assertEquals(IOLoop.WRITE, ops);
        assertEquals("x", readAvailableBlocking());
    }

    private String readAvailableBlocking() {
        try {
            ByteBuffer b = ByteBuffer.allocate(16);
            pipe.source().configureBlocking(true);
            int n = pipe.source().read(b);
            return new String(b.array(), 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void updateHandlerPausesAndResumes() {
        AtomicInteger readCalls = new AtomicInteger();
        write(pipe.sink(), "data");
        runSync(() -> {
            Future<Void> paused = new Future<>();
            loop.addHandler(pipe.source(), (ch, ops) -> {
                // Do not read: with READ interest the loop would report the channel every iteration.
                if (readCalls.incrementAndGet() == 1) {
                    loop.updateHandler(ch, 0);
                    paused.setResult(null);
                }
            }, IOLoop.READ);
            return paused;
        });
        runSync(() -> iterations(10));
        // A busy loop may skip polling for a few microseconds; a sleep makes it block in (and poll) select.
        runSync(() -> Gen.sleep(java.time.Duration.ofMillis(5)));
        assertEquals(1, readCalls.get(), "a paused handler is not called although data is waiting");

        String data = runSync(() -> {
            Future<String> f = new Future<>();
            loop.removeHandler(pipe.source());
            loop.addHandler(pipe.source(), (ch, ops) -> {
                loop.removeHandler(ch);
                f.setResult(readAvailable(ch));
            }, 0);
            loop.updateHandler(pipe.source(), IOLoop.READ);
            return f;
        });
        assertEquals("data", data);
    }

    @Test
    void updateHandlerToWriteReportsOnlyTheCurrentInterest() {
        List<Integer> seen = new ArrayList<>();
        runSync(() -> {
            Future<Void> f = new Future<>();
            loop.addHandler(pipe.sink(), (ch, ops) -> {
                seen.add(ops);
                loop.removeHandler(ch);
                f.setResult(null);
            }, 0);
            loop.updateHandler(pipe.sink(), IOLoop.READ | IOLoop.WRITE); // a sink cannot read: WRITE only
            return f;
        });
        assertEquals(List.of(IOLoop.WRITE), seen);
    }

    @Test
    void removeHandlerThenAddAgainInTheSameIteration() {
        write(pipe.sink(), "abc");
        List<String> calls = new ArrayList<>();
        String data = runSync(() -> {
            Future<String> f = new Future<>();
            loop.addHandler(pipe.source(), (ch, ops) -> {
                calls.add("first");
                loop.removeHandler(ch);
                loop.addHandler(ch, (ch2, ops2) -> {
                    calls.add("second");
                    loop.removeHandler(ch2);
                    f.setResult(readAvailable(ch2));
                }, IOLoop.READ);
            }, IOLoop.READ);
            return f;
        });
        assertEquals("abc", data);
        assertEquals(List.of("first", "second"), calls);
    }

    @Test
    void callbacksThatKeepRequeueingThemselvesDoNotStarveIO() {
        int[] spins = {0};
        String data = runSync(() -> {
            Future<String> f = new Future<>();
            String[] received = {null};
            loop.addHandler(pipe.source(), (ch, ops) -> {
                loop.removeHandler(ch);
                received[0] = readAvailable(ch);
            }, IOLoop.READ);
            // Each spin is one iteration; the data arrives while the loop is busy with them.
            Runnable[] spin = new Runnable[1];
            spin[0] = () -> {
                if (received[0] != null) {
                    f.setResult(received[0]);
                    return;
                }
                if (++spins[0] == 100) {
                    write(pipe.sink(), "ready");
                }
                loop.addCallback(spin[0]);
            };
            loop.addCallback(spin[0]);
            return f;
        });
        assertEquals("ready", data);
        assertTrue(spins[0] >= 100, "the spinning callback ran " + spins[0] + " times");
    }

    @Test
    void removeThenAddReusesTheKeyAndTheNewHandlerGetsTheData() {
        write(pipe.sink(), "xyz");
        List<String> calls = new ArrayList<>();
        String data = runSync(() -> {
            Future<String> f = new Future<>();
            loop.addHandler(pipe.source(), (ch, ops) -> calls.add("old"), IOLoop.READ);
            loop.removeHandler(pipe.source());
            loop.addHandler(pipe.source(), (ch, ops) -> {
                calls.add("new");
                loop.removeHandler(ch);
                f.setResult(readAvailable(ch));
            }, IOLoop.READ);
            return f;
        });
        assertEquals("xyz", data);
        assertEquals(List.of("new"), calls);
        assertEquals(1, loop.registeredKeys(), "one key, reused");
    }

    @Test
    void aRemovedChannelIsNeverDispatchedAndCannotBeUpdated() {
        write(pipe.sink(), "waiting");
        AtomicInteger calls = new AtomicInteger();
        loop.addHandler(pipe.source(), (ch, ops) -> calls.incrementAndGet(), IOLoop.READ);
        loop.removeHandler(pipe.source());
        // Blocking selects poll the ready pipe several times; the removed handler must never run.
        runSync(() -> Gen.sleep(java.time.Duration.ofMillis(5)));
        runSync(() -> iterations(3));
        runSync(() -> Gen.sleep(java.time.Duration.ofMillis(5)));
        assertEquals(0, calls.get());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.updateHandler(pipe.source(), IOLoop.READ));
        assertTrue(e.getMessage().contains("no handler"), e.getMessage());
        assertEquals("waiting", readAvailable(pipe.source()));
    }

    @Test
    void closingARemovedChannelReleasesItsKey() throws IOException {
        loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ);
        loop.removeHandler(pipe.source());
        assertEquals(1, loop.registeredKeys());
        pipe.source().close();
        runSync(() -> Gen.sleep(java.time.Duration.ofMillis(5)));
        assertEquals(0, loop.registeredKeys(), "the closed channel's key is gone after a select");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void addingAfterRemovingAClosedChannelFailsClearly() throws IOException {
        loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ);
        loop.removeHandler(pipe.source());
        pipe.source().close();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void closeDoesNotCountRemovedHandlers() {
        IOLoop other = new IOLoop();
        other.makeCurrent();
        other.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ);
        other.removeHandler(pipe.source());
        other.close();
        loop.makeCurrent();
        assertEquals(List.of(), logs.matching(Level.WARNING, "IOLoop closed"), "no handler is left to report");
        assertTrue(pipe.source().isOpen(), "close() leaves channels open");
    }

    @Test
    void everyRunPollsIOInItsFirstIteration() {
        write(pipe.sink(), "now");
        List<String> seen = new ArrayList<>();
        loop.addHandler(pipe.source(), (ch, ops) -> seen.add(readAvailable(ch)), IOLoop.READ);
        for (int i = 0; i < 3; i++) {
            // stop() before start(): exactly one iteration, busy with a callback, and it still polls I/O.
            loop.addCallback(() -> seen.add("callback"));
            loop.stop();
            loop.start();
            if (i == 0) {
                assertEquals(List.of("callback", "now"), seen);
                write(pipe.sink(), "again");
            }
        }
        loop.removeHandler(pipe.source());
        assertEquals(List.of("callback", "now", "callback", "again", "callback"), seen);
    }

    @Test
    void removeHandlerOfAnUnregisteredChannelDoesNothing() {
        loop.removeHandler(pipe.source());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.updateHandler(pipe.source(), IOLoop.READ));
        assertTrue(e.getMessage().contains("no handler"), e.getMessage());
    }

    @Test
    void addingASecondHandlerIsRefused() {
        loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ));
        assertTrue(e.getMessage().contains("already has a handler"), e.getMessage());
        loop.removeHandler(pipe.source());
    }

    @Test
    void addHandlerOnAClosedChannelFailsClearly() throws IOException {
        pipe.source().close();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> loop.addHandler(pipe.source(), (ch, ops) -> {}, IOLoop.READ));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void handlerExceptionIsLoggedAndTheLoopGoesOn() {
        write(pipe.sink(), "x");
        RuntimeException boom = new RuntimeException("handler boom");
        String after = runSync(() -> {
            Future<String> f = new Future<>();
            loop.addHandler(pipe.source(), (ch, ops) -> {
                readAvailable(ch);
                loop.removeHandler(ch);
                loop.addCallback(() -> f.setResult("still running"));
                throw boom;
            }, IOLoop.READ);
            return f;
        });
        assertEquals("still running", after);
        assertSame(boom, logs.expect(Level.SEVERE, "Exception in I/O handler").getThrown());
    }

    @Test
    void handlerMethodsFromAnotherThreadAreHandedToTheLoop() {
        write(pipe.sink(), "q");
        String got = runSync(() -> {
            Future<String> f = new Future<>();
            Thread t = new Thread(() -> loop.addHandler(pipe.source(), (ch, ops) -> {
                loop.removeHandler(ch);
                f.setResult(readAvailable(ch));
            }, IOLoop.READ));
            t.start();
            return f;
        });
        assertEquals("q", got);
    }

    @Test
    void loopbackSocketsAcceptConnectReadAndWrite() throws Exception {
        try (ServerSocketChannel server = bindUnusedPort(); SocketChannel client = SocketChannel.open()) {
            InetSocketAddress address = (InetSocketAddress) server.getLocalAddress();
            SocketChannel[] accepted = new SocketChannel[1];
            List<String> events = new ArrayList<>();
            String echoed = runSync(() -> {
                Future<String> done = new Future<>();
                loop.addHandler(server, (ch, ops) -> {
                    events.add("accept:" + ops);
                    try {
                        SocketChannel conn = server.accept();
                        if (conn == null) {
                            return;
                        }
                        accepted[0] = conn;
                        loop.removeHandler(server);
                        // Server side: read "ping", answer "pong".
                        loop.addHandler(conn, (c, o) -> {
                            String got = readAvailable(c);
                            if (!got.isEmpty()) {
                                events.add("server read:" + got);
                                loop.removeHandler(c);
                                try {
                                    conn.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)));
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }
                        }, IOLoop.READ);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, IOLoop.READ);
                try {
                    client.configureBlocking(false);
                    boolean connected = client.connect(address);
                    loop.addHandler(client, (ch, ops) -> {
                        try {
                            if (client.isConnectionPending()) {
                                events.add("connect:" + ops);
                                client.finishConnect();
                                loop.updateHandler(client, IOLoop.WRITE);
                            } else if ((ops & IOLoop.WRITE) != 0) {
                                events.add("client write:" + ops);
                                client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
                                loop.updateHandler(client, IOLoop.READ);
                            } else {
                                String got = readAvailable(client);
                                if (!got.isEmpty()) {
                                    loop.removeHandler(client);
                                    done.setResult(got);
                                }
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }, IOLoop.WRITE);
                    if (connected) {
                        events.add("connect:" + IOLoop.WRITE);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return done;
            });
            assertEquals("pong", echoed);
            assertTrue(events.contains("accept:" + IOLoop.READ), events.toString());
            assertTrue(events.contains("connect:" + IOLoop.WRITE), events.toString());
            assertTrue(events.contains("client write:" + IOLoop.WRITE), events.toString());
            assertTrue(events.contains("server read:ping"), events.toString());
            accepted[0].close();
        }
    }
}
