package dev.loomscope.agent;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.core.AgentOptions;
import dev.loomscope.core.HookReport;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's JDK adaptation run against each release's {@code java.lang.VirtualThread}, {@code ForkJoinPool},
 * {@code ApplicationShutdownHooks} and FFM {@code Linker.Option}, without that JDK: the classes of
 * {@code src/test/jdk-shapes} carry exactly the members those releases have (names, descriptors, state constants,
 * read from their sources, each file says where), and the agent's own code ({@link JdkShape#describe}, the hook
 * choice of {@link Installer#instrumentations}, the matchers and advice of each {@link TypeInstrumentation}, woven by
 * Byte Buddy as the installer weaves the JDK's classes, and {@link NativeSupport#readsTsc}) decides what it would on
 * that JDK. The expected values are docs/compatibility.md's matrix, written from the sources, not from these results.
 */
class JdkShapesTest {
    private static final String SHAPES = "dev.loomscope.agent.shapes.";
    private static final String VT = "VirtualThread.";

    /** The hooks woven on every release from 21 on, whatever its shape. */
    private static final List<String> COMMON_HOOKS = List.of(VT + "start", VT + "mount", VT + "afterYield",
            VT + "submitRunContinuation", VT + "lazySubmitRunContinuation", VT + "externalSubmitRunContinuation");
    private static final List<String> COMMON_TAIL = List.of(VT + "afterDone", VT + "submitFailed",
            VT + "parkOnCarrierThread", VT + "sleepNanos", "ForkJoinPool.runWorker", "ForkJoinPool.awaitWork");

    @Test
    void jdk21PinsInSynchronizedAndAdvisesTheNoArgumentSubmitAndAfterDoneWithItsFlag() throws Exception {
        Woven jdk = weave("jdk21", "jdk21", "jdk21");
        assertEquals(hooks(false, false), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("submitRunContinuation()V"), jdk.matched(VT + "submitRunContinuation"));
        assertEquals(Set.of("afterDone(Z)V"), jdk.matched(VT + "afterDone"));
        assertEquals(Set.of("parkOnCarrierThread(ZJ)V"), jdk.matched(VT + "parkOnCarrierThread"));
        assertEquals(Set.of("sleepNanos(J)V"), jdk.matched(VT + "sleepNanos"));
        assertEquals(Set.of("start(Ljdk/internal/vm/ThreadContainer;)V"), jdk.matched(VT + "start"));
        assertEquals(Set.of("lazySubmitRunContinuation(Ljava/util/concurrent/ForkJoinPool;)V"),
                jdk.matched(VT + "lazySubmitRunContinuation"));
        assertEquals(VirtualThreadInstrumentation.BlockAdvice.class, jdk.blockAdvice, "no timeout field before 24");
        assertArrayEquals(kindsBeforeJep491(), jdk.kinds);
        assertEquals(1, jdk.shape.startedState());
        assertFalse(jdk.shape.jvmBlocksPinnedThreads(), "synchronized pins: pinned parks, no JFR stream");
        assertFalse(jdk.tsc, "FFM is a preview in 21, without critical downcalls: System.nanoTime()");
    }

    @Test
    void jdk22HasTheMembersOf21AndTheFfmOfLaterReleases() throws Exception {
        Woven jdk = weave("jdk22", "jdk21", "jdk22");
        assertEquals(hooks(false, false), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("submitRunContinuation()V"), jdk.matched(VT + "submitRunContinuation"));
        assertEquals(Set.of("afterDone(Z)V"), jdk.matched(VT + "afterDone"));
        assertEquals(VirtualThreadInstrumentation.BlockAdvice.class, jdk.blockAdvice);
        assertArrayEquals(kindsBeforeJep491(), jdk.kinds);
        assertFalse(jdk.shape.jvmBlocksPinnedThreads());
        assertTrue(jdk.tsc, "Linker.Option.critical(boolean) from 22 on");
    }

    @Test
    void jdk23AdvisesTheTwoArgumentSubmitAndStartsOwnSubmission() throws Exception {
        Woven jdk = weave("jdk23", "jdk21", "jdk22");
        assertEquals(hooks(true, false), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("submitRunContinuation(Ljava/util/concurrent/Executor;Z)V"),
                jdk.matched(VT + "submitRunContinuation"), "the overload the other submissions delegate to");
        assertEquals(Set.of("externalSubmitRunContinuationOrThrow()V"),
                jdk.matched(VT + "externalSubmitRunContinuationOrThrow"));
        assertEquals(VirtualThreadInstrumentation.BlockAdvice.class, jdk.blockAdvice);
        assertArrayEquals(kindsBeforeJep491(), jdk.kinds);
        assertFalse(jdk.shape.jvmBlocksPinnedThreads(), "synchronized still pins in 23");
        assertTrue(jdk.tsc);
    }

    @Test
    void jdk24UnmountsInSynchronizedReadsTheTimeoutAndFlushesJfrBeforeTheShutdownHooks() throws Exception {
        Woven jdk = weave("jdk24", "jdk25", "jdk22");
        assertEquals(hooks(true, true), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("lazySubmitRunContinuation()V"), jdk.matched(VT + "lazySubmitRunContinuation"));
        assertEquals(Set.of("runHooks()V"), jdk.matched("ApplicationShutdownHooks.runHooks"));
        assertEquals(VirtualThreadInstrumentation.TimedBlockAdvice.class, jdk.blockAdvice);
        assertArrayEquals(kindsFromJep491(), jdk.kinds);
        assertTrue(jdk.shape.jvmBlocksPinnedThreads(), "BLOCKING: the JVM pins only where it must, and tells JFR");
        assertTrue(jdk.tsc);
    }

    @Test
    void jdk25IsWovenAsTheRunningJdkIs() throws Exception {
        Woven jdk = weave("jdk25", "jdk25", "jdk22");
        assertEquals(hooks(true, true), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("submitRunContinuation(Ljava/util/concurrent/Executor;Z)V"),
                jdk.matched(VT + "submitRunContinuation"));
        assertEquals(Set.of("afterDone(Z)V"), jdk.matched(VT + "afterDone"));
        assertEquals(Set.of("awaitWork(Ldev/loomscope/agent/shapes/jdk25/ForkJoinPool$WorkQueue;I)I"),
                jdk.matched("ForkJoinPool.awaitWork"));
        assertEquals(VirtualThreadInstrumentation.TimedBlockAdvice.class, jdk.blockAdvice);
        assertArrayEquals(kindsFromJep491(), jdk.kinds);
        assertTrue(jdk.shape.jvmBlocksPinnedThreads());
        assertTrue(jdk.tsc);
    }

    /**
     * The copy of 25 is what the agent reads from JDK 25's own class (java.lang opened to the tests, as the agent
     * opens it to itself): the same facts, and the same descriptors for every method the copy declares.
     */
    @Test
    void theCopyOf25HasTheFactsOfTheRunningJdk() throws Exception {
        assumeTrue(Runtime.version().feature() == 25, "compares with JDK 25's own class");
        Class<?> real = Class.forName(JdkShape.VIRTUAL_THREAD, false, null);
        Class<?> copy = Class.forName(SHAPES + "jdk25.VirtualThread");
        JdkShape fromJdk = JdkShape.describe(real, null);
        JdkShape fromCopy = JdkShape.describe(copy, null);
        assertArrayEquals(fromJdk.blockKindByState(), fromCopy.blockKindByState());
        assertEquals(fromJdk.startedState(), fromCopy.startedState());
        assertEquals(fromJdk.hasTimeoutField(), fromCopy.hasTimeoutField());
        assertEquals(fromJdk.afterDoneArity(), fromCopy.afterDoneArity());
        assertEquals(fromJdk.submitRunContinuationArity(), fromCopy.submitRunContinuationArity());
        assertEquals(fromJdk.jvmBlocksPinnedThreads(), fromCopy.jvmBlocksPinnedThreads());
        assertEquals(List.of(), fromJdk.missingStates());
        assertEquals(methodsOf(real, copy), methodsOf(copy, copy));
    }

    @Test
    void theMainlineKeepsThe25Shape() throws Exception {
        Woven jdk = weave("mainline", "mainline", "jdk22");
        assertEquals(hooks(true, true), jdk.report.applied());
        assertEquals(List.of(), jdk.report.missing());
        assertNull(jdk.warning);
        assertEquals(Set.of("awaitWork(Ldev/loomscope/agent/shapes/mainline/ForkJoinPool$WorkQueue;)I"),
                jdk.matched("ForkJoinPool.awaitWork"));
        assertEquals(VirtualThreadInstrumentation.TimedBlockAdvice.class, jdk.blockAdvice);
        assertArrayEquals(kindsFromJep491(), jdk.kinds);
        assertTrue(jdk.shape.jvmBlocksPinnedThreads());
    }

    /**
     * A release that renames two advised methods and a state constant: each is in {@code hooks.missing}, one line
     * says so, the rest is woven as on the mainline, and blocks in the renamed state are of kind unknown (counted as
     * such, never as another kind).
     */
    @Test
    void aReleaseThatRenamesMethodsListsThemMissingAndSaysSoInOneLine() throws Exception {
        Woven jdk = weave("renamed", "mainline", "jdk22");
        List<String> expectedApplied = new ArrayList<>(hooks(true, true));
        expectedApplied.removeAll(List.of(VT + "parkOnCarrierThread", VT + "sleepNanos"));
        assertEquals(expectedApplied, jdk.report.applied());
        assertEquals(List.of(VT + "YIELDING", VT + "parkOnCarrierThread", VT + "sleepNanos"), jdk.report.missing());
        assertEquals("loomscope: Java 27-ea has no VirtualThread.YIELDING, VirtualThread.parkOnCarrierThread,"
                + " VirtualThread.sleepNanos (a release this agent does not know): the events they record are missing"
                + " from the counts, listed in agent.hooks.missing", jdk.warning);
        byte[] kinds = kindsFromJep491();
        kinds[10] = BlockKind.UNKNOWN;
        assertArrayEquals(kinds, jdk.kinds);
    }

    /** One renamed method: the line says "it". */
    @Test
    void theLineForOneMissingHookIsSingular() {
        HookTracker tracker = new HookTracker();
        tracker.track(VT + "afterYield", method -> false);
        tracker.transformed("VirtualThread");
        assertEquals("loomscope: Java 21.0.2 has no VirtualThread.afterYield (a release this agent does not know): the"
                + " events it records are missing from the counts, listed in agent.hooks.missing",
                tracker.unmatchedWarning("21.0.2"));
    }

    /** A type not transformed yet (not loaded) is not judged: no line for it. */
    @Test
    void hooksOfATypeNotTransformedAreNotWarnedAbout() {
        HookTracker tracker = new HookTracker();
        tracker.track("ApplicationShutdownHooks.runHooks", method -> false);
        assertNull(tracker.unmatchedWarning("25"));
        assertEquals(List.of("ApplicationShutdownHooks.runHooks"), tracker.report().missing());
    }

    @Test
    void withJfrPinnedOffNoReleaseWeavesTheShutdownHook() throws Exception {
        for (String release : List.of("jdk24", "jdk25", "mainline")) {
            JdkShape shape = JdkShape.describe(Class.forName(SHAPES + release + ".VirtualThread"), null);
            List<String> types = Installer.instrumentations(new HookTracker(), shape,
                    AgentOptions.parse("jfrPinned=false", message -> { })).stream()
                    .map(TypeInstrumentation::typeName).toList();
            assertEquals(List.of(JdkShape.VIRTUAL_THREAD, "java.util.concurrent.ForkJoinPool"), types, release);
        }
    }

    @Test
    void theClockIsTheTimeStampCounterOnlyOnLinuxX8664WithAnInvariantTscAndCriticalDowncalls() throws Exception {
        Class<?> option22 = Class.forName(SHAPES + "jdk22.Linker$Option");
        assertTrue(NativeSupport.readsTsc("linux-x86_64", true, option22));
        assertFalse(NativeSupport.readsTsc("linux-x86_64", false, option22));
        assertFalse(NativeSupport.readsTsc("linux-aarch64", true, option22));
        assertFalse(NativeSupport.readsTsc("linux-x86_64", true, Class.forName(SHAPES + "jdk21.Linker$Option")));
        assertFalse(NativeSupport.readsTsc("linux-x86_64", true, null));
        assertTrue(NativeSupport.offersCriticalDowncalls(Class.forName("java.lang.foreign.Linker$Option")),
                "the running JDK (25)");
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The applied hooks, in the order the instrumentations declare them. */
    private static List<String> hooks(boolean startSubmission, boolean shutdownHook) {
        List<String> hooks = new ArrayList<>(COMMON_HOOKS);
        if (startSubmission) {
            hooks.add(VT + "externalSubmitRunContinuationOrThrow");
        }
        hooks.addAll(COMMON_TAIL);
        if (shutdownHook) {
            hooks.add("ApplicationShutdownHooks.runHooks");
        }
        return hooks;
    }

    /** 21 to 23: PARKING 3, TIMED_PARKING 6, YIELDING 10 (docs/compatibility.md). */
    private static byte[] kindsBeforeJep491() {
        byte[] kinds = new byte[256];
        kinds[3] = BlockKind.PARK;
        kinds[6] = BlockKind.TIMED_PARK;
        kinds[10] = BlockKind.YIELD;
        return kinds;
    }

    /** 24 on: also BLOCKING 12, WAITING 15, TIMED_WAITING 17. */
    private static byte[] kindsFromJep491() {
        byte[] kinds = kindsBeforeJep491();
        kinds[12] = BlockKind.MONITOR;
        kinds[15] = BlockKind.WAIT;
        kinds[17] = BlockKind.TIMED_WAIT;
        return kinds;
    }

    /**
     * Does what {@link Installer#install} does for a JDK of that release: reads the shape, chooses the types and
     * their advice with default options, and weaves each type's copy as Byte Buddy weaves the JDK's class; then what
     * the dump's {@code agent.hooks} and the agent's stderr would say.
     *
     * @param forkJoinPool the release whose copy of {@code ForkJoinPool} stands for this one's (the nearest read)
     * @param linker       the release whose copy of {@code Linker} stands for this one's
     */
    private static Woven weave(String release, String forkJoinPool, String linker) throws Exception {
        Class<?> virtualThread = Class.forName(SHAPES + release + ".VirtualThread");
        JdkShape shape = JdkShape.describe(virtualThread, null);
        HookTracker tracker = new HookTracker();
        Class<?> blockAdvice = null;
        for (TypeInstrumentation type : Installer.instrumentations(tracker, shape, AgentOptions.parse("", m -> { }))) {
            String simpleName = type.typeName().substring(type.typeName().lastIndexOf('.') + 1);
            String copyRelease = switch (simpleName) {
                case "VirtualThread" -> release;
                case "ForkJoinPool" -> forkJoinPool;
                default -> "jdk25";
            };
            Class<?> copy = Class.forName(SHAPES + copyRelease + "." + simpleName);
            DynamicType.Builder<?> builder = new ByteBuddy().with(TypeValidation.DISABLED).redefine(copy);
            try (DynamicType.Unloaded<?> woven = type.weave(builder).make()) {
                assertTrue(woven.getBytes().length > 0);
            }
            tracker.transformed(simpleName);
            if (type instanceof VirtualThreadInstrumentation vt) {
                blockAdvice = vt.blockAdvice();
            }
        }
        Class<?> option = Class.forName(SHAPES + linker + ".Linker$Option");
        return new Woven(shape, tracker, tracker.report(), tracker.unmatchedWarning("27-ea"), blockAdvice,
                shape.blockKindByState(), NativeSupport.readsTsc("linux-x86_64", true, option));
    }

    private record Woven(JdkShape shape, HookTracker tracker, HookReport report, String warning, Class<?> blockAdvice,
                         byte[] kinds, boolean tsc) {
        Set<String> matched(String hook) {
            return tracker.matchedMethods(hook);
        }
    }

    /** {@code name + descriptor} of {@code of}'s declared methods that {@code copy} also declares by name. */
    private static Map<String, List<String>> methodsOf(Class<?> of, Class<?> copy) {
        Set<String> names = new HashSet<>();
        for (Method m : copy.getDeclaredMethods()) {
            names.add(m.getName());
        }
        Map<String, List<String>> byName = new HashMap<>();
        for (Method m : of.getDeclaredMethods()) {
            if (names.contains(m.getName()) && !m.isSynthetic()) {
                String descriptor = MethodType.methodType(m.getReturnType(), m.getParameterTypes())
                        .toMethodDescriptorString();
                byName.computeIfAbsent(m.getName(), n -> new ArrayList<>()).add(descriptor);
            }
        }
        byName.values().forEach(Collections::sort);
        return byName;
    }

}
