package io.squall.tests.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's streaming multipart recipe ({@link FormUploadHandler}) takes a 100 MiB file from curl -F in a
 * server JVM whose heap is 48 MiB: finishing at all proves the upload never sat in memory; the stored file
 * must hold exactly the bytes sent.
 */
@Timeout(120)
class BigUploadTest {
    private static final long SIZE = 100L << 20;

    @TempDir
    Path tmp;

    @Test
    void hundredMibThroughCurlIntoA48MibHeap() throws Exception {
        WebClients.needCurl();
        Path src = tmp.resolve("big.bin");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(src)) {
            long seed = 42;
            for (int i = 0; i < SIZE / block.length; i++) {
                for (int j = 0; j < block.length; j += 8) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    for (int k = 0; k < 8; k++) {
                        block[j + k] = (byte) (seed >>> (8 * k));
                    }
                }
                out.write(block);
                sent.update(block);
            }
        }
        Path uploads = Files.createDirectory(tmp.resolve("uploads"));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        // The slow-step detector is off in the child: a cold class load on a busy machine can pass its 100 ms,
        // and its warning would land in the output read here line by line.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx48m", "-Djava.io.tmpdir=" + uploads,
                "-Dio.squall.slowStepMillis=0"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), UploadServerMain.class.getName()));
        Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("port "), "server said: " + first);
            int port = Integer.parseInt(first.substring(5).trim());
            Path small = Files.writeString(tmp.resolve("small.txt"), "small");
            String refused = WebClients.curl("-F", "title=x", "-F", "file=@" + small + ";filename=../../etc/cron.d/x",
                    "http://127.0.0.1:" + port + "/upload");
            assertEquals("<html><title>400: Bad Request: multipart part 2 has a file name with a &#39;..&#39; path"
                    + " segment</title><body>400: Bad Request: multipart part 2 has a file name with a &#39;..&#39;"
                    + " path segment</body></html>", refused);
            String ok = WebClients.curl("-F", "title=big one", "-F", "file=@" + src + ";type=application/x-big",
                    "http://127.0.0.1:" + port + "/upload");
            Matcher m = Pattern.compile("file big.bin -> (upload-\\d+\\.bin)\n(\\d+) bytes").matcher(ok);
            assertTrue(m.matches(), ok);
            assertEquals(Long.toString(SIZE), m.group(2));
            Path stored = uploads.resolve(m.group(1));
            assertEquals(SIZE, Files.size(stored));
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(stored)) {
                int n;
                while ((n = in.read(block)) > 0) {
                    got.update(block, 0, n);
                }
            }
            assertEquals(HexFormat.of().formatHex(sent.digest()), HexFormat.of().formatHex(got.digest()));
            assertTrue(server.isAlive(), "the server is still up");
            // The refused upload's HTTPError is logged at WARNING (two lines of java.util.logging) among them.
            List<String> logged = new ArrayList<>();
            String served = servedLine(out, logged) + " | " + servedLine(out, logged);
            assertTrue(logged.contains("WARNING: HTTPError 400 in io.squall.tests.web.FormUploadHandler for POST /upload"
                    + " (127.0.0.1): multipart part 2 has a file name with a '..' path segment"), logged.toString());
            assertTrue(served.matches("served 400 \\d+ \\| served 200 \\d+"), served);
            long maxHeap = Long.parseLong(served.substring(served.lastIndexOf(' ') + 1));
            assertTrue(maxHeap < SIZE / 2, "the server's heap (" + maxHeap + " bytes) is far below the upload");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The next line of the server's that starts with "served", keeping the log lines read before it. */
    private static String servedLine(BufferedReader out, List<String> logged) throws java.io.IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("served ")) {
                return line;
            }
            logged.add(line);
        }
        return "the server's output ended; it logged " + logged;
    }
}
