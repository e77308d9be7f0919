package dev.loomscope.agent;

import dev.loomscope.core.HookReport;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knows which hooks the agent meant to weave and which it did. Byte Buddy gives no error when an advice matcher
 * matches nothing (a method renamed in another JDK) or when a type is skipped, so every hook's matcher is wrapped to
 * note a match, and a type's hooks count as applied only once its transformation succeeded.
 */
final class HookTracker {
    private final Set<String> intended = new LinkedHashSet<>();
    /** Hooks whose matcher matched during the transformation in progress, by type. */
    private final Set<String> matched = ConcurrentHashMap.newKeySet();
    private final Set<String> applied = ConcurrentHashMap.newKeySet();
    /** The methods ({@code name + descriptor}) each hook's matcher selected: what {@code docs/compatibility.md} lists. */
    private final Map<String, Set<String>> matchedMethods = new ConcurrentHashMap<>();
    /** Types (simple names) whose transformation succeeded. */
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();

    /** Declares a hook and returns its matcher, wrapped to record matches. */
    ElementMatcher<MethodDescription> track(String hook, ElementMatcher<? super MethodDescription> matcher) {
        intended.add(hook);
        return method -> {
            boolean matches = matcher.matches(method);
            if (matches) {
                matched.add(hook);
                matchedMethods.computeIfAbsent(hook, h -> ConcurrentHashMap.newKeySet())
                        .add(method.getInternalName() + method.getDescriptor());
            }
            return matches;
        };
    }

    /**
     * A hook the running JDK cannot have, decided before weaving (a {@code VirtualThread} state constant the recorder
     * needs and this release lacks); reported as missing.
     */
    void intend(String hook) {
        intended.add(hook);
    }

    /** Called when Byte Buddy finished transforming {@code typeSimpleName} without error. */
    void transformed(String typeSimpleName) {
        for (String hook : matched) {
            if (hook.startsWith(typeSimpleName + ".")) {
                applied.add(hook);
            }
        }
        transformed.add(typeSimpleName);
    }

    /**
     * The one line that says which hooks found nothing to advise or read in a type that was transformed (a release
     * that renamed or removed a method, or a state constant, see {@link #intend}), or null if every hook of every
     * transformed type matched. A type that could not be transformed at
     * all has its own line ({@code Installer}'s listener), and one not loaded yet is not judged.
     *
     * @param javaVersion the running JDK's {@code java.version}, named in the line
     */
    String unmatchedWarning(String javaVersion) {
        List<String> unmatched = new ArrayList<>();
        for (String hook : intended) {
            if (!applied.contains(hook) && transformed.contains(hook.substring(0, hook.indexOf('.')))) {
                unmatched.add(hook);
            }
        }
        if (unmatched.isEmpty()) {
            return null;
        }
        String theyRecord = unmatched.size() == 1 ? "it records" : "they record";
        return "loomscope: Java " + javaVersion + " has no " + String.join(", ", unmatched)
                + " (a release this agent does not know): the events " + theyRecord
                + " are missing from the counts, listed in agent.hooks.missing";
    }

    /** The methods ({@code name + descriptor}, e.g. {@code afterDone(Z)V}) that {@code hook}'s matcher selected. */
    Set<String> matchedMethods(String hook) {
        return Set.copyOf(matchedMethods.getOrDefault(hook, Set.of()));
    }

    HookReport report() {
        List<String> done = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String hook : intended) {
            (applied.contains(hook) ? done : missing).add(hook);
        }
        return new HookReport(done, missing);
    }
}
