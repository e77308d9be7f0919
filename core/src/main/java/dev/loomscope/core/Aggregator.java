package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventSink;
import dev.loomscope.bootstrap.OperationScopes;
import dev.loomscope.bootstrap.SampleRing;
import dev.loomscope.bootstrap.SitePurpose;
import dev.loomscope.bootstrap.ThreadShedding;

import java.util.Arrays;
import java.util.List;

import static dev.loomscope.core.ThreadState.BLOCKED;
import static dev.loomscope.core.ThreadState.FORGOTTEN;
import static dev.loomscope.core.ThreadState.HAS_SITES;
import static dev.loomscope.core.ThreadState.IN_OPERATION;
import static dev.loomscope.core.ThreadState.KIND_MASK;
import static dev.loomscope.core.ThreadState.KIND_SHIFT;
import static dev.loomscope.core.ThreadState.PHASE_MASK;
import static dev.loomscope.core.ThreadState.PINNED;
import static dev.loomscope.core.ThreadState.QUEUED;
import static dev.loomscope.core.ThreadState.QUEUED_FOR_START;
import static dev.loomscope.core.ThreadState.RUNNING;
import static dev.loomscope.core.ThreadState.SLEEPING;
import static dev.loomscope.core.ThreadState.TIMED;
import static dev.loomscope.core.ThreadState.TRACKED;
import static dev.loomscope.core.ThreadState.YIELDED;
import static dev.loomscope.core.ThreadState.blockKindOf;
import static dev.loomscope.core.ThreadState.stateOf;
import static dev.loomscope.core.ThreadState.timeOf;
import static dev.loomscope.core.ThreadState.withPhase;

/**
 * Turns the drained event stream into counts, latency distributions, heatmaps and carrier statistics, following each
 * live virtual thread through a small state machine: the transitions are here, what they measure is kept by
 * {@link TransitionMetrics}, sampled sites by {@link SiteAttribution}, long slices by {@link LongSlices}, and the
 * per-thread state has the layout of {@link ThreadState}.
 * <p>
 * The stream of one virtual thread arrives in the order its transitions happened (the recorder stripes by thread id),
 * but it may be incomplete: records can be dropped when a ring is full, and after a late attach the first records of
 * a thread that was already parked come without its creation. Every transition therefore tolerates an unexpected
 * previous state instead of trusting it, and a latency is only measured between two records that were both seen.
 * <p>
 * While the recorder sheds threads ({@link ThreadShedding}), a thread's records stop and resume as it is set aside
 * and followed again. Before a record of a thread is applied, its history since its last transition is checked
 * ({@link SheddingHistory#unbroken}); if a transition may have gone unrecorded in between, what the aggregator knew
 * of the thread is forgotten ({@link #forget}) and its history restarts at that record: no latency ever spans a gap.
 * The thread stays in the live table all the while, so created, ended and live stay exact.
 * <p>
 * Drain thread only; {@link #snapshot} must be called under the same external lock the drain holds.
 */
final class Aggregator implements EventSink {
    private static final long ABSENT = -1L;

    /** Per live virtual thread, its state ({@link ThreadState}). */
    private final LiveThreadTable live = new LiveThreadTable();
    /** Start of the current pinned block, for threads pinned now (few at a time). */
    private final LiveThreadTable pinnedSince = new LiveThreadTable();
    /** Deadline (relative to the origin) of the current timed park or wait, for threads in one now. */
    private final LiveThreadTable timedBlockDeadline = new LiveThreadTable();
    /** Per virtual thread mounted now (as few entries as carriers): its slice ({@link MountedSlice}). */
    private final LiveThreadTable carrierOfMounted = new LiveThreadTable();
    private final CarrierTable carriers = new CarrierTable();
    private final SiteTable sites = new SiteTable();
    private final SiteAttribution siteAttribution;
    private final LongSlices longSlices;
    private final LeakClusters leakClusters;
    private final TransitionMetrics metrics;
    /** The application's operations and what their threads did. */
    private final OperationMetrics operations;
    /** The recorder's followed threads and the aggregator's history of its levels. */
    private final ThreadShedding shedding;
    private final SheddingHistory sheddingHistory;
    private final ClockConversion clock;
    private final long firstObservableThreadId;
    private final long originNanoTime;
    private final long originEpochNanos;

