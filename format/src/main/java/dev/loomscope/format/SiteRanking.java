package dev.loomscope.format;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The order of the call-site lists of {@code sites}: the biggest total latency charged to a site first (blocked time,
 * wake-to-run time, pinned time; creations have none), then the most sampled events. The agent ranks its sites by it
 * before it writes them, and {@code report merge} ranks merged sites by it, so that a list reads the same from
 * either.
 * <p>
 * The rule is stated over two numbers of an entry rather than over {@link Sites.Site} so that the agent can rank its
 * own site table before it builds records of the few it writes. Entries equal in both keep the order they are given
 * in; a caller that needs a total order (merge, whose result must not depend on the order of its inputs) adds its own
 * last key.
 */
public final class SiteRanking {
    /** The rule over the format's own entries. */
    public static final Comparator<Sites.Site> SITES = order(Sites.Site::chargedNanos, Sites.Site::count);

    private SiteRanking() {
    }

    /** Biggest {@code chargedNanos} first, then biggest {@code count}. */
    public static <T> Comparator<T> order(ToLongFunction<T> chargedNanos, ToLongFunction<T> count) {
        return Comparator.comparingLong(chargedNanos).reversed()
                .thenComparing(Comparator.comparingLong(count).reversed());
    }

    /** The first {@code limit} entries with at least one event, in {@link #order}. */
    public static <T> List<T> top(Collection<T> entries, ToLongFunction<T> chargedNanos, ToLongFunction<T> count,
                                  int limit) {
        return entries.stream().filter(e -> count.applyAsLong(e) > 0).sorted(order(chargedNanos, count))
                .limit(limit).toList();
    }
}
