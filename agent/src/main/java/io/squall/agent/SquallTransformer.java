package io.squall.agent;

import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Squall class file transformer: rewrites coroutines into resumable state machines.
 *
 * <p>Classes without a coroutine are rejected from their constant pool alone and returned untouched
 * ({@code null}). Transformation never loads classes and never throws: an internal error is logged as
 * {@code [squall-agent] ERROR} and leaves the class as it was. Refused coroutines are logged once, when their
 * class is transformed, and fail at run time with the same message.
 *
 * <p>System properties: {@code io.squall.agent.verify=true} checks every rewritten class (failures are logged
 * and counted, see {@link SquallAgent#verifyFailures()}); {@code io.squall.agent.dump=<dir>} writes every
 * rewritten class file under that directory.
 */
public class SquallTransformer implements ClassFileTransformer {

    /** Property turning on verification of every rewritten class. */
    public static final String VERIFY_PROPERTY = "io.squall.agent.verify";
    /** Property naming a directory to dump rewritten classes into. */
    public static final String DUMP_PROPERTY = "io.squall.agent.dump";

    static final AtomicInteger VERIFY_FAILURES = new AtomicInteger();

    private static final String[] IGNORED = {
        "java/", "javax/", "jdk/", "sun/", "com/sun/", "net/bytebuddy/", "org/objectweb/asm/",
        "io/squall/agent/", "io/squall/internal/",
    };

    /** Creates a transformer; it keeps no state apart from the shared verification failure count. */
    public SquallTransformer() {}

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || classBeingRedefined != null || isIgnored(className)) {
            return null;
        }
        if (WovenMarker.isWoven(classfileBuffer)) {
            WovenMarker.leftAlone(className);
            return null;
        }
        return rewrite(loader, className, classfileBuffer);
    }

    /**
     * Rewrites the coroutines of a class.
     *
     * @param loader the class's loader (used only to read other class files in verification mode), may be
     *     null for the bootstrap loader
     * @param internalName the class's internal name, e.g. {@code com/example/Fetcher}, for messages
     * @param classBytes the class file
     * @return the rewritten class file, or null if the class has no coroutine or could not be rewritten
     */
    public byte[] rewrite(ClassLoader loader, String internalName, byte[] classBytes) {
        try {
            ClassRewriter.Result r = ClassRewriter.rewrite(classBytes);
            if (r == null) {
                return null;
            }
            for (String refusal : r.refusals) {
                AgentLog.warning(refusal);
            }
            dump(internalName, r.bytes);
            if (Boolean.getBoolean(VERIFY_PROPERTY)) {
                List<String> problems = RewriteVerifier.verify(loader, r.bytes);
                if (!problems.isEmpty()) {
                    VERIFY_FAILURES.incrementAndGet();
                    AgentLog.error("verification of rewritten class " + internalName + " failed (please report"
                            + " this Squall agent bug):\n  " + String.join("\n  ", problems), null);
                }
            }
            return r.bytes;
        } catch (ClassRewriter.MalformedClassException malformed) {
            AgentLog.error("cannot read class file " + internalName + ": " + malformed.getMessage()
                    + "; the class is left untouched", null);
            return null;
        } catch (Throwable t) {
            AgentLog.error("internal error while rewriting " + internalName + "; the class is left untouched,"
                    + " so its coroutines will fail when they await (please report this Squall agent bug)", t);
            return null;
        }
    }

    static boolean isIgnored(String className) {
        for (String prefix : IGNORED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void dump(String internalName, byte[] bytes) {
        String dir = System.getProperty(DUMP_PROPERTY);
        if (dir == null || dir.isEmpty()) {
            return;
        }
        try {
            Path p = Paths.get(dir, internalName + ".class");
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException | RuntimeException e) {
            AgentLog.error("cannot dump rewritten class " + internalName + " into " + dir, e);
        }
    }
}
