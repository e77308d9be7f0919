package com.example.shop;

import java.util.concurrent.LinkedBlockingQueue;

/** Orders for one consumer: publishing to an idle consumer wakes it. */
public final class OrderQueue {
    private final LinkedBlockingQueue<String> orders = new LinkedBlockingQueue<>();

    public void publish(String order) {
        orders.add(order);
    }

    public String take() throws InterruptedException {
        return orders.take();
    }
}