    /**
     * @param firstObservableThreadId thread ids are handed out in increasing order; a thread id at or above this was
     *                                allocated after the agent started, so it cannot predate the recording even if
     *                                its CREATE record was lost
     * @param originNanoTime          a {@link System#nanoTime()} before any record (timestamps are stored relative)
     * @param originEpochNanos        wall-clock time at {@code originNanoTime}, to align heatmap windows on epoch time
     * @param windowNanos             heatmap window length
     * @param fineWindows             windows kept at full resolution before downsampling
     * @param longSliceNanos          run slices at least this long are reported as long slices
     * @param samples                 where sampled stacks come from, or null when sampling is off
     * @param leakThresholdNanos      blocked at least this long at a dump: reported in leak clusters
     * @param stackDepth              frames kept of stacks the drain walks itself (long slices)
     * @param clock                   turns the records' timestamps into {@code nanoTime} nanoseconds
     */
    Aggregator(long firstObservableThreadId, long originNanoTime, long originEpochNanos, long windowNanos,
               int fineWindows, long longSliceNanos, SampleRing samples, long leakThresholdNanos, int stackDepth,
               ClockConversion clock) {
        this(firstObservableThreadId, originNanoTime, originEpochNanos, windowNanos, fineWindows, longSliceNanos,
                samples, leakThresholdNanos, stackDepth, clock, new OperationMetrics(), new ThreadShedding());
    }

    /** @param operations where the operations' names and trace ids come from (tests name their own) */
    Aggregator(long firstObservableThreadId, long originNanoTime, long originEpochNanos, long windowNanos,
               int fineWindows, long longSliceNanos, SampleRing samples, long leakThresholdNanos, int stackDepth,
               ClockConversion clock, OperationMetrics operations) {
        this(firstObservableThreadId, originNanoTime, originEpochNanos, windowNanos, fineWindows, longSliceNanos,
                samples, leakThresholdNanos, stackDepth, clock, operations, new ThreadShedding());
    }

    /** @param shedding which threads the recorder follows (tests shed their own) */
    Aggregator(long firstObservableThreadId, long originNanoTime, long originEpochNanos, long windowNanos,
               int fineWindows, long longSliceNanos, SampleRing samples, long leakThresholdNanos, int stackDepth,
               ClockConversion clock, ThreadShedding shedding) {
        this(firstObservableThreadId, originNanoTime, originEpochNanos, windowNanos, fineWindows, longSliceNanos,
                samples, leakThresholdNanos, stackDepth, clock, new OperationMetrics(), shedding);
    }

    /**
     * @param operations where the operations' names and trace ids come from
     * @param shedding   which threads the recorder follows ({@link dev.loomscope.bootstrap.Recorder#shedding()}); read
     *                   for every record, lowered by the drain
     */
    Aggregator(long firstObservableThreadId, long originNanoTime, long originEpochNanos, long windowNanos,
               int fineWindows, long longSliceNanos, SampleRing samples, long leakThresholdNanos, int stackDepth,
               ClockConversion clock, OperationMetrics operations, ThreadShedding shedding) {
        this.clock = clock;
        this.shedding = shedding;
        this.sheddingHistory = new SheddingHistory(shedding, windowNanos, fineWindows, originNanoTime,
                originEpochNanos);
        this.firstObservableThreadId = firstObservableThreadId;
        this.originNanoTime = originNanoTime;
        this.originEpochNanos = originEpochNanos;
        this.metrics = new TransitionMetrics(windowNanos, fineWindows);
        this.siteAttribution = new SiteAttribution(sites, samples);
        this.longSlices = new LongSlices(longSliceNanos, stackDepth, sites, carriers, carrierOfMounted,
                this::epochNanos, sheddingHistory);
        this.leakClusters = new LeakClusters(leakThresholdNanos);
        this.operations = operations;
    }

    /**
     * What one record does to the aggregator, by {@link EventKind}: a table of one small object per kind rather than
     * a {@code switch}. The call through the table reaches several classes, so the JIT compiles each transition on
     * its own instead of inlining all of them into one method, which grew too large to compile cheaply and was
     * compiled again whenever a rare branch (a table resize, a new heatmap window) was first taken.
     * <p>
     * The frequent kinds are classes whose {@code apply} holds the transition itself ({@link OnMount} and the like):
     * behind a method reference the JIT compiled each handler twice, once on its own (hot while the lambda was still
     * interpreted) and once inlined into the lambda. The decision and its measurements: docs/design.md, "The
     * transitions are a table of classes".
     */
    @FunctionalInterface
    private interface Transition {
        void apply(long timestampNanos, long threadId, long arg);
    }

    private final Transition[] transitionByKind = transitions();

