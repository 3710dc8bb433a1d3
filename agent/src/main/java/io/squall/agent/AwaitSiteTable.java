package io.squall.agent;

import java.util.List;

import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The await sites of one coroutine as a constant string, recorded when the class is rewritten and handed to
 * {@code Continuation.of} with an {@code ldc}, so that async stack traces and the coroutine dump can name the
 * class, method, source file and line of the {@code await} a coroutine is suspended at without walking a
 * stack or allocating anything at run time.
 *
 * <p>Format (read by {@code io.squall.internal.AwaitSites}): {@code owner '\n' method '\n' sourceFile '\n'
 * line0 ',' line1 ...}, where {@code owner} is the binary class name, {@code sourceFile} is empty when the
 * class has none, and {@code lineN} is the line of the site whose state number is N, or -1 when the class has
 * no line numbers ({@code -g:none}).
 */
final class AwaitSiteTable {

    /** Descriptor of {@code Continuation.of} taking the site table as its last argument. */
    static final String OF_DESC = "(" + Names.CONTINUATION_DESC
            + "Ljava/lang/invoke/MethodHandle;Ljava/lang/Object;IILjava/lang/String;)" + Names.CONTINUATION_DESC;

    private AwaitSiteTable() {
        throw new AssertionError("no instances");
    }

    /**
     * Builds the table of a coroutine's sites, in state order. Call it before the site code is emitted, so
     * that each site's line is the line of the user's {@code await}.
     *
     * @param owner the class
     * @param method the coroutine (its name is the one stack traces show)
     * @param sites the await instructions, indexed by state number
     * @return the constant
     */
    static String of(ClassNode owner, MethodNode method, List<MethodInsnNode> sites) {
        StringBuilder sb = new StringBuilder();
        sb.append(owner.name.replace('/', '.')).append('\n').append(method.name).append('\n')
                .append(owner.sourceFile == null ? "" : owner.sourceFile).append('\n');
        for (int i = 0; i < sites.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(MethodShapes.lineOf(sites.get(i)));
        }
        return sb.toString();
    }
}
