package dev.loomscope.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Names of carrier threads still alive at a dump, for people reading the JSON (thread ids are what joins data). */
final class CarrierNames {
    private CarrierNames() {
    }

    static Map<Long, String> of(List<Snapshot.Carrier> carriers) {
        Map<Long, String> names = new HashMap<>();
        if (carriers.isEmpty()) {
            return names;
        }
        long[] ids = carriers.stream().mapToLong(Snapshot.Carrier::threadId).toArray();
        try {
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(ids, 0)) {
                if (info != null) {
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        } catch (RuntimeException e) {
            // names are a courtesy: without them the JSON still identifies carriers by id
        }
        return names;
    }
}
