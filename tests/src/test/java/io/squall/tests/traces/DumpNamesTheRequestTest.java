package io.squall.tests.traces;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.CoroutineDump;
import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.sync.Event;

/**
 * A suspended handler coroutine used to appear in the coroutine dump as a bare await site, so with a hundred
 * requests parked in {@code ReportHandler.get} nobody could tell which one was which. Now its entry, and the
 * entry of every coroutine it awaits, is labelled with the request it serves: method, URI and the client's
 * address and port; a coroutine no handler awaits carries no label.
 */
@Timeout(60)
class DumpNamesTheRequestTest {

    static final Event RELEASE = new Event();
    static Future<Void> parked;

    /** A service object (not a handler) whose coroutine the handler awaits. */
    static final class Reports {
        @Coroutine
        Future<String> build(String id) {
            parked.setResult(null);
            await(RELEASE.waitFor()); // DUMP-HELPER
            return Future.of("report " + id);
        }
    }

    /** Awaits the service: the handler's own coroutine is suspended too. */
    public static class ReportHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            String r = await(new Reports().build(getQueryArgument("id"))); // DUMP-HANDLER
            write(r);
            return null;
        }
    }

    @Coroutine
    static Future<Void> unrelated() {
        await(RELEASE.waitFor()); // DUMP-UNRELATED
        return Future.of(null);
    }

    @Test
    void aHandlersCoroutinesAreLabelledWithItsRequest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2); // the client blocks one thread, the MXBean call another
        IOLoop loop = new IOLoop();
        AtomicInteger clientPort = new AtomicInteger();
        try {
            Object[] out = loop.runSync(() -> run(loop, pool, clientPort), Duration.ofSeconds(30));
            CoroutineDump dump = (CoroutineDump) out[0];
            String mxbean = (String) out[1];
            String label = "request GET /report?id=7 (127.0.0.1:" + clientPort.get() + ")";

            CoroutineDump.Entry handler = entry(dump, "get");
            CoroutineDump.Entry helper = entry(dump, "build");
            CoroutineDump.Entry other = entry(dump, "unrelated");
            assertEquals(label, handler.label());
            assertEquals(label, helper.label(), "a coroutine the handler awaits carries its request");
            assertNull(other.label(), "a coroutine no handler awaits has no label");
            assertEquals(ReportHandler.class.getName() + ".get(DumpNamesTheRequestTest.java:"
                    + line("DUMP-HANDLER") + ")", handler.site().toString());
            String text = dump.toString();
            assertTrue(text.contains(helper.site() + " waiting "), text);
            assertTrue(text.contains(" [" + label + "]\n      awaited by " + handler.site() + "\n"), text);
            assertTrue(mxbean.contains(" [" + label + "]"), mxbean);
            assertEquals("HTTP/1.1 200 OK|report 7", out[2]);
        } finally {
            pool.shutdownNow();
            loop.close();
        }
    }

    @Coroutine
    static Future<Object[]> run(IOLoop loop, ExecutorService pool, AtomicInteger clientPort) {
        parked = new Future<>();
        Application app = new Application().addHandler("/report", ReportHandler.class);
        int port = app.listen(0, "127.0.0.1").port();
        Future<Void> other = unrelated();
        Future<String> response = loop.runInExecutor(pool, () -> get(port, "/report?id=7", clientPort));
        await(parked);
        CoroutineDump dump = CoroutineDump.of(loop);
        // The MXBean dumps every loop from another thread: it asks this loop, so answer it off the loop. Its
        // registration runs in the background from the first suspension; register() waits for it (in a fresh
        // JVM this test can be the first to suspend anything).
        String mxbean = await(loop.runInExecutor(pool, () -> {
            io.squall.internal.ManagementRegistration.register();
            return (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(new ObjectName(io.squall.CoroutinesMXBean.OBJECT_NAME), "dump", null, null);
        }));
        RELEASE.set();
        await(other);
        String r = await(response);
        return Future.of(new Object[] {dump, mxbean,
                r.substring(0, r.indexOf("\r\n")) + "|" + r.substring(r.indexOf("\r\n\r\n") + 4)});
    }

    private static CoroutineDump.Entry entry(CoroutineDump dump, String method) {
        CoroutineDump.Entry found = null;
        for (CoroutineDump.Entry e : dump.coroutines()) {
            if (e.site() != null && e.site().getMethodName().equals(method)) {
                found = e;
            }
        }
        assertNotNull(found, "no entry for " + method + " in\n" + dump);
        return found;
    }

    private static int line(String marker) {
        return io.squall.tests.SourceLines.lineOf("traces", "DumpNamesTheRequestTest.java", marker);
    }

    static String get(int port, String path, AtomicInteger clientPort) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            clientPort.set(s.getLocalPort());
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
