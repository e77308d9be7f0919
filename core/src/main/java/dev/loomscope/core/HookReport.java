package dev.loomscope.core;

import java.util.List;

/**
 * Which advice the agent wove into the JDK, as found on the running JDK: {@code applied} hooks matched a method and
 * were woven; {@code missing} hooks had no matching method (another JDK release) or the class could not be
 * transformed, and the events they would have produced are absent. Names are {@code Class.method}.
 */
public record HookReport(List<String> applied, List<String> missing) {
    public static final HookReport NONE = new HookReport(List.of(), List.of());
}
