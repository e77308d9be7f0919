package dev.loomscope.agent.it.workloads;

import java.util.concurrent.CountDownLatch;

/**
 * {@code MonitorLeak <lockers> <waiters> <holdMillis>}: a lock never released and signals never sent, on JDK 24+ the
 * two blocking kinds a virtual thread unmounts for without parking. A platform thread takes a lock and keeps it;
 * {@code lockers} virtual threads ("locker-i") block entering it ({@code synchronized}, kind monitor), and
 * {@code waiters} virtual threads ("waiter-i") each wait on an object of their own that nobody notifies
 * ({@code Object.wait}, kind wait; no two contend for a monitor). Each blocks exactly once. Main returns once all are
 * blocked and holdMillis has passed; they are still blocked at the exit dump.
 */
public final class MonitorLeak {
    private static final Object LOCK = new Object();

    private MonitorLeak() {
    }

    public static void main(String[] args) throws Exception {
        int lockers = Integer.parseInt(args[0]);
        int waiters = Integer.parseInt(args[1]);
        long holdMillis = Long.parseLong(args[2]);
        CountDownLatch held = new CountDownLatch(1);
        Thread owner = new Thread(() -> holdForever(held), "lock-owner");
        owner.setDaemon(true);
        owner.start();
        held.await();
        Thread[] threads = new Thread[lockers + waiters];
        for (int i = 0; i < lockers; i++) {
            threads[i] = Thread.ofVirtual().name("locker-" + i).start(MonitorLeak::enterLock);
        }
        for (int i = 0; i < waiters; i++) {
            threads[lockers + i] = Thread.ofVirtual().name("waiter-" + i).start(() -> awaitSignal(new Object()));
        }
        for (int i = 0; i < threads.length; i++) {
            Lifecycle.awaitState(threads[i], i < lockers ? Thread.State.BLOCKED : Thread.State.WAITING);
        }
        Thread.sleep(holdMillis);
        System.out.println("ok monitorLeak");
    }

    private static void holdForever(CountDownLatch held) {
        synchronized (LOCK) {
            held.countDown();
            while (true) {
                Scheduling.sleep(60_000);
            }
        }
    }

    static void enterLock() {
        synchronized (LOCK) {
            throw new IllegalStateException("the lock is never released");
        }
    }

    static void awaitSignal(Object signal) {
        synchronized (signal) {
            try {
                signal.wait();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
