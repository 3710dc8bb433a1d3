package io.squall.http;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.internal.Log;

/**
 * Finds verb methods a handler declares with a signature Squall never calls. A port from Tornado writes
 * {@code def get(self, user_id)} as {@code public Future<?> get(String userId)}: that compiles as an overload of
 * {@link RequestHandler#get(String...)}, is never called, and every GET is answered 405 with nothing in the log.
 * The route warns once per class when it is made (or, for a route made with a factory, at its first request).
 * Any thread.
 */
final class VerbSignatures {

    private static final Set<String> VERBS = Set.of("get", "head", "post", "delete", "patch", "put", "options");
    private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

    private VerbSignatures() {
        throw new AssertionError("no instances");
    }

    /**
     * Logs a warning, once per class, if {@code c} (or a superclass below {@link RequestHandler}) declares a
     * method named like a verb that does not override the verb method. Never throws.
     *
     * @param c the handler class
     * @param where what uses the class, for the message (e.g. "route /users/(\w+)")
     * @return the message logged now or before, or null if the class declares no such method
     */
    static String warnIfMisdeclared(Class<?> c, String where) {
        List<String> wrong;
        try {
            wrong = misdeclared(c);
        } catch (Throwable t) {
            return null; // reflection refused: nothing to say
        }
        if (wrong.isEmpty()) {
            return null;
        }
        String message = message(c, where, wrong);
        if (WARNED.add(c)) {
            Log.warning(message);
        }
        return message;
    }

    /** E.g. {@code Handler.get(String)}, for each look-alike of a verb method: subclass first, then by name. */
    static List<String> misdeclared(Class<?> c) {
        List<String> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != RequestHandler.class && RequestHandler.class.isAssignableFrom(k);
                k = k.getSuperclass()) {
            List<String> ofClass = new ArrayList<>();
            for (Method m : k.getDeclaredMethods()) {
                String name = m.getName();
                if (m.isSynthetic() || m.isBridge() || Modifier.isStatic(m.getModifiers())
                        || !VERBS.contains(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Class<?>[] p = m.getParameterTypes();
                boolean overrides = VERBS.contains(name) && p.length == 1 && p[0] == String[].class;
                if (!overrides) {
                    ofClass.add(k.getSimpleName() + "." + describe(m));
                }
            }
            ofClass.sort(String.CASE_INSENSITIVE_ORDER); // getDeclaredMethods() has no order: the message has one
            out.addAll(ofClass);
        }
        return out;
    }

    private static String describe(Method m) {
        StringBuilder b = new StringBuilder(m.getName()).append('(');
        Class<?>[] p = m.getParameterTypes();
        for (int i = 0; i < p.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(m.isVarArgs() && i == p.length - 1 ? p[i].getComponentType().getSimpleName() + "..."
                    : p[i].getSimpleName());
        }
        return b.append(')').toString();
    }

    private static String message(Class<?> c, String where, List<String> wrong) {
        String first = wrong.get(0);
        String verb = first.substring(first.indexOf('.') + 1, first.indexOf('(')).toLowerCase(Locale.ROOT);
        return "Handler " + c.getName() + " (" + where + ") declares " + String.join(", ", wrong) + ", which Squall"
                + " never calls: a verb method overrides " + verb + "(String... args), lower-case, with the route's"
                + " groups in args[0], args[1], ... As declared, " + verb.toUpperCase(Locale.ROOT) + " requests are"
                + " answered 405 Method Not Allowed. Declare it as @Override public Future<?> " + verb
                + "(String... args).";
    }
}
