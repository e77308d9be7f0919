package com.example.shop;

/** Scores a payment by computing for a while without blocking: it keeps its carrier all that time. */
public final class FraudCheck {
    private FraudCheck() {
    }

    public static long score(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < until) {
            x += x * 31 + 7;
        }
        return x;
    }
}
