package io.squall.http;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.internal.Log;

/**
 * Finds methods a handler declares to be called by Squall, with a signature Squall never calls. A port from
 * Tornado writes {@code def get(self, user_id)} as {@code public Future<?> get(String userId)}: that compiles as an
 * overload of {@link RequestHandler#get(String...)}, is never called, and every GET is answered 405 with nothing
 * in the log; a WebSocket handler's {@code open(String room)} is likewise never called. The route warns once per
 * class when it is made (or, for a route made with a factory, at its first request). Any thread.
 */
final class VerbSignatures {

    /** The verb methods Squall calls, each as {@code name(String... args)}. */
    private static final Set<String> VERBS = Set.of("get", "head", "post", "delete", "patch", "put", "options");
    /** Named, not referenced: io.squall.websocket depends on this package, not the other way round. */
    private static final String WEBSOCKET_HANDLER = "io.squall.websocket.WebSocketHandler";
    /**
     * The WebSocket callbacks, by name in lower case without underscores, to the signatures Squall calls and what
     * happens when none is overridden.
     */
    private static final Map<String, String[]> WEBSOCKET_CALLBACKS = Map.of(
            "open", new String[] {"open(String...)", "the connection opens without it running",
                "public Future<?> open(String... args)"},
            "onmessage", new String[] {"onMessage(String) or onMessage(byte[])", "each message goes to the default,"
                + " which closes the connection with 1003", "public Future<?> onMessage(String message)"},
            "onclose", new String[] {"onClose()", "the close goes unnoticed", "public void onClose()"},
            "onping", new String[] {"onPing(byte[])", "pings go unnoticed (they are answered)",
                "public void onPing(byte[] data)"},
            "onpong", new String[] {"onPong(byte[])", "pongs go unnoticed", "public void onPong(byte[] data)"});
    /** Classes already warned about (a class routed twice warns once). */
    private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

    private VerbSignatures() {
        throw new AssertionError("no instances");
    }

    /**
     * Logs a warning, once per class, if {@code c} (or a superclass below {@link RequestHandler}) declares a
     * method named like a verb (or, in a WebSocket handler, like a WebSocket callback) that does not override
     * it. Never throws.
     *
     * @param c the handler class
     * @param where what uses the class, for the message (e.g. "route /users/(\w+)")
     * @return the message logged now or before, or null if the class declares no such method
     */
    static String warnIfMisdeclared(Class<?> c, String where) {
        String message;
        try {
            message = check(c, where);
        } catch (Throwable t) {
            return null; // reflection refused: nothing to say
        }
        if (message != null && WARNED.add(c)) {
            Log.warning(message);
        }
        return message;
    }

    /** The warning for {@code c}, or null. */
    static String check(Class<?> c, String where) {
        boolean webSocket = false;
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            webSocket |= k.getName().equals(WEBSOCKET_HANDLER);
        }
        List<String> wrong = new ArrayList<>();
        String first = null;
        for (Class<?> k = c; k != null && k != RequestHandler.class && !k.getName().equals(WEBSOCKET_HANDLER)
                && RequestHandler.class.isAssignableFrom(k); k = k.getSuperclass()) {
            List<Method> ofClass = new ArrayList<>();
            for (Method m : k.getDeclaredMethods()) {
                String key = m.getName().toLowerCase(Locale.ROOT).replace("_", "");
                if (m.isSynthetic() || m.isBridge() || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                if (VERBS.contains(key) && !(VERBS.contains(m.getName()) && takesStrings(m))
                        || webSocket && WEBSOCKET_CALLBACKS.containsKey(key) && !overridesCallback(m)) {
                    ofClass.add(m);
                }
            }
            // getDeclaredMethods() has no order: the message has one.
            ofClass.sort((a, b) -> describe(a).compareToIgnoreCase(describe(b)));
            for (Method m : ofClass) {
                wrong.add(k.getSimpleName() + "." + describe(m));
                if (first == null) {
                    first = m.getName().toLowerCase(Locale.ROOT).replace("_", "");
                }
            }
        }
        if (wrong.isEmpty()) {
            return null;
        }
        String start = "Handler " + c.getName() + " (" + where + ") declares " + String.join(", ", wrong)
                + ", which Squall never calls: ";
        if (VERBS.contains(first)) {
            return start + "a verb method overrides " + first + "(String... args), lower-case, with the route's"
                    + " groups in args[0], args[1], ... As declared, " + first.toUpperCase(Locale.ROOT)
                    + " requests are answered 405 Method Not Allowed. Declare it as @Override public Future<?> "
                    + first + "(String... args).";
        }
        String[] cb = WEBSOCKET_CALLBACKS.get(first);
        return start + "a WebSocket handler overrides " + cb[0] + ". As declared, " + cb[1] + ". Declare it as"
                + " @Override " + cb[2] + ".";
    }

    private static boolean takesStrings(Method m) {
        Class<?>[] p = m.getParameterTypes();
        return p.length == 1 && p[0] == String[].class;
    }

    /** Whether {@code m} has the exact name and parameters of a WebSocket callback. */
    private static boolean overridesCallback(Method m) {
        Class<?>[] p = m.getParameterTypes();
        switch (m.getName()) {
            case "open":
                return takesStrings(m);
            case "onMessage":
                return p.length == 1 && (p[0] == String.class || p[0] == byte[].class);
            case "onClose":
                return p.length == 0;
            case "onPing":
            case "onPong":
                return p.length == 1 && p[0] == byte[].class;
            default:
                return false;
        }
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
}
