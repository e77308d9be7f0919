package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One virtual thread keeps its carrier in CPU work, without any blocking call, until {@code stopFile} exists (or
 * {@code maxSeconds} pass): a dump taken meanwhile shows its run slice as a long slice still ongoing.
 * <p>
 * Usage: {@code SpinUntilStopped <stopFile> <maxSeconds>}; prints {@code spinning} once the thread spins and
 * {@code stopped} at the end.
 */
public final class SpinUntilStopped {
    private static volatile boolean stop;
    private static volatile boolean spinning;

    private SpinUntilStopped() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Thread spinner = Thread.ofVirtual().start(SpinUntilStopped::spin);
        while (!spinning) {
            Thread.onSpinWait();
        }
        System.out.println("spinning");
        System.out.flush();
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.sleep(20); // main is a platform thread: the spinner keeps the carrier
        }
        stop = true;
        spinner.join();
        System.out.println("stopped");
    }

    static long spin() {
        spinning = true;
        long x = 0;
        while (!stop) {
            x += x * 31 + 7;
        }
        return x;
    }
}
