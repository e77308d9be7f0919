package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.OwnLibrariesApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent brings its own Byte Buddy and Jackson, relocated; an application with different versions of both must see
 * only its own and run as it would without the agent.
 */
class IsolationIT {
    private static final Path ISOLATION_LIBS = Path.of(System.getProperty("loomscope.isolationLibs",
            "target/isolation-libs"));
    private static final String APP_BYTE_BUDDY_JAR = "byte-buddy-1.14.18.jar";
    private static final String APP_JACKSON_VERSION = "2.17.2";
    private static final int VIRTUAL_THREADS = 12;
    private static final String NESTED_BOOTSTRAP_JAR = "dev/loomscope/agent/loomscope-bootstrap.jar";
    /** A multi-release jar's versioned copy of a class: META-INF/versions/N/ followed by the class's own path. */
    private static final Pattern VERSIONED_ENTRY = Pattern.compile("META-INF/versions/\\d+/(.*)");

    @Test
    void applicationWithOwnByteBuddyAndJacksonRunsUnchanged(@TempDir Path dir) throws Exception {
        List<Path> appLibraries = appLibraries();
        Path dump = dir.resolve("isolation.json");
        AgentJvm jvm = AgentJvm.withAgent("out=" + dump + ",quiet=true");
        appLibraries.forEach(jvm::classPath);

        AgentJvm.Result result = jvm.run(OwnLibrariesApp.class, String.valueOf(VIRTUAL_THREADS));

        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of(), result.stderrLines(), "nothing on stderr, from the agent or a library clash");
        Map<String, String> seen = keyValues(result.stdout());

        // The application's own library versions, from its own jars.
        String byteBuddyLocation = seen.get("byteBuddy.location");
        assertTrue(byteBuddyLocation.endsWith("/" + APP_BYTE_BUDDY_JAR), byteBuddyLocation);
        String byteBuddyVersion = seen.get("byteBuddy.version");
        assertTrue(byteBuddyVersion.equals("null") || byteBuddyVersion.equals("1.14.18"), byteBuddyVersion);
        assertEquals(APP_JACKSON_VERSION, seen.get("jackson.databind"));
        assertEquals(APP_JACKSON_VERSION, seen.get("jackson.core"));
        assertTrue(seen.get("objectMapper.location").endsWith("/jackson-databind-" + APP_JACKSON_VERSION + ".jar"),
                seen.get("objectMapper.location"));

        // ... and they work.
        assertEquals("made by the application's Byte Buddy", seen.get("generated.toString"));
        assertEquals("java.lang.Object", seen.get("generated.superclass"));
        assertEquals("{\"name\":\"loom\",\"answer\":42,\"primes\":[2,3,5,7]}", seen.get("jackson.json"));
        assertEquals("true", seen.get("jackson.roundTrip"));
        assertEquals(String.valueOf(VIRTUAL_THREADS), seen.get("virtualThreads"));
        assertEquals(String.valueOf(VIRTUAL_THREADS * (VIRTUAL_THREADS - 1) / 2), seen.get("virtualThreads.sum"));

