package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/** Issue 13 item 5: await in a lambda that is not a coroutine is reported at class load, and says what works. */
@Timeout(60)
class AwaitInLambdaTest {

    /** What works instead: a plain loop. */
    static final class LoopSum {
        @Coroutine
        static Future<Integer> sum(List<Future<Integer>> parts) {
            int total = 0;
            for (Future<Integer> f : parts) {
                total += await(f);
            }
            return Future.of(total);
        }
    }

    @Test
    void reportedAtClassLoadAndWhenReached() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            // a fresh loader: another test may have loaded ForEachSum already; the agent sees this definition anew
            byte[] bytes;
            try (java.io.InputStream in = getClass().getResourceAsStream("ForEachSum.class")) {
                bytes = in.readAllBytes();
            }
            new ClassLoader(getClass().getClassLoader()) {
                Class<?> define() {
                    return defineClass("io.squall.tests.mistakes.ForEachSum", bytes, 0, bytes.length);
                }
            }.define();
        } finally {
            System.setErr(saved);
        }
        String warning = log.toString(StandardCharsets.UTF_8);
        assertTrue(warning.contains("[squall-agent] WARNING await() in a lambda in " + ForEachSum.class.getName()
                + ".sum (ForEachSum.java:20)"), warning);
        assertTrue(warning.contains("Use a plain for loop in the enclosing @Coroutine method, or a lambda whose"
                + " functional interface returns a Future"), warning);
        assertFalse(warning.contains("Annotate the method"), warning);

        Future<Integer> f = ForEachSum.sum(List.of(Future.of(1), Future.of(2)));
        IllegalStateException e = assertThrows(IllegalStateException.class, f::result);
        String message = e.getMessage();
        assertTrue(message.startsWith("await() called in a lambda, " + ForEachSum.class.getName() + ".lambda$sum$"),
                message);
        assertTrue(message.contains("Use a plain for loop"), message);
        assertFalse(message.contains("Annotate the method"), message);
    }

    @Test
    void aPlainLoopWorks() {
        assertEquals(3, IOLoop.current().runSync(() -> LoopSum.sum(List.of(Future.of(1), Future.of(2))),
                Duration.ofSeconds(5)));
    }
}
