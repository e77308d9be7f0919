package dev.loomscope.examples.payments;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Scores a payment for fraud. The rules are cheap: the amount against the largest of the merchant's recent payments
 * (both in EUR) and a few flags. With {@link Pathology#FRAUD_HOG} large payments are also scored by a "deep model" run inline
 * on the request's virtual thread: {@code rounds} chained SHA-256 hashes over the payment's features, a fixed amount
 * of CPU work (tens of milliseconds: the startup line says how many) during which the thread never blocks, so it keeps its carrier the whole time.
 */
public final class FraudCheck {
    /** Payments from this amount (in cents, any currency) get the deep model when it is on. */
    public static final long DEEP_FROM_CENTS = 100_000;

    public record Verdict(int score, boolean decline) {
    }

    private final boolean deepModel;
    private final int rounds;

    /** @param rounds SHA-256 rounds of the deep model ({@link #calibrate} finds them for a CPU time) */

    public FraudCheck(boolean deepModel, int rounds) {
        this.deepModel = deepModel;
        this.rounds = rounds;
    }

    public Verdict assess(Payments.Request r, double amountEur, double largestRecentEur) {
        int score = 0;
        if (largestRecentEur > 0 && amountEur > 5 * largestRecentEur) {
            score += 40;
        }
        if (amountEur > 1_500) {
            score += 20;
        }
        if (!r.currency().equals("EUR")) {
            score += 5;
        }
        if (deepModel && r.amountCents() >= DEEP_FROM_CENTS) {
            score = Math.max(score, deepScore(r, rounds));
        }
        return new Verdict(score, score >= 95);
    }

    /** The CPU-heavy model: 0–99, about 5 % of payments at 95 or more. */
    static int deepScore(Payments.Request r, int rounds) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] state = (r.payer() + '|' + r.merchant() + '|' + r.amountCents() + '|' + r.currency())
                .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < rounds; i++) {
            sha.update(state);
            state = sha.digest();
        }
        return Math.floorMod(ByteBuffer.wrap(state).getInt(), 100);
    }

    /**
     * The rounds that make one deep score take about {@code targetMillis} of CPU on this machine once the JIT has
     * compiled it (SHA-256 runs some 40 times faster compiled, with its intrinsics, than interpreted, so the cost is
     * measured after a warm-up, and the fastest of a few measurements is taken).
     */
    public static int calibrate(double targetMillis) {
        Payments.Request sample = new Payments.Request("acct-0", "m-0", DEEP_FROM_CENTS, "EUR");
        int probe = 20_000;
        for (int i = 0; i < 40; i++) {
            deepScore(sample, probe);
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            deepScore(sample, probe);
            best = Math.min(best, System.nanoTime() - start);
        }
        double nanosPerRound = Math.max(1.0, (double) best / probe);
        return (int) Math.max(1_000, Math.min(100_000_000, targetMillis * 1e6 / nanosPerRound));
    }

    /** Milliseconds one deep score of {@code rounds} takes now (compiled), for the startup line. */
    public static double measureMillis(int rounds) {
        Payments.Request sample = new Payments.Request("acct-0", "m-0", DEEP_FROM_CENTS, "EUR");
        long start = System.nanoTime();
        deepScore(sample, rounds);
        return (System.nanoTime() - start) / 1e6;
    }
}
