package dev.loomscope.report;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThresholdsTest {
    private static final Percentile P50 = Percentile.parse("p50");
    private static final Percentile P99 = Percentile.parse("p99");
    private static final Percentile P999 = Percentile.parse("p999");

    @Test
    void defaultsAreTwentyPercentAndThirtyForP999() {
        Thresholds t = Thresholds.defaults();
        assertEquals(0, new BigDecimal("0.2").compareTo(t.maxRegression("wakeToRun", P50)));
        assertEquals(0, new BigDecimal("0.2").compareTo(t.maxRegression("wakeToRun", P99)));
        assertEquals(0, new BigDecimal("0.3").compareTo(t.maxRegression("wakeToRun", P999)));
        assertEquals(0, new BigDecimal("0.2").compareTo(t.maxRegression("blocked", Percentile.parse("p90"))));
    }

    @Test
    void theMostSpecificEntryWinsAndTheRestKeepTheDefaults() {
        Thresholds t = Thresholds.parse("p99=50%,wakeToRun.p99=80%,blockedByKind.sleep.p50=5%");
        assertEquals(0, new BigDecimal("0.8").compareTo(t.maxRegression("wakeToRun", P99)));
        assertEquals(0, new BigDecimal("0.5").compareTo(t.maxRegression("blocked", P99)));
        assertEquals(0, new BigDecimal("0.05").compareTo(t.maxRegression("blockedByKind.sleep", P50)));
        assertEquals(0, new BigDecimal("0.2").compareTo(t.maxRegression("blocked", P50)), "default");
        assertEquals(0, new BigDecimal("0.3").compareTo(t.maxRegression("blocked", P999)), "default");
    }

    @Test
    void aBarePercentageIsEveryPercentileEvenP999() {
        Thresholds t = Thresholds.parse("25%,p50=10");
        assertEquals(0, new BigDecimal("0.25").compareTo(t.maxRegression("wakeToRun", P999)));
        assertEquals(0, new BigDecimal("0.25").compareTo(t.maxRegression("wakeToRun", P99)));
        assertEquals(0, new BigDecimal("0.1").compareTo(t.maxRegression("wakeToRun", P50)), "a number alone is %");
    }

    @Test
    void badRegressionLimitsAreRefused() {
        for (String bad : new String[]{"p99=lots", "x=5%", ".p99=5%", "-5%", "p99=-1%", "wakeToRun=5%"}) {
            assertThrows(IllegalArgumentException.class, () -> Thresholds.parse(bad), bad);
        }
    }

    @Test
    void budgetsAreMetricPercentileAndDuration() {
        List<Budget> budgets = Budget.parseAll("wakeToRun.p99=5ms, blockedByKind.sleep.p50=1.5ms");
        assertEquals(List.of(new Budget("wakeToRun", P99, 5_000_000),
                new Budget("blockedByKind.sleep", P50, 1_500_000)), budgets);
        assertEquals("blockedByKind.sleep.p50", budgets.get(1).id());
        assertEquals(List.of(), Budget.parseAll(""));
        for (String bad : new String[]{"wakeToRun=5ms", "wakeToRun.p99=5", "p99=5ms", "wakeToRun.p99", ".p99=1ms"}) {
            assertThrows(IllegalArgumentException.class, () -> Budget.parseAll(bad), bad);
        }
    }

    /** An operation's budget: the name in brackets may hold commas, dots and equals signs. */
    @Test
    void operationBudgetsParseWithAnyNameInBrackets() {
        assertEquals(List.of(new Budget("GET /a,b=c.d", "wakeToRun", P99, 20_000_000),
                        new Budget(null, "blocked", P50, 1_000_000)),
                Budget.parseAll("op[GET /a,b=c.d].wakeToRun.p99=20ms,blocked.p50=1ms"));
        assertEquals("op[GET /a,b=c.d].wakeToRun.p99", Budget.parseAll("op[GET /a,b=c.d].wakeToRun.p99=20ms")
                .get(0).id());
        assertThrows(IllegalArgumentException.class, () -> Budget.parseAll("op[x].startDelay.p99=1ms"),
                "an operation has no start delay");
        assertThrows(IllegalArgumentException.class, () -> Budget.parseAll("op[x.wakeToRun.p99=1ms"));
        assertThrows(IllegalArgumentException.class, () -> Budget.parseAll("op[].wakeToRun.p99=1ms"));
    }
}
