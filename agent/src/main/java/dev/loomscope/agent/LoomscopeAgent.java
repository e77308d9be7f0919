package dev.loomscope.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * Puts the bootstrap recorder on the boot class path, then hands over to {@link Installer}.
 * <p>
 * This class must not mention any {@code dev.loomscope.bootstrap} type: the boot loader has to own those classes
 * before anything resolves them, or the system loader would load a second, unconnected copy (and advice inlined into
 * {@code java.base} would not find any).
 */
public final class LoomscopeAgent {
    private static final String BOOTSTRAP_JAR = "loomscope-bootstrap.jar";
    /** Set once the agent is installed, so a second attach does not weave twice. */
    private static final String INSTALLED_PROPERTY = "dev.loomscope.agent.installed";

    private LoomscopeAgent() {
    }

    /** Called by {@link AgentLauncher} on Java 21+. */
    public static synchronized void start(String options, Instrumentation instrumentation, boolean lateAttach)
            throws Exception {
        if (System.getProperty(INSTALLED_PROPERTY) != null) {
            System.err.println("loomscope: agent already running in this JVM; options '" + options + "' ignored");
            return;
        }
        if (!hasVirtualThreads()) {
            System.err.println("loomscope: no java.lang.VirtualThread in Java " + System.getProperty("java.version")
                    + "; agent disabled");
            return;
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(extractBootstrapJar().toFile()));
        System.setProperty(INSTALLED_PROPERTY, "true");
        Installer.install(options, instrumentation, lateAttach);
    }

    private static boolean hasVirtualThreads() {
        try {
            Class.forName("java.lang.VirtualThread", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Path extractBootstrapJar() throws IOException {
        Path file = Files.createTempFile("loomscope-bootstrap-", ".jar");
        file.toFile().deleteOnExit();
        try (InputStream in = LoomscopeAgent.class.getResourceAsStream(BOOTSTRAP_JAR)) {
            if (in == null) {
                throw new IOException(BOOTSTRAP_JAR + " missing from the agent jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }
}
