package dev.loomscope.agent;

import dev.loomscope.bootstrap.OperationScopes;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.DynamicType;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Which methods of the application's {@code dev.loomscope.api.Loomscope} (module {@code api}, artifact
 * {@code loomscope-api}) Loomscope advises, and why: the API's public methods call two package-private static hooks,
 * {@code enter(String, String, int)} and {@code exit(long)}, that do nothing on their own; advice on their exits and
 * entries hands the calls to the recorder ({@link OperationScopes}), which the API class cannot name (it is loaded by
 * the application's class loader, the recorder by the boot loader, as the OpenTelemetry Java agent bridges its API).
 * Matched by name in every class loader, so each copy of the API an application carries is woven, at its loading or,
 * after a late attach, by retransformation. Not a hook of the JDK: an application without the API never loads the
 * class, and {@code agent.hooks} does not list it ({@code operations.apiClassesWoven} counts the copies woven).
 */
final class ApiInstrumentation implements TypeInstrumentation {
    /** The API class's binary name. */
    static final String API_CLASS = "dev.loomscope.api.Loomscope";

    @Override
    public String typeName() {
        return API_CLASS;
    }

    @Override
    public DynamicType.Builder<?> weave(DynamicType.Builder<?> builder) {
        // enter returns 0 (nothing to undo) on its own; the advice replaces that with the recorder's token
        builder = builder.visit(Advice.to(EnterAdvice.class)
                .on(named("enter").and(isStatic()).and(takesArguments(String.class, String.class, int.class))));
        builder = builder.visit(Advice.to(ExitAdvice.class)
                .on(named("exit").and(isStatic()).and(takesArguments(long.class))));
        return builder;
    }

    static final class EnterAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String name, @Advice.Argument(1) String traceId,
                         @Advice.Argument(2) int flags, @Advice.Return(readOnly = false) long token) {
            token = OperationScopes.enter(name, traceId, flags);
        }
    }

    static final class ExitAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) long token) {
            OperationScopes.exit(token);
        }
    }
}
