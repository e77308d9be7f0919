package com.example;

import dev.loomscope.junit.LoomscopeBudget;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Within its budget: a generous wake-to-run p99 and no pinning. */
@LoomscopeBudget(wakeToRunP99 = "10s", pinnedBlocks = 0)
class CheckoutTest {

    @Test
    void checkoutsOnVirtualThreads() throws Exception {
        assertEquals("kept", System.getProperty("checkout.argLine"), "surefire's @{argLine} was dropped");
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> checkouts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int order = i;
                checkouts.add(executor.submit(() -> {
                    Thread.sleep(1);
                    return order;
                }));
            }
            for (int i = 0; i < checkouts.size(); i++) {
                assertEquals(i, checkouts.get(i).get());
            }
        }
    }
}
