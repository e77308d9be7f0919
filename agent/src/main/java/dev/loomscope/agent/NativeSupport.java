package dev.loomscope.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loomscope's native library ({@code libloomscope.so}, built from {@code agent/src/main/native}): extracted from the
 * agent jar and loaded once, through {@code dev.loomscope.agent.nativeshim.NativeShim}, for the SIGQUIT trigger
 * (every JVMTI DataDumpRequest, from SIGQUIT or {@code jcmd PID JVMTI.data_dump}, forwarded to a {@link Runnable})
 * and for the time-stamp-counter clock of the recorder.
 * <p>
 * Native access: since JDK 24, {@code System.load} and FFM's restricted methods from a module without native access
 * print a four-line warning (and a future JDK will refuse them). For class-path code the only switch is
 * {@code --enable-native-access=ALL-UNNAMED}, which would silently grant native access to the whole application.
 * Instead the shim class is defined in a named module of its own ({@value #MODULE}, in a child layer of the boot
 * layer) and native access is granted to that module alone, through the JDK's own
 * {@code Module.implAddEnableNativeAccess} (the method behind {@code ModuleLayer.Controller.enableNativeAccess}),
 * reachable because the agent opens {@code java.lang} to itself with {@link Instrumentation#redefineModule}. If that
 * method is missing in some JDK, the shim is loaded from the class path instead, for SIGQUIT only: the JVM then prints
 * its usual warning once, naming the switch that silences it ({@code --enable-native-access=ALL-UNNAMED},
 * docs/options.md), SIGQUIT dumps work all the same, and the recorder keeps {@code System.nanoTime()}.
 * <p>
 * Premain thread only (not thread-safe): the library is loaded by whichever of {@link #tscTicks} and
 * {@link #armSigquit} comes first.
 */
final class NativeSupport {
    static final String MODULE = "dev.loomscope.nativeshim";
    private static final String PACKAGE = "dev.loomscope.agent.nativeshim";
    private static final String SHIM_CLASS = PACKAGE + ".NativeShim";
    private static final String SHIM_RESOURCE = SHIM_CLASS.replace('.', '/') + ".class";
    /** {@code Module}'s own method behind {@code ModuleLayer.Controller.enableNativeAccess} (JDK 21–25 at least). */
    private static final String GRANT_METHOD = "implAddEnableNativeAccess";

    /** The loaded shim class, once {@link #load} succeeded: {@link #moduleShim}, or the class path's. */
    private static Class<?> shim;
    /** Whether module {@value #MODULE} was defined and granted native access, or found impossible, already. */
    private static boolean moduleTried;
    /** The shim class in module {@value #MODULE} with native access, or null if that could not be had. */
    private static Class<?> moduleShim;
    /** Why the library could not be loaded, once {@link #load} failed; null before and after a success. */
    private static String loadFailure;

    private NativeSupport() {
    }

    /**
     * Arms SIGQUIT dumps; on any failure prints one line and returns false (the other triggers still work).
     *
     * @param onDataDumpRequest runs on the JVM's Signal Dispatcher thread: must only hand the request on
     */
    static boolean armSigquit(Instrumentation instrumentation, Runnable onDataDumpRequest) {
        if (!load(instrumentation, true)) {
            System.err.println("loomscope: " + loadFailure + ": SIGQUIT writes no dump"
                    + " (interval= and the dump command still do)");
            return false;
        }
        try {
            Method arm = shim.getMethod("armSigquit", Runnable.class);
            int failedStep = (Integer) arm.invoke(null, onDataDumpRequest);
            if (failedStep != 0) {
                System.err.println("loomscope: the JVM refused the SIGQUIT hook (JVMTI step " + failedStep
                        + "): SIGQUIT writes no dump (interval= and the dump command still do)");
                return false;
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            System.err.println("loomscope: cannot arm the SIGQUIT hook (" + cause(e) + "): SIGQUIT writes no dump"
                    + " (interval= and the dump command still do)");
            return false;
        }
    }

    /**
     * The recorder's time-stamp-counter reader, or null where it cannot be had: not Linux x86_64, no invariant TSC,
     * no library, no native access for the shim's own module, or a JDK without critical FFM downcalls (21). Null is
     * not a failure (the recorder then reads {@code System.nanoTime()}, and the dump's {@code recorder.clock} says
     * so), hence no line on stderr.
     */
    static MethodHandle tscTicks(Instrumentation instrumentation) {
        if (!readsTsc(platform(), invariantTsc(), linkerOption())) {
            return null;
        }
        if (!load(instrumentation, false) || shim != moduleShim) {
            return null; // without native access of its own module, FFM would warn into the application's stderr
        }
        try {
            return (MethodHandle) shim.getMethod("ticks").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Whether the recorder's clock can be the time-stamp counter, as far as the platform and the JDK's FFM API decide
     * (the native library and its module's native access are tried after): Linux x86_64, an invariant TSC, and
     * {@code Linker.Option.critical(boolean)}, the downcall without a thread transition (JDK 22+; JDK 21's FFM is a
     * preview without it).
     *
     * @param linkerOption the JDK's {@code java.lang.foreign.Linker.Option}, or null if it has none
     */
    static boolean readsTsc(String platform, boolean invariantTsc, Class<?> linkerOption) {
        return platform.equals("linux-x86_64") && invariantTsc && offersCriticalDowncalls(linkerOption);
    }

    /** {@code static Option critical(boolean)} in {@code linkerOption}: what {@code NativeShim.ticks} links with. */
    static boolean offersCriticalDowncalls(Class<?> linkerOption) {
        if (linkerOption == null) {
            return false;
        }
        try {
            Method critical = linkerOption.getMethod("critical", boolean.class);
            return Modifier.isStatic(critical.getModifiers()) && critical.getReturnType() == linkerOption;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static Class<?> linkerOption() {
        try {
            return Class.forName("java.lang.foreign.Linker$Option", false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Linux's definition of an invariant TSC: the rate is constant and the counter runs in every power state. */
    private static boolean invariantTsc() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
                    .map(flags -> flags.contains("constant_tsc") && flags.contains("nonstop_tsc"))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Loads the library once.
     *
     * @param classPathFallback whether the shim may be loaded from the class path (with the JVM's native-access
     *                          warning) when its own module cannot be granted native access
     * @return whether {@link #shim} is loaded; if not, {@link #loadFailure} says why
     */
    private static boolean load(Instrumentation instrumentation, boolean classPathFallback) {
        if (shim != null) {
            return true;
        }
        if (loadFailure != null) {
            return false;
        }
        String platform = platform();
        String library = "native/" + platform + "/libloomscope.so";
        if (NativeSupport.class.getResource(library) == null) {
            loadFailure = "no native shim for " + platform + " in the agent jar";
            return false;
        }
        Path file = null;
        try {
            if (!moduleTried) {
                moduleTried = true;
                moduleShim = shimWithNativeAccess(instrumentation);
            }
            Class<?> loaded = moduleShim;
            if (loaded == null) {
                if (!classPathFallback) {
                    return false; // not a failure for SIGQUIT, which may still load it from the class path
                }
                // Native access cannot be granted to the shim's module alone: load from the class path instead,
                // where the JVM's warning names the switch that silences it, --enable-native-access=ALL-UNNAMED.
                loaded = Class.forName(SHIM_CLASS, false, NativeSupport.class.getClassLoader());
            }
            file = extract(library);
            loaded.getMethod("load", String.class).invoke(null, file.toString());
            shim = loaded;
            return true;
        } catch (ReflectiveOperationException | IOException | RuntimeException | LinkageError e) {
            loadFailure = "cannot load the native shim (" + cause(e) + ")";
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file); // mapped already: the loaded library stays
                } catch (IOException ignored) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    private static Throwable cause(Throwable t) {
        return t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
    }

    /** {@code linux-x86_64} and the like: the directory of the library in the jar. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os) + "-" + arch;
    }

    private static Path extract(String library) throws IOException {
        Path file = Files.createTempFile("loomscope-", ".so");
        try (InputStream in = NativeSupport.class.getResourceAsStream(library)) {
            if (in == null) {
                throw new IOException(library + " missing from the agent jar");
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Defines module {@value #MODULE}, holding only the shim class (read from the agent jar), in a child layer. */
    private static Module defineShimModule() {
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE).exports(PACKAGE).build();
        ClassLoader agentLoader = NativeSupport.class.getClassLoader();
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new ModuleReader() {
                    @Override
                    public Optional<URI> find(String name) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<InputStream> open(String name) {
                        return name.equals(SHIM_RESOURCE)
                                ? Optional.ofNullable(agentLoader.getResourceAsStream(SHIM_RESOURCE))
                                : Optional.empty();
                    }

                    @Override
                    public Stream<String> list() {
                        return Stream.of(SHIM_RESOURCE);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return name.equals(MODULE) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(boot),
                ClassLoader.getPlatformClassLoader()).layer();
        return layer.findModule(MODULE).orElseThrow();
    }

    /**
     * The shim class in module {@value #MODULE}, which alone (not the application) is granted native access.
     *
     * @return null if this JDK does not let the agent do that
     */
    private static Class<?> shimWithNativeAccess(Instrumentation instrumentation) {
        try {
            Module module = defineShimModule();
            instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                    Map.of("java.lang", Set.of(NativeSupport.class.getModule())), Set.of(), Map.of());
            Method enable = Module.class.getDeclaredMethod(GRANT_METHOD);
            enable.setAccessible(true);
            enable.invoke(module);
            return Class.forName(module, SHIM_CLASS);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
