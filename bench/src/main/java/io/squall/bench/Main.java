package io.squall.bench;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code squall-bench.jar}: dispatches to a command by name. Command classes are loaded by
 * name only after the Squall agent is installed ({@link AgentBootstrap}), so no coroutine class is loaded
 * un-rewritten.
 */
public final class Main {

    /** One command: its name, implementing class, usage line, and whether this JVM needs the agent. */
    private static final class Entry {
        final String name;
        final String className;
        final String usage;
        final boolean needsAgent;

        Entry(String name, String className, String usage, boolean needsAgent) {
            this.name = name;
            this.className = className;
            this.usage = usage;
            this.needsAgent = needsAgent;
        }
    }

    private static final List<Entry> COMMANDS = Arrays.asList(
            new Entry("seed", "io.squall.bench.seed.SeedCommand",
                    "seed [--parallel 200] [--seconds 10] [--delay-ms 2000] [--variants async,raw,blocking]"
                            + " [--warmup-seconds 0]\n"
                            + "      the seed's experiment: echo server + HTTP servers in-process, load against each,"
                            + " compared with the seed's published figures", true),
            new Entry("seed-servers", "io.squall.bench.seed.SeedServersCommand",
                    "seed-servers [--echo-port 8888] [--blocking-port 8000] [--async-port 8001] [--raw-port 8002]"
                            + " [--delay-ms 2000] [--no-echo [--echo-host H]] [--backlog 1024] [--seconds S]\n"
                            + "      the seed's servers on 127.0.0.1, left running (Ctrl-C stops them);"
                            + " a port of -1 leaves that server out", true),
            new Entry("hello-server", "io.squall.bench.hello.HelloServerCommand",
                    "hello-server [--port 8080] [--loops 1] [--seconds S]\n"
                            + "      Squall HTTP server: GET /hello answers 'Hello, world'", true),
            new Entry("backend-server", "io.squall.bench.deploy.BackendServerCommand",
                    "backend-server --name NAME [--port 9001] [--loops 1] [--delay-ms 50] [--drain-ms 1500]"
                            + " [--seconds S]\n"
                            + "      one backend of the load-balancer recipe (deploy/): GET / answers NAME,"
                            + " GET /health answers ok; SIGTERM fails /health for drain-ms, then stops gracefully",
                    true),
            new Entry("static-server", "io.squall.bench.hello.StaticServerCommand",
                    "static-server --dir DIR [--port 8083] [--loops 1] [--seconds S]\n"
                            + "      Squall's StaticFileHandler serving DIR at /static/ (bench/compare-static.sh)", true),
            new Entry("stream-server", "io.squall.bench.hello.StreamServerCommand",
                    "stream-server [--port 8085] [--seconds S]\n"
                            + "      streamed upload (PUT /upload) and download (GET /download/MiB)"
                            + " (bench/compare-stream.sh)", true),
            new Entry("netty-hello-server", "io.squall.bench.hello.NettyHelloServerCommand",
                    "netty-hello-server [--port 8081] [--loops 1] [--seconds S]\n"
                            + "      the Netty peer of hello-server (same reply)", false),
            new Entry("sleep-server", "io.squall.bench.c10k.SleepServerCommand",
                    "sleep-server [--port 8090] [--delay-ms 2000] [--seconds S]\n"
                            + "      Squall HTTP server, one loop: GET /sleep awaits a timer, then answers"
                            + " (bench/c10k.sh)", true),
            new Entry("netty-sleep-server", "io.squall.bench.c10k.NettySleepServerCommand",
                    "netty-sleep-server [--port 8091] [--delay-ms 2000] [--seconds S]\n"
                            + "      the Netty peer of sleep-server (one event loop, ctx.executor().schedule)", false),
            new Entry("netty-seed-server", "io.squall.bench.seed.NettySeedServerCommand",
                    "netty-seed-server [--echo-port 0] [--port 0] [--delay-ms 2000] [--backlog 1024] [--seconds S]\n"
                            + "      the seed's echo server and async handler on Netty (bench/compare-seed.sh)", false),
            new Entry("http-load", "io.squall.bench.load.HttpLoadCommand",
                    "http-load [--parallel N] [--seconds S] [--keepalive] URL\n"
                            + "      http_load work-alike on Squall's own IOStream", true),
            new Entry("ws-echo", "io.squall.bench.websocket.WsEchoCommand",
                    "ws-echo [--sockets 100] [--seconds 5] [--warmup-seconds 2] [--window 1] [--size 64] [--rounds 2]\n"
                            + "      WebSocket echo, Squall's WebSocketHandler vs Netty's WebSocket server, same run", false),
            new Entry("memory", "io.squall.bench.memory.MemoryCommand",
                    "memory [--count 100000] [--systems squall,cf,ea,vt]\n"
                            + "      heap bytes per suspended coroutine, Squall and its peers", true),
            new Entry("jmh", "io.squall.bench.JmhCommand",
                    "jmh [JMH options]     the JMH benchmarks (io.squall.bench.AwaitBench); -h for JMH's help", false));

    private Main() {
        throw new AssertionError("no instances");
    }

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command name and its options
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        // Every command is done here; end loops and pools still winding down (a blocking seed server may be
        // working through queued connections).
        System.exit(status);
    }

    /**
     * Runs a command.
     *
     * @param args the command name and its options
     * @param out where the report goes
     * @param err where usage and errors go
     * @return the exit status: 0 success, 2 bad arguments, 1 failure
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Entry entry = find(args[0]);
        if (entry == null) {
            err.println("squall-bench: unknown command '" + args[0] + "'");
            err.print(usage());
            return 2;
        }
        List<String> words = Arrays.asList(args).subList(1, args.length);
        try {
            if (entry.needsAgent) {
                try {
                    AgentBootstrap.install();
                } catch (IllegalStateException e) {
                    err.println("squall-bench " + entry.name + ": " + e.getMessage());
                    return 1;
                }
            }
            Command command = (Command) Class.forName(entry.className).getDeclaredConstructor().newInstance();
            return command.run(words, out);
        } catch (UsageException e) {
            err.println("squall-bench: " + e.getMessage());
            err.println("usage: java -jar squall-bench.jar " + entry.usage);
            return 2;
        } catch (InvocationTargetException e) {
            err.println("squall-bench " + entry.name + ": " + e.getCause());
            e.getCause().printStackTrace(err);
            return 1;
        } catch (Exception e) {
            err.println("squall-bench " + entry.name + ": " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
    }

    private static Entry find(String name) {
        for (Entry e : COMMANDS) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Returns the usage text listing every command.
     *
     * @return the text, ending with a newline
     */
    public static String usage() {
        StringBuilder sb = new StringBuilder("usage: java [-javaagent:agent/target/squall-agent.jar] -jar squall-bench.jar"
                + " COMMAND [options]\ncommands:\n");
        for (Entry e : COMMANDS) {
            sb.append("  ").append(e.usage).append('\n');
        }
        sb.append("Without -javaagent the agent is installed from agent/target/squall-agent.jar (or -D")
                .append(AgentBootstrap.JAR_PROPERTY).append("=PATH / $").append(AgentBootstrap.JAR_ENV).append(").\n");
        return sb.toString();
    }
}
