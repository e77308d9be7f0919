package dev.loomscope.agent.it.faults;

import dev.loomscope.agent.it.AgentJvm;
import dev.loomscope.agent.it.workloads.CountingApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every way the exit dump's path can be unwritable: the application exits as it would without the agent (status,
 * output), the agent says so in one line naming the path, prints no stack trace, and leaves no temporary file. The
 * read-only and the full file system are real tmpfs mounts (skipped where this user may not mount).
 */
class OutputPathMatrixIT {
    @TempDir
    Path dir;
    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path mount : mounts) {
            run("umount", mount.toString());
        }
    }

    @Test
    void aMissingDirectory() throws Exception {
        assertRefusedInOneLine(dir.resolve("no-such-dir").resolve("dump.json"));
    }

    @Test
    void aRegularFileWhereADirectoryShouldBe() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertRefusedInOneLine(file.resolve("dump.json"));
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aNameLongerThanTheFileSystemAllows() throws Exception {
        assertRefusedInOneLine(dir.resolve("d".repeat(300) + ".json"));
    }

    @Test
    void aReadOnlyFileSystem() throws Exception {
        Path readOnly = mount("ro", "size=1m");
        assertRefusedInOneLine(readOnly.resolve("dump.json"));
    }

    @Test
    void aFullFileSystemLeavesNoPartialDumpBehind() throws Exception {
        Path full = mount("rw", "size=64k");
        // fill it: the dump of 100 threads is tens of kilobytes, more than is left
        try {
            Files.write(full.resolve("filler"), new byte[60 * 1024]);
        } catch (IOException e) {
            // as full as it gets
        }
        assertRefusedInOneLine(full.resolve("dump.json"));
        try (Stream<Path> files = Files.list(full)) {
            assertEquals(List.of(full.resolve("filler")), files.toList(), "no dump, no temporary file");
        }
    }

    @Test
    void aSymbolicLinkIsReplacedNotFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("precious.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("dump.json"), target);
        AgentJvm.Result result = AgentJvm.withAgent("out=" + link + ",quiet=true").run(CountingApp.class, "100", "0");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("keep me", Files.readString(target), "the link's target is untouched");
        assertTrue(Files.isRegularFile(link, LinkOption.NOFOLLOW_LINKS), "the link is now the dump");
        assertEquals(100, AgentJvm.readJson(link).at("/counts/created").asLong());
    }

    private void assertRefusedInOneLine(Path out) throws Exception {
        AgentJvm.Result result = AgentJvm.withAgent("out=" + out + ",quiet=true").run(CountingApp.class, "100", "0");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals(List.of("virtualThreads=100", "sum=4950"), result.stdout().lines().toList(), "the app's output");
        List<String> lines = result.agentLines();
        assertEquals(1, lines.size(), result::toString);
        assertTrue(lines.get(0).startsWith("loomscope: cannot write dump to "), lines.get(0));
        assertFalse(result.stderr().contains("\tat ") || result.stderr().contains("Exception in"), result::toString);
        assertFalse(Files.exists(out, LinkOption.NOFOLLOW_LINKS), "no dump");
        Path parent = out.getParent();
        if (Files.isDirectory(parent)) {
            try (Stream<Path> files = Files.list(parent)) {
                assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp")).toList(),
                        "no temporary file");
            }
        }
    }

    /** A tmpfs mounted under the test's directory, or the test skipped where mounting is not allowed. */
    private Path mount(String mode, String size) throws Exception {
        Path point = Files.createDirectory(dir.resolve("mnt-" + mounts.size()));
        boolean mounted = run("mount", "-t", "tmpfs", "-o", mode + "," + size, "tmpfs", point.toString()) == 0;
        assumeTrue(mounted, "this user cannot mount a tmpfs");
        mounts.add(point);
        return point;
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return process.exitValue();
    }
}
