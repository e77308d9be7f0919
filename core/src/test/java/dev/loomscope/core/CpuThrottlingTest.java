package dev.loomscope.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The two cgroup layouts, laid out in a temporary directory the way the kernel shows them. */
class CpuThrottlingTest {
    @TempDir
    Path root;

    @Test
    void cgroupV2ReadsThrottledMicrosecondsOfTheProcessesOwnGroup() throws IOException {
        Path mount = root.resolve("sys/fs/cgroup");
        Files.createDirectories(mount.resolve("kubepods/pod1"));
        Files.writeString(mount.resolve("cgroup.controllers"), "cpu memory\n");
        Files.writeString(mount.resolve("kubepods/pod1/cpu.stat"),
                "usage_usec 100\nnr_periods 40\nnr_throttled 7\nthrottled_usec 2500\n");
        Path proc = Files.writeString(root.resolve("cgroup"), "0::/kubepods/pod1\n");
        CpuThrottling throttling = CpuThrottling.find(proc, mount);
        assertEquals(mount.resolve("kubepods/pod1/cpu.stat"), throttling.file());
        assertArrayEquals(new long[]{7, 2_500_000}, throttling.read());
    }

    @Test
    void cgroupV1ReadsThrottledNanosecondsFromTheCpuController() throws IOException {
        Path mount = root.resolve("sys/fs/cgroup");
        Files.createDirectories(mount.resolve("cpu,cpuacct/docker/abc"));
        Files.writeString(mount.resolve("cpu,cpuacct/docker/abc/cpu.stat"),
                "nr_periods 10\nnr_throttled 3\nthrottled_time 123456789\n");
        Path proc = Files.writeString(root.resolve("cgroup"), "4:memory:/docker/abc\n2:cpu,cpuacct:/docker/abc\n");
        CpuThrottling throttling = CpuThrottling.find(proc, mount);
        assertArrayEquals(new long[]{3, 123_456_789}, throttling.read());
    }

    @Test
    void noCgroupMeansNoThrottlingData() throws IOException {
        Path proc = Files.writeString(root.resolve("cgroup"), "0::/\n");
        assertNull(CpuThrottling.find(proc, root.resolve("nothing-mounted")));
        assertNull(CpuThrottling.find(root.resolve("no-such-file"), root));
    }
}
