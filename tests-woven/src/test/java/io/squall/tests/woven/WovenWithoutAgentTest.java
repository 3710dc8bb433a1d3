package io.squall.tests.woven;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * The premise of this module: no agent anywhere (not installed, not on the class path), yet coroutines
 * suspend and resume, because squall-maven-plugin wove the test classes at process-test-classes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WovenWithoutAgentTest {

    @Coroutine
    static Future<String> greet(Future<String> name) {
        String n = await(name);
        return Future.of("hello " + n);
    }

    @Test
    void noAgentIsPresent() {
        assertNull(System.getProperty("io.squall.agent.installed"), "no agent installed");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.squall.agent.SquallTransformer"),
                "the agent is not even on the class path");
        assertTrue(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .noneMatch(a -> a.startsWith("-javaagent")), "no -javaagent");
    }

    @Test
    void wovenClassesCarryTheMark() throws IOException {
        byte[] bytes;
        try (InputStream in = WovenWithoutAgentTest.class.getResourceAsStream("WovenWithoutAgentTest.class")) {
            bytes = in.readAllBytes();
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("io.squall.Woven"), "the class carries the woven attribute's name");
        assertTrue(text.contains("greet$0$squall$resume"), "the coroutine has its resume bridge");
    }

    @Test
    void aCoroutineSuspendsAndResumesOnTheLoop() {
        IOLoop loop = new IOLoop();
        try {
            Future<String> name = new Future<>();
            String result = loop.runSync(() -> {
                Future<String> greeting = greet(name);
                assertTrue(!greeting.isDone(), "suspended on the pending future");
                loop.addCallback(() -> name.setResult("woven"));
                return greeting;
            }, java.time.Duration.ofSeconds(10));
            assertEquals("hello woven", result);
        } finally {
            loop.close();
        }
    }
}
