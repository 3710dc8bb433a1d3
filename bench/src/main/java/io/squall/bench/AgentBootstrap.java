package io.squall.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the Squall agent into the running JVM before any coroutine class loads, so the bench jar works
 * with or without {@code -javaagent}. The agent's classes are not inside the bench jar: they are loaded from
 * the agent jar, found (first match wins) at the system property {@value #JAR_PROPERTY}, the environment
 * variable {@value #JAR_ENV}, {@code agent/target/squall-agent.jar} beside the repository this jar was built
 * in, or under the working directory.
 */
public final class AgentBootstrap {
    /** System property naming the agent jar. */
    public static final String JAR_PROPERTY = "squall.agent.jar";
    /** Environment variable naming the agent jar. */
    public static final String JAR_ENV = "SQUALL_AGENT_JAR";
    /** The property the agent sets once installed (same as {@code io.squall.Async.AGENT_INSTALLED_PROPERTY}). */
    static final String INSTALLED_PROPERTY = "io.squall.agent.installed";
    private static final String AGENT_CLASS = "io.squall.agent.SquallAgent";

    private AgentBootstrap() {
        throw new AssertionError("no instances");
    }

    /**
     * Tells whether the agent is already installed (by {@code -javaagent} or an earlier {@link #install()}).
     *
     * @return true if coroutines will be rewritten
     */
    public static boolean isInstalled() {
        return Boolean.getBoolean(INSTALLED_PROPERTY);
    }

    /**
     * Installs the agent unless it already is. Idempotent.
     *
     * @throws IllegalStateException if the agent jar cannot be found or the install fails; the message says
     *     where it looked and how to fix it
     */
    public static synchronized void install() {
        if (isInstalled()) {
            return;
        }
        Class<?> agent = loadAgentClass();
        try {
            Method install = agent.getMethod("install");
            install.invoke(null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("Installing the Squall agent failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("The Squall agent jar has no public static install() in " + AGENT_CLASS
                    + ": rebuild it (mvn -B -DskipTests package)", e);
        }
        if (!isInstalled()) {
            // An agent that does not set the property is still installed; record it for the checks above.
            System.setProperty(INSTALLED_PROPERTY, "true");
        }
    }

    /**
     * Returns the agent jar to use, or null when none is found.
     *
     * @return the path of an existing agent jar, or null
     */
    public static Path findAgentJar() {
        for (Path p : candidates()) {
            if (p != null && Files.isRegularFile(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        return null;
    }

    private static Class<?> loadAgentClass() {
        Path jar = findAgentJar();
        if (jar == null) {
            // -javaagent or a classpath entry may still have put it on the system class path.
            try {
                return Class.forName(AGENT_CLASS, true, ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(notFoundMessage(), e);
            }
        }
        try {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, AgentBootstrap.class.getClassLoader());
            return Class.forName(AGENT_CLASS, true, loader);
        } catch (MalformedURLException | ClassNotFoundException e) {
            throw new IllegalStateException("The file " + jar + " is not a Squall agent jar (no " + AGENT_CLASS
                    + "): rebuild it with mvn -B -DskipTests package, or point -D" + JAR_PROPERTY + " at the right jar", e);
        }
    }

    private static String notFoundMessage() {
        StringBuilder sb = new StringBuilder("Cannot find the Squall agent jar; looked at:");
        for (Path p : candidates()) {
            if (p != null) {
                sb.append("\n  ").append(p.toAbsolutePath().normalize());
            }
        }
        sb.append("\nBuild it (mvn -B -DskipTests package), run from the repository root, start the JVM with"
                + " -javaagent:agent/target/squall-agent.jar, or set -D" + JAR_PROPERTY + "=<path> or " + JAR_ENV + ".");
        return sb.toString();
    }

    private static List<Path> candidates() {
        List<Path> list = new ArrayList<>();
        String prop = System.getProperty(JAR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            list.add(Paths.get(prop));
            return list;
        }
        String env = System.getenv(JAR_ENV);
        if (env != null && !env.isBlank()) {
            list.add(Paths.get(env));
            return list;
        }
        Path self = ownLocation();
        if (self != null) {
            // bench/target/squall-bench.jar (or bench/target/classes) -> <repo>/agent/target/squall-agent.jar
            Path target = self.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                list.add(target.getParent().getParent().resolve("agent/target/squall-agent.jar"));
            }
            if (target != null) {
                list.add(target.resolve("squall-agent.jar"));
            }
        }
        list.add(Paths.get("agent/target/squall-agent.jar"));
        list.add(Paths.get("../agent/target/squall-agent.jar"));
        return list;
    }

    private static Path ownLocation() {
        try {
            CodeSource cs = AgentBootstrap.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Paths.get(cs.getLocation().toURI());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
