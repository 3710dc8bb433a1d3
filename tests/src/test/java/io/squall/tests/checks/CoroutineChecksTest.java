package io.squall.tests.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Squall's compile-time checks (squall-annotations' processor and javac plugin), run by javax.tools javac on
 * good and bad snippets: each diagnostic's kind, line and message (with its fix), suppression, and the three
 * ways to turn the checks on (class-path discovery, -proc:full, -Xplugin:SquallChecks).
 */
class CoroutineChecksTest {

    private static final List<String> ON = List.of("-proc:full");

    private static final String HEADER = "package p;\n"
            + "import static io.squall.Async.await;\n"
            + "import io.squall.Future;\n"
            + "import io.squall.IOLoop;\n"
            + "import io.squall.annotations.Coroutine;\n"
            + "import java.util.concurrent.*;\n"
            + "import java.util.function.*;\n";

    static final String BAD = HEADER
            + "abstract class Bad {\n"
            + "    String plain(Future<String> f) {\n"
            + "        return await(f); //! ERROR not-coroutine\n"
            + "    }\n"
            + "    Future<String> unannotated(Future<String> f) {\n"
            + "        return Future.of(await(f)); //! ERROR not-coroutine\n"
            + "    }\n"
            + "    Function<Future<String>, String> reference() {\n"
            + "        return io.squall.Async::await; //! ERROR not-coroutine\n"
            + "    }\n"
            + "    Supplier<String> lambda(Future<String> f) {\n"
            + "        return () -> await(f); //! ERROR not-coroutine\n"
            + "    }\n"
            + "    Runnable voidLambda(Future<String> f) {\n"
            + "        return () -> { await(f); }; //! ERROR not-coroutine\n"
            + "    }\n"
            + "    String field = await(Future.of(\"x\")); //! ERROR not-coroutine\n"
            + "    @Coroutine\n"
            + "    Future<String> inBlock(Future<String> f, Object lock) {\n"
            + "        synchronized (lock) {\n"
            + "            return Future.of(await(f)); //! ERROR synchronized\n"
            + "        }\n"
            + "    }\n"
            + "    @Coroutine\n"
            + "    synchronized Future<String> synchronizedCoroutine(Future<String> f) {\n"
            + "        return Future.of(await(f)); //! ERROR synchronized\n"
            + "    }\n"
            + "    @Coroutine\n"
            + "    String notAFuture(Future<String> f) { //! ERROR return-type\n"
            + "        return \"x\";\n"
            + "    }\n"
            + "    @Coroutine\n"
            + "    abstract Future<String> abstractCoroutine(); //! WARNING abstract\n"
            + "    @Coroutine\n"
            + "    Future<String> caller(Future<String> f) {\n"
            + "        inBlock(f, this); //! WARNING ignored-future\n"
            + "        try {\n"
            + "            return Future.of(await(f));\n"
            + "        } catch (Exception e) { //! WARNING swallowed-cancellation\n"
            + "            return Future.of(\"failed\");\n"
            + "        }\n"
            + "    }\n"
            + "    @Coroutine\n"
            + "    Future<String> swallowsCancellation(Future<String> f) {\n"
            + "        try {\n"
            + "            return Future.of(await(f));\n"
            + "        } catch (CancellationException e) { //! WARNING swallowed-cancellation\n"
            + "            return Future.of(\"cancelled\");\n"
            + "        }\n"
            + "    }\n"
            + "    @Coroutine\n"
            + "    CompletionStage<String> swallowsThrowable(CompletionStage<String> f) {\n"
            + "        try {\n"
            + "            return CompletableFuture.completedFuture(await(f));\n"
            + "        } catch (IllegalArgumentException | Error e) {\n"
            + "            throw e;\n"
            + "        } catch (Throwable t) { //! WARNING swallowed-cancellation\n"
            + "            return CompletableFuture.completedFuture(\"failed\");\n"
            + "        }\n"
            + "    }\n"
            + "}\n";

