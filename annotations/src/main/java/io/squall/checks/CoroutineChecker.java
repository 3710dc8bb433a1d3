package io.squall.checks;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;

/**
 * Checks each top-level class once javac has attributed it (the end of its {@code ANALYZE} step), with
 * {@link CheckScanner}. Registered at most once per compilation, whether through the processor, the plugin
 * or both. Runs on javac's thread.
 */
final class CoroutineChecker implements TaskListener {

    private static final Map<JavacTask, Boolean> REGISTERED = Collections.synchronizedMap(new WeakHashMap<>());

    private final JavacTask task;
    private final Trees trees;

    private CoroutineChecker(JavacTask task) {
        this.task = task;
        this.trees = Trees.instance(task);
    }

    /**
     * Adds the checks to a compilation, unless they are there already.
     *
     * @param task the compilation
     */
    static void register(JavacTask task) {
        if (REGISTERED.putIfAbsent(task, Boolean.TRUE) == null) {
            task.addTaskListener(new CoroutineChecker(task));
        }
    }

    @Override
    public void started(TaskEvent e) {
        // checks run when a class is analyzed
    }

    @Override
    public void finished(TaskEvent e) {
        if (e.getKind() != TaskEvent.Kind.ANALYZE || e.getTypeElement() == null || e.getCompilationUnit() == null) {
            return;
        }
        TreePath path = trees.getPath(e.getTypeElement());
        if (path == null) {
            return;
        }
        try {
            new CheckScanner(task, trees, e.getCompilationUnit()).scan(path, null);
        } catch (RuntimeException | LinkageError bug) {
            // A bug in the checks must never break the user's compilation.
            trees.printMessage(javax.tools.Diagnostic.Kind.WARNING, "Squall coroutine checks skipped "
                    + e.getTypeElement().getQualifiedName() + " after an internal error (" + bug + "); please"
                    + " report it with this class [squall:internal]", path.getLeaf(), e.getCompilationUnit());
        }
    }
}
