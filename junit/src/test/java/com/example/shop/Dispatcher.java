package com.example.shop;

import java.util.List;

/**
 * Publishes orders from a platform thread of its own: it runs while every carrier is busy, and its wakes come from one
 * stack whichever test calls it.
 */
public final class Dispatcher {
    private Dispatcher() {
    }

    public static void publishToEach(List<OrderQueue> queues) throws InterruptedException {
        Thread.ofPlatform().start(() -> {
            for (OrderQueue queue : queues) {
                queue.publish("order");
            }
        }).join();
    }
}
