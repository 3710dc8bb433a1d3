package io.squall.bench.websocket;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.websocket.WebSocket;
import io.squall.websocket.WebSocketClientConnection;

/**
 * The load of the WebSocket echo benchmark, on Squall's client and the calling thread's loop: N sockets, each
 * keeping {@code window} text messages in flight and sending the next as each echo comes back (checked
 * against what was sent, in order). Counts echoes during the measured window and reads the server loop
 * thread's CPU time over the same window.
 */
final class WsLoad {
    /** What one run measured. */
    static final class Result {
        final long messages;
        final double seconds;
        final long serverCpuNanos;
        final long clientCpuNanos;
        final long mismatches;

        Result(long messages, double seconds, long serverCpuNanos, long clientCpuNanos, long mismatches) {
            this.messages = messages;
            this.seconds = seconds;
            this.serverCpuNanos = serverCpuNanos;
            this.clientCpuNanos = clientCpuNanos;
            this.mismatches = mismatches;
        }

        double perSecond() {
            return messages / seconds;
        }

        double serverCpuMicrosPerMessage() {
            return serverCpuNanos / 1000.0 / Math.max(1, messages);
        }
    }

    private final IOLoop loop;
    private final String payload;
    private final int window;
    private boolean measuring;
    private boolean stopping;
    private long counted;
    private long mismatches;
    private int inFlight;
    private Future<Void> drained;

    private WsLoad(IOLoop loop, int size, int window) {
        this.loop = loop;
        this.payload = "x".repeat(size);
        this.window = window;
    }

    static Result run(String url, int sockets, int window, int size, double warmupSeconds, double seconds,
            Thread serverThread) {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        try {
            WsLoad load = new WsLoad(loop, size, window);
            return load.go(url, sockets, warmupSeconds, seconds, serverThread);
        } finally {
            loop.close();
        }
    }

    private Result go(String url, int sockets, double warmupSeconds, double seconds, Thread serverThread) {
        List<Future<WebSocketClientConnection>> connecting = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            connecting.add(WebSocket.connect(url));
        }
        List<WebSocketClientConnection> all = loop.runSync(() -> Gen.multi(connecting), Duration.ofSeconds(60));
        for (WebSocketClientConnection ws : all) {
            ArrayDeque<String> sent = new ArrayDeque<>();
            for (int i = 0; i < window; i++) {
                send(ws, sent);
            }
            read(ws, sent);
        }
        loop.runSync(() -> Gen.sleep(Duration.ofMillis((long) (warmupSeconds * 1000))));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long serverCpu0 = mx.getThreadCpuTime(serverThread.getId());
        long clientCpu0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        measuring = true;
        loop.runSync(() -> Gen.sleep(Duration.ofMillis((long) (seconds * 1000))));
        measuring = false;
        long elapsed = System.nanoTime() - t0;
        long serverCpu = mx.getThreadCpuTime(serverThread.getId()) - serverCpu0;
        long clientCpu = mx.getCurrentThreadCpuTime() - clientCpu0;
        stopping = true;
        drained = new Future<>();
        if (inFlight == 0) {
            drained.setResult(null);
        }
        loop.runSync(() -> drained, Duration.ofSeconds(60));
        List<Future<Void>> closing = new ArrayList<>();
        for (WebSocketClientConnection ws : all) {
            ws.close();
            closing.add(ws.whenClosed());
        }
        loop.runSync(() -> Gen.multi(closing), Duration.ofSeconds(60));
        return new Result(counted, elapsed / 1e9, serverCpu, clientCpu, mismatches);
    }

    private int seq;

    private void send(WebSocketClientConnection ws, ArrayDeque<String> sent) {
        String m = (seq++) + payload;
        sent.add(m);
        inFlight++;
        ws.writeMessage(m);
    }

    private void read(WebSocketClientConnection ws, ArrayDeque<String> sent) {
        ws.readMessage().addDoneCallback(f -> {
            Object m = f.exception() == null ? f.result() : null;
            if (m == null) {
                mismatches++;
                return;
            }
            inFlight--;
            if (!m.equals(sent.poll())) {
                mismatches++;
            }
            if (measuring) {
                counted++;
            }
            if (stopping) {
                if (inFlight == 0) {
                    drained.trySetResult(null);
                }
                if (sent.isEmpty()) {
                    return;
                }
            } else {
                send(ws, sent);
            }
            // the next read goes through the loop, so a long run of buffered echoes cannot deepen the stack
            loop.addCallback(() -> read(ws, sent));
        });
    }
}
