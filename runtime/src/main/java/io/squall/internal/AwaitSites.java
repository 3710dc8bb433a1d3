package io.squall.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each suspended coroutine awaits: the class, method, source file and line of its {@code await}, as the
 * agent recorded them when it rewrote the class.
 *
 * <p>The agent passes each coroutine method's await-site table, a string constant of the rewritten class, to
 * {@link Continuation#of(Continuation, java.lang.invoke.MethodHandle, Object, int, int, String)}; the
 * continuation keeps the reference and the number of the site it is suspended at ({@link Continuation#state()}),
 * so a suspension walks no stack, allocates nothing and writes nothing more than before. The table is parsed
 * only when someone asks (a dump, an async stack trace, the squall-testing kit), once per method.
 *
 * <p>Table format (written by the agent's {@code AwaitSiteTable}): {@code class '\n' method '\n' file '\n'
 * line0 ',' line1 ...}, file empty and lines -1 for a class compiled without debug info.
 */
public final class AwaitSites {

    /** Parsed tables, by their (interned constant) string. */
    private static final ConcurrentHashMap<String, StackTraceElement[]> PARSED = new ConcurrentHashMap<>();

    private AwaitSites() {
        throw new AssertionError("no instances");
    }

    /**
     * Kept for tools written when sites had to be recorded at run time: sites are now always known, so this
     * does nothing.
     */
    public static void enable() {
        // always on: recorded at rewrite time
    }

    /** Kept for compatibility: does nothing (sites are recorded when classes are rewritten). */
    public static void disable() {
        // always on: recorded at rewrite time
    }

    /**
     * Tells whether await sites are known.
     *
     * @return always true
     */
    public static boolean isEnabled() {
        return true;
    }

    /**
     * Returns where {@code c} is suspended (or last suspended).
     *
     * @param c a continuation (the Future of a coroutine)
     * @return the frame of the coroutine at its {@code await}, or null if it never suspended or its class was
     *     rewritten without a site table
     */
    public static StackTraceElement siteOf(Continuation c) {
        String table = c.sites();
        if (table == null) {
            return null;
        }
        StackTraceElement[] sites = PARSED.computeIfAbsent(table, AwaitSites::parse);
        int state = c.state();
        return state >= 0 && state < sites.length ? sites[state] : null;
    }

    /**
     * Formats a site's file and line as a stack trace does: {@code Api.java:42}, {@code Api.java}, or
     * {@code Unknown Source}.
     *
     * @param site a site
     * @return the location
     */
    public static String where(StackTraceElement site) {
        String file = site.getFileName();
        if (file == null) {
            return "Unknown Source";
        }
        return site.getLineNumber() >= 0 ? file + ":" + site.getLineNumber() : file;
    }

    private static StackTraceElement[] parse(String table) {
        String[] parts = table.split("\n", -1);
        if (parts.length != 4) {
            return new StackTraceElement[0];
        }
        String file = parts[2].isEmpty() ? null : parts[2];
        String[] lines = parts[3].split(",");
        StackTraceElement[] out = new StackTraceElement[lines.length];
        for (int i = 0; i < lines.length; i++) {
            int line;
            try {
                line = Integer.parseInt(lines[i]);
            } catch (NumberFormatException e) {
                line = -1;
            }
            out[i] = new StackTraceElement(parts[0], parts[1], file, line);
        }
        return out;
    }
}
