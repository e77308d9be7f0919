package dev.loomscope.agent;

import net.bytebuddy.dynamic.DynamicType;

/**
 * One advised JDK type: its name, and which of its methods get which advice. One class per type, each saying why
 * ({@link VirtualThreadInstrumentation}, {@link ForkJoinPoolInstrumentation}, {@link ShutdownHooksInstrumentation});
 * {@link Installer} weaves them all in one transformation.
 */
interface TypeInstrumentation {
    /** The advised type's binary name. */
    String typeName();

    /** Adds this type's advice to the builder Byte Buddy transforms the type with. */
    DynamicType.Builder<?> weave(DynamicType.Builder<?> builder);
}
