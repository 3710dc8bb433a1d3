package io.squall.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value}, {@code --name=value}, boolean flags ({@code --keepalive})
 * and positional arguments. Every option must be declared by the command; anything else is a
 * {@link UsageException} naming the offending word.
 */
public final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * Parses {@code words} against the declared options.
     *
     * @param command the command name, for messages
     * @param words the words after the command name
     * @param valued options that take a value (names without the leading dashes)
     * @param flags options that take no value
     * @return the parsed arguments
     * @throws UsageException on an unknown option, or an option missing its value
     */
    public static Args parse(String command, List<String> words, Set<String> valued, Set<String> flags) {
        Args a = new Args(command);
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("--") || w.length() == 2) {
                a.positional.add(w);
                continue;
            }
            String name = w.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                a.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= words.size()) {
                        throw new UsageException(command + ": option --" + name + " needs a value");
                    }
                    value = words.get(++i);
                }
                a.values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option " + w);
            }
        }
        return a;
    }

    /**
     * Returns an integer option.
     *
     * @param name the option name
     * @param dflt the value when the option is absent
     * @param min the smallest value accepted
     * @param max the largest value accepted
     * @return the value
     * @throws UsageException if the value is not an integer in {@code [min, max]}
     */
    public int intOption(String name, int dflt, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max
                    + ", got " + n);
        }
        return n;
    }

    /**
     * Returns a decimal option (seconds, for instance) that must be positive.
     *
     * @param name the option name
     * @param dflt the value when the option is absent
     * @param max the largest value accepted
     * @return the value
     * @throws UsageException if the value is not a number above 0 and at most {@code max}
     */
    public double positiveOption(String name, double dflt, double max) {
        double d = doubleOption(name, dflt, 0, max);
        if (d == 0) {
            throw new UsageException(command + ": --" + name + " must be above 0, got " + values.get(name));
        }
        return d;
    }

    /**
     * Returns a decimal option.
     *
     * @param name the option name
     * @param dflt the value when the option is absent
     * @param min the smallest value accepted
     * @param max the largest value accepted
     * @return the value
     * @throws UsageException if the value is not a number in {@code [min, max]}
     */
    public double doubleOption(String name, double dflt, double min, double max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException(command + ": --" + name + " must be between " + min + " and " + max
                    + ", got " + v);
        }
        return d;
    }

    /**
     * Returns a string option.
     *
     * @param name the option name
     * @param dflt the value when the option is absent
     * @return the value
     */
    public String stringOption(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    /**
     * Tells whether a flag was given.
     *
     * @param name the flag name
     * @return true if present
     */
    public boolean flag(String name) {
        return values.containsKey(name);
    }

    /**
     * Returns the positional arguments, in order.
     *
     * @return an unmodifiable list
     */
    public List<String> positional() {
        return Collections.unmodifiableList(positional);
    }

    /**
     * Checks the number of positional arguments.
     *
     * @param min the fewest accepted
     * @param max the most accepted
     * @param what what they are, for the message
     * @throws UsageException if the count is out of range
     */
    public void expectPositional(int min, int max, String what) {
        if (positional.size() < min) {
            throw new UsageException(command + ": missing " + what);
        }
        if (positional.size() > max) {
            throw new UsageException(command + ": unexpected argument '" + positional.get(max) + "'");
        }
    }
}
