package dev.loomscope.agent.it.workloads;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;

/**
 * Pinned blocks that are not parks, each a known number of times (JDK 24+, release 22 for the FFM API; run with
 * {@code --enable-native-access=ALL-UNNAMED}): a virtual thread with a native frame on its stack (an FFM upcall,
 * called back by libc {@code qsort}) cannot unmount, so the JVM blocks its carrier with it.
 * <ul>
 *   <li>3 virtual threads, one after the other, each {@code Object.wait(30)} inside the upcall (nobody notifies):
 *       3 pinned waits of about 30 ms;</li>
 *   <li>1 virtual thread entering, inside the upcall, a monitor main holds until it is seen blocked, then 20 ms
 *       more: 1 pinned monitor enter;</li>
 *   <li>1 virtual thread using a class whose initialiser another (platform) thread runs, and finishes only 100 ms
 *       after the virtual thread is about to use the class: 1 wait for a class initialisation.</li>
 * </ul>
 * Prints {@code ok pinnedBlocks}.
 */
public final class PinnedBlocks {
    private static final Object LOCK = new Object();
    private static final MethodHandle QSORT;
    private static final MemorySegment COMPARATOR;
    /** What the comparator does when a thread's qsort calls it first (it may call it more than once). */
    private static final ThreadLocal<Runnable> ONCE_IN_UPCALL = new ThreadLocal<>();
    /** Out of {@link SlowInit}: reading its fields would initialise it. */
    private static final CountDownLatch INITIALIZING = new CountDownLatch(1);
    private static final CountDownLatch ABOUT_TO_USE = new CountDownLatch(1);

    static {
        try {
            Linker linker = Linker.nativeLinker();
            MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
            QSORT = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, sizeT, sizeT, ValueLayout.ADDRESS));
            MethodHandle compare = MethodHandles.lookup().findStatic(PinnedBlocks.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            COMPARATOR = linker.upcallStub(compare,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PinnedBlocks() {
    }

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < 3; i++) {
            Thread.ofVirtual().start(() -> inUpcall(PinnedBlocks::waitUnnotified)).join();
        }
        Thread entering;
        synchronized (LOCK) {
            entering = Thread.ofVirtual().start(() -> inUpcall(PinnedBlocks::enterLock));
            Lifecycle.awaitState(entering, Thread.State.BLOCKED);
            Scheduling.sleep(20);
        }
        entering.join();
        Thread initializer = new Thread(SlowInit::touch, "initializer");
        initializer.start();
        INITIALIZING.await();
        Thread waiting = Thread.ofVirtual().start(PinnedBlocks::touchSlowInit);
        waiting.join();
        initializer.join();
        System.out.println("ok pinnedBlocks");
    }

    /** Runs {@code action} inside an upcall from libc's qsort (sorting two ints), once. */
    static void inUpcall(Runnable action) {
        ONCE_IN_UPCALL.set(action);
        try (Arena arena = Arena.ofConfined()) {
            QSORT.invokeExact(arena.allocate(ValueLayout.JAVA_INT, 2), 2L, ValueLayout.JAVA_INT.byteSize(),
                    COMPARATOR);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int compare(MemorySegment a, MemorySegment b) {
        Runnable action = ONCE_IN_UPCALL.get();
        ONCE_IN_UPCALL.remove();
        if (action != null) {
            action.run(); // an exception must not escape an upcall: none is thrown here
        }
        return 0;
    }

    static void waitUnnotified() {
        synchronized (LOCK) {
            try {
                LOCK.wait(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void enterLock() {
        synchronized (LOCK) {
            LOCK.notifyAll(); // nobody waits: only the enter matters
        }
    }

    static void touchSlowInit() {
        ABOUT_TO_USE.countDown();
        SlowInit.touch();
    }

    /** Initialised by the platform thread "initializer", 100 ms after the virtual thread is about to use it. */
    static final class SlowInit {
        static {
            INITIALIZING.countDown();
            try {
                ABOUT_TO_USE.await();
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void touch() {
        }
    }
}
