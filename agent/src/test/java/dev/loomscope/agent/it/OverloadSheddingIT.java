package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loomscope.agent.it.workloads.Overload;
import dev.loomscope.format.HeatmapRow;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A drain that cannot keep up: one small ring, so that it fills while the drain sleeps between two quiet passes, or
 * while it waits for a CPU. The recorder must shed whole threads before the ring overflows, count creations and ends
 * exactly all the same, measure latencies only from histories it saw whole, and say when and how much it shed. The
 * workloads start and end their threads at a pace a ring holds for a tenth of a second or more even with every
 * thread shed: creations and ends are never shed.
 */
class OverloadSheddingIT {
    private static final long MS = 1_000_000;

    @TempDir
    Path dir;

    /**
     * 10,000 threads each sleeping 8 times 200 ms: about 150,000 records a second, of which a 2048-record ring holds
     * half for 7 ms, less than the drain sleeps between passes that find little to do. Every block lasts 200 ms, and
     * everything else a few milliseconds (tens on a busy machine), so a latency measured across a stretch in which a
     * thread's transitions went unrecorded (a slice from a mount to a block 200 ms later, a wake-to-run from a wake to
     * a mount one sleep later, a start delay from a creation to a mount after a sleep) would be 200 ms or more: with
     * the forgetting taken out of the aggregator, this run measured a wake-to-run of 403 ms and a start delay of 1.6 s.
     */
    @Test
    void sleepersOnATinyRingAreShedWholeAndCountedExactly() throws Exception {
        int threads = 10_000;
        int sleeps = 8;
        long sleepNanos = 200 * MS;
        JsonNode json = run("rings=1,ringCapacity=2048", "sleepers", Integer.toString(threads),
                Integer.toString(sleeps), Long.toString(sleepNanos / MS));
        LoomscopeDump dump = AgentJvm.records(json);

        assertEquals(0, dump.counts().dropped(), "shed before the ring overflowed: " + json.at("/counts"));
        assertEquals(threads, dump.counts().created());
        assertEquals(threads, dump.counts().ended());
        assertEquals(0, dump.counts().live());
        assertShedAndSaidSo(dump);

        long sleepBlocks = dump.counts().blocksByKind().get("sleep");
        assertTrue(sleepBlocks < (long) threads * sleeps, "some sleeps were shed: " + sleepBlocks);
        long measured = dump.latencies().blockedByKind().get("sleep").count();
        assertTrue(measured > threads, "most sleeps are still measured: " + measured);
        assertTrue(dump.latencies().wakeToRun().count() <= dump.counts().wakes());
        assertTrue(dump.latencies().blockedByKind().get("sleep").max() <= sleepNanos + MS,
                "a timed block ends at its deadline: " + dump.latencies().blockedByKind().get("sleep").max());
        // made of two histories, each of these would be a sleep long at least
        assertTrue(dump.latencies().wakeToRun().max() < sleepNanos / 2,
                "wakeToRun max " + dump.latencies().wakeToRun().max());
        assertTrue(dump.latencies().runSlice().max() < sleepNanos / 2,
                "runSlice max " + dump.latencies().runSlice().max());
        assertTrue(dump.latencies().startDelay().max() < sleepNanos / 2,
                "startDelay max " + dump.latencies().startDelay().max());
        assertEquals(0, dump.leaks().threads(), "a thread shed while asleep is not a leak");
    }

    /**
     * Ping-pong pairs keep both carriers busy, so the drain gets a CPU only now and then: the smallest ring there is,
     * 1024 records, fills while it waits, and its producers raise the level themselves.
     */
    @Test
    void pingPongOnTheSmallestRingShedsBeforeTheRingOverflows() throws Exception {
        int pairs = 1_000;
        int rounds = 5_000;
        JsonNode json = run("rings=1,ringCapacity=1024", "pingpong", Integer.toString(pairs),
                Integer.toString(rounds));
        LoomscopeDump dump = AgentJvm.records(json);

        assertEquals(0, dump.counts().dropped(), "shed before the ring overflowed: " + json.at("/counts"));
        assertEquals(2L * pairs, dump.counts().created());
        assertEquals(2L * pairs, dump.counts().ended());
        assertEquals(0, dump.counts().live());
        assertShedAndSaidSo(dump);
        assertTrue(dump.counts().blocksByKind().get("park") < 2L * pairs * rounds, "parks were shed");
        // the rings are past half full as pairs are still being started: some are shed as they are created, their
        // creation counted rather than recorded, and in created all the same (above)
        assertTrue(dump.recorder().shedding().creationsCounted() > 0, dump.recorder().shedding().toString());
    }

    private static void assertShedAndSaidSo(LoomscopeDump dump) {
        Recorder.Shedding shedding = dump.recorder().shedding();
        assertTrue(shedding.maxLevel() >= 1, "shed: " + shedding);
        assertTrue(shedding.episodes() >= 1);
        assertTrue(shedding.shedNs() > 0);
        assertTrue(shedding.historiesForgotten() > 0, "some shed thread was seen again");
        long micros = 0;
        for (int level = 1; level <= shedding.maxLevel(); level++) {
            micros += HeatmapRow.columnSum(shedding.windows(), level);
        }
        assertEquals(shedding.shedNs() / 1000, micros, "the windows hold the time shed, in µs");
        assertEquals(0, HeatmapRow.columnSum(shedding.windows(), 0), "level 0 is not shedding");
    }

    private JsonNode run(String rings, String... args) throws Exception {
        Path out = dir.resolve("loomscope.json");
        AgentJvm.Result result = AgentJvm.withAgent("out=" + out + ",quiet=true," + rings)
                .timeoutSeconds(180).run(Overload.class, args);
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().contains("ok " + args[0]), result.stdout());
        Matcher started = Pattern.compile("threads=(\\d+)").matcher(result.stdout());
        assertTrue(started.find(), result.stdout());
        JsonNode json = AgentJvm.readJson(out);
        assertEquals(0, json.at("/counts/agentErrors").asLong());
        assertEquals(java.util.List.of(), DumpSchema.load().violations(json));
        return json;
    }
}
