package dev.loomscope.agent.it.workloads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An application that resets its system properties ({@code System.setProperties(null)}) once running, then keeps a
 * few virtual threads sleeping until {@code stopFile} exists (or {@code maxSeconds} pass). Prints {@code reset} after
 * the reset and {@code stopped} at the end.
 */
public final class ForgetfulApp {
    private ForgetfulApp() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        Thread.ofVirtual().start(() -> { }).join();
        System.setProperties(null);
        System.out.println("reset");
        System.out.flush();
        while (!Files.exists(stopFile) && System.nanoTime() < deadline) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).join();
        }
        System.out.println("stopped");
    }
}
