package dev.loomscope.agent.it.workloads;

/** {@code ExplicitGc <n>}: n full collections (System.gc) while virtual threads come and go. */
public final class ExplicitGc {
    private ExplicitGc() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        for (int i = 0; i < n; i++) {
            Thread t = Thread.ofVirtual().start(() -> Scheduling.sleep(20));
            System.gc();
            t.join();
        }
        Thread.sleep(300); // GC notifications arrive asynchronously, on a JMX thread
        System.out.println("ok gc");
    }
}
