package com.example;

import dev.loomscope.junit.LoomscopeBudget;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A budget no JVM can meet (every wake waits at least a nanosecond): must fail, naming the budget. */
@LoomscopeBudget(wakeToRunP99 = "1ns")
class OverBudgetTest {

    @Test
    void sleepsTwoThousandTimes() {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                executor.submit(() -> {
                    for (int j = 0; j < 100; j++) {
                        Thread.sleep(1);
                    }
                    return null;
                });
            }
        }
    }
}