    private Transition[] transitions() {
        Transition[] byKind = new Transition[EventKind.COUNT];
        Arrays.fill(byKind, (Transition) (ts, threadId, arg) -> { });
        byKind[EventKind.CREATE] = new OnCreate();
        byKind[EventKind.MOUNT] = new OnMount();
        byKind[EventKind.BLOCK] = new OnBlock();
        byKind[EventKind.SUBMIT] = new OnSubmit();
        byKind[EventKind.END] = new OnEnd();
        byKind[EventKind.SUBMIT_FAILED] = (ts, threadId, arg) -> metrics.submitFailed++;
        byKind[EventKind.PINNED_BLOCK] = this::onPinnedBlock;
        byKind[EventKind.PINNED_UNBLOCK] = (ts, threadId, arg) -> onPinnedUnblock(ts, threadId);
        byKind[EventKind.SLEEP_BEGIN] = (ts, threadId, arg) -> replaceState(threadId, ts, 0, SLEEPING, RUNNING);
        byKind[EventKind.SLEEP_END] = (ts, threadId, arg) -> replaceState(threadId, ts, SLEEPING, 0, RUNNING);
        byKind[EventKind.CARRIER_START] = (ts, threadId, carrierId) -> {
            metrics.carriersStarted++;
            carriers.column(carrierId);
        };
        byKind[EventKind.CARRIER_EXIT] = (ts, threadId, carrierId) -> metrics.carriersExited++;
        byKind[EventKind.CARRIER_IDLE] = (ts, threadId, carrierId) -> {
            metrics.carrierIdlePeriods++;
            carriers.stats(carriers.column(carrierId)).idleBegins(ts);
        };
        byKind[EventKind.CARRIER_ACTIVE] = (ts, threadId, carrierId) ->
                carriers.stats(carriers.column(carrierId)).idleEnds(ts);
        byKind[EventKind.SAMPLE] = (ts, threadId, arg) -> onSample(ts, threadId, arg);
        byKind[EventKind.OPERATION] = (ts, threadId, arg) -> onOperation(ts, threadId, arg);
        return byKind;
    }

    /** @param timestamp the recorder's clock reading, converted here ({@link ClockConversion}) */
    @Override
    public void accept(long timestamp, int kind, long threadId, long arg) {
        metrics.events++;
        // read after the record: a raise that made this thread skip a transition is visible by now
        long word = shedding.word();
        if (word != sheddingHistory.knownWord()) {
            sheddingHistory.observe(word);
        }
        if (kind >= 0 && kind < transitionByKind.length) {
            transitionByKind[kind].apply(clock.toNanos(timestamp), threadId, arg);
        }
    }

    /** A created thread enters the live table, queued for its first mount. */
    private final class OnCreate implements Transition {
        @Override
        public void apply(long ts, long threadId, long creatorId) {
            metrics.created++;
            live.put(threadId, pack(QUEUED_FOR_START | TRACKED, ts));
            metrics.createHeatmap.add(epochNanos(ts), columnOfActor(creatorId));
        }
    }

