package io.squall.agent;

import org.objectweb.asm.Type;

/** Internal names and descriptors of the runtime types the rewrite recognises and calls. */
final class Names {

    static final String ASYNC = "io/squall/Async";
    static final String AWAIT = "await";
    static final String AWAIT_FUTURE_DESC = "(Lio/squall/Future;)Ljava/lang/Object;";
    static final String AWAIT_STAGE_DESC = "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;";
    static final String COROUTINE_DESC = "Lio/squall/annotations/Coroutine;";
    /** squall-testing's test annotation: a test method returning a future is a coroutine too. */
    static final String SQUALL_TEST_DESC = "Lio/squall/testing/SquallTest;";
    /** Suffix of a coroutine test method's entry once {@link TestTwins} gave it a void stand-in. */
    static final String TEST_ENTRY_SUFFIX = "$squall$test";

    static final String FUTURE = "io/squall/Future";
    static final String STAGE = "java/util/concurrent/CompletionStage";
    static final String COMPLETABLE = "java/util/concurrent/CompletableFuture";
    static final String OBJECT = "java/lang/Object";

    static final String CONTINUATION = "io/squall/internal/Continuation";
    static final String CONTINUATION_DESC = "L" + CONTINUATION + ";";
    static final String SUPPORT = "io/squall/internal/CoroutineSupport";
    static final String DIRECT_RESUME = "io/squall/internal/DirectResume";
    static final String GENERATED_FRAMES = "io/squall/internal/GeneratedFrames";
    static final String RESUME_DESC = "(" + CONTINUATION_DESC + ")Ljava/lang/Object;";

    /** Suffix of the generated static resume bridge of a coroutine. */
    static final String RESUME_SUFFIX = "$squall$resume";

    private Names() {
        throw new AssertionError("no instances");
    }

    /** How a coroutine's declared return type is produced. */
    enum ReturnKind {
        FUTURE(Names.FUTURE, "toFuture", "failedFuture"),
        STAGE(Names.STAGE, "toStage", "failedStage"),
        COMPLETABLE(Names.COMPLETABLE, "toCompletableFuture", "failedCompletableFuture");

        final String type;
        final String adapt;
        final String failed;

        ReturnKind(String type, String adapt, String failed) {
            this.type = type;
            this.adapt = adapt;
            this.failed = failed;
        }

        String adaptDesc() {
            return "(Ljava/lang/Object;)L" + type + ";";
        }

        String failedDesc() {
            return "(Ljava/lang/Throwable;)L" + type + ";";
        }

        /** @return the kind for a method descriptor's return type, or null if it is not a future type */
        static ReturnKind of(String methodDesc) {
            Type r = Type.getReturnType(methodDesc);
            if (r.getSort() != Type.OBJECT) {
                return null;
            }
            switch (r.getInternalName()) {
                case Names.FUTURE:
                    return FUTURE;
                case Names.STAGE:
                    return STAGE;
                case Names.COMPLETABLE:
                    return COMPLETABLE;
                default:
                    return null;
            }
        }
    }
}
