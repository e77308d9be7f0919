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
        String id = "pay-" + UUID.randomUUID();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        double amountEur = r.amountCents() / 100.0 * bank.eurRate(r.currency(), today);

        // Fraud features: the merchant's recent payments, largest first by their EUR value on their own day (the
        // merchant's usual ticket size). The pinned path (PINNING) looks the rates up inside libc qsort's comparator;
        // the healthy one before sorting in Java.
        List<Ledger.Recent> recent = new ArrayList<>(ledger.recentAtMerchant(r.merchant(), RECENT));
        double[] valuesEur = FxSort.sortByEurDescending(recent,
                p -> p.amountCents() / 100.0 * bank.eurRate(p.currency(), p.day()),
                pathologies.contains(Pathology.PINNING));
        FraudCheck.Verdict verdict = fraud.assess(r, amountEur, valuesEur.length == 0 ? 0 : valuesEur[0]);
        if (verdict.decline()) {
            ledger.recordRefused(r, id, "DECLINED_FRAUD", verdict.score());
            return new Outcome(id, "DECLINED_FRAUD", null, verdict.score());
        }

        long feeCents = Math.max(1, r.amountCents() * 29 / 1000);
        String authCode;
        boolean booked;
        if (pathologies.contains(Pathology.POOL_EXHAUSTION)) {
            // The mistake: one connection (one transaction) for the whole authorisation, bank call included. Each
            // request keeps a connection for the bank's 20-60 ms instead of the ledger's fraction of a millisecond.
            try (Connection c = ledger.connection()) {
                if (!ledger.hasFunds(c, r.payer(), r.amountCents())) {
                    booked = false;
                    authCode = null;
                } else {
                    authCode = authorizeAtBank(r, id);
                    booked = ledger.book(c, r, id, authCode, verdict.score(), feeCents);
                }
            }
        } else {
            // Healthy: the remote call first, then a connection only for the booking transaction.
            authCode = authorizeAtBank(r, id);
            try (Connection c = ledger.connection()) {
                booked = ledger.book(c, r, id, authCode, verdict.score(), feeCents);
            }
        }
        if (!booked) {
            ledger.recordRefused(r, id, "DECLINED_FUNDS", verdict.score());
            return new Outcome(id, "DECLINED_FUNDS", null, verdict.score());
        }
        if (pathologies.contains(Pathology.CONTENTION)) {
            ledger.reconcileSettlement();
        }
        notifications.publish(id, "{\"type\":\"payment.authorized\",\"id\":\"" + id + "\",\"merchant\":\""
                + r.merchant() + "\",\"amountCents\":" + r.amountCents() + ",\"currency\":\"" + r.currency() + "\"}");
        return new Outcome(id, "AUTHORIZED", authCode, verdict.score());
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
            return ledger.find(id);
        } catch (SQLTransientConnectionException e) {
            throw new Unavailable(503, "ledger busy: no database connection within the pool's timeout", e);
        } catch (SQLException e) {
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
