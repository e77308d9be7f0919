package dev.loomscope.agent.shapes.jdk25;

/**
 * The method of {@code java.lang.ApplicationShutdownHooks} the agent advises on releases whose JVM reports pinned
 * blocks to JFR (24+): {@code static void runHooks()}, read from the JDK's own sources ({@code lib/src.zip} of Temurin
 * 25.0.3+9, line 95), unchanged since the class appeared (JDK 1.3).
 */
@SuppressWarnings("unused")
final class ApplicationShutdownHooks {
    private ApplicationShutdownHooks() {
    }

    static void runHooks() {
    }
}
