package dev.loomscope.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names of carrier threads still alive at a dump, for people reading the JSON (thread ids are what joins data).
 * <p>
 * Read from the {@link Thread} objects themselves, enumerated through the root thread group, and never through
 * {@code ThreadMXBean.getThreadInfo}: on JDK 25 that takes a VM thread snapshot which can crash the JVM while the
 * carrier mounts or unmounts a virtual thread (JDK-8392031, "Crash in ThreadSnapshot::initialize"; seen here under
 * a saturating handoff workload within seconds of interval dumps).
 */
final class CarrierNames {
    /** Room for threads started between counting and enumerating. */
    private static final int SLACK = 64;

    private CarrierNames() {
    }

    static Map<Long, String> of(List<Snapshot.Carrier> carriers) {
        Map<Long, String> names = new HashMap<>();
        if (carriers.isEmpty()) {
            return names;
        }
        Set<Long> ids = new HashSet<>();
        for (Snapshot.Carrier carrier : carriers) {
            ids.add(carrier.threadId());
        }
        try {
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            Thread[] threads = new Thread[root.activeCount() + SLACK];
            int count = root.enumerate(threads, true);
            for (int i = 0; i < count; i++) {
                if (ids.contains(threads[i].threadId())) {
                    names.put(threads[i].threadId(), threads[i].getName());
                }
            }
        } catch (RuntimeException e) {
            // names are a courtesy: without them the JSON still identifies carriers by id
        }
        return names;
    }
}
