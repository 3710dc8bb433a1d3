package io.squall.tests.traces;

import io.squall.tests.SourceLines;

import io.squall.tests.RawHttp;
import io.squall.tests.RecordingHandler;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * Issue 11 part 1: an exception crossing awaits carries, after its real frames and the boundary frame
 * {@code io.squall.Async.await(awaited by)}, the frame of each awaiting coroutine at its {@code await} line,
 * innermost first, out to the coroutine {@code runSync} or the handler awaited; the instance is the original.
 */
@Timeout(60)
class AsyncTraceTest {

    static final String FILE = "AsyncTraceTest.java";
    static final StackTraceElement BOUNDARY = new StackTraceElement("io.squall.Async", "await", "awaited by", -1);

    IOLoop loop;
    ExecutorService pool;

    @BeforeEach
    void setUp() {
        loop = new IOLoop();
        loop.makeCurrent();
        pool = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        loop.close();
    }

    /** The frames after the boundary, as {@link #frame} strings. */
    static List<String> asyncFrames(Throwable t) {
        List<StackTraceElement> all = Arrays.asList(t.getStackTrace());
        int b = all.indexOf(BOUNDARY);
        assertTrue(b > 0, "no async boundary in the trace of " + t + ": " + all);
        assertEquals(b, all.lastIndexOf(BOUNDARY), "one boundary");
        return all.subList(b + 1, all.size()).stream().map(AsyncTraceTest::frame).toList();
    }

