package com.example.shop;

/** Loads its rates in its class initializer, slowly: a virtual thread that parks there pins its carrier. */
public final class TaxTable {
    static {
        try {
            Thread.sleep(10); // a class initializer cannot unmount: this park pins the carrier
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private TaxTable() {
    }

    public static void load() {
    }
}
