package dev.loomscope.junit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

/**
 * Test classes that {@link LoomscopeBudgetTest} runs through the JUnit engine (not directly: their names do not
 * match surefire's patterns), so that their failures can be inspected.
 */
final class BudgetFixtures {
    private BudgetFixtures() {
    }

    static class PinsOnce {
        @Test
        @LoomscopeBudget(pinnedBlocks = 0)
        void parksInsideAClassInitializer() throws Exception {
            Thread.ofVirtual().start(SleepsInItsInitializer::touch).join();
        }
    }

    static class HogsEveryCarrier {
        @Test
        @LoomscopeBudget(wakeToRunP99 = "5ms")
        void sleepersWaitBehindHogs() throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int r = 0; r < 20; r++) {
                        sleep(5);
                    }
                }));
            }
            sleep(20);
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                threads.add(Thread.ofVirtual().start(() -> spin(100)));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @LoomscopeBudget(wakeToRunP99 = "10s", pinnedBlocks = 0)
    static class WellBehaved {
        @Test
        void sleepersOnly() throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                threads.add(Thread.ofVirtual().start(() -> sleep(2)));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    static class WithoutAgent {
        @RegisterExtension
        static final LoomscopeExtension NO_AGENT = new LoomscopeExtension(() -> null);

        @Test
        @LoomscopeBudget(pinnedBlocks = 0)
        void anything() {
        }
    }

    static final class SleepsInItsInitializer {
        static {
            sleep(10); // a class initializer cannot unmount: this park pins the carrier
        }

        static void touch() {
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static long spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < until) {
            x += x * 31 + 7;
        }
        return x;
    }
}