    /** A frame as {@code class.method(file:line)}, without the class loader or module a real frame names. */
    static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
    }

    static String at(Class<?> c, String method, String marker) {
        return frame(new StackTraceElement(c.getName(), method, FILE, SourceLines.lineOf("traces", FILE, marker)));
    }

    Throwable failureOf(Supplier<Future<String>> coroutine) {
        return assertThrows(Throwable.class, () -> loop.runSync(coroutine::get, Duration.ofSeconds(30)));
    }

    // ---------------------------------------------------------------------------------------------------
    // Nested coroutines

    static final class Nested {
        static volatile Throwable thrown;

        static <T extends Throwable> T remember(T t) {
            thrown = t;
            return t;
        }

        @Coroutine
        static Future<String> outer(Future<String> gate) {
            String s = await(middle(gate)); // N-OUTER
            return Future.of(s);
        }

        @Coroutine
        static Future<String> middle(Future<String> gate) {
            String s = await(inner(gate)); // N-MIDDLE
            return Future.of(s + "!");
        }

        @Coroutine
        static Future<String> inner(Future<String> gate) {
            String v = await(gate); // N-INNER
            throw remember(new IllegalStateException("boom after " + v)); // N-THROW
        }
    }

    @Test
    void aCoroutineThrowingAfterItResumedShowsItsAwaitersAtTheirAwaitLines() {
        Throwable t = failureOf(() -> {
            Future<String> gate = new Future<>();
            Future<String> f = Nested.outer(gate);
            loop.addCallback(() -> gate.setResult("resume"));
            return f;
        });
        assertSame(Nested.thrown, t, "the original instance reaches runSync");
        assertEquals(at(Nested.class, "inner", "N-THROW"), frame(t.getStackTrace()[0]), "real frames come first");
        assertEquals(List.of(at(Nested.class, "middle", "N-MIDDLE"), at(Nested.class, "outer", "N-OUTER")),
                asyncFrames(t));
    }

    @Test
    void aFailedFutureFromTheLoopShowsTheWholeChainFromTheInnermostAwait() {
        IOException io = new IOException("connection reset");
        Throwable t = failureOf(() -> {
            Future<String> gate = new Future<>();
            Future<String> f = Nested.outer(gate);
            loop.addCallback(() -> gate.setException(io));
            return f;
        });
        assertSame(io, t);
        assertEquals(List.of(at(Nested.class, "inner", "N-INNER"), at(Nested.class, "middle", "N-MIDDLE"),
                at(Nested.class, "outer", "N-OUTER")), asyncFrames(t));
    }

    @Test
    void aFailureThrownBeneathTheAwaitsWithoutSuspendingGetsNoBoundary() {
        // inner throws at once, called from middle, called from outer: its real frames show them all already.
        Throwable t = failureOf(() -> Nested.outer(Future.of("now")));
        assertSame(Nested.thrown, t);
        assertTrue(Arrays.stream(t.getStackTrace()).noneMatch(BOUNDARY::equals), Arrays.toString(t.getStackTrace()));
    }

    @Test
    void aFailureMadeElsewhereAndAwaitedWithoutSuspendingShowsEveryAwait() {
        // Made on the test's own stack before any coroutine ran: none of its frames shows the awaits.
        IllegalArgumentException e = new IllegalArgumentException("at once");
        Throwable t = failureOf(() -> Nested.outer(Future.failed(e)));
        assertSame(e, t);
        assertEquals(List.of(at(Nested.class, "inner", "N-INNER"), at(Nested.class, "middle", "N-MIDDLE"),
                at(Nested.class, "outer", "N-OUTER")), asyncFrames(t));
    }

    // ---------------------------------------------------------------------------------------------------
    // CompletableFuture and executor sources

    static final class Sources {
        @Coroutine
        static Future<String> outer(Supplier<Future<String>> inner) {
            String s = await(inner.get()); // S-OUTER
            return Future.of(s);
        }

        @Coroutine
        static Future<String> fromStage(CompletableFuture<String> cf) {
            String s = await(cf); // S-CF
            return Future.of(s);
        }

        @Coroutine
        static Future<String> fromExecutor(IOLoop loop, ExecutorService pool) {
            String s = await(loop.runInExecutor(pool, () -> {
                throw new IOException("disk full");
            })); // S-EXEC
            return Future.of(s);
        }
    }

    @Test
    void aCompletableFutureFailedOnAnotherThreadShowsTheCoroutinesAwaitingIt() {
        IllegalStateException e = new IllegalStateException("remote call failed");
        Throwable t = failureOf(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> f = Sources.outer(() -> Sources.fromStage(cf));
            loop.addCallback(() -> pool.execute(() -> cf.completeExceptionally(e)));
            return f;
        });
        assertSame(e, t, "the CompletableFuture's own exception, unwrapped");
        assertEquals(List.of(at(Sources.class, "fromStage", "S-CF"), at(Sources.class, "outer", "S-OUTER")),
                asyncFrames(t));
    }

    @Test
    void aCompletableFutureThatFailedBeforeItWasAwaitedShowsTheCoroutinesAwaitingIt() throws Exception {
        // The usual race: supplyAsync fails on its pool before the coroutine reaches its await, so nothing
        // suspends; the exception's own frames are all the pool thread's.
        CompletableFuture<String> cf = CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("remote call failed at once");
        }, pool);
        Throwable e = cf.handle((v, x) -> x).get(30, java.util.concurrent.TimeUnit.SECONDS).getCause();
        Throwable t = failureOf(() -> Sources.outer(() -> Sources.fromStage(cf)));
        assertSame(e, t, "the CompletableFuture's own exception, unwrapped");
        assertTrue(t.getStackTrace()[0].getMethodName().startsWith("lambda$"), "thrown in the task: " + t.getStackTrace()[0]);
        assertEquals(List.of(at(Sources.class, "fromStage", "S-CF"), at(Sources.class, "outer", "S-OUTER")),
                asyncFrames(t));
    }

    @Test
    void anExecutorTaskFailureShowsItsWorkerFramesThenTheAwaitingCoroutines() {
        Throwable t = failureOf(() -> Sources.outer(() -> Sources.fromExecutor(loop, pool)));
        assertTrue(t instanceof IOException && t.getMessage().equals("disk full"), t.toString());
        assertTrue(t.getStackTrace()[0].getMethodName().startsWith("lambda$"), "thrown in the task: " + t.getStackTrace()[0]);
        int exec = SourceLines.lineOf("traces", FILE, "S-EXEC");
        List<String> frames = asyncFrames(t);
        // javac puts the await of a multi-line expression on its first or last line depending on the version.
        String prefix = Sources.class.getName() + ".fromExecutor(" + FILE + ":";
        assertTrue(frames.get(0).equals(prefix + exec + ")") || frames.get(0).equals(prefix + (exec - 2) + ")"),
                frames.get(0));
        assertEquals(List.of(at(Sources.class, "outer", "S-OUTER")), frames.subList(1, frames.size()));
    }

    static final class Streams {
        @Coroutine
        static Future<String> line(io.squall.net.IOStream stream) {
            byte[] b = await(stream.readUntil(new byte[] {'\n'})); // S-READ
            return Future.of(new String(b, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aStreamReadFailingBecauseThePeerLeftShowsTheReadersAwait() throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(server.getLocalAddress());
            java.nio.channels.SocketChannel peer = server.accept();
            io.squall.net.IOStream stream = new io.squall.net.IOStream(client, loop, 1024);
            Throwable t = failureOf(() -> {
                Future<String> f = Sources.outer(() -> Streams.line(stream));
                loop.callLater(Duration.ofMillis(10), () -> {
                    try {
                        peer.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                return f;
            });
            assertTrue(t instanceof io.squall.net.StreamClosedException, t.toString());
            assertEquals(List.of(at(Streams.class, "line", "S-READ"), at(Sources.class, "outer", "S-OUTER")),
                    asyncFrames(t));
            stream.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Lambdas

    static final class Lambdas {
        static Supplier<Future<String>> awaiting(Future<String> gate) {
            return () -> {
                String v = await(gate); // L-LAMBDA
                return Future.of(v);
            };
        }
    }

    @Test
    void aLambdaCoroutineShowsAsItsSyntheticMethodAtItsAwaitLine() {
        IOException io = new IOException("lambda source");
        Throwable t = failureOf(() -> {
            Future<String> gate = new Future<>();
            Future<String> f = Sources.outer(Lambdas.awaiting(gate));
            loop.addCallback(() -> gate.setException(io));
            return f;
        });
        assertSame(io, t);
        List<String> frames = asyncFrames(t);
        assertEquals(2, frames.size(), frames.toString());
        assertTrue(frames.get(0).matches(java.util.regex.Pattern.quote(Lambdas.class.getName() + ".lambda$awaiting$")
                + "\\d+" + java.util.regex.Pattern.quote("(" + FILE + ":" + SourceLines.lineOf("traces", FILE, "L-LAMBDA") + ")")),
                frames.get(0));
        assertEquals(at(Sources.class, "outer", "S-OUTER"), frames.get(1));
    }

    // ---------------------------------------------------------------------------------------------------
    // One failure, two awaiters

    static final class FanOut {
        @Coroutine
        static Future<String> awaitBoth(Future<String> shared) {
            Future<String> first = await1(shared);
            Future<String> second = await2(shared);
            try {
                await(first); // F-BOTH-1
            } catch (Exception e) {
                await(second); // F-BOTH-2
            }
            return Future.of("unreached");
        }

        @Coroutine
        static Future<String> await1(Future<String> shared) {
            return Future.of(await(shared)); // F-ONE
        }

        @Coroutine
        static Future<String> await2(Future<String> shared) {
            return Future.of(await(shared)); // F-TWO
        }

        @Coroutine
        static Future<String> failing(Future<String> gate) {
            return Future.of(await(gate)); // F-FAILING
        }
    }

    @Test
    void aFailureAwaitedByTwoCoroutinesKeepsOneChain() {
        IOException io = new IOException("shared");
        Throwable t = failureOf(() -> {
            Future<String> gate = new Future<>();
            Future<String> shared = FanOut.failing(gate);
            Future<String> f = FanOut.awaitBoth(shared);
            loop.addCallback(() -> gate.setException(io));
            return f;
        });
        assertSame(io, t);
        assertEquals(List.of(at(FanOut.class, "failing", "F-FAILING"), at(FanOut.class, "await1", "F-ONE"),
                at(FanOut.class, "awaitBoth", "F-BOTH-1")), asyncFrames(t),
                "the second awaiter (await2) and the rethrow through the second await add nothing");
    }

    // ---------------------------------------------------------------------------------------------------
    // A handler's 500

    static final class Repo {
        @Coroutine
        static Future<String> load(int id) {
            String row = await(query(id)); // H-LOAD
            return Future.of(row);
        }

        @Coroutine
        static Future<String> query(int id) {
            Future<String> reply = new Future<>();
            IOLoop.current().callLater(Duration.ofMillis(5), () -> reply.setException(
                    new IOException("database went away while reading row " + id)));
            return Future.of(await(reply)); // H-QUERY
        }
    }

    /** Awaits the repository, which fails. */
    public static class RowHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            String row = await(Repo.load(7)); // H-HANDLER
            write(row);
            return null;
        }
    }

    @Test
    void aHandlersUncaughtExceptionIsLoggedWithTheAwaitingChain() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        String answer;
        try {
            answer = loop.runSync(() -> {
                HTTPServer server = new Application().addHandler("/row", RowHandler.class).listen(0, "127.0.0.1");
                return loop.runInExecutor(pool, () -> RawHttp.get(server.port(), "/row"));
            }, Duration.ofSeconds(30));
        } finally {
            squall.removeHandler(h);
        }
        assertTrue(answer.startsWith("HTTP/1.1 500"), answer);
        LogRecord logged;
        synchronized (records) {
            logged = records.stream().filter(r -> r.getMessage().startsWith("Uncaught exception in "
                    + RowHandler.class.getName())).findFirst().orElseThrow(() -> new AssertionError(records.toString()));
        }
        Throwable t = logged.getThrown();
        assertNotNull(t);
        assertEquals("database went away while reading row 7", t.getMessage());
        assertEquals(List.of(at(Repo.class, "query", "H-QUERY"), at(Repo.class, "load", "H-LOAD"),
                at(RowHandler.class, "get", "H-HANDLER")), asyncFrames(t));
    }

    // ---------------------------------------------------------------------------------------------------
    // A class compiled without debug info

    @Test
    void aClassWithoutDebugInfoShowsNamesWithoutLines(@TempDir Path dir) throws Exception {
        Map<String, byte[]> classes = compile("NoDebug", List.of("-g:none"), dir);
        ClassLoader loader = new ClassLoader("nodebug-fixture", getClass().getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        Class<?> c = loader.loadClass("fixture.NoDebug");
        IOException io = new IOException("no debug info");
        Throwable t = failureOf(() -> {
            Future<String> gate = new Future<>();
            try {
                @SuppressWarnings("unchecked")
                Future<String> f = (Future<String>) c.getMethod("outer", Future.class).invoke(null, gate);
                loop.addCallback(() -> gate.setException(io));
                return f;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        });
        assertSame(io, t);
        assertEquals(List.of("fixture.NoDebug.inner(null:-1)", "fixture.NoDebug.outer(null:-1)"), asyncFrames(t));
        List<StackTraceElement> all = Arrays.asList(t.getStackTrace());
        assertEquals("fixture.NoDebug.inner(Unknown Source)", all.get(all.indexOf(BOUNDARY) + 1).toString());
    }

    static Map<String, byte[]> compile(String name, List<String> options, Path dir) throws IOException {
        Path src = dir.resolve("src/fixture/" + name + ".java");
        Files.createDirectories(src.getParent());
        try (InputStream in = AsyncTraceTest.class.getResourceAsStream("/traces/fixture/" + name + ".java")) {
            assertNotNull(in, "fixture source " + name + " missing from the test resources");
            Files.write(src, in.readAllBytes());
        }
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (run the tests on a JDK)");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-proc:none", "-encoding", "UTF-8", "-classpath", cp, "-d", out.toString(), src.toString()));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertEquals(0, javac.run(null, null, err, args.toArray(new String[0])), err.toString(StandardCharsets.UTF_8));
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String rel = out.relativize(p).toString();
                classes.put(rel.substring(0, rel.length() - 6).replace(File.separatorChar, '.'), Files.readAllBytes(p));
            }
        }
        return classes;
    }

    // ---------------------------------------------------------------------------------------------------
    // The off switch

    @Test
    void theSystemPropertyTurnsThemOff() throws Exception {
        String agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:")).findFirst()
                .orElseThrow(() -> new AssertionError("the tests run with -javaagent"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The slow-step detector is off in the children: a cold class load on a busy machine can pass its 100 ms,
        // and its warning would land in the output compared here.
        String quiet = "-Dio.squall.slowStepMillis=0";
        List<String> off = List.of(java, agent, quiet, "-Dio.squall.asyncTraces=false", "-cp", cp,
                TraceMain.class.getName());
        List<String> on = List.of(java, agent, quiet, "-cp", cp, TraceMain.class.getName());
        assertEquals("boundary=false frames-after-real=0", run(off));
        assertEquals("boundary=true frames-after-real=3", run(on));
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return out;
    }
}
