package com.example.shop;

/** Authorizes a payment: the caller of the fraud check. */
public final class Checkout {
    private Checkout() {
    }

    public static long authorize(long fraudCheckMillis) {
        return FraudCheck.score(fraudCheckMillis);
    }
}
