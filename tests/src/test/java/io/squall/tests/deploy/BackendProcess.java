package io.squall.tests.deploy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Squall backend in its own JVM: {@code io.squall.bench.Main backend-server}, run with this JVM's java
 * binary, class path and {@code -javaagent}. Its output is kept for failure messages.
 */
final class BackendProcess implements AutoCloseable {
    final String name;
    final int port;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CountDownLatch listening = new CountDownLatch(1);

    BackendProcess(String name, int port, int delayMs) throws IOException {
        this.name = name;
        this.port = port;
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.squall.bench.Main", "backend-server",
                "--name", name, "--port", Integer.toString(port), "--delay-ms", Integer.toString(delayMs)));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.append(line).append('\n');
                    if (line.startsWith("backend-server " + name + ": http://")) {
                        listening.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "backend-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the backend says it listens; an {@link AssertionError} with its output otherwise. */
    BackendProcess awaitListening() throws InterruptedException {
        if (!listening.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("backend " + name + " did not start within 30 s: " + output);
        }
        return this;
    }

    /** SIGKILL: the process dies at once, its connections reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the backend's shutdown hook stops it gracefully. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; its exit status. */
    int waitFor() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("backend " + name + " did not end within 30 s: " + output);
        }
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
