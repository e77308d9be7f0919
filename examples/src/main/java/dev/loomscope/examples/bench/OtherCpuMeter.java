package dev.loomscope.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * How much CPU processes other than the benchmark used while a child JVM ran, in cores: on a shared 2-CPU machine one
 * busy neighbour turns a 1.2 s run into 3 s, and the report must show that instead of calling it overhead.
 * <p>
 * Linux only ({@code /proc}); elsewhere {@link #start()} returns null and nothing is reported. The machine's busy
 * time comes from {@code /proc/stat}; the benchmark's own from {@code /proc/self/stat}: this JVM's time plus that of
 * its reaped children, which includes the child JVM once {@link Process#waitFor} has returned. Both count in clock
 * ticks (100 per second on Linux).
 */
final class OtherCpuMeter {
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path MACHINE = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");

    private final long machineBusyTicks;
    private final long ownTicks;
    private final long startNanos;

    private OtherCpuMeter(long machineBusyTicks, long ownTicks) {
        this.machineBusyTicks = machineBusyTicks;
        this.ownTicks = ownTicks;
        this.startNanos = System.nanoTime();
    }

    /** Starts measuring, or returns null where {@code /proc} cannot be read. */
    static OtherCpuMeter start() {
        try {
            return new OtherCpuMeter(machineBusyTicks(), ownTicks());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Waits until other processes keep fewer than {@code maxCores} cores busy over one {@code windowMillis} window,
     * for at most {@code timeoutMillis}. Meant to be called while no child JVM runs, so that whatever is busy is
     * someone else.
     *
     * @return milliseconds waited, or -1 if the machine stayed busy until the timeout (or /proc is unreadable)
     */
    static long awaitQuiet(double maxCores, long windowMillis, long timeoutMillis) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            OtherCpuMeter meter = start();
            if (meter == null) {
                return -1;
            }
            Thread.sleep(windowMillis);
            OptionalDouble cores = meter.otherCores();
            long waited = (System.nanoTime() - start) / 1_000_000 - windowMillis;
            if (cores.isEmpty()) {
                return -1;
            }
            if (cores.getAsDouble() <= maxCores) {
                return waited;
            }
            if (waited + windowMillis >= timeoutMillis) {
                return -1;
            }
        }
    }

    /** Average number of cores others kept busy since {@link #start()}; empty if {@code /proc} became unreadable. */
    OptionalDouble otherCores() {
        try {
            long machine = machineBusyTicks() - machineBusyTicks;
            long own = ownTicks() - ownTicks;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            // tick rounding can make "others" slightly negative on an idle machine
            return OptionalDouble.of(Math.max(0, machine - own) / TICKS_PER_SECOND / seconds);
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** Line 1 of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...". Busy: not idle or iowait. */
    private static long machineBusyTicks() throws IOException {
        String[] fields = Files.readAllLines(MACHINE).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    /** utime + stime + cutime + cstime of this process (fields 14 to 17 of /proc/self/stat). */
    private static long ownTicks() throws IOException {
        String stat = Files.readString(SELF);
        // the command name, field 2, is in parentheses and may contain spaces: count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long ticks = 0;
        for (int field = 14; field <= 17; field++) {
            ticks += Long.parseLong(fields[field - 3]);
        }
        return ticks;
    }
}
