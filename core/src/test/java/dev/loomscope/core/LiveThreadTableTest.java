package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveThreadTableTest {

    /** Random puts and removes, compared step by step with a HashMap: backward-shift deletion must lose nothing. */
    @Test
    void behavesLikeAMapThroughGrowthShrinkAndDeletion() {
        LiveThreadTable table = new LiveThreadTable();
        Map<Long, Long> reference = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 400_000; step++) {
            // small key space so removes hit and probe runs collide; ids start at 1 as thread ids do
            long id = 1 + random.nextInt(step < 200_000 ? 50_000 : 2_000);
            if (random.nextInt(3) == 0) {
                assertEquals(reference.getOrDefault(id, -1L).longValue(), table.remove(id, -1));
                reference.remove(id);
            } else {
                long value = random.nextLong();
                table.put(id, value);
                reference.put(id, value);
            }
        }
        assertEquals(reference.size(), table.size());
        for (long id = 1; id <= 50_000; id++) {
            assertEquals(reference.getOrDefault(id, -1L).longValue(), table.get(id, -1), "id " + id);
        }
    }

    @Test
    void emptiedTableForgetsEverything() {
        LiveThreadTable table = new LiveThreadTable();
        for (long id = 1; id <= 100_000; id++) {
            table.put(id, 1);
        }
        for (long id = 1; id <= 100_000; id++) {
            assertEquals(1, table.remove(id, -1));
        }
        assertEquals(0, table.size());
        assertEquals(-1, table.get(777, -1));
    }
}
