package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.squall.net.IOStream;
import io.squall.testing.AsyncTestCase;

/** The per-host pool's bookkeeping, with waiters that record what they were given. */
class HostPoolTest extends AsyncTestCase {

    /** Records "connect" or the connection it was handed. */
    private static final class Recorder implements HostPool.Waiter {
        final List<Object> events = new ArrayList<>();
        boolean abandoned;

        @Override
        public boolean abandoned() {
            return abandoned;
        }

        @Override
        public void use(HTTP1ClientConnection connection) {
            events.add(connection);
        }

        @Override
        public void connect() {
            events.add("connect");
        }
    }

    private final List<HTTP1ClientConnection> made = new ArrayList<>();

    private HTTP1ClientConnection connection() throws IOException {
        HTTP1ClientConnection c = new HTTP1ClientConnection("h:1", new IOStream(SocketChannel.open()), 1024, 1024);
        made.add(c);
        return c;
    }

    @Test
    void slotsIdleReuseAndWaitingInOrder() throws IOException {
        HostPool pool = new HostPool(2);
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        Recorder c = new Recorder();
        Recorder d = new Recorder();
        pool.acquire(a);
        pool.acquire(b);
        pool.acquire(c);
        pool.acquire(d);
        assertEquals(List.of("connect"), a.events);
        assertEquals(List.of("connect"), b.events);
        assertEquals(List.of(), c.events, "third waits: the limit is 2");
        assertEquals(2, pool.open());

        HTTP1ClientConnection ca = connection();
        pool.release(ca, true, true);
        assertEquals(List.of(ca), c.events, "a released connection goes to the first waiter");
        d.abandoned = true;
        pool.release(ca, true, true);
        assertEquals(List.of(), d.events, "an abandoned waiter is skipped");
        assertEquals(1, pool.idle());

        Recorder e = new Recorder();
        pool.acquire(e);
        assertEquals(List.of(ca), e.events, "an idle connection is reused");
        assertEquals(0, pool.idle());

        Recorder f = new Recorder();
        pool.acquire(f);
        assertEquals(List.of(), f.events);
        pool.release(ca, false, true);
        assertTrue(ca.isClosed(), "a connection that cannot be reused is closed");
        assertEquals(List.of("connect"), f.events, "and its slot goes to the next waiter");
        assertEquals(2, pool.open());

        pool.slotFreed();
        pool.slotFreed();
        assertEquals(0, pool.open());
        for (HTTP1ClientConnection m : made) {
            m.close();
        }
    }

    @Test
    void closedIdleConnectionsAreDroppedAndCloseIdleEmptiesThePool() throws IOException {
        HostPool pool = new HostPool(1);
        Recorder a = new Recorder();
        pool.acquire(a);
        HTTP1ClientConnection first = connection();
        pool.release(first, true, true);
        first.close();
        Recorder b = new Recorder();
        pool.acquire(b);
        assertEquals(List.of("connect"), b.events, "a connection closed while idle is not handed out");
        HTTP1ClientConnection second = connection();
        pool.release(second, true, true);
        assertEquals(1, pool.idle());
        pool.closeIdle();
        assertTrue(second.isClosed());
        assertEquals(0, pool.open());
        Recorder c = new Recorder();
        pool.acquire(c);
        assertSame("connect", c.events.get(0));
        pool.release(connection(), true, false);
        assertEquals(0, pool.idle(), "keepIdle false (a closed client) closes instead of pooling");
        assertEquals(0, pool.open());
        for (HTTP1ClientConnection m : made) {
            m.close();
        }
    }
}