        // The agent recorded the application's virtual threads.
        JsonNode json = AgentJvm.readJson(dump);
        assertEquals("loomscope/1", json.path("schema").asText());
        assertEquals("startup", json.path("recording").path("attach").asText());
        JsonNode counts = json.path("counts");
        assertEquals(VIRTUAL_THREADS, counts.path("created").asLong(), counts::toString);
        assertEquals(VIRTUAL_THREADS, counts.path("started").asLong(), counts::toString);
        assertEquals(VIRTUAL_THREADS, counts.path("ended").asLong(), counts::toString);
        assertEquals(0, counts.path("live").asLong(), counts::toString);
        assertEquals(0, counts.path("agentErrors").asLong(), counts::toString);
        assertEquals(0, counts.path("dropped").asLong(), counts::toString);
    }

    @Test
    void appClassPathHoldsOnlyTheApplicationsOwnLibraryVersions() throws IOException {
        // The test classes directory goes on the child's class path too: it must not bring other library copies.
        for (String foreign : List.of("net/bytebuddy", "com/fasterxml")) {
            assertFalse(Files.exists(AgentJvm.TEST_CLASSES.resolve(foreign)), foreign + " in " + AgentJvm.TEST_CLASSES);
        }
        List<String> names = appLibraries().stream().map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of(APP_BYTE_BUDDY_JAR, "jackson-annotations-2.17.2.jar", "jackson-core-2.17.2.jar",
                "jackson-databind-2.17.2.jar"), names);
    }

    @Test
    void agentJarHoldsNoUnrelocatedThirdPartyClasses() throws IOException {
        List<String> outside = new ArrayList<>();
        List<String> bootstrapClasses = new ArrayList<>();
        List<String> formatClasses = new ArrayList<>();
        int relocatedFormatClasses = 0;
        int classes = 0;
        try (JarFile jar = new JarFile(AgentJvm.AGENT_JAR.toFile())) {
            for (JarEntry entry : jar.stream().toList()) {
                String name = entry.getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                classes++;
                // A versioned entry is the same class as seen by a newer JVM: it must be relocated just the same.
                Matcher versioned = VERSIONED_ENTRY.matcher(name);
                String classPath = versioned.matches() ? versioned.group(1) : name;
                if (!classPath.startsWith("dev/loomscope/")) {
                    outside.add(name);
                }
                if (classPath.startsWith("dev/loomscope/bootstrap/")) {
                    bootstrapClasses.add(name);
                }
                if (classPath.startsWith("dev/loomscope/format/")) {
                    formatClasses.add(name);
                }
                if (classPath.startsWith("dev/loomscope/shaded/format/")) {
                    relocatedFormatClasses++;
                }
            }
        }
        assertTrue(classes > 0, "no classes in " + AgentJvm.AGENT_JAR);
        assertEquals(List.of(), outside, "classes outside dev/loomscope/ in the agent jar");
        assertEquals(List.of(), bootstrapClasses,
                "bootstrap classes must come only from the nested jar on the boot class path");
        assertEquals(List.of(), formatClasses, "the dump format is a library too: relocated like the others");
        assertTrue(relocatedFormatClasses > 0, "the dump format's writer is in the agent, relocated");
    }

    @Test
    void bootstrapRecorderIsOnlyInsideTheNestedJar() throws IOException {
        List<String> nestedClasses = new ArrayList<>();
        try (JarFile jar = new JarFile(AgentJvm.AGENT_JAR.toFile())) {
            JarEntry nested = jar.getJarEntry(NESTED_BOOTSTRAP_JAR);
            assertNotNull(nested, NESTED_BOOTSTRAP_JAR + " missing from " + AgentJvm.AGENT_JAR);
            try (InputStream in = jar.getInputStream(nested); JarInputStream nestedJar = new JarInputStream(in)) {
                for (JarEntry entry; (entry = nestedJar.getNextJarEntry()) != null; ) {
                    if (entry.getName().endsWith(".class")) {
                        nestedClasses.add(entry.getName());
                    }
                }
            }
        }
        assertTrue(nestedClasses.contains("dev/loomscope/bootstrap/Recorder.class"), nestedClasses::toString);
        assertTrue(nestedClasses.contains("dev/loomscope/bootstrap/EventRing.class"), nestedClasses::toString);
        List<String> foreign = nestedClasses.stream().filter(n -> !n.startsWith("dev/loomscope/bootstrap/")).toList();
        assertEquals(List.of(), foreign, "the boot class path jar must hold the recorder only");
    }

    private static List<Path> appLibraries() throws IOException {
        assertTrue(Files.isDirectory(ISOLATION_LIBS), ISOLATION_LIBS + " missing (made in pre-integration-test)");
        try (Stream<Path> files = Files.list(ISOLATION_LIBS)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static Map<String, String> keyValues(String stdout) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : stdout.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return map;
    }
}
