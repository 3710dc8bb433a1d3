package io.squall.tests.traces;

import static io.squall.Async.await;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.net.IOStream;
import io.squall.sync.Lock;
import io.squall.sync.Releaser;

/**
 * Prints the async stack trace and the coroutine dump shown in the README's "When something goes wrong"
 * section (run with the agent: {@code java -javaagent:agent/target/squall-agent.jar -cp <test classpath>
 * io.squall.tests.traces.ReadmeDemo}).
 */
public final class ReadmeDemo {

    private ReadmeDemo() {
    }

    static final class Repo {
        @Coroutine
        static Future<String> user(IOStream db, int id) {
            String row = await(query(db, "select * from users where id = " + id));
            return Future.of(row);
        }

        @Coroutine
        static Future<String> query(IOStream db, String sql) {
            await(db.write((sql + "\n").getBytes()));
            byte[] line = await(db.readUntil(new byte[] {'\n'}));
            return Future.of(new String(line));
        }

        @Coroutine
        static Future<Void> report(Lock lock) {
            try (Releaser r = await(lock.acquire())) {
                await(Gen.sleep(Duration.ofSeconds(30)));
            }
            return Future.of(null);
        }
    }

    @Coroutine
    static Future<String> handle(IOStream db) {
        String user = await(Repo.user(db, 42));
        return Future.of("hello " + user);
    }

    public static void main(String[] args) throws Exception {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            SocketChannel peer = server.accept();
            IOStream db = new IOStream(client, loop, 65536);
            // 1. An async stack trace: the database closes the connection while the query waits for its reply.
            try {
                loop.runSync(() -> {
                    Future<String> f = handle(db);
                    loop.callLater(Duration.ofMillis(20), () -> {
                        try {
                            peer.close();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    return f;
                });
            } catch (Exception e) {
                e.printStackTrace(System.out);
            }
            // 2. A dump: a lock holder sleeping, two coroutines queued on the lock, one reading a stream.
            SocketChannel client2 = SocketChannel.open(server.getLocalAddress());
            SocketChannel peer2 = server.accept();
            IOStream db2 = new IOStream(client2, loop, 65536);
            Lock lock = new Lock();
            loop.runSync(() -> {
                Repo.report(lock);
                Repo.report(lock);
                Repo.report(lock);
                handle(db2);
                return Gen.sleep(Duration.ofMillis(1500));
            });
            System.out.println();
            System.out.println(loop.dumpCoroutines());
            peer2.close();
        }
        loop.close();
    }
}
