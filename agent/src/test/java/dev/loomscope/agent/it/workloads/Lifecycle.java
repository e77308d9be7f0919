package dev.loomscope.agent.it.workloads;

import java.util.concurrent.locks.LockSupport;

/**
 * Deterministic virtual-thread workloads whose exact transition counts are known in advance. Each scenario makes
 * threads block only at points it controls: a thread is released only once {@link Thread#getState()} shows it
 * really parked (so every intended block is a real yield, never a permit consumed in passing), and it is released
 * exactly once.
 * <p>
 * Usage: {@code Lifecycle <scenario> [n] [millis]}; prints {@code ok <scenario>} when done.
 */
public final class Lifecycle {
    private Lifecycle() {
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        switch (scenario) {
            case "startJoin" -> startJoin(n);
            case "parkOnce" -> parkOnce(n);
            case "sleepOnce" -> sleepOnce(n, Integer.parseInt(args[2]));
            case "pinnedInClassInit" -> pinnedInClassInit();
            case "monitorThenWait" -> monitorThenWait();
            case "parkInSynchronized" -> parkInSynchronized(n);
            case "parkedForever" -> parkedForever(n);
            default -> throw new IllegalArgumentException(scenario);
        }
        System.out.println("ok " + scenario);
    }

    /** n threads that never block: created = started = ended = n. */
    static void startJoin(int n) throws InterruptedException {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(Lifecycle::doNothing);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void doNothing() {
    }

    /** n threads that each park exactly once (kind park) and are woken exactly once. */
    static void parkOnce(int n) throws InterruptedException {
        ParkUntilReleased[] tasks = new ParkUntilReleased[n];
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = new ParkUntilReleased();
            threads[i] = Thread.ofVirtual().start(tasks[i]);
        }
        for (int i = 0; i < n; i++) {
            awaitState(threads[i], Thread.State.WAITING);
            tasks[i].release(threads[i]);
        }
        StringBuilder ids = new StringBuilder("threadIds");
        for (Thread t : threads) {
            t.join();
            ids.append(' ').append(t.threadId());
        }
        System.out.println(ids); // for threadSample: which threads the agent follows is a function of the id
    }

    /** n threads that each call Thread.sleep(millis) once: n blocks of kind sleep. */
    static void sleepOnce(int n, int millis) throws InterruptedException {
        Thread[] threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Three threads, each initialising its own class whose static initializer parks: a class initializer cannot be
     * unmounted, so each park pins its carrier. Exactly three pinned blocks.
     */
    static void pinnedInClassInit() throws InterruptedException {
        Thread a = Thread.ofVirtual().start(() -> PinnedA.touch());
        awaitState(a, Thread.State.WAITING);
        PinnedInit.release(a);
        a.join();
        Thread b = Thread.ofVirtual().start(() -> PinnedB.touch());
        awaitState(b, Thread.State.WAITING);
        PinnedInit.release(b);
        b.join();
        Thread c = Thread.ofVirtual().start(() -> PinnedC.touch());
        awaitState(c, Thread.State.WAITING);
        PinnedInit.release(c);
        c.join();
    }

    /**
     * One thread blocks entering a monitor held by main (kind monitor, JDK 24+), then waits on it (kind wait) until
     * main notifies: two blocks, two wakes, no pinning.
     */
    static void monitorThenWait() throws InterruptedException {
        Object lock = new Object();
        boolean[] notified = {false};
        Thread t;
        synchronized (lock) {
            t = Thread.ofVirtual().start(() -> {
                synchronized (lock) {
                    while (!notified[0]) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            awaitState(t, Thread.State.BLOCKED);
        }
        awaitState(t, Thread.State.WAITING);
        synchronized (lock) {
            notified[0] = true;
            lock.notifyAll();
        }
        t.join();
    }

    /**
     * n threads that each park once while holding a monitor of their own (uncontended): on JDK 21 to 23 the
     * continuation cannot yield inside {@code synchronized}, so each park pins its carrier, a pinned block at
     * {@link #parkHoldingMonitor}; from JDK 24 on each is a plain park that yields (JEP 491). One at a time, so that a
     * pinned thread never waits for a carrier.
     */
    static void parkInSynchronized(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            ParkUntilReleased task = new ParkUntilReleased();
            Object monitor = new Object();
            Thread t = Thread.ofVirtual().start(() -> parkHoldingMonitor(monitor, task));
            awaitState(t, Thread.State.WAITING);
            task.release(t);
            t.join();
        }
    }

    private static void parkHoldingMonitor(Object monitor, Runnable park) {
        synchronized (monitor) {
            park.run();
        }
    }

    /** n threads park and are never woken; main returns while they are parked (they are daemons). */
    static void parkedForever(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Thread t = Thread.ofVirtual().start(LockSupport::park);
            awaitState(t, Thread.State.WAITING);
        }
    }

    static void awaitState(Thread t, Thread.State state) {
        while (t.getState() != state) {
            Thread.onSpinWait();
        }
    }

    /** Parks until released; a loop, so a stray permit could only add a park, never lose one. */
    static final class ParkUntilReleased implements Runnable {
        private volatile boolean released;

        @Override
        public void run() {
            while (!released) {
                LockSupport.park();
            }
        }

        void release(Thread owner) {
            released = true;
            LockSupport.unpark(owner);
        }
    }

    /** Shared by the pinned classes: their initializers park here until main releases them. */
    static final class PinnedInit {
        private static volatile Thread released;

        static void parkUntilReleased() {
            while (released != Thread.currentThread()) {
                LockSupport.park();
            }
        }

        static void release(Thread t) {
            released = t;
            LockSupport.unpark(t);
        }
    }

    static final class PinnedA {
        static {
            PinnedInit.parkUntilReleased();
        }

        static void touch() {
        }
    }

    static final class PinnedB {
        static {
            PinnedInit.parkUntilReleased();
        }

        static void touch() {
        }
    }

    static final class PinnedC {
        static {
            PinnedInit.parkUntilReleased();
        }

        static void touch() {
        }
    }
}
