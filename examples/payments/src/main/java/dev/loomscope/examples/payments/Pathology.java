package dev.loomscope.examples.payments;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The deliberate mistakes the service can be started with, each switched on by a flag and each meant to be visible in
 * a Loomscope dump. Without any of them the service is healthy.
 */
public enum Pathology {
    /**
     * A hot account: authorisations for one merchant are serialised by a {@link java.util.concurrent.locks.ReentrantLock}
     * held across the bank call, and after every payment the settlement account is reconciled (a JDBC transaction
     * that scans the ledger) and reported to the bank inside one {@code synchronized} block. Visible as block sites:
     * park at {@code ReentrantLock.lock} in {@code Payments.authorizeAtBank}, monitor in
     * {@code Payments.reconcileSettlement}.
     */
    CONTENTION("contention"),
    /**
     * A CPU-heavy fraud model scored inline on the request's virtual thread for large payments: tens of milliseconds
     * without a single block, so the carrier is monopolised. Visible as long slices at {@code FraudCheck.deepScore} and
     * a higher wake-to-run latency for everyone else.
     */
    FRAUD_HOG("fraud-hog"),
    /**
     * The merchant's recent payments are ranked by libc {@code qsort} through the FFM API; its comparator, an upcall,
     * fetches historical FX rates over HTTP. Blocking inside an upcall (a native frame on the stack) cannot unmount:
     * the carrier is pinned. Visible as {@code sites.pinned} at {@code FxSort.compare}.
     */
    PINNING("pinning"),
    /**
     * Payment notifications are handed to an outbox queue by one virtual thread each, but the poller that drains
     * the queue is never started: once the queue is full every notifier parks forever. Visible as a leak cluster at
     * {@code Notifications.handOff}.
     */
    LEAK("leak"),
    /**
     * One JDBC connection for the whole authorisation (a transaction wrapping remote calls), held through the FX
     * lookups, the fraud check and the bank call, so the small pool runs dry. Visible as blocks at
     * {@code HikariDataSource.getConnection} under {@code Ledger.connection}, and 503s in the load generator's count
     * when the pool's timeout expires.
     */
    POOL_EXHAUSTION("pool-exhaustion");

    /** What the service runs with when no flag says otherwise: healthy, plus one pathology worth seeing. */
    public static final Set<Pathology> DEFAULT = EnumSet.of(FRAUD_HOG);

    private final String flag;

    Pathology(String flag) {
        this.flag = flag;
    }

    public String flag() {
        return flag;
    }

    /** A flag name as given on the command line ({@code fraud-hog}, {@code FRAUD_HOG} and {@code fraudhog} alike). */
    public static Pathology byFlag(String name) {
        String wanted = normalise(name);
        for (Pathology p : values()) {
            if (normalise(p.flag).equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pathology '" + name + "' (known: " + names(EnumSet.allOf(Pathology.class))
                + ", or none)");
    }

    /** {@code a,b,c}, or {@code none} for no pathology at all (a healthy run). */
    public static Set<Pathology> parseList(String list) {
        Set<Pathology> set = EnumSet.noneOf(Pathology.class);
        for (String item : list.split(",")) {
            String name = item.trim();
            if (!name.isEmpty() && !name.equalsIgnoreCase("none") && !name.equalsIgnoreCase("healthy")) {
                set.add(byFlag(name));
            }
        }
        return set;
    }

    public static String names(Set<Pathology> set) {
        if (set.isEmpty()) {
            return "none";
        }
        StringBuilder names = new StringBuilder();
        for (Pathology p : set) {
            names.append(names.isEmpty() ? "" : ",").append(p.flag);
        }
        return names.toString();
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
