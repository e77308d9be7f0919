package dev.loomscope.core;

import dev.loomscope.bootstrap.BlockKind;
import dev.loomscope.bootstrap.EventKind;
import dev.loomscope.bootstrap.EventSink;

/**
 * Turns the drained event stream into counts, following each live virtual thread through a small state machine.
 * <p>
 * The stream of one virtual thread arrives in the order its transitions happened (the recorder stripes by thread id),
 * but it may be incomplete: records can be dropped when a ring is full, and after a late attach the first records of
 * a thread that was already parked come without its creation. Every transition therefore tolerates an unexpected
 * previous state instead of trusting it.
 * <p>
 * Drain thread only; {@link #snapshot} must be called with the same external lock the drain holds.
 */
final class Aggregator implements EventSink {
    // Phase of a live virtual thread (low 3 bits of its table entry).
    private static final int QUEUED_FOR_START = 1;
    private static final int RUNNING = 2;
    private static final int BLOCKED = 3;
    private static final int YIELDED = 4;
    private static final int QUEUED = 5;
    private static final int PINNED = 6;
    private static final int PHASE_MASK = 0x7;
    /** Between SLEEP_BEGIN and SLEEP_END: a timed park is a sleep. */
    private static final int SLEEPING = 1 << 3;
    /** Its CREATE was recorded, so its END counts in {@code ended}. */
    private static final int TRACKED = 1 << 4;
    private static final int ABSENT = -1;

    private final LiveThreadTable live = new LiveThreadTable();
    /**
     * Thread ids are handed out in increasing order; a thread id at or above this was allocated after the agent
     * started, so the thread cannot predate the recording even if its CREATE record was lost.
     */
    private final long firstObservableThreadId;

    private long created;
    private long started;
    private long ended;
    private long preexistingEnded;
    private long blocks;
    private long pinnedBlocks;
    private long wakes;
    private long yields;
    private long mounts;
    private long unmounts;
    private long submitFailed;
    private final long[] blocksByKind = new long[BlockKind.COUNT];
    private long carriersStarted;
    private long carriersExited;
    private long carrierIdlePeriods;
    private long events;

    Aggregator(long firstObservableThreadId) {
        this.firstObservableThreadId = firstObservableThreadId;
    }

    @Override
    public void accept(long timestampNanos, int kind, long threadId, long arg) {
        events++;
        switch (kind) {
            case EventKind.CREATE -> {
                created++;
                live.put(threadId, QUEUED_FOR_START | TRACKED);
            }
            case EventKind.MOUNT -> onMount(threadId);
            case EventKind.BLOCK -> onBlock(threadId, (int) (arg & 0xFF));
            case EventKind.SUBMIT -> onSubmit(threadId);
            case EventKind.END -> onEnd(threadId);
            case EventKind.SUBMIT_FAILED -> submitFailed++;
            case EventKind.PINNED_BLOCK -> {
                blocks++;
                pinnedBlocks++;
                blocksByKind[BlockKind.PINNED]++;
                setPhase(threadId, PINNED);
            }
            case EventKind.PINNED_UNBLOCK -> setPhase(threadId, RUNNING);
            case EventKind.SLEEP_BEGIN -> setFlag(threadId, SLEEPING, true);
            case EventKind.SLEEP_END -> setFlag(threadId, SLEEPING, false);
            case EventKind.CARRIER_START -> carriersStarted++;
            case EventKind.CARRIER_EXIT -> carriersExited++;
            case EventKind.CARRIER_IDLE -> carrierIdlePeriods++;
            case EventKind.CARRIER_ACTIVE -> { }
            default -> { }
        }
    }

    /** The first mount of a created thread is its start. */
    private void onMount(long threadId) {
        mounts++;
        int state = live.get(threadId, ABSENT);
        if (state != ABSENT && (state & PHASE_MASK) == QUEUED_FOR_START) {
            started++;
        }
        live.put(threadId, withPhase(state, RUNNING));
    }

    /** afterYield follows unmount on the same carrier: the record ends a run slice and begins a block (or yield). */
    private void onBlock(long threadId, int blockKind) {
        unmounts++;
        int state = live.get(threadId, ABSENT);
        if (blockKind == BlockKind.YIELD) {
            yields++;
            live.put(threadId, withPhase(state, YIELDED));
            return;
        }
        if (blockKind == BlockKind.TIMED_PARK && state != ABSENT && (state & SLEEPING) != 0) {
            blockKind = BlockKind.SLEEP;
        }
        blocks++;
        blocksByKind[blockKind < 0 || blockKind >= BlockKind.COUNT ? BlockKind.UNKNOWN : blockKind]++;
        live.put(threadId, withPhase(state, BLOCKED));
    }

    /**
     * A submit re-queues a blocked or yielded thread (a wake), or queues a new one (its start). The JDK's submit
     * methods call each other, so one wake can produce several SUBMIT records: only the first one after a block counts.
     */
    private void onSubmit(long threadId) {
        int state = live.get(threadId, ABSENT);
        if (state == ABSENT) {
            wakes++; // parked before a late attach: its block was not seen, its wake is real
            live.put(threadId, QUEUED);
            return;
        }
        int phase = state & PHASE_MASK;
        if (phase == BLOCKED) {
            wakes++;
            live.put(threadId, withPhase(state, QUEUED));
        } else if (phase == YIELDED) {
            live.put(threadId, withPhase(state, QUEUED));
        }
    }

    /** afterDone follows the last unmount, except after a failed start, which never mounted. */
    private void onEnd(long threadId) {
        int state = live.remove(threadId, ABSENT);
        if (state == ABSENT || (state & PHASE_MASK) != QUEUED_FOR_START) {
            unmounts++;
        }
        boolean tracked = state != ABSENT ? (state & TRACKED) != 0 : threadId >= firstObservableThreadId;
        if (tracked) {
            ended++;
        } else {
            preexistingEnded++;
        }
    }

    private void setPhase(long threadId, int phase) {
        live.put(threadId, withPhase(live.get(threadId, ABSENT), phase));
    }

    private void setFlag(long threadId, int flag, boolean on) {
        int state = live.get(threadId, ABSENT);
        if (state == ABSENT) {
            state = RUNNING;
        }
        live.put(threadId, on ? state | flag : state & ~flag);
    }

    private static int withPhase(int state, int phase) {
        return state == ABSENT ? phase : (state & ~PHASE_MASK) | phase;
    }

    /** Copies the current totals; {@code dropped} comes from the rings, which only the caller can read. */
    Counts snapshot(long[] droppedByKind, long agentErrors) {
        long dropped = 0;
        for (long d : droppedByKind) {
            dropped += d;
        }
        return new Counts(created, started, ended, created - ended, preexistingEnded, blocks, pinnedBlocks, wakes,
                yields, mounts, unmounts, submitFailed, dropped, agentErrors, blocksByKind.clone(),
                droppedByKind.clone(), carriersStarted, carriersExited, carrierIdlePeriods, events, live.size());
    }
}
