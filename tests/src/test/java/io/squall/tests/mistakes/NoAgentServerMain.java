package io.squall.tests.mistakes;

import static io.squall.Async.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/** Run in a fresh JVM WITHOUT the agent by {@link NoAgentTest}: a server whose route is a coroutine handler. */
public final class NoAgentServerMain {

    private NoAgentServerMain() {}

    /** A coroutine handler: without the agent its await fails. */
    public static class SleepyHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            await(Gen.sleep(Duration.ofMillis(1)));
            write("slept");
            return null;
        }
    }

    /**
     * Starts the server (the warning is logged here), sends one request and prints its status line.
     *
     * @param args unused
     * @throws Exception on I/O errors
     */
    public static void main(String[] args) throws Exception {
        IOLoop loop = IOLoop.current();
        HTTPServer server = new Application().addHandler("/sleep", SleepyHandler.class).listen(0, "127.0.0.1");
        System.err.println("server started");
        int port = server.port();
        Future<String> status = loop.runInExecutor(java.util.concurrent.ForkJoinPool.commonPool(), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("GET /sleep HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                return all.substring(0, all.indexOf("\r\n"));
            }
        });
        System.err.println("status: " + loop.runSync(() -> status, Duration.ofSeconds(30)));
        server.stop();
        System.exit(0);
    }
}
