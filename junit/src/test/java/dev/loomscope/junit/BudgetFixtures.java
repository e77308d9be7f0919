package dev.loomscope.junit;

import com.example.shop.Checkout;
import com.example.shop.Dispatcher;
import com.example.shop.OrderQueue;
import com.example.shop.TaxTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Test classes that {@link LoomscopeBudgetTest} runs through the JUnit engine (not directly: their names do not
 * match surefire's patterns), so that their failures can be inspected. The application they exercise is
 * {@code com.example.shop}: this package is Loomscope's own, whose frames a failure does not name.
 * <p>
 * Budgets and hogs are far apart (a 300 ms fraud check against budgets of milliseconds), and fixtures wait for the
 * state they need (consumers parked, every carrier taken) rather than sleeping for it, so that a loaded machine
 * changes the figures, not the outcome. Most set {@code minSamples}: they make tens of samples, not the thousand a
 * p99 needs by default.
 */
final class BudgetFixtures {
    /** Long enough to hold a carrier past the agent's longSlice (20 ms) whatever the machine's load. */
    static final long HOG_MILLIS = 300;

    private BudgetFixtures() {
    }

    static class PinsOnce {
        @Test
        @LoomscopeBudget(pinnedBlocks = 0)
        void parksInsideAClassInitializer() throws Exception {
            Thread.ofVirtual().start(TaxTable::load).join();
        }
    }

    static class WakesBehindHogs {
        @Test
        @LoomscopeBudget(wakeToRunP99 = "5ms", minSamples = 10)
        void ordersWaitForCarriersHeldByTheFraudCheck() throws Exception {
            wakeConsumers(40, true);
        }
    }

    static class HogOnFewSamples {
        @Test
        @LoomscopeBudget(runSliceP99 = "20ms")
        void fraudChecksHoldTheirCarriers() throws Exception {
            joinAll(hogEveryCarrier());
        }
    }

    static class HogWithMinSamples {
        @Test
        @LoomscopeBudget(runSliceP99 = "20ms", minSamples = 1)
        void fraudChecksHoldTheirCarriers() throws Exception {
            joinAll(hogEveryCarrier());
        }
    }

    static class HogBelowMinSamples {
        @Test
        @LoomscopeBudget(runSliceP99 = "20ms", minSamples = 100_000)
        void fraudChecksHoldTheirCarriers() throws Exception {
            joinAll(hogEveryCarrier());
        }
    }

    /** One site, slow in an earlier test and fast in the budgeted one. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class SlowWakesThenFastOnes {
        @Test
        @Order(1)
        void slowWakesInAnEarlierTest() throws Exception {
            wakeConsumers(20, true);
        }

        @Test
        @Order(2)
        @LoomscopeBudget(wakeToRunP99 = "1ns", minSamples = 1)
        void fastWakesAtTheSameSite() throws Exception {
            wakeConsumers(100, false);
        }
    }

    static class WarmsUpBeforeEach {
        @BeforeEach
        void warmUp() throws Exception {
            joinAll(hogEveryCarrier()); // the cold start: outside the test's window
        }

        @Test
        @LoomscopeBudget(runSliceP99 = "100ms", minSamples = 1)
        void shortTasksOnly() throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                threads.add(Thread.ofVirtual().start(() -> Checkout.authorize(0)));
            }
            joinAll(threads);
        }
    }

    @LoomscopeBudget(wakeToRunP99 = "10s", pinnedBlocks = 0, minSamples = 1)
    static class WellBehaved {
        @Test
        void sleepersOnly() throws Exception {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                threads.add(Thread.ofVirtual().start(() -> sleep(2)));
            }
            joinAll(threads);
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

    /**
     * The real in-process recording with one field replaced by {@link #mutation} (a JSON pointer and the JSON text put
     * there): what an agent of another version, or a broken one, would hand the extension.
     */
    static class MalformedRecording {
        static volatile String[] mutation;

        @RegisterExtension
        static final LoomscopeExtension MALFORMED = new LoomscopeExtension(new AgentConnection() {
            @Override
            public byte[] snapshot() throws Exception {
                return replace(AgentConnection.IN_PROCESS.snapshot(), mutation[0], mutation[1]);
            }

            @Override
            public String source() {
                return "a malformed recording";
            }
        });

        @Test
        @LoomscopeBudget(wakeToRunP99 = "10s", pinnedBlocks = 0)
        void anything() {
        }
    }

    /** {@code json} with the field at {@code pointer} replaced by the JSON text {@code raw} (kept as written). */
    static byte[] replace(byte[] json, String pointer, String raw) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode dump = (ObjectNode) mapper.readTree(json);
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) dump.at(pointer.substring(0, slash))).put(pointer.substring(slash + 1), "@@malformed@@");
        return mapper.writeValueAsString(dump).replace("\"@@malformed@@\"", raw).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts {@code consumers} virtual threads that each take one order, waits until all are parked, then publishes
     * one order to each from the {@link Dispatcher}: one wake each.
     *
     * @param behindHogs publish while a fraud check holds every carrier, so each wake waits for one
     */
    static void wakeConsumers(int consumers, boolean behindHogs) throws Exception {
        List<OrderQueue> queues = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            OrderQueue queue = new OrderQueue();
            queues.add(queue);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread consumer : threads) {
            while (consumer.getState() != Thread.State.WAITING) {
                Thread.sleep(1); // this (platform) thread's sleeps are not the recording's
            }
        }
        if (behindHogs) {
            threads.addAll(hogEveryCarrier());
        }
        Dispatcher.publishToEach(queues);
        joinAll(threads);
    }

    /** One {@link #HOG_MILLIS} fraud check per carrier, returned once every one of them runs. */
    static List<Thread> hogEveryCarrier() throws InterruptedException {
        int carriers = Runtime.getRuntime().availableProcessors(); // the scheduler's default parallelism
        CountDownLatch running = new CountDownLatch(carriers);
        List<Thread> hogs = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            hogs.add(Thread.ofVirtual().start(() -> {
                running.countDown();
                Checkout.authorize(HOG_MILLIS);
            }));
        }
        running.await();
        return hogs;
    }

    static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
