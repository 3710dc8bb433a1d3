package io.squall.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a route's pattern back into a path (Tornado's {@code URLSpec.reverse}): each top-level capturing
 * group is replaced by an argument, percent-encoded ("/" kept). Only patterns whose text outside the groups
 * is literal can be reversed (escaped metacharacters such as {@code \.} count as literal); nested groups,
 * alternation or quantifiers outside groups make the route irreversible, reported when it is reversed.
 * Immutable and thread-safe.
 */
final class ReverseUrl {
    /** Literal pieces around the groups: pieces.size() == groups + 1. */
    private final List<String> pieces;
    private final String problem;

    ReverseUrl(String regex) {
        List<String> out = new ArrayList<>();
        String why = null;
        String r = regex;
        if (r.startsWith("^")) {
            r = r.substring(1);
        }
        if (r.endsWith("$") && !r.endsWith("\\$")) {
            r = r.substring(0, r.length() - 1);
        }
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < r.length() && why == null; i++) {
            char c = r.charAt(i);
            if (c == '\\') {
                if (i + 1 >= r.length()) {
                    why = "it ends with a backslash";
                    break;
                }
                char e = r.charAt(++i);
                if (Character.isLetterOrDigit(e)) {
                    why = "\\" + e + " outside a group is not a literal character";
                } else {
                    literal.append(e);
                }
            } else if (c == '(') {
                int end = groupEnd(r, i);
                if (end < 0) {
                    why = "a group is not closed or groups are nested";
                } else if (r.startsWith("(?", i)) {
                    why = "it has a non-capturing or special group";
                } else {
                    out.add(literal.toString());
                    literal.setLength(0);
                    i = end;
                }
            } else if (".*+?[]{}|^$)".indexOf(c) >= 0) {
                why = "'" + c + "' outside a group is not a literal character";
            } else {
                literal.append(c);
            }
        }
        out.add(literal.toString());
        this.pieces = List.copyOf(out);
        this.problem = why;
    }

    /** Index of the ')' closing the group opened at {@code open}, or -1 if unclosed or a group nests. */
    private static int groupEnd(String r, int open) {
        boolean inClass = false;
        for (int i = open + 1; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
            } else if (c == '(') {
                return -1;
            } else if (c == ')') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Builds the path.
     *
     * @param routeName for messages
     * @param args one per group; each is converted with {@code String.valueOf} and percent-encoded
     * @return the path
     * @throws IllegalArgumentException if the route cannot be reversed or the argument count is wrong
     */
    String reverse(String routeName, Object... args) {
        if (problem != null) {
            throw new IllegalArgumentException("Route " + routeName + " cannot be reversed: " + problem
                    + "; use a pattern whose text outside its groups is literal");
        }
        int groups = pieces.size() - 1;
        if (args.length != groups) {
            throw new IllegalArgumentException("Route " + routeName + " has " + groups + " group(s) but "
                    + args.length + " argument(s) were given");
        }
        StringBuilder b = new StringBuilder(pieces.get(0));
        for (int i = 0; i < groups; i++) {
            b.append(Escape.urlEscapePath(String.valueOf(Objects.requireNonNull(args[i], "argument")), true));
            b.append(pieces.get(i + 1));
        }
        return b.toString();
    }
}
