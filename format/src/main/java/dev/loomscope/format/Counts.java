package dev.loomscope.format;

import java.util.Map;

/**
 * {@code counts}: exact totals of recorded transitions since the recording began; {@code created == ended + live}.
 *
 * @param blocksByKind  blocks by block kind, every kind present ({@code park}, ..., {@code pinned}, {@code unknown})
 * @param droppedByKind records lost to a full ring, by event kind, every kind present
 * @param pinnedByKind  pinned blocks by what blocked ({@code park}, {@code monitor}, {@code wait},
 *                      {@code classInit}, {@code other}), every kind present; {@code null} in dumps of agents before it
 */
public record Counts(long created, long started, long ended, long live, long blocks, long pinnedBlocks, long wakes,
                     long yields, long mounts, long unmounts, long submitFailed, long dropped, long agentErrors,
                     long preexistingEnded, Map<String, Long> blocksByKind, Map<String, Long> droppedByKind,
                     Map<String, Long> pinnedByKind) {
}
