package dev.loomscope.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the container's CPU throttling counters: how often and how long the kernel stopped this cgroup's threads
 * because it used up its CPU quota — a cause of latency spikes that no JVM event shows.
 * <p>
 * cgroup v2: {@code <mount>/<path>/cpu.stat}, fields {@code nr_throttled} and {@code throttled_usec}.
 * cgroup v1: {@code <mount>/cpu,cpuacct/<path>/cpu.stat} (or {@code cpu/}), fields {@code nr_throttled} and
 * {@code throttled_time} (nanoseconds). The path comes from {@code /proc/self/cgroup}.
 */
final class CpuThrottling {
    private final Path cpuStat;
    private final boolean nanoseconds;

    private CpuThrottling(Path cpuStat, boolean nanoseconds) {
        this.cpuStat = cpuStat;
        this.nanoseconds = nanoseconds;
    }

    /** The throttling counters of this process's cgroup, or null if there are none to read. */
    static CpuThrottling find() {
        return find(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    static CpuThrottling find(Path procSelfCgroup, Path mount) {
        try {
            List<String> lines = Files.readAllLines(procSelfCgroup);
            for (String line : lines) { // v2: "0::/path", and the mount is the unified hierarchy
                if (line.startsWith("0::") && Files.exists(mount.resolve("cgroup.controllers"))) {
                    Path stat = under(mount, line.substring(3)).resolve("cpu.stat");
                    if (Files.isReadable(stat)) {
                        return new CpuThrottling(stat, false);
                    }
                }
            }
            for (String line : lines) { // v1: "N:cpu,cpuacct:/path"
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
                    for (String dir : new String[]{parts[1], "cpu,cpuacct", "cpu"}) {
                        Path stat = under(mount.resolve(dir), parts[2]).resolve("cpu.stat");
                        if (Files.isReadable(stat)) {
                            return new CpuThrottling(stat, true);
                        }
                    }
                    Path root = mount.resolve("cpu").resolve("cpu.stat"); // inside a container: our cgroup is the root
                    if (Files.isReadable(root)) {
                        return new CpuThrottling(root, true);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no cgroup file system: no throttling data, said so in the JSON
        }
        return null;
    }

    private static Path under(Path mount, String cgroupPath) {
        String relative = cgroupPath.startsWith("/") ? cgroupPath.substring(1) : cgroupPath;
        return relative.isEmpty() ? mount : mount.resolve(relative);
    }

    Path file() {
        return cpuStat;
    }

    /** Reads the counters now: {@code [nr_throttled, throttled nanoseconds]}, or null if unreadable. */
    long[] read() {
        try {
            long periods = -1;
            long throttledNanos = -1;
            for (String line : Files.readAllLines(cpuStat)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length != 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "nr_throttled" -> periods = Long.parseLong(kv[1]);
                    case "throttled_usec" -> throttledNanos = nanoseconds ? throttledNanos : Long.parseLong(kv[1]) * 1000;
                    case "throttled_time" -> throttledNanos = nanoseconds ? Long.parseLong(kv[1]) : throttledNanos;
                    default -> { }
                }
            }
            return periods < 0 || throttledNanos < 0 ? null : new long[]{periods, throttledNanos};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
