package dev.loomscope.agent.it.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * A service with known scheduling latencies, for scrapes by a real Prometheus. Run with one carrier
 * ({@code -Djdk.virtualThreadScheduler.parallelism=1}).
 * <p>
 * Usage: {@code KnownLatencies <stopFile> <activeSeconds> <leaked>}. For {@code activeSeconds}:
 * <ul>
 *   <li>30 sleepers loop on 5 ms sleeps;</li>
 *   <li>every 300 ms a hog keeps the carrier for 25 ms of CPU (a long slice past a 20 ms {@code longSlice}); the
 *       sleepers woken meanwhile wait for it, so wake-to-run has a tail of up to 25 ms;</li>
 *   <li>every 500 ms a virtual thread initialises a fresh copy of a class whose initialiser sleeps 2 ms: a park that
 *       cannot unmount, a pinned block.</li>
 * </ul>
 * {@code leaked} virtual threads wait on a queue nobody feeds, from the start to the end. Prints {@code ready} once
 * everything runs, {@code quiet} when the active part has ended (from then on no virtual thread changes state), and
 * exits once {@code stopFile} exists.
 */
public final class KnownLatencies {
    private static final int SLEEPERS = 30;

    private KnownLatencies() {
    }

    public static void main(String[] args) throws Exception {
        Path stopFile = Path.of(args[0]);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        int leaked = Integer.parseInt(args[2]);
        SynchronousQueue<String> nobodyFeeds = new SynchronousQueue<>();
        for (int i = 0; i < leaked; i++) {
            Thread.ofVirtual().name("leaked-" + i).start(() -> {
                try {
                    nobodyFeeds.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        List<Thread> active = new ArrayList<>();
        for (int i = 0; i < SLEEPERS; i++) {
            active.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    Scheduling.sleep(5);
                }
            }));
        }
        active.add(Thread.ofVirtual().name("hog").start(() -> {
            while (System.nanoTime() < end) {
                Scheduling.sleep(300);
                Scheduling.spin(25);
            }
        }));
        byte[] pinningClass = classBytes(PinsInItsInitializer.class);
        active.add(Thread.ofVirtual().name("pinner").start(() -> {
            while (System.nanoTime() < end) {
                Scheduling.sleep(500);
                try {
                    Thread.ofVirtual().start(() -> initialiseFreshCopy(pinningClass)).join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        System.out.println("ready");
        System.out.flush();
        for (Thread thread : active) {
            thread.join();
        }
        System.out.println("quiet");
        System.out.flush();
        while (!Files.exists(stopFile)) {
            Thread.sleep(50); // main is a platform thread: no virtual-thread transition
        }
        System.out.println("stopped");
    }

    /**
     * Its initialiser parks: a virtual thread running it cannot unmount (pinned). Calls nothing of this package: each
     * copy lives in a class loader (and so a runtime package) of its own.
     */
    public static final class PinsInItsInitializer {
        static {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private PinsInItsInitializer() {
        }
    }

    /** Loads {@link PinsInItsInitializer} anew in a class loader of its own and runs its initialiser. */
    static void initialiseFreshCopy(byte[] bytes) {
        String name = PinsInItsInitializer.class.getName();
        ClassLoader loader = new ClassLoader(KnownLatencies.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(name)) {
                    synchronized (getClassLoadingLock(className)) {
                        Class<?> loaded = findLoadedClass(className);
                        return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(className, resolve);
            }
        };
        try {
            Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource);
            }
            return in.readAllBytes();
        }
    }
}
