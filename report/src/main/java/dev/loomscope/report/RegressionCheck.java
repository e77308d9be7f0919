package dev.loomscope.report;

import dev.loomscope.format.Leaks;
import dev.loomscope.format.Sites;
import dev.loomscope.report.CheckResult.Kind;
import dev.loomscope.report.CheckResult.Status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The logic of check: two dumps and the criteria in, verdicts out. No I/O, so it is tested on hand-made dumps. */
final class RegressionCheck {
    private RegressionCheck() {
    }

    /** @param notes things the reader should know that are not verdicts (incomplete recordings, nothing judged) */
    record Report(List<CheckResult> results, List<String> notes) {
        boolean failed() {
            return results.stream().anyMatch(r -> r.status() == Status.FAIL);
        }

        long count(Status status) {
            return results.stream().filter(r -> r.status() == status).count();
        }
    }

    /** @param baseline null: the current run is judged alone (budgets, pinning, leaks), nothing is compared */
    static Report run(Dump baseline, Dump current, CheckCriteria criteria) throws UnusableInputException {
        List<CheckResult> results = new ArrayList<>();
        for (String metric : baseline == null ? List.<String>of() : criteria.selection().metrics()) {
            MetricSelection.requireKnown(metric, baseline, current);
            Distribution b = Distribution.of(baseline, metric);
            Distribution c = Distribution.of(current, metric);
            for (Percentile p : criteria.selection().percentiles()) {
                results.add(regression(b, c, p, criteria));
            }
        }
        for (Budget budget : criteria.budgets()) {
            if (budget.operation() != null) {
                results.add(budget(Distribution.ofOperation(current, budget.operation(), budget.metric()), budget,
                        criteria.tail()));
                continue;
            }
            MetricSelection.requireKnown(budget.metric(), current);
            results.add(budget(Distribution.of(current, budget.metric()), budget, criteria.tail()));
        }
        if (criteria.forbidPinning()) {
            results.add(pinning(baseline, current));
        }
        if (criteria.forbidLeaks()) {
            results.add(leaks(current));
        }
        return new Report(results, notes(baseline, current, results));
    }

    private static CheckResult regression(Distribution b, Distribution c, Percentile p, CheckCriteria criteria) {
        String id = b.metric() + "." + p.name();
        BigDecimal max = criteria.thresholds().maxRegression(b.metric(), p);
        String limit = "+" + percent(max) + ", >= " + Durations.format(criteria.minDeltaNanos());
        long needed = SampleRule.minimumCount(p, criteria.tail());
        if (b.count() < needed || c.count() < needed) {
            return new CheckResult(Kind.REGRESSION, id, Status.SKIP, samples(b), samples(c), "", limit,
                    "too few samples: " + p.name() + " needs " + needed + " per run, baseline has " + b.count()
                            + ", current " + c.count());
        }
        long bv = b.valueAt(p);
        long cv = c.valueAt(p);
        long delta = cv - bv;
        String change = change(bv, cv);
        BigDecimal allowed = BigDecimal.valueOf(bv).multiply(BigDecimal.ONE.add(max));
        boolean relative = BigDecimal.valueOf(cv).compareTo(allowed) > 0;
        boolean absolute = delta >= criteria.minDeltaNanos();
        String values = Durations.format(cv) + " vs " + Durations.format(bv) + " baseline (" + change + ", "
                + Durations.formatDelta(delta) + ")";
        if (relative && absolute) {
            return new CheckResult(Kind.REGRESSION, id, Status.FAIL, Durations.format(bv), Durations.format(cv), change,
                    limit, id + " regressed: " + values + "; limit +" + percent(max) + " and at least "
                            + Durations.format(criteria.minDeltaNanos()));
        }
        String why = relative ? "; above +" + percent(max) + " but less than the "
                + Durations.format(criteria.minDeltaNanos()) + " floor" : "";
        return new CheckResult(Kind.REGRESSION, id, Status.PASS, Durations.format(bv), Durations.format(cv), change,
                limit, id + ": " + values + why);
    }

