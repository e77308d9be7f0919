/*
 * Loomscope's event clock on x86_64: the time-stamp counter, read by the recorder for every event through a critical
 * (no thread-state transition) FFM downcall. On this project's reference machine that costs 11.5 ns where
 * System.nanoTime() (clock_gettime through the kvm-clock vDSO) costs 28 ns, and the recorder reads a clock once per
 * event: three times per park/unpark handoff. The agent uses it only where the CPU reports an invariant TSC
 * (constant_tsc and nonstop_tsc), so ticks advance at one rate on every core whatever the power state; the drain
 * converts ticks to nanoseconds on System.nanoTime()'s scale, calibrating the rate against it as the run goes on.
 *
 * Plain RDTSC, as HotSpot's own fast timestamps (JFR) use: it may be reordered with neighbouring instructions by a
 * few nanoseconds, far below what the recorder measures.
 */
#include <x86intrin.h>

__attribute__((visibility("default"))) long long loomscope_ticks(void) {
    return (long long) __rdtsc();
}
