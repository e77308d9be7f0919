package dev.loomscope.agent.it.workloads;

import dev.loomscope.api.Loomscope;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An application that names its operations ({@code loomscope-api}), with scheduling latencies known by construction.
 * Run with {@code -Djdk.virtualThreadScheduler.parallelism=1}.
 * <ul>
 *   <li>{@code scheduling}, one phase after the other:
 *     <ol>
 *       <li>{@code GET /health}: {@value #SLEEPERS} virtual threads loop on 10 ms sleeps for 1 s (each first sleeps
 *           1–10 ms, so that their wakes spread over the period), nothing else running: a wake waits for the one
 *           carrier a fraction of a millisecond.</li>
 *       <li>{@code POST /payments}: the same for 1.5 s while a virtual thread in operation {@code batch} three times
 *           keeps the carrier for {@value #HOG_MILLIS} ms of CPU work: every payment thread woken during a hog (all
 *           of them, within its first 10 ms) waits for the hog's end, 190–200 ms; some 3 % of the payment
 *           wakes.</li>
 *       <li>{@code GET /fanout}: one thread starts {@value #FANOUT} virtual threads that each sleep once, and joins
 *           them: they inherit the operation.</li>
 *       <li>{@code outer}: 3 sleeps of 2 ms, then inside {@code inner} 2 sleeps of 30 ms, then 4 sleeps of 2 ms.</li>
 *       <li>{@code POST /critical} in a critical scope: {@value #CRITICAL_SLEEPS} sleeps of 1 ms in
 *           {@code criticalSleep}.</li>
 *     </ol>
 *     Every virtual thread works inside an operation from its first block to its last. Prints
 *     {@code trace <traceId> <threadId>} for the threads given a trace id, {@code hog=<threadId>}.</li>
 *   <li>{@code badInput}: scopes with a null, an empty and a 10,000-character name, a 10,000-character trace id, then
 *       5 short names {@code n1}..{@code n5} (one sleep in each), and a critical scope of
 *       {@value #CAPPED_SLEEPS} sleeps of 1 ms. Any exception fails the run.</li>
 *   <li>{@code lateAttach}: a virtual thread opens {@code before} and waits; prints {@code ready}, waits for a line on
 *       stdin, then {@value #LATE_THREADS} threads each sleep 10 times 5 ms in {@code GET /late}, and the first one
 *       closes {@code before}.</li>
 *   <li>{@code metrics}: {@code POST /payments} and {@code GET /health} sleepers for 300 ms each (as in
 *       {@code scheduling}, without the hog), then prints {@code served} and waits for a line on stdin.</li>
 * </ul>
 * Prints {@code ok MODE} at the end.
 */
public final class OperationsApp {
    public static final int SLEEPERS = 50;
    /** How long the hog keeps the carrier, each of its three times. */
    public static final long HOG_MILLIS = 200;
    public static final int FANOUT = 20;
    public static final int CRITICAL_SLEEPS = 10;
    public static final int CAPPED_SLEEPS = 200;
    public static final int LATE_THREADS = 20;
    public static final String LONG_NAME = "x".repeat(10_000);

    private OperationsApp() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "scheduling" -> scheduling();
            case "badInput" -> badInput();
            case "lateAttach" -> lateAttach();
            case "metrics" -> metrics();
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("ok " + args[0]);
    }

    static void scheduling() throws Exception {
        sleepers("GET /health", "health-", 1000, false);
        sleepers("POST /payments", "payments-", 1500, true);
        Thread fanout = Thread.ofVirtual().start(() -> {
            try (var op = Loomscope.operation("GET /fanout", "fanout-1")) {
                List<Thread> children = new ArrayList<>();
                for (int i = 0; i < FANOUT; i++) {
                    children.add(Thread.ofVirtual().start(() -> sleep(10)));
                }
                for (Thread child : children) {
                    child.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        fanout.join();
        Thread nested = Thread.ofVirtual().start(() -> {
            try (var outer = Loomscope.operation("outer")) {
                for (int i = 0; i < 3; i++) {
                    sleep(2);
                }
                try (var inner = Loomscope.operation("inner")) {
                    sleep(30);
                    sleep(30);
                }
                for (int i = 0; i < 4; i++) {
                    sleep(2);
                }
            }
        });
        nested.join();
        Thread critical = Thread.ofVirtual().start(() -> {
            try (var op = Loomscope.operation("POST /critical"); var c = Loomscope.critical()) {
                for (int i = 0; i < CRITICAL_SLEEPS; i++) {
                    criticalSleep();
                }
            }
        });
        critical.join();
    }

    /** {@link #SLEEPERS} threads in {@code operation}, each with trace id {@code tracePrefix + i}. */
    static void sleepers(String operation, String tracePrefix, long millis, boolean withHog) throws Exception {
        long end = System.nanoTime() + millis * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        List<String> traces = new ArrayList<>();
        for (int i = 0; i < SLEEPERS; i++) {
            String traceId = tracePrefix + i;
            traces.add(traceId);
            int offset = i % 10;
            threads.add(Thread.ofVirtual().start(() -> {
                try (var op = Loomscope.operation(operation, traceId)) {
                    sleep(1 + offset); // wakes spread over the period, not 50 at once queueing for the one carrier
                    while (System.nanoTime() < end) {
                        sleep(10);
                    }
                }
            }));
        }
        Thread hog = null;
        if (withHog) {
            hog = Thread.ofVirtual().start(() -> {
                try (var op = Loomscope.operation("batch", "batch-1")) {
                    for (int i = 0; i < 3; i++) {
                        sleep(300);
                        spin(HOG_MILLIS);
                    }
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        if (hog != null) {
            hog.join();
            System.out.println("hog=" + hog.threadId());
        }
        for (int i = 0; i < SLEEPERS; i++) {
            System.out.println("trace " + traces.get(i) + " " + threads.get(i).threadId());
        }
    }

    static void badInput() throws Exception {
        Thread thread = Thread.ofVirtual().start(() -> {
            try (var op = Loomscope.operation(null)) {
                sleep(1);
            }
            try (var op = Loomscope.operation("", "a-trace")) {
                sleep(1);
            }
            try (var op = Loomscope.operation(LONG_NAME)) {
                sleep(1);
            }
            try (var op = Loomscope.operation("n1", "t".repeat(10_000))) {
                sleep(1);
            }
            for (int i = 2; i <= 5; i++) {
                try (var op = Loomscope.operation("n" + i)) {
                    sleep(1);
                }
            }
            Loomscope.Scope twice = Loomscope.operation("n1");
            twice.close();
            twice.close();
            try (var c = Loomscope.critical()) {
                for (int i = 0; i < CAPPED_SLEEPS; i++) {
                    sleep(1);
                }
            }
        });
        thread.join();
    }

    static void lateAttach() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread before = Thread.ofVirtual().start(() -> {
            try (var op = Loomscope.operation("before")) {
                go.await();
                sleep(5);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        go.countDown();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < LATE_THREADS; i++) {
            String traceId = "late-" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (var op = Loomscope.operation("GET /late", traceId)) {
                    for (int k = 0; k < 10; k++) {
                        sleep(5);
                    }
                }
            }));
        }
        before.join();
        for (Thread t : threads) {
            t.join();
        }
    }

    static void metrics() throws Exception {
        sleepers("POST /payments", "payments-", 300, false);
        sleepers("GET /health", "health-", 300, false);
        System.out.println("served");
        new BufferedReader(new InputStreamReader(System.in)).readLine();
    }

    static void criticalSleep() {
        sleep(1);
    }

    /** CPU work without any blocking call: the carrier is not released until it ends. */
    static long spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < until) {
            x += x * 31 + 7;
        }
        return x;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
