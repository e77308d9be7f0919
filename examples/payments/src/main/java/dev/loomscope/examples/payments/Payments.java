package dev.loomscope.examples.payments;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The payment use cases, independent of HTTP: authorise a payment, read one back. Each {@link Pathology} changes one
 * step of {@link #authorize}; the healthy version of that step is next to it.
 *
 * <p>An authorisation: look up the merchant's recent payments (JDBC), value them and the new payment in EUR (FX rates
 * over HTTP), score for fraud (CPU), ask the bank (HTTP, ~20–60 ms), book it (one JDBC transaction), publish the
 * merchant notification (a virtual thread of its own).
 */
public final class Payments {
    /** An authorisation request, validated. */
    public record Request(String payer, String merchant, long amountCents, String currency) {
        public Request {
            if (payer == null || payer.isBlank() || merchant == null || merchant.isBlank()) {
                throw new IllegalArgumentException("payer and merchant are required");
            }
            if (amountCents <= 0 || amountCents > 100_000_000) {
                throw new IllegalArgumentException("amountCents must be 1..100000000");
            }
            if (currency == null || !Set.of("EUR", "USD", "GBP", "CHF").contains(currency)) {
                throw new IllegalArgumentException("currency must be EUR, USD, GBP or CHF");
            }
        }
    }

    /** The outcome of an authorisation. */
    public record Outcome(String id, String status, String authCode, int fraudScore) {
    }

    /** A failure the caller should see as an HTTP status (503 when the pool ran dry, 502 when the bank failed). */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;
        private final int httpStatus;