    static final String GOOD = HEADER
            + "class Good {\n"
            + "    @Coroutine Future<String> a(Future<String> f) { return Future.of(await(f)); }\n"
            + "    @Coroutine CompletionStage<String> b(CompletionStage<String> s) {\n"
            + "        return CompletableFuture.completedFuture(await(s));\n"
            + "    }\n"
            + "    @Coroutine CompletableFuture<Integer> c(Future<Integer> f) {\n"
            + "        return CompletableFuture.completedFuture(await(f) + 1);\n"
            + "    }\n"
            + "    @Coroutine Future<String> noAwait() { return Future.of(\"x\"); }\n"
            + "    Function<Future<String>, Future<String>> lambda() { return f -> Future.of(await(f)); }\n"
            + "    Supplier<CompletableFuture<Integer>> lambda2(Future<Integer> f) {\n"
            + "        return () -> CompletableFuture.completedFuture(await(f));\n"
            + "    }\n"
            + "    <T> Supplier<Future<T>> generic(Future<T> f) { return () -> Future.of(await(f)); }\n"
            + "    @Coroutine Future<String> monitorBetweenAwaits(Future<String> f, Object lock) {\n"
            + "        String v = await(f);\n"
            + "        synchronized (lock) { v = v + \"!\"; }\n"
            + "        synchronized (lock) {\n"
            + "            Supplier<Future<String>> later = () -> Future.of(await(f));\n"
            + "        }\n"
            + "        return Future.of(v + await(f));\n"
            + "    }\n"
            + "    @Coroutine Future<String> rethrowsCancellation(Future<String> f) {\n"
            + "        try { return Future.of(await(f)); }\n"
            + "        catch (CancellationException c) { throw c; }\n"
            + "        catch (Exception e) { return Future.of(\"failed\"); }\n"
            + "    }\n"
            + "    @Coroutine Future<String> checksCancellation(Future<String> f) {\n"
            + "        try { return Future.of(await(f)); }\n"
            + "        catch (Exception e) {\n"
            + "            if (e instanceof CancellationException) { throw (CancellationException) e; }\n"
            + "            return Future.of(\"failed\");\n"
            + "        }\n"
            + "    }\n"
            + "    @Coroutine Future<String> narrowCatch(Future<String> f) {\n"
            + "        try { return Future.of(await(f)); } catch (IllegalArgumentException e) { return Future.of(\"x\"); }\n"
            + "    }\n"
            + "    @Coroutine Future<String> noAwaitInTry(Future<String> f) {\n"
            + "        String v = await(f);\n"
            + "        try { v = v.trim(); } catch (Exception e) { v = \"\"; }\n"
            + "        return Future.of(v);\n"
            + "    }\n"
            + "    @Coroutine Future<String> usesFutures(Future<String> f, IOLoop loop) {\n"
            + "        Future<String> kept = a(f);\n"
            + "        String v = await(a(f));\n"
            + "        loop.spawnCallback(() -> a(f));\n"
            + "        return a(kept);\n"
            + "    }\n"
            + "    String notAwait(Future<String> f) { return f.result(); }\n"
            + "}\n";

    static final String SUPPRESSED = HEADER
            + "@SuppressWarnings(\"squall:ignored-future\")\n"
            + "abstract class Suppressed {\n"
            + "    @Coroutine Future<String> a(Future<String> f) { return Future.of(await(f)); }\n"
            + "    void ignored(Future<String> f) { a(f); }\n"
            + "    @SuppressWarnings(\"squall:abstract\") @Coroutine abstract Future<String> abstractCoroutine();\n"
            + "    @SuppressWarnings(\"squall:swallowed-cancellation\")\n"
            + "    @Coroutine Future<String> swallows(Future<String> f) {\n"
            + "        try { return Future.of(await(f)); } catch (Exception e) { return Future.of(\"x\"); }\n"
            + "    }\n"
            + "    @Coroutine Future<String> local(Future<String> f) {\n"
            + "        @SuppressWarnings(\"squall:swallowed-cancellation\")\n"
            + "        Supplier<Future<String>> s = () -> {\n"
            + "            try { return Future.of(await(f)); } catch (Exception e) { return Future.of(\"x\"); }\n"
            + "        };\n"
            + "        return s.get();\n"
            + "    }\n"
            + "    @SuppressWarnings(\"squall\") String everything(Future<String> f) { return await(f); }\n"
            + "    @SuppressWarnings(\"squall:not-coroutine\") String onPurpose(Future<String> f) { return await(f); }\n"
            + "    @SuppressWarnings(\"squall:abstract\") String wrongKey(Future<String> f) {\n"
            + "        return await(f); //! ERROR not-coroutine\n"
            + "    }\n"
            + "}\n";