    private static CheckResult budget(Distribution c, Budget budget, int tail) {
        String limit = "<= " + Durations.format(budget.limitNanos());
        long needed = SampleRule.minimumCount(budget.percentile(), tail);
        if (c.count() < needed) {
            return new CheckResult(Kind.BUDGET, budget.id(), Status.SKIP, "", samples(c), "", limit,
                    "too few samples: " + budget.percentile().name() + " needs " + needed + ", current has "
                            + c.count());
        }
        long cv = c.valueAt(budget.percentile());
        boolean over = cv > budget.limitNanos();
        return new CheckResult(Kind.BUDGET, budget.id(), over ? Status.FAIL : Status.PASS, "", Durations.format(cv),
                "", limit, budget.id() + " is " + Durations.format(cv) + (over ? ", over its budget of " : ", within ")
                + Durations.format(budget.limitNanos()));
    }

    private static CheckResult pinning(Dump baseline, Dump current) {
        String before = baseline == null ? "" : baseline.model().counts().pinnedBlocks() + " pinned";
        long now = current.model().counts().pinnedBlocks();
        if (now == 0) {
            return new CheckResult(Kind.PINNING, "pinning", Status.PASS, before, "0 pinned", "", "none",
                    "no pinned blocks");
        }
        Sites sites = current.model().sites();
        String where = sites == null || sites.pinned() == null ? "" : topFrame(sites.pinned(), Sites.Site::frames);
        return new CheckResult(Kind.PINNING, "pinning", Status.FAIL, before, now + " pinned", "", "none",
                now + " pinned blocks (a virtual thread parked while holding its carrier)"
                        + (where.isEmpty() ? "" : "; most time pinned at " + where));
    }

    private static CheckResult leaks(Dump current) {
        Leaks leaks = current.model().leaks();
        if (leaks == null) {
            return new CheckResult(Kind.LEAKS, "leaks", Status.SKIP, "", "", "", "none",
                    "the current dump has no leak data (\"leaks\"): written by an older agent?");
        }
        long threads = leaks.threads();
        String threshold = Durations.format(leaks.thresholdNs());
        if (threads == 0) {
            return new CheckResult(Kind.LEAKS, "leaks", Status.PASS, "", "0 leaked", "", "none",
                    "no virtual thread blocked for " + threshold + " or longer at the dump");
        }
        String where = leaks.clusters() == null ? "" : topFrame(leaks.clusters(), Leaks.Cluster::frames);
        return new CheckResult(Kind.LEAKS, "leaks", Status.FAIL, "", threads + " leaked", "", "none",
                threads + " virtual threads blocked for " + threshold + " or longer at the dump"
                        + (where.isEmpty() ? "" : "; largest group at " + where));
    }

    /** The first frame of the first entry of a site or cluster list, or empty. */
    private static <T> String topFrame(List<T> list, Function<T, List<String>> frames) {
        List<String> first = list.isEmpty() ? null : frames.apply(list.get(0));
        return first == null || first.isEmpty() ? "" : first.get(0);
    }

    private static List<String> notes(Dump baseline, Dump current, List<CheckResult> results) {
        List<String> notes = new ArrayList<>();
        for (Dump dump : baseline == null ? new Dump[]{current} : new Dump[]{baseline, current}) {
            long dropped = dump.model().counts().dropped();
            if (dropped > 0) {
                notes.add((dump == baseline ? "baseline" : "current") + " lost " + dropped
                        + " records (counts.dropped): its distributions miss samples");
            }
            String shed = SheddingNote.summary(dump.model());
            if (shed != null) {
                notes.add((dump == baseline ? "baseline" : "current") + ": " + shed + " (recorder.shedding): its"
                        + " distributions are those of the threads followed, judged as usual, with the shed windows"
                        + " weighing less in them");
            }
        }
        boolean compared = results.stream().anyMatch(r -> r.kind() == Kind.REGRESSION && r.status() != Status.SKIP);
        boolean anyRegression = results.stream().anyMatch(r -> r.kind() == Kind.REGRESSION);
        if (anyRegression && !compared) {
            notes.add("no percentile had enough samples to be judged: nothing was compared with the baseline");
        }
        return notes;
    }

    private static String samples(Distribution d) {
        return d.count() + " samples";
    }

    /** A fraction as a percentage without needless digits: 0.2 → {@code 20%}, 0.125 → {@code 12.5%}. */
    static String percent(BigDecimal fraction) {
        return fraction.movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** The relative change, {@code +453.6%}; {@code new} from a zero baseline. */
    static String change(long before, long after) {
        if (before == 0) {
            return after == 0 ? "+0%" : "new";
        }
        double pct = (after - before) * 100.0 / before;
        return String.format(Locale.ROOT, "%+.1f%%", pct);
    }
}
