package dev.loomscope.agent;

import dev.loomscope.core.RecordingSession;

import java.io.IOException;

/**
 * Read access to the recording of this JVM, for code running in it: the JUnit extension (module {@code junit}) calls
 * {@link #snapshotJson()} reflectively through the system class loader, where {@code -javaagent} puts the agent jar.
 * Kept to one method taking and returning JDK types, so callers need no Loomscope classes.
 */
public final class InProcess {
    private InProcess() {
    }

    /**
     * The recording so far as {@code loomscope/1} JSON (UTF-8), trigger {@code in-process}; null when the agent is not
     * recording in this JVM.
     */
    public static byte[] snapshotJson() throws IOException {
        RecordingSession session = Installer.session();
        return session == null ? null : session.snapshotJson("in-process");
    }
}
