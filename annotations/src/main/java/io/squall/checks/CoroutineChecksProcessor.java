package io.squall.checks;

import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

import com.sun.source.util.JavacTask;

/**
 * Runs Squall's compile-time coroutine checks ({@link CoroutineChecker}) in every javac compilation that has
 * {@code squall-annotations} on its class path (registered in {@code META-INF/services}). It claims no
 * annotation and generates nothing: it only hooks a listener that checks each class after javac has
 * attributed it. On JDK 23 and later javac runs class-path processors only with {@code -proc:full} (or with
 * the jar on {@code -processorpath}); {@code -Xplugin:SquallChecks} ({@link CoroutineChecksPlugin}) is the
 * alternative. Runs on javac's thread.
 */
public final class CoroutineChecksProcessor extends AbstractProcessor {

    /** Creates the processor (javac does, through the service registration). */
    public CoroutineChecksProcessor() {}

    @Override
    public synchronized void init(ProcessingEnvironment env) {
        super.init(env);
        JavacTask task;
        try {
            task = JavacTask.instance(env);
        } catch (RuntimeException | LinkageError notJavac) {
            env.getMessager().printMessage(Diagnostic.Kind.NOTE, "Squall coroutine checks are off: this"
                    + " compiler is not javac (" + notJavac + "); add -Xplugin:SquallChecks where javac runs");
            return;
        }
        CoroutineChecker.register(task);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return false;
    }
}
