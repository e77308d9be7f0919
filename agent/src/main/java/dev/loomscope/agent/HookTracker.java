package dev.loomscope.agent;

import dev.loomscope.core.HookReport;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

    /** Declares a hook and returns its matcher, wrapped to record matches. */
    ElementMatcher<MethodDescription> track(String hook, ElementMatcher<? super MethodDescription> matcher) {
        intended.add(hook);
        return method -> {
            boolean matches = matcher.matches(method);
            if (matches) {
                matched.add(hook);
            }
            return matches;
        };
    }

    /** A hook the running JDK cannot have (decided before weaving); reported as missing. */
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