    /** The first mount of a created thread is its start; a mount after a wake ends the wake-to-run latency. */
    private final class OnMount implements Transition {
        @Override
        public void apply(long ts, long threadId, long carrierId) {
            metrics.mounts++;
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : continued(threadId, slot, live.valueAt(slot), ts);
            int column = carriers.column(carrierId);
            CarrierTable.CarrierStats carrier = carriers.stats(column);
            carrier.mounted(threadId, ts);
            carrierOfMounted.put(threadId, MountedSlice.on(column));
            metrics.mountHeatmap.add(epochNanos(ts), column);
            int state = value == ABSENT ? 0 : stateOf(value);
            int phase = state & PHASE_MASK;
            if (phase == QUEUED_FOR_START) {
                metrics.started++;
                long delay = elapsedSince(value, ts);
                metrics.startDelay.record(delay);
                metrics.startDelayHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(delay));
            } else if (phase == QUEUED && timeOf(value) > 0
                    && blockKindOf(state) != BlockKind.YIELD) { // a yield's re-queue is not a wake
                long latency = elapsedSince(value, ts);
                metrics.wakeToRun.record(latency);
                metrics.wakeToRunHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(latency));
                if ((state & HAS_SITES) != 0) {
                    siteAttribution.wokenThreadRan(threadId, latency);
                }
                if ((state & IN_OPERATION) != 0) {
                    operations.wokeToRun(threadId, latency, epochNanos(ts) - latency);
                }
            }
            if ((state & TIMED) != 0) {
                timedBlockDeadline.remove(threadId, ABSENT); // its SUBMIT was dropped
            }
            store(threadId, slot, pack((state & ~(PHASE_MASK | KIND_MASK | TIMED)) | RUNNING, ts));
        }
    }

    /**
     * Writes a thread's value through the slot found earlier in the same event ({@link LiveThreadTable#slotOf}),
     * or inserts it ({@link #firstSeen}). The side tables touched in between are other tables, so the slot is still
     * valid.
     */
    private void store(long threadId, int slot, long value) {
        if (slot >= 0) {
            live.setValueAt(slot, value);
        } else {
            live.put(threadId, ThreadState.withState(value, stateOf(value) | firstSeen(threadId)));
        }
    }

    /**
     * The state bits of a thread first seen by a record other than its creation: {@link ThreadState#TRACKED} if it was
     * created during the recording, so that its end counts in {@code ended} (its creation was counted rather than
     * recorded while it was shed, or dropped), as the end of a thread never seen at all does ({@link OnEnd}); nothing
     * for a thread that predates a late attach.
     */
    private int firstSeen(long threadId) {
        return threadId >= firstObservableThreadId ? TRACKED : 0;
    }

    /**
     * afterYield follows unmount on the same carrier: the record ends a run slice (on the carrier of the preceding
     * mount) and begins a block (or yield).
     */
    private final class OnBlock implements Transition {
        @Override
        public void apply(long ts, long threadId, long arg) {
            long timeoutNanos = arg >>> 8;
            int blockKind = (int) (arg & 0xFF);
            metrics.unmounts++;
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : continued(threadId, slot, live.valueAt(slot), ts);
            int state = value == ABSENT ? 0 : stateOf(value);
            long mounted = carrierOfMounted.remove(threadId, CarrierTable.OTHER);
            int column = MountedSlice.column(mounted);
            endSlice(ts, threadId, value, state, mounted);
            state &= ~TIMED;
            if (blockKind == BlockKind.YIELD) {
                metrics.yields++;
                store(threadId, slot, pack(withPhase(state, YIELDED), ts));
                return;
            }
            if (blockKind == BlockKind.TIMED_PARK && (state & SLEEPING) != 0) {
                blockKind = BlockKind.SLEEP;
            }
            if (blockKind < 0 || blockKind >= BlockKind.COUNT) {
                blockKind = BlockKind.UNKNOWN;
            }
            metrics.blocks++;
            metrics.blocksByKind[blockKind]++;
            metrics.blockHeatmap.add(epochNanos(ts), column);
            if ((state & HAS_SITES) != 0) {
                siteAttribution.blockBegan(threadId, blockKind);
            }
            if ((state & IN_OPERATION) != 0) {
                operations.blockBegan(threadId, blockKind);
            }
            if (timeoutNanos > 0) {
                timedBlockDeadline.put(threadId, ts - originNanoTime + timeoutNanos);
                state |= TIMED;
            }
            store(threadId, slot, pack((withPhase(state, BLOCKED) & ~KIND_MASK) | blockKind << KIND_SHIFT, ts));
        }
    }

    /**
     * @param mounted the thread's {@link #carrierOfMounted} entry: the carrier the slice ran on
     *                ({@link CarrierTable#OTHER} if its mount was not seen) and the slice's walked site
     */
    private void endSlice(long ts, long threadId, long value, int state, long mounted) {
        int column = MountedSlice.column(mounted);
        CarrierTable.CarrierStats carrier = carriers.stats(column);
        carrier.unmounted(threadId);
        if ((state & PHASE_MASK) != RUNNING || column == CarrierTable.OTHER) {
            return; // mount not seen (dropped, or before a late attach): no slice length
        }
        long slice = elapsedSince(value, ts);
        metrics.runSlice.record(slice);
        metrics.runSliceHeatmap.add(epochNanos(ts), LogLatencyBuckets.index(slice));
        carrier.sliceEnded(slice);
        longSlices.sliceEnded(threadId, carrier.threadId, ts, slice, MountedSlice.site(mounted));
        if ((state & IN_OPERATION) != 0) {
            operations.sliceEnded(threadId, slice, epochNanos(ts) - slice, slice >= longSlices.thresholdNanos(),
                    MountedSlice.site(mounted));
        }
    }

    /**
     * A submit re-queues a blocked or yielded thread (a wake). The JDK's submit methods call each other, so one wake
     * can produce several SUBMIT records: only the first one after a block counts.
     * <p>
     * A timed block ends at the earlier of its wake and its deadline: on JDK 25 the task that wakes a sleeper runs on
     * a carrier itself, so when carriers are busy the SUBMIT comes late, and that delay is scheduler latency
     * (wake-to-run), not blocked time.
     */
    private final class OnSubmit implements Transition {
        @Override
        public void apply(long ts, long threadId, long wakerId) {
            int slot = live.slotOf(threadId);
            long value = slot < 0 ? ABSENT : continued(threadId, slot, live.valueAt(slot), ts);
            if (value == ABSENT || (stateOf(value) & PHASE_MASK) == 0) {
                metrics.wakes++; // parked before a late attach: its block was not seen, its wake is real
                metrics.wakeHeatmap.add(epochNanos(ts), columnOfActor(wakerId));
                store(threadId, slot, pack(QUEUED | (value == ABSENT ? 0 : stateOf(value)), ts));
                return;
            }
            int state = stateOf(value);
            int phase = state & PHASE_MASK;
            if (phase == BLOCKED) {
                metrics.wakes++;
                metrics.wakeHeatmap.add(epochNanos(ts), columnOfActor(wakerId));
                long runnableSince = ts;
                if ((state & TIMED) != 0) {
                    long deadline = timedBlockDeadline.remove(threadId, ABSENT);
                    if (deadline != ABSENT) {
                        runnableSince = Math.min(ts, deadline + originNanoTime);
                    }
                    state &= ~TIMED;
                }
                long duration = elapsedSince(value, runnableSince);
                metrics.blockedHeatmap.add(epochNanos(runnableSince), LogLatencyBuckets.index(duration));
                metrics.blockedByKind(blockKindOf(state)).record(duration);
                int site = SiteTable.NONE;
                if ((state & HAS_SITES) != 0) {
                    site = siteAttribution.blockEnded(threadId, duration);
                }
                if ((state & IN_OPERATION) != 0) {
                    operations.blockEnded(threadId, duration, epochNanos(runnableSince) - duration, site);
                }
                store(threadId, slot, pack(withPhase(state, QUEUED), runnableSince));
            } else if (phase == YIELDED) {
                int yieldQueued = (withPhase(state, QUEUED) & ~KIND_MASK) | BlockKind.YIELD << KIND_SHIFT;
                store(threadId, slot, pack(yieldQueued, ts));
            }
            // FORGOTTEN: a wake or a yield's re-queue, which only its block would tell: counted as neither, and the
            // thread's history restarts at its next mount or block
        }
    }

    /** A pinned park (the advice on {@code parkOnCarrierThread}): the carrier parks with the thread. */
    private void onPinnedBlock(long ts, long threadId, long carrierId) {
        int state = replaceState(threadId, ts, PHASE_MASK, PINNED, 0);
        metrics.blocks++;
        metrics.pinnedBlocks++;
        metrics.blocksByKind[BlockKind.PINNED]++;
        metrics.pinnedByKind[PinnedKind.PARK]++;
        metrics.blockHeatmap.add(epochNanos(ts), carriers.column(carrierId));
        pinnedSince.put(threadId, ts - originNanoTime);
        if ((state & HAS_SITES) != 0) {
            siteAttribution.pinnedParkBegan(threadId);
        }
        if ((state & IN_OPERATION) != 0) {
            operations.pinnedBlock(threadId);
        }
    }

    private void onPinnedUnblock(long ts, long threadId) {
        int state = replaceState(threadId, ts, PHASE_MASK, RUNNING, 0);
        long since = pinnedSince.remove(threadId, ABSENT);
        if (since != ABSENT) {
            long duration = ts - originNanoTime - since;
            metrics.pinnedBlocked.record(duration);
            metrics.blockedByKind(BlockKind.PINNED).record(duration);
            metrics.pinnedBlockedByKind(PinnedKind.PARK).record(duration);
            if ((state & HAS_SITES) != 0) {
                siteAttribution.pinnedBlockEnded(threadId, duration);
            }
        }
    }

    /**
     * A pinned block the JVM performed itself and reported once it ended ({@link JfrPinnedBlocks}: a monitor enter,
     * an {@code Object.wait}, a wait for a class's initialisation): counted and measured whole, in the window it
     * began and the column of its carrier, and charged to its stack. It changes nothing of the thread's state: it
     * arrives a second or so late, after records of the thread's that came later.
     *
     * @param pinnedKind      {@link PinnedKind}
     * @param startEpochNanos when it began, nanoseconds since the epoch
     * @param frames          its stack as reported, innermost first; empty if none
     */
    void reportedPinnedBlock(long threadId, long carrierId, int pinnedKind, long startEpochNanos,
                             long durationNanos, List<String> frames) {
        metrics.blocks++;
        metrics.pinnedBlocks++;
        metrics.blocksByKind[BlockKind.PINNED]++;
        metrics.pinnedByKind[pinnedKind]++;
        metrics.blockHeatmap.add(startEpochNanos, carriers.column(carrierId));
        metrics.pinnedBlocked.record(durationNanos);
        metrics.blockedByKind(BlockKind.PINNED).record(durationNanos);
        metrics.pinnedBlockedByKind(pinnedKind).record(durationNanos);
        if (!frames.isEmpty()) {
            siteAttribution.reportedPinnedBlock(frames, pinnedKind, durationNanos);
        }
        if (operations.threadsInOperations() > 0) {
            operations.pinnedBlock(threadId); // its operation now: the report comes a second or so late
        }
    }

    /** afterDone follows the last unmount, except after a failed start, which never mounted. */
    private final class OnEnd implements Transition {
        @Override
        public void apply(long ts, long threadId, long unused) {
            long value = live.remove(threadId, ABSENT);
            if (value != ABSENT && timeOf(value) < sheddingHistory.uncheckedFromSinceOrigin
                    && !sheddingHistory.unbroken(threadId, timeOf(value) + originNanoTime, ts)) {
                value = forget(threadId, value, ts); // no slice from a mount before a gap
            }
            int state = value == ABSENT ? 0 : stateOf(value);
            if (value == ABSENT || (state & PHASE_MASK) != QUEUED_FOR_START) {
                metrics.unmounts++;
                long mounted = carrierOfMounted.remove(threadId, CarrierTable.OTHER);
                if (value != ABSENT) {
                    endSlice(ts, threadId, value, state, mounted);
                }
            }
            pinnedSince.remove(threadId, ABSENT);
            if ((state & TIMED) != 0) {
                timedBlockDeadline.remove(threadId, ABSENT);
            }
            if ((state & HAS_SITES) != 0) {
                siteAttribution.threadEnded(threadId);
            }
            if ((state & IN_OPERATION) != 0) {
                operations.threadEnded(threadId);
            }
            boolean tracked = value != ABSENT ? (state & TRACKED) != 0 : threadId >= firstObservableThreadId;
            if (tracked) {
                metrics.ended++;
            } else {
                metrics.preexistingEnded++;
            }
        }
    }

    /**
     * The heatmap column for something {@code threadId} did: its own if it is a carrier, its carrier's if it is a
     * virtual thread mounted now (as far as the records drained so far tell), {@link CarrierTable#OTHER} otherwise.
     */
    private int columnOfActor(long threadId) {
        int column = carriers.columnIfCarrier(threadId);
        return column >= 0 ? column : MountedSlice.column(carrierOfMounted.get(threadId, CarrierTable.OTHER));
    }

    /** A sampled stack: charged by {@link SiteAttribution}, which may keep it for the thread's next records. */
    private void onSample(long ts, long threadId, long arg) {
        int slot = live.slotOf(threadId);
        if (slot >= 0) {
            continued(threadId, slot, live.valueAt(slot), ts); // a gap forgets pending sites: before this one is kept
        }
        if (siteAttribution.sampled(threadId, arg)) {
            replaceState(threadId, ts, 0, HAS_SITES, 0); // absent (late attach): phase and time unknown
        }
    }

    /** The thread entered or left an operation, or was started inside one. */
    private void onOperation(long ts, long threadId, long arg) {
        int slot = live.slotOf(threadId);
        long value = slot < 0 ? ABSENT : continued(threadId, slot, live.valueAt(slot), ts); // a gap forgets first
        boolean running = value != ABSENT && (stateOf(value) & PHASE_MASK) == RUNNING;
        if (operations.changed(threadId, arg, running)) {
            replaceState(threadId, ts, 0, IN_OPERATION, 0); // absent (late attach): phase and time unknown
        } else if (slot >= 0) {
            replaceState(threadId, ts, IN_OPERATION, 0, 0);
        }
    }

    /**
     * The entry of a thread about to apply a record at {@code ts}: {@code value} itself, or, if a transition of the
     * thread may have gone unrecorded since the entry's time (it was shed meanwhile), the entry of a forgotten thread
     * ({@link #forget}), stored in {@code slot}. One comparison unless the recorder shed threads since that time.
     */
    private long continued(long threadId, int slot, long value, long ts) {
        long since = timeOf(value);
        if (since >= sheddingHistory.uncheckedFromSinceOrigin || since == ts - originNanoTime // checked at this record
                || sheddingHistory.unbroken(threadId, since + originNanoTime, ts)) {
            return value;
        }
        long forgotten = forget(threadId, value, ts);
        live.setValueAt(slot, forgotten);
        return forgotten;
    }

    /**
     * Drops what the aggregator knew of a thread whose history has a gap before {@code ts}: its phase and the time of
     * its last transition, a timed block's deadline, a pinned block's start, its mounted slice (and the carrier's
     * current slice, if it is the thread's), its pending sites, its operation (until its next operation record).
     * Keeps whether its creation was seen (its end is counted in {@code ended} all the same).
     *
     * @return the thread's entry from now on: {@link ThreadState#FORGOTTEN} since {@code ts}
     */
    private long forget(long threadId, long value, long ts) {
        sheddingHistory.forgot();
        int state = stateOf(value);
        if ((state & TIMED) != 0) {
            timedBlockDeadline.remove(threadId, ABSENT);
        }
        pinnedSince.remove(threadId, ABSENT);
        if ((state & HAS_SITES) != 0) {
            siteAttribution.threadEnded(threadId);
        }
        if ((state & IN_OPERATION) != 0) {
            operations.threadEnded(threadId); // an exit may have gone unrecorded: attributed again from its next record
        }
        long mounted = carrierOfMounted.remove(threadId, ABSENT);
        if (mounted != ABSENT) {
            carriers.stats(MountedSlice.column(mounted)).unmounted(threadId);
        }
        return pack((state & TRACKED) | FORGOTTEN, ts);
    }

    /**
     * Replaces state bits of a thread without touching the time of its last transition (a phase change that is not a
     * transition of its own, a flag, a marker), in one probe, after the check of its history for a record at
     * {@code ts} ({@link #continued}). A thread not in the table gets {@code absentState} with the time unknown.
     *
     * @return the thread's new state
     */
    private int replaceState(long threadId, long ts, int clear, int set, int absentState) {
        int slot = live.slotOf(threadId);
        if (slot < 0) {
            int state = absentState | set | firstSeen(threadId);
            live.put(threadId, ThreadState.timeUnknown(state));
            return state;
        }
        long value = continued(threadId, slot, live.valueAt(slot), ts);
        int state = (stateOf(value) & ~clear) | set;
        live.setValueAt(slot, ThreadState.withState(value, state));
        return state;
    }

    /** An entry of {@link #live}: {@code state} after a transition at {@code nanoTime}. */
    private long pack(int state, long nanoTime) {
        return ThreadState.pack(state, nanoTime - originNanoTime);
    }

    /** Nanoseconds from the last transition stored in {@code value} to {@code nanoTime}. */
    private long elapsedSince(long value, long nanoTime) {
        return nanoTime - originNanoTime - timeOf(value);
    }

    private long epochNanos(long nanoTime) {
        return originEpochNanos + (nanoTime - originNanoTime);
    }

    /**
     * Runs every transition once, with a long slice among them, walks a thread's stack as a long slice's is walked and
     * interns its site, so that the classes and call sites they use are loaded and linked (the histograms, the
     * heatmaps, the string concatenation that formats a frame, the handshake of a stack walk). Call it on a scratch
     * aggregator before the application starts: left to the drain's first records and first walk, that took hundreds
     * of milliseconds on a loaded machine, long enough for the first long slices to end before the drain looked at
     * them, which then had no stack.
     *
     * @param walked a thread other than the caller, alive (its stack is walked as a running slice's is)
     */
    void warmUp(Thread walked) {
        long vthread = 1;
        long carrier = 2;
        long t = originNanoTime;
        for (int round = 0; round < 2; round++, vthread++) {
            accept(t += 1_000, EventKind.CARRIER_START, 0, carrier);
            accept(t += 1_000, EventKind.CARRIER_IDLE, 0, carrier);
            accept(t += 1_000, EventKind.CREATE, vthread, carrier);
            accept(t += 1_000, EventKind.OPERATION, vthread, OperationScopes.recordArg(2, 1, OperationScopes.INHERIT));
            accept(t += 1_000, EventKind.CARRIER_ACTIVE, 0, carrier);
            accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
            accept(t += 1_000, EventKind.SAMPLE, vthread, SitePurpose.BLOCK);
            accept(t += 1_000, EventKind.BLOCK, vthread, BlockKind.PARK);
            accept(t += 1_000, EventKind.SAMPLE, vthread, SitePurpose.WAKE);
            accept(t += 1_000, EventKind.SUBMIT, vthread, carrier);
            accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
            accept(t += 1_000, EventKind.SLEEP_BEGIN, vthread, 1_000);
            accept(t += 1_000, EventKind.BLOCK, vthread, 1_000L << 8 | BlockKind.TIMED_PARK);
            accept(t += 1_000, EventKind.SUBMIT, vthread, carrier);
            accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
            accept(t += 1_000, EventKind.SLEEP_END, vthread, 0);
            accept(t += 1_000, EventKind.PINNED_BLOCK, vthread, carrier);
            accept(t += 1_000, EventKind.PINNED_UNBLOCK, vthread, carrier);
            accept(t += 1_000, EventKind.BLOCK, vthread, BlockKind.YIELD);
            accept(t += 1_000, EventKind.SUBMIT, vthread, carrier);
            accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
            longSlices.walkRunning(t += longSlices.thresholdNanos());
            accept(t += 1_000, EventKind.OPERATION, vthread, OperationScopes.recordArg(3, 2, OperationScopes.ENTER));
            accept(t += 1_000, EventKind.OPERATION, vthread, OperationScopes.recordArg(2, 1, OperationScopes.EXIT));
            accept(t += 1_000, EventKind.END, vthread, 0);
            accept(t += 1_000, EventKind.SUBMIT_FAILED, vthread, 0);
            accept(t += 1_000, EventKind.CARRIER_EXIT, 0, carrier);
        }
        warmUpShedding(t, vthread, carrier);
        longSlices.walk(walked);
    }

    /**
     * A thread shed while it runs and followed again: the history's code, the check and the forgetting. Only on an
     * aggregator of its own levels ({@link ThreadShedding}), never the recorder's.
     */
    private void warmUpShedding(long t, long vthread, long carrier) {
        if (shedding == dev.loomscope.bootstrap.Recorder.shedding()) {
            return;
        }
        sheddingHistory.confirm(t, shedding.word());
        accept(t += 1_000, EventKind.CREATE, vthread, carrier);
        accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
        shedding.raiseTo(ThreadShedding.MAX_LEVEL);
        accept(t += 1_000, EventKind.BLOCK, vthread, BlockKind.PARK);
        for (long word = shedding.word(); ThreadShedding.level(word) > 0; word = shedding.word()) {
            sheddingHistory.confirm(t += 1_000, word);
            sheddingHistory.lowered(t, shedding.lower(word), t += 1_000, shedding.word());
        }
        accept(t += 1_000, EventKind.SUBMIT, vthread, carrier);
        accept(t += 1_000, EventKind.MOUNT, vthread, carrier);
        accept(t + 1_000, EventKind.END, vthread, 0);
        sheddingHistory.snapshot(t + 2_000);
    }

    /**
     * Walks the stacks of the slices that have run long so far ({@link LongSlices#walkRunning}). Called by the drain
     * thread between batches.
     */
    void walkLongRunningSlices(long nowNanoTime) {
        longSlices.walkRunning(nowNanoTime);
    }

    /**
     * What the aggregator knows now, as values; {@code droppedByKind} comes from the rings, which only the caller can
     * read.
     */
    Snapshot.Data snapshot(long[] droppedByKind, long agentErrors) {
        Counts counts = metrics.counts(droppedByKind, agentErrors, live.size());
        Snapshot.Latencies latencies = metrics.latencies();
        Snapshot.Heatmaps heatmaps = metrics.heatmaps();
        long now = System.nanoTime();
        longSlices.walkRunning(now);
        return new Snapshot.Data(counts, latencies, heatmaps, carriers.snapshot(now, sheddingHistory),
                longSlices.count(), longSlices.thresholdNanos(), longSlices.longest(now), sites.snapshot(),
                siteAttribution.samplesTaken(), siteAttribution.samplesLost(),
                leakClusters.find(live, siteAttribution, now - originNanoTime,
                        (threadId, sinceOrigin) -> sheddingHistory.unbroken(threadId, sinceOrigin + originNanoTime,
                                now)),
                leakClusters.thresholdNanos(), operations.snapshot(), sheddingHistory.snapshot(now));
    }

    /**
     * {@code count} creations of threads shed as they were created, counted by the rings instead of recorded
     * (the drain hands them over after each pass): in {@code created}, and in the create heatmap in the window of
     * {@code nanoTime}, column "other" (their creator is not known). Those threads have no entry in the live table;
     * their end, a record, counts in {@code ended} by their id, like any thread created during the recording.
     */
    void shedCreations(long count, long nanoTime) {
        metrics.created += count;
        metrics.createHeatmap.add(epochNanos(nanoTime), CarrierTable.OTHER, count);
        sheddingHistory.creationsCounted(count);
    }

    /** The history of the shed level, which the drain keeps up to date ({@link SheddingControl}). */
    SheddingHistory sheddingHistory() {
        return sheddingHistory;
    }

}
