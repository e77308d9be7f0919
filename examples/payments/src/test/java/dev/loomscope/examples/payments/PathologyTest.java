package dev.loomscope.examples.payments;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PathologyTest {
    @Test
    void listsAndFlags() {
        assertEquals(EnumSet.of(Pathology.CONTENTION, Pathology.POOL_EXHAUSTION),
                Pathology.parseList("contention, pool-exhaustion"));
        assertEquals(EnumSet.noneOf(Pathology.class), Pathology.parseList("none"));
        assertEquals(Pathology.FRAUD_HOG, Pathology.byFlag("FRAUD_HOG"));
        assertThrows(IllegalArgumentException.class, () -> Pathology.parseList("slow"));
        assertEquals("fraud-hog,leak", Pathology.names(EnumSet.of(Pathology.LEAK, Pathology.FRAUD_HOG)));
    }

    @Test
    void serviceOptions() {
        assertEquals(Pathology.DEFAULT, PaymentService.Options.parse(new String[0]).pathologies());
        assertEquals(EnumSet.noneOf(Pathology.class),
                PaymentService.Options.parse(new String[] {"--healthy"}).pathologies());
        // A single flag without a list means that pathology alone (not added to the default).
        assertEquals(EnumSet.of(Pathology.PINNING), PaymentService.Options.parse(new String[] {"--pinning"}).pathologies());
        assertEquals(EnumSet.of(Pathology.LEAK, Pathology.CONTENTION),
                PaymentService.Options.parse(new String[] {"--pathologies=leak", "--contention"}).pathologies());
        assertThrows(PaymentService.UsageException.class,
                () -> PaymentService.Options.parse(new String[] {"--pool-size=0"}));
        assertThrows(PaymentService.UsageException.class, () -> PaymentService.Options.parse(new String[] {"--x"}));
    }
}
