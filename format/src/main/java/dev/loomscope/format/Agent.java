package dev.loomscope.format;

import java.util.List;
import java.util.Map;

/**
 * {@code agent}: the agent and how it ran.
 *
 * @param version the agent jar's {@code Implementation-Version}, {@code dev} when run from classes
 * @param options the effective options, every one given or defaulted, in the agent's order: numbers, booleans and
 *                strings ({@code docs/options.md})
 */
public record Agent(String version, Map<String, Object> options, Hooks hooks) {

    /**
     * {@code agent.hooks}, as {@code Class.method}.
     *
     * @param missing intended hooks not woven: the events they produce are absent from the counts
     */
    public record Hooks(List<String> applied, List<String> missing) {
    }
}
