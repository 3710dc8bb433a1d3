package io.squall.checks;

import com.sun.source.util.JavacTask;
import com.sun.source.util.Plugin;

/**
 * The javac plugin form of Squall's coroutine checks: {@code javac -Xplugin:SquallChecks} with
 * {@code squall-annotations} on the class path (or processor path). Use it where annotation processing is
 * off ({@code -proc:none}, or JDK 23+ without {@code -proc:full}); with both it checks once. Runs on javac's
 * thread.
 */
public final class CoroutineChecksPlugin implements Plugin {

    /** The name to give {@code -Xplugin:}. */
    public static final String NAME = "SquallChecks";

    /** Creates the plugin (javac does, through the service registration). */
    public CoroutineChecksPlugin() {}

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public void init(JavacTask task, String... args) {
        CoroutineChecker.register(task);
    }
}
