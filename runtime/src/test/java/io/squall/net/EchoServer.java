package io.squall.net;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.squall.Future;

/** A line echo server for tests: answers each line with the same line until the client closes. */
class EchoServer extends TCPServer {
    /** Connections served, by the name of the thread that ran handleStream. */
    final Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
    final AtomicInteger connections = new AtomicInteger();
    /** Every stream handed to this server; tests close the ones on their own loop afterwards. */
    final java.util.Queue<IOStream> streams = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Override
    protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
        connections.incrementAndGet();
        streams.add(stream);
        servedBy.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
        Future<Void> done = new Future<>();
        echo(stream, done);
        return done;
    }

    private static void echo(IOStream stream, Future<Void> done) {
        stream.readUntil(new byte[] {'\n'}).addDoneCallback(line -> {
            if (line.exception() != null) {
                // the client closing is the normal end; anything else fails the handler (and is logged)
                if (line.exception() instanceof StreamClosedException && stream.error() == null) {
                    done.setResult(null);
                } else {
                    done.setException(line.exception());
                }
                return;
            }
            stream.write(line.result()).addDoneCallback(w -> {
                if (w.exception() != null) {
                    done.setException(w.exception());
                } else {
                    echo(stream, done);
                }
            });
        });
    }
}