        Unavailable(int httpStatus, String message, Throwable cause) {
            super(message, cause);
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private static final int RECENT = 5;
    /** A merchant's authorised exposure above which the bank is not asked (never reached by the demo's load). */
    private static final long EXPOSURE_LIMIT_CENTS = Long.MAX_VALUE / 4;

    private final Ledger ledger;
    private final BankClient bank;
    private final FraudCheck fraud;
    private final Notifications notifications;
    private final Set<Pathology> pathologies;
    private final Map<String, ReentrantLock> merchantLocks = new ConcurrentHashMap<>();
    /** The settlement account's monitor ({@link Pathology#CONTENTION}). */
    private final Object settlement = new Object();
    private final Map<String, AtomicLong> exposure = new ConcurrentHashMap<>();
    private final LongAdder authorized = new LongAdder();
    private final LongAdder declined = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public Payments(Ledger ledger, BankClient bank, FraudCheck fraud, Notifications notifications,
                    Set<Pathology> pathologies) {
        this.ledger = ledger;
        this.bank = bank;
        this.fraud = fraud;
        this.notifications = notifications;
        this.pathologies = Set.copyOf(pathologies);
    }

    public Outcome authorize(Request r) throws Unavailable {
        try {
            Outcome outcome = authorizeOrThrow(r);
            (outcome.status().equals("AUTHORIZED") ? authorized : declined).increment();
            return outcome;
        } catch (SQLTransientConnectionException e) {
            failed.increment();
            throw new Unavailable(503, "ledger busy: no database connection within the pool's timeout", e);
        } catch (SQLException e) {
            failed.increment();
            throw new Unavailable(500, "ledger error: " + e.getMessage(), e);
        } catch (IOException e) {
            failed.increment();
            throw new Unavailable(502, "bank unavailable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.increment();
            throw new Unavailable(503, "interrupted", e);
        } catch (Exception e) {
            failed.increment();
            throw new Unavailable(500, e.toString(), e);
        }
    }

    private Outcome authorizeOrThrow(Request r) throws Exception {
        if (pathologies.contains(Pathology.POOL_EXHAUSTION)) {
            // The mistake: one connection for the whole authorisation, as a transactional service method that wraps
            // remote calls does. It is held through the FX lookups, the fraud check and the bank call (about 50 ms)
            // instead of for each statement (well under a millisecond): a few concurrent requests hold the pool.
            try (Connection held = ledger.connection()) {
                return authorize(r, held);
            }
        }
        return authorize(r, null);
    }

    /**
     * The pinned path, at most {@link #PINNED_SORTS_AT_ONCE} at a time. Each pins its carrier while it waits for the
     * bank; with every carrier pinned, nothing is left to run the threads the bank's answers wait on (the HTTP
     * client's, one of which may hold the monitor its selector thread needs), and the service deadlocks, as pinning
     * does in production. The pathology is there to be seen in a dump, not to hang the demo: one carrier stays free.
     */
    private double[] sortPinned(List<Ledger.Recent> recent) throws Exception {
        PINNED_SORTS.acquire(); // before the pin: a virtual thread waiting here unmounts
        try {
            return FxSort.sortByEurDescending(recent,
                    p -> p.amountCents() / 100.0 * bank.eurRate(p.currency(), p.day()), true);
        } finally {
            PINNED_SORTS.release();
        }
    }

    /** One fewer than the scheduler's carriers (its parallelism), at least one. */
    static final int PINNED_SORTS_AT_ONCE = Math.max(1, Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors()) - 1);
    private static final Semaphore PINNED_SORTS = new Semaphore(PINNED_SORTS_AT_ONCE);

    /** @param held the connection to use throughout, or null: borrow one per ledger step (healthy) */
    private Outcome authorize(Request r, Connection held) throws Exception {
        String id = "pay-" + UUID.randomUUID();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        double amountEur = r.amountCents() / 100.0 * bank.eurRate(r.currency(), today);

        // Fraud features: the merchant's recent payments, largest first by their EUR value on their own day (the
        // merchant's usual ticket size). The pinned path (PINNING) looks the rates up inside libc qsort's comparator;
        // the healthy one before sorting in Java.
        List<Ledger.Recent> recent = new ArrayList<>(withConnection(held,
                c -> ledger.recentAtMerchant(c, r.merchant(), RECENT)));
        double[] valuesEur = pathologies.contains(Pathology.PINNING) ? sortPinned(recent)
                : FxSort.sortByEurDescending(recent, p -> p.amountCents() / 100.0 * bank.eurRate(p.currency(), p.day()),
                        false);
        FraudCheck.Verdict verdict = fraud.assess(r, amountEur, valuesEur.length == 0 ? 0 : valuesEur[0]);
        if (verdict.decline()) {
            withConnection(held, c -> {
                ledger.recordRefused(c, r, id, "DECLINED_FRAUD", verdict.score());
                return null;
            });
            return new Outcome(id, "DECLINED_FRAUD", null, verdict.score());
        }

        long feeCents = Math.max(1, r.amountCents() * 29 / 1000);
        String authCode = authorizeAtBank(r, id);
        boolean booked = withConnection(held, c -> ledger.book(c, r, id, authCode, verdict.score(), feeCents));
        if (!booked) {
            withConnection(held, c -> {
                ledger.recordRefused(c, r, id, "DECLINED_FUNDS", verdict.score());
                return null;
            });
            return new Outcome(id, "DECLINED_FUNDS", null, verdict.score());
        }
        if (pathologies.contains(Pathology.CONTENTION)) {
            reconcileSettlement();
        }
        notifications.publish(id, "{\"type\":\"payment.authorized\",\"id\":\"" + id + "\",\"merchant\":\""
                + r.merchant() + "\",\"amountCents\":" + r.amountCents() + ",\"currency\":\"" + r.currency() + "\"}");
        return new Outcome(id, "AUTHORIZED", authCode, verdict.score());
    }

    /** One step of ledger work. */
    @FunctionalInterface
    private interface LedgerStep<T> {
        T apply(Connection c) throws Exception;
    }

    private <T> T withConnection(Connection held, LedgerStep<T> step) throws Exception {
        if (held != null) {
            return step.apply(held);
        }
        try (Connection c = ledger.connection()) {
            return step.apply(c);
        }
    }

    /**
     * {@link Pathology#CONTENTION}, second half: after every payment the settlement account's balance is recomputed
     * from the ledger and reported to the bank's treasury endpoint, inside one {@code synchronized} block so that
     * reports never cross. The monitor is held across a JDBC transaction that scans every payment and a remote call:
     * payments queue for it (on JDK 24+ they unmount while they wait; on JDK 21-23 the remote call under the monitor
     * would also pin).
     */
    private void reconcileSettlement() throws Exception {
        synchronized (settlement) {
            long balance = withConnection(null, ledger::reconcileSettlement);
            bank.reportSettlement(balance);
        }
    }

    /**
     * Asks the bank, keeping the merchant's authorised exposure under its limit. With {@link Pathology#CONTENTION}
     * the check-then-act is made atomic by holding the merchant's lock across the bank call: every authorisation
     * for a busy merchant waits for the one before it. Healthy: reserve the amount atomically, then call.
     */
    private String authorizeAtBank(Request r, String id) throws IOException, InterruptedException {
        AtomicLong merchantExposure = exposure.computeIfAbsent(r.merchant(), k -> new AtomicLong());
        if (pathologies.contains(Pathology.CONTENTION)) {
            ReentrantLock lock = merchantLocks.computeIfAbsent(r.merchant(), k -> new ReentrantLock());
            lock.lock();
            try {
                if (merchantExposure.get() + r.amountCents() > EXPOSURE_LIMIT_CENTS) {
                    throw new IOException("merchant exposure limit reached");
                }
                String code = bank.authorize(id, r.payer(), r.amountCents(), r.currency());
                merchantExposure.addAndGet(r.amountCents());
                return code;
            } finally {
                lock.unlock();
            }
        }
        if (merchantExposure.addAndGet(r.amountCents()) > EXPOSURE_LIMIT_CENTS) {
            merchantExposure.addAndGet(-r.amountCents());
            throw new IOException("merchant exposure limit reached");
        }
        try {
            return bank.authorize(id, r.payer(), r.amountCents(), r.currency());
        } catch (IOException | InterruptedException | RuntimeException e) {
            merchantExposure.addAndGet(-r.amountCents());
            throw e;
        }
    }

    public Optional<Ledger.Stored> find(String id) throws Unavailable {
        try {
            return withConnection(null, c -> ledger.find(c, id));
        } catch (SQLTransientConnectionException e) {
            throw new Unavailable(503, "ledger busy: no database connection within the pool's timeout", e);
        } catch (Exception e) {
            throw new Unavailable(500, "ledger error: " + e.getMessage(), e);
        }
    }

    public long authorized() {
        return authorized.sum();
    }

    public long declined() {
        return declined.sum();
    }

    public long failed() {
        return failed.sum();
    }
}
