package dev.loomscope.report.it;

import dev.loomscope.report.Dump;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diff on dumps of real JVMs: the same metrics side by side, with B/A. */
class DiffIT {

    @Test
    void printsTheMetricsSideBySideWithRatios() throws Exception {
        Path base = RealDumps.sleepers();
        Path hog = RealDumps.sleepersWithHog();
        ReportJar.Result r = ReportJar.run("diff", base, hog);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr());
        assertTrue(r.stdout().contains("| metric "), r.stdout());
        for (String metric : new String[]{"wakeToRun", "blocked", "startDelay"}) {
            for (String row : new String[]{" count ", " p50 ", " p99 ", " p999 "}) {
                assertTrue(r.stdout().contains("| " + metric + row), metric + row + "\n" + r.stdout());
            }
        }
        long p99a = Dump.read(base).json().at("/latencies/wakeToRun/p99").asLong();
        long p99b = Dump.read(hog).json().at("/latencies/wakeToRun/p99").asLong();
        Matcher row = Pattern.compile("\\| wakeToRun p99 +\\| +[^|]+\\| +[^|]+\\| +([0-9.]+)x +\\|")
                .matcher(r.stdout());
        assertTrue(row.find(), r.stdout());
        double expected = (double) p99b / p99a;
        String shown = String.format(Locale.ROOT, expected >= 100 ? "%.0f" : expected >= 10 ? "%.1f" : "%.2f",
                expected);
        assertEquals(shown, row.group(1), "B/A of wakeToRun p99");
        assertTrue(expected > 2, "the hog slows wakes down: " + expected);
        assertTrue(r.stdout().contains("| counts.created "), r.stdout());
    }

    @Test
    void countsArePerSecondOfEachRecordingAndSitesAreSideBySide() throws Exception {
        Path base = RealDumps.sleepers();
        Path leak = RealDumps.leak(40); // another workload, another length
        ReportJar.Result r = ReportJar.run("diff", base, leak);
        assertEquals(0, r.exitCode(), r.stderr());
        double secondsA = Dump.read(base).json().at("/recording/durationNs").asLong() / 1e9;
        double secondsB = Dump.read(leak).json().at("/recording/durationNs").asLong() / 1e9;
        long createdA = Dump.read(base).json().at("/counts/created").asLong();
        long createdB = Dump.read(leak).json().at("/counts/created").asLong();
        Matcher row = Pattern.compile("\\| counts\\.created +\\| +(\\d+) \\| +(\\d+) \\| +[^|]+\\| +([0-9.]+) \\|"
                + " +([0-9.]+) \\|").matcher(r.stdout());
        assertTrue(row.find(), r.stdout());
        assertEquals(createdA, Long.parseLong(row.group(1)));
        assertEquals(createdB, Long.parseLong(row.group(2)));
        assertEquals(createdA / secondsA, Double.parseDouble(row.group(3)), createdA / secondsA * 0.01,
                "A's creations per second");
        assertEquals(createdB / secondsB, Double.parseDouble(row.group(4)), createdB / secondsB * 0.01,
                "B's creations per second");
        assertTrue(r.stdout().contains("\n### Block sites (time: blocked)"), r.stdout());
        assertTrue(r.stdout().contains("| Scheduling.sleep(Scheduling.java:"), "A's sleeps: " + r.stdout());
        assertTrue(r.stdout().contains("| LinkedBlockingQueue.take(") || r.stdout().contains("| Leak."),
                "B's parked notifiers: " + r.stdout());
    }

    @Test
    void diffOfADumpWithItselfIsAllOnes() throws Exception {
        Path base = RealDumps.sleepers();
        ReportJar.Result r = ReportJar.run("diff", base, base, "--metrics", "wakeToRun,runSlice",
                "--percentiles", "p50,p90");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().contains("| runSlice p90 "), r.stdout());
        for (String line : r.stdout().lines().filter(l -> l.startsWith("| wakeToRun") || l.startsWith("| runSlice"))
                .toList()) {
            assertTrue(line.trim().endsWith("1.00x |"), line);
        }
    }
}
