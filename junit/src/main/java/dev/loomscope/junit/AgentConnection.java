package dev.loomscope.junit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Where the extension gets the in-process recording from: the agent's {@code InProcess} class, reflectively. */
interface AgentConnection {
    /** {@code loomscope/1} JSON of the recording so far, or null when no agent records in this JVM. */
    byte[] snapshot() throws Exception;

    /** Where {@link #snapshot} comes from, as a failure names it. */
    default String source() {
        return "the agent in this JVM (dev.loomscope.agent.InProcess.snapshotJson)";
    }

    /** The agent's {@code dev.loomscope.agent.InProcess}, found through the system class loader. */
    AgentConnection IN_PROCESS = () -> {
        Method snapshotJson;
        try {
            snapshotJson = Class.forName("dev.loomscope.agent.InProcess", true, ClassLoader.getSystemClassLoader())
                    .getMethod("snapshotJson");
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
        try {
            return (byte[]) snapshotJson.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    };
}
