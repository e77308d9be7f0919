package dev.loomscope.agent.shapes.jdk23;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ThreadContainer;

/**
 * JDK 23's {@code java.lang.VirtualThread}, as the agent sees it: states 0 to 11 and 99, no {@code timeout} field,
 * {@code submitRunContinuation(Executor, boolean)} (the others delegate to it) and a separate {@code
 * externalSubmitRunContinuationOrThrow()} for {@code start}; {@code synchronized} still pins.
 * <p>
 * Read from openjdk/jdk at commit aeebc58c981c23c0ec206016a8d3fc4548e1eaa9 (the mainline of the 23 cycle, before JEP
 * 491; no jdk23u copy of the file is stored), {@code src/java.base/share/classes/java/lang/VirtualThread.java}: the
 * state constants (names and values), the fields the agent reads, and every method the agent advises or chooses an
 * overload among, with the same names and descriptors. Bodies are empty: only the shape is tested ({@code
 * JdkShapesTest}). The JDK's class extends {@code java.lang.BaseVirtualThread} (package-private, sealed); this copy
 * extends {@link Thread}, which is what the advice's {@code @Advice.This Thread} needs.
 */
@SuppressWarnings("unused")
final class VirtualThread extends Thread {
    private static final ForkJoinPool DEFAULT_SCHEDULER = null;

    private final Executor scheduler = null;
    private final Continuation cont = null;
    private final Runnable runContinuation = null;

    private volatile int state;
    private volatile boolean parkPermit;
    private volatile Thread carrierThread;
    private volatile CountDownLatch termination;

    // state constants
    private static final int NEW      = 0;
    private static final int STARTED  = 1;
    private static final int RUNNING  = 2;

    private static final int PARKING       = 3;
    private static final int PARKED        = 4;
    private static final int PINNED        = 5;
    private static final int TIMED_PARKING = 6;
    private static final int TIMED_PARKED  = 7;
    private static final int TIMED_PINNED  = 8;
    private static final int UNPARKED      = 9;

    private static final int YIELDING = 10;
    private static final int YIELDED  = 11;

    private static final int TERMINATED = 99;

    private static final int SUSPENDED = 1 << 8;

    private void runContinuation() {
    }

    private void submitRunContinuation(Executor scheduler, boolean retryOnOOME) {
    }

    private void lazySubmitRunContinuation(ForkJoinPool pool) {
    }

    private void externalSubmitRunContinuation(ForkJoinPool pool) {
    }

    private void submitRunContinuation() {
    }

    private void externalSubmitRunContinuationOrThrow() {
    }

    private void submitFailed(RejectedExecutionException ree) {
    }

    private void mount() {
    }

    private void unmount() {
    }

    private boolean yieldContinuation() {
        return false;
    }

    private void afterYield() {
    }

    private void afterDone() {
    }

    private void afterDone(boolean notifyContainer) {
    }

    void start(ThreadContainer container) {
    }

    @Override
    public void start() {
    }

    void park() {
    }

    void parkNanos(long nanos) {
    }

    private void parkOnCarrierThread(boolean timed, long nanos) {
    }

    private Future<?> scheduleUnpark(long nanos) {
        return null;
    }

    void unpark() {
    }

    void tryYield() {
    }

    void sleepNanos(long nanos) throws InterruptedException {
    }
}
