package dev.loomscope.examples.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small mixed workload (about 5 s) that makes every kind of virtual-thread block Loomscope reports happen at least
 * once, for a demo run of the agent:
 * <ul>
 *   <li>sleepers: {@code Thread.sleep} of 1 to 10 ms in a loop;</li>
 *   <li>lock users: contend on one {@link ReentrantLock}, sometimes sleeping while holding it, so others park;</li>
 *   <li>a handoff: producers and consumers meeting through a {@link SynchronousQueue};</li>
 *   <li>CPU workers: compute in slices, yielding or sleeping between them;</li>
 *   <li>pinned blocks: virtual threads that trigger the initialisation of classes whose static initialiser sleeps
 *       20 ms. A virtual thread cannot unmount while it runs (or waits for) a class initialiser, so the sleep blocks
 *       its carrier: a pinned block, on every JDK from 21 on (unlike {@code synchronized}, which stopped pinning in
 *       JDK 24).</li>
 * </ul>
 * Option: {@code --seconds S} (default 5). Prints one summary line to stdout.
 */
public final class DemoWorkload {
    private static final int SLEEPERS = 200;
    private static final int LOCK_USERS = 50;
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int CPU_WORKERS = 2;

    private final long deadlineNanos;
    private final LongAdder sleeps = new LongAdder();
    private final LongAdder lockAcquisitions = new LongAdder();
    private final LongAdder handoffs = new LongAdder();
    private final LongAdder cpuSlices = new LongAdder();
    private final ReentrantLock lock = new ReentrantLock();
    private final SynchronousQueue<Long> queue = new SynchronousQueue<>();
    /** Shared state the lock protects. */
    private long guardedCounter;
    /** Keeps the CPU work observable so the JIT cannot drop it. */
    private volatile long cpuSink;

    private DemoWorkload(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    public static void main(String[] args) throws InterruptedException {
        WorkloadArgs options = WorkloadArgs.parse("DemoWorkload", args, Set.of("seconds"));
        int seconds = Math.max(1, options.count("seconds", 5));
        long start = System.nanoTime();
        DemoWorkload demo = new DemoWorkload(start + TimeUnit.SECONDS.toNanos(seconds));
        int pinnedClassInits = demo.run(seconds);
        long elapsedNanos = System.nanoTime() - start;
        System.out.printf("demo: %.1f s, virtual threads: %d sleepers (%d sleeps), %d lock users (%d acquisitions),"
                        + " %d+%d handoff threads (%d handoffs), %d CPU workers (%d slices),"
                        + " %d pinned class initialisations; elapsedNanos=%d%n",
                elapsedNanos / 1e9, SLEEPERS, demo.sleeps.sum(), LOCK_USERS, demo.lockAcquisitions.sum(),
                PRODUCERS, CONSUMERS, demo.handoffs.sum(), CPU_WORKERS, demo.cpuSlices.sum(), pinnedClassInits,
                elapsedNanos);
    }

    /** Runs every group until the deadline; returns how many pinned class initialisations were triggered. */
    private int run(int seconds) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        Thread.Builder builder = Thread.ofVirtual();
        for (int i = 0; i < SLEEPERS; i++) {
            threads.add(builder.name("sleeper-" + i).start(this::sleeper));
        }
        for (int i = 0; i < LOCK_USERS; i++) {
            threads.add(builder.name("lock-user-" + i).start(this::lockUser));
        }
        for (int i = 0; i < PRODUCERS; i++) {
            threads.add(builder.name("producer-" + i).start(this::producer));
        }
        for (int i = 0; i < CONSUMERS; i++) {
            threads.add(builder.name("consumer-" + i).start(this::consumer));
        }
        for (int i = 0; i < CPU_WORKERS; i++) {
            threads.add(builder.name("cpu-" + i).start(this::cpuWorker));
        }
        // Pinned blocks, spread over the run: each slow class is triggered by two threads at once, one of which runs
        // the initialiser while the other waits for it; both are pinned for about 20 ms.
        List<Runnable> slowClasses = List.of(SlowInitA::touch, SlowInitB::touch, SlowInitC::touch);
        long pause = TimeUnit.SECONDS.toMillis(seconds) / (slowClasses.size() + 1);
        for (int i = 0; i < slowClasses.size(); i++) {
            Thread.sleep(pause);
            threads.add(builder.name("class-init-" + i + "a").start(slowClasses.get(i)));
            threads.add(builder.name("class-init-" + i + "b").start(slowClasses.get(i)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return slowClasses.size();
    }

    private boolean running() {
        return System.nanoTime() - deadlineNanos < 0;
    }

    private void sleeper() {
        try {
            while (running()) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(1, 11));
                sleeps.increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void lockUser() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try {
            while (running()) {
                lock.lock();
                try {
                    guardedCounter++;
                    lockAcquisitions.increment();
                    if (random.nextInt(20) == 0) {
                        Thread.sleep(1); // a slow critical section: the other lock users queue up and park
                    }
                } finally {
                    lock.unlock();
                }
                Thread.sleep(random.nextInt(1, 4));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void producer() {
        try {
            long item = 0;
            while (running()) {
                // offer with a timeout rather than put: a producer must not wait forever once consumers have stopped
                if (queue.offer(item, 10, TimeUnit.MILLISECONDS)) {
                    item++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void consumer() {
        try {
            while (running()) {
                if (queue.poll(10, TimeUnit.MILLISECONDS) != null) {
                    handoffs.increment();
                    Thread.sleep(0, 200_000); // some work per item, so producers find no consumer waiting
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * About half busy: a slice of computation, then alternately a yield and a 1 ms sleep. Yielding alone is not
     * enough: a yielded virtual thread goes back to its carrier's own queue, so four workers that only yield keep
     * both carriers of a 2-CPU machine to themselves and the timed wake-ups of the sleepers wait behind them.
     */
    private void cpuWorker() {
        long x = ThreadLocalRandom.current().nextLong();
        try {
            while (running()) {
                for (int i = 0; i < 500_000; i++) { // xorshift: about 1 ms
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                cpuSink = x;
                cpuSlices.increment();
                if ((cpuSlices.sum() & 1) == 0) {
                    Thread.yield();
                } else {
                    Thread.sleep(1);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Classes whose initialiser blocks; each is initialised once, by the first thread that touches it. */
    private static final class SlowInitA {
        static {
            sleepInInitializer();
        }

        static void touch() {
        }
    }

    private static final class SlowInitB {
        static {
            sleepInInitializer();
        }

        static void touch() {
        }
    }

    private static final class SlowInitC {
        static {
            sleepInInitializer();
        }

        static void touch() {
        }
    }

    private static void sleepInInitializer() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