    @Test
    void badSnippetGetsEachDiagnosticWithKindAndLine() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(CheckedJavac.compile(ON, "p.Bad", BAD));
        assertEquals(sorted(CheckedJavac.expected(BAD)), sorted(CheckedJavac.actual(squall)), squall.toString());
        for (CheckedJavac.Diag d : squall) {
            assertTrue(d.message.contains("Fix: "), "every message gives a fix: " + d);
        }
    }

    @Test
    void messagesSayWhatWhereAndTheFix() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(CheckedJavac.compile(ON, "p.Bad", BAD));
        assertEquals("await in method plain(Future), which is not a coroutine: it would throw"
                + " IllegalStateException at run time. Fix: annotate the method with @Coroutine and declare it to"
                + " return Future<T> (or CompletionStage/CompletableFuture), or await inside a lambda whose"
                + " functional method returns a Future [squall:not-coroutine]", at(squall, 10).message);
        assertTrue(at(squall, 19).message.startsWith("await in a lambda whose functional method returns"
                + " java.lang.String, which is not a coroutine"), at(squall, 19).message);
        // @Coroutine cannot go on a lambda: the fix names what works there instead.
        assertTrue(at(squall, 22).message.contains("Fix: @Coroutine does not apply to lambdas; await in a plain for"
                + " loop in the enclosing @Coroutine method (not forEach or a stream), or give the lambda a functional"
                + " interface whose method returns a Future (e.g. Function<T, Future<R>>)"), at(squall, 22).message);
        assertFalse(at(squall, 22).message.contains("annotate the method"), at(squall, 22).message);
        assertTrue(at(squall, 16).message.startsWith("Async::await as a method reference never runs inside a"
                + " coroutine"), at(squall, 16).message);
        assertTrue(at(squall, 28).message.startsWith("await inside a synchronized block"), at(squall, 28).message);
        assertTrue(at(squall, 33).message.contains("Fix: remove 'synchronized'"), at(squall, 33).message);
        assertEquals("@Coroutine method notAFuture(Future) returns java.lang.String: a coroutine must return"
                + " io.squall.Future, java.util.concurrent.CompletionStage or CompletableFuture, so the Squall agent"
                + " refuses it. Fix: declare it to return Future<String> and end it with 'return"
                + " Future.of(value)' [squall:return-type]", at(squall, 36).message);
        assertTrue(at(squall, 43).message.startsWith("the Future returned by coroutine method inBlock(Future, Object) is"
                + " ignored"), at(squall, 43).message);
        assertTrue(at(squall, 46).message.startsWith("catch (java.lang.Exception e) around an await also catches"
                + " the CancellationException"), at(squall, 46).message);
    }

    @Test
    void goodSnippetHasNoDiagnostic() throws Exception {
        List<CheckedJavac.Diag> all = CheckedJavac.compile(ON, "p.Good", GOOD);
        assertEquals(Collections.emptyList(), all);
    }

    @Test
    void eachWarningAndErrorCanBeSuppressedByKey() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(CheckedJavac.compile(ON, "p.Suppressed", SUPPRESSED));
        assertEquals(CheckedJavac.expected(SUPPRESSED), CheckedJavac.actual(squall), squall.toString());
    }

    @Test
    void squallTestMethodsReturningAFutureAreCoroutines() throws Exception {
        String src = HEADER + "class T {\n"
                + "    @io.squall.testing.SquallTest Future<Void> coroutineTest(Future<String> f) { await(f); return null; }\n"
                + "    @io.squall.testing.SquallTest void plainTest(Future<String> f) {\n"
                + "        await(f); //! ERROR not-coroutine\n"
                + "    }\n"
                + "}\n";
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(CheckedJavac.compile(ON, "p.T", src));
        assertEquals(CheckedJavac.expected(src), CheckedJavac.actual(squall), squall.toString());
    }

    @Test
    void brokenCodeGetsJavacsErrorsAndNoGuessFromTheChecks() throws Exception {
        String src = HEADER + "class Broken {\n"
                + "    Object f(Future<String> f) { Unknown<Future<String>> s = () -> Future.of(await(f)); return s; }\n"
                + "}\n";
        List<CheckedJavac.Diag> all = CheckedJavac.compile(ON, "p.Broken", src);
        assertTrue(all.stream().anyMatch(d -> d.message.contains("Unknown")), all.toString());
        assertEquals(Collections.emptyList(), CheckedJavac.squall(all));
    }

    @Test
    void constructorIsRejected() throws Exception {
        String src = HEADER + "class Ctor {\n    @Coroutine Ctor() {} //! ERROR constructor\n}\n";
        List<CheckedJavac.Diag> all = CheckedJavac.compile(ON, "p.Ctor", src);
        assertTrue(all.stream().anyMatch(d -> d.kind == javax.tools.Diagnostic.Kind.ERROR && d.line == 9),
                "an error on the constructor: " + all);
    }

    @Test
    void theJavacPluginChecksWithAnnotationProcessingOff() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(
                CheckedJavac.compile(List.of("-proc:none", "-Xplugin:SquallChecks"), "p.Bad", BAD));
        assertEquals(sorted(CheckedJavac.expected(BAD)), sorted(CheckedJavac.actual(squall)), squall.toString());
    }

    @Test
    void processorAndPluginTogetherReportOnce() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(
                CheckedJavac.compile(List.of("-proc:full", "-Xplugin:SquallChecks"), "p.Bad", BAD));
        assertEquals(sorted(CheckedJavac.expected(BAD)), sorted(CheckedJavac.actual(squall)), squall.toString());
    }

    @Test
    void classPathDiscoveryWithoutOptionsUntilJdk23() throws Exception {
        List<CheckedJavac.Diag> squall = CheckedJavac.squall(CheckedJavac.compile(List.of(), "p.Bad", BAD));
        if (Runtime.version().feature() < 23) {
            assertEquals(sorted(CheckedJavac.expected(BAD)), sorted(CheckedJavac.actual(squall)),
                    "squall-annotations on the class path is enough: " + squall);
        } else {
            // JDK 23+ runs class-path processors only with -proc:full (documented in the README).
            assertEquals(Collections.emptyList(), squall);
        }
    }

    private static CheckedJavac.Diag at(List<CheckedJavac.Diag> diags, long line) {
        return diags.stream().filter(d -> d.line == line).findFirst()
                .orElseThrow(() -> new AssertionError("no diagnostic on line " + line + ": " + diags));
    }

    private static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        Collections.sort(s);
        return s;
    }
}
