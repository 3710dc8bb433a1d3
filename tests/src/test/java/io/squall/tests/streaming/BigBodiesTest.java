package io.squall.tests.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A big upload and a big download through the server on loopback in a child JVM with {@code -Xmx64m}:
 * completing at all proves the bodies are streamed in constant memory (the body is 16 times the heap), and
 * the heap pools' peak is asserted well below the body size. The size is 1 GiB, or
 * {@code -Dsquall.bigBody.mib=N}.
 */
@Timeout(300)
class BigBodiesTest {
    private static final long MIB = Long.getLong("squall.bigBody.mib", 1024);

    @Test
    void oneGibUpAndDownInA64MibHeap() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BigBodiesMain.class.getName(),
                Long.toString(MIB)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        long body = MIB << 20;
        Matcher up = Pattern.compile("upload (\\d+) (\\w+) expected (\\d+) (\\w+)").matcher(out);
        assertTrue(up.find(), out);
        assertEquals(Long.toString(body), up.group(1), out);
        assertEquals(up.group(3), up.group(1), out);
        assertEquals(up.group(4), up.group(2), "upload checksum: " + out);
        Matcher down = Pattern.compile("download 200 (\\d+) (\\w+) expected (\\d+) (\\w+)").matcher(out);
        assertTrue(down.find(), out);
        assertEquals(Long.toString(body), down.group(1), out);
        assertEquals(down.group(4), down.group(2), "download checksum: " + out);
        Matcher heap = Pattern.compile("peakHeap (\\d+) heapAfterLastGc (\\d+)").matcher(out);
        assertTrue(heap.find(), out);
        long peak = Long.parseLong(heap.group(1));
        assertTrue(peak < 64L << 20, "peak heap " + peak + " bytes for a " + body + "-byte body: " + out);
        assertTrue(peak < body / 4, "peak heap " + peak + " bytes for a " + body + "-byte body: " + out);
        assertTrue(Long.parseLong(heap.group(2)) < 32L << 20, "live heap after GC: " + out);
        System.out.println(out);
    }
}
