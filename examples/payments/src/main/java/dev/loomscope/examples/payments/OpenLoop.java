package dev.loomscope.examples.payments;

import java.util.concurrent.locks.LockSupport;

/**
 * Drives a {@link Schedule} open-loop: each request is handed to the sender at its intended start, together with that
 * start, and the loop never waits for a response. A request sent late (the generator was descheduled, or collected
 * garbage) still carries its intended start, so its latency includes the lateness.
 */
public final class OpenLoop {
    /** Time, and waiting for it (a seam for the tests). */
    public interface Clock {
        long nanoTime();

        /** Returns at {@code deadline} or later. */
        void sleepUntil(long deadline) throws InterruptedException;

        static Clock system() {
            return new Clock() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public void sleepUntil(long deadline) throws InterruptedException {
                    long remaining;
                    while ((remaining = deadline - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(remaining);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                    }
                }
            };
        }
    }

    /** Starts request {@code index}; must return at once (the response is awaited elsewhere). */
    public interface Sender {
        void send(long index, long intendedStartNanos);
    }

    private OpenLoop() {
    }

    /**
     * Sends every request of {@code schedule} at its time.
     *
     * @return the start of the timeline ({@link Clock#nanoTime()} when the first request was due)
     */
    public static long run(Schedule schedule, Clock clock, Sender sender) throws InterruptedException {
        long start = clock.nanoTime();
        long count = schedule.count();
        for (long i = 0; i < count; i++) {
            long intended = start + schedule.offsetNanos(i);
            clock.sleepUntil(intended);
            sender.send(i, intended);
        }
        return start;
    }
}
