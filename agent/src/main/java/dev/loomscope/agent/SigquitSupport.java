package dev.loomscope.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
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
 * Arms the SIGQUIT trigger: extracts the native shim ({@code libloomscope.so}, built from
 * {@code agent/src/main/native/loomscope_sigquit.c}) from the agent jar and loads it through
 * {@code dev.loomscope.agent.sigquit.SigquitShim}, which then forwards every JVMTI DataDumpRequest (SIGQUIT,
 * {@code jcmd PID JVMTI.data_dump}) to a {@link Runnable}.
 * <p>
 * Native access: since JDK 24, {@code System.load} from a module without native access prints a four-line warning
 * (and a future JDK will refuse it). For class-path code the only switch is {@code --enable-native-access=ALL-UNNAMED},
 * which would silently grant native access to the whole application. Instead the shim class is defined in a named
 * module of its own ({@code dev.loomscope.sigquit}, in a child layer of the boot layer) and native access is granted
 * to that module alone, through the JDK's own {@code Module.implAddEnableNativeAccess} (the method behind
 * {@code ModuleLayer.Controller.enableNativeAccess}), reachable because the agent opens {@code java.lang} to itself
 * with {@link Instrumentation#redefineModule}. If that method is missing in some JDK, the shim is loaded from the
 * class path instead: the JVM then prints its usual warning once, naming the switch that silences it
 * ({@code --enable-native-access=ALL-UNNAMED}, docs/options.md), and SIGQUIT dumps work all the same.
 */
final class SigquitSupport {
    static final String MODULE = "dev.loomscope.sigquit";
    private static final String PACKAGE = "dev.loomscope.agent.sigquit";
    private static final String SHIM_CLASS = PACKAGE + ".SigquitShim";
    private static final String SHIM_RESOURCE = SHIM_CLASS.replace('.', '/') + ".class";
    /** {@code Module}'s own method behind {@code ModuleLayer.Controller.enableNativeAccess} (JDK 21–25 at least). */
    private static final String GRANT_METHOD = "implAddEnableNativeAccess";

    private SigquitSupport() {
    }

    /**
     * Arms SIGQUIT dumps; on any failure prints one line and returns false (the other triggers still work).
     *
     * @param onDataDumpRequest runs on the JVM's Signal Dispatcher thread: must only hand the request on
     */
    static boolean arm(Instrumentation instrumentation, Runnable onDataDumpRequest) {
        String platform = platform();
        String library = "native/" + platform + "/libloomscope.so";
        if (SigquitSupport.class.getResource(library) == null) {
            System.err.println("loomscope: no native shim for " + platform + " in the agent jar: SIGQUIT writes no dump"
                    + " (interval= and the dump command still do)");
            return false;
        }
        Path file = null;
        try {
            file = extract(library);
            Class<?> shim = shimWithNativeAccess(instrumentation);
            if (shim == null) {
                // Native access cannot be granted to the shim's module alone: load from the class path instead,
                // where the JVM's warning names the switch that silences it, --enable-native-access=ALL-UNNAMED.
                shim = Class.forName(SHIM_CLASS, false, SigquitSupport.class.getClassLoader());
            }
            Method load = shim.getMethod("load", String.class, Runnable.class);
            int failedStep = (Integer) load.invoke(null, file.toString(), onDataDumpRequest);
            if (failedStep != 0) {
                System.err.println("loomscope: the JVM refused the SIGQUIT hook (JVMTI step " + failedStep
                        + "): SIGQUIT writes no dump (interval= and the dump command still do)");
                return false;
            }
            return true;
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            System.err.println("loomscope: cannot load the native shim (" + cause + "): SIGQUIT writes no dump"
                    + " (interval= and the dump command still do)");
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
        try (InputStream in = SigquitSupport.class.getResourceAsStream(library)) {
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
        ClassLoader agentLoader = SigquitSupport.class.getClassLoader();
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
                    Map.of("java.lang", Set.of(SigquitSupport.class.getModule())), Set.of(), Map.of());
            Method enable = Module.class.getDeclaredMethod(GRANT_METHOD);
            enable.setAccessible(true);
            enable.invoke(module);
            return Class.forName(module, SHIM_CLASS);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
