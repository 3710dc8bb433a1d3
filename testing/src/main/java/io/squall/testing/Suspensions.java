package io.squall.testing;

import java.util.IdentityHashMap;
import java.util.Map;

import io.squall.Future;
import io.squall.internal.AwaitSites;
import io.squall.internal.Continuation;
import io.squall.internal.Log;

/**
 * Describes where a pending coroutine is suspended: the chain of coroutines awaiting coroutines, innermost
 * first, each with the class, method, file and line of its {@code await} (recorded by the agent when it
 * rewrote the class; read with {@link AwaitSites}).
 */
final class Suspensions {

    /** Longest chain described (a cycle or a million-deep chain stays readable). */
    private static final int MAX_DEPTH = 64;

    private Suspensions() {
        throw new AssertionError("no instances");
    }

    /**
     * @param f the test's future, pending
     * @return lines like {@code "  at com.example.FooTest.bar(FooTest.java:42) awaiting Future(pending)"},
     *     innermost first, or a line saying the future is not a suspended coroutine
     */
    static String describe(Future<?> f) {
        StringBuilder out = new StringBuilder();
        java.util.List<String> lines = new java.util.ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        Future<?> current = f;
        Object innermostAwaited = null;
        while (current instanceof Continuation && lines.size() < MAX_DEPTH && seen.put(current, Boolean.TRUE) == null) {
            Continuation c = (Continuation) current;
            Future<?> awaited = c.awaiting();
            StackTraceElement site = AwaitSites.siteOf(c);
            String where = site != null ? site.toString() : "an unknown await (site not recorded)";
            lines.add(where);
            innermostAwaited = awaited;
            current = awaited;
        }
        if (lines.isEmpty()) {
            return "  the test's future " + Log.describe(f) + " is not a suspended coroutine (nothing to locate)";
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            out.append(i == lines.size() - 1 ? "  suspended at " : "  awaited by   ").append(lines.get(i));
            if (i == lines.size() - 1) {
                out.append(", awaiting ").append(Log.describe(innermostAwaited));
            }
            out.append('\n');
        }
        if (lines.size() == MAX_DEPTH) {
            out.append("  ... (chain cut at ").append(MAX_DEPTH).append(" coroutines)\n");
        }
        return out.toString();
    }
}
