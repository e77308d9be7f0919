package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A long-running service on virtual threads, for tests that act on a running JVM (signals, attach, periodic dumps):
 * keeps 8 virtual threads sleeping, parking and ending, and exits normally (status 0) once {@code stopFile} exists
 * or after {@code maxSeconds}.
 * <p>
 * Usage: {@code UntilStopped <stopFile> <maxSeconds>}; prints {@code ready} once its threads run (so any agent is
 * installed) and {@code stopped} at the end.
 */
public final class UntilStopped {
    private UntilStopped() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Semaphore handoff = new Semaphore(0);
        Thread producer = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                handoff.release();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        System.out.println("ready");
        System.out.flush();
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread[] workers = new Thread[8];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = Thread.ofVirtual().start(() -> {
                    try {
                        handoff.acquire();
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
        producer.interrupt();
        producer.join();
        System.out.println("stopped");
    }
}
