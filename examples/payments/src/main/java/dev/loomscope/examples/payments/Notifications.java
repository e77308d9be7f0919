package dev.loomscope.examples.payments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Merchant notifications (webhooks) through an outbox. A payment's event is handed to the bounded outbox by a virtual
 * thread of its own (named {@code notify-<payment id>}), so a full outbox slows the notification down, never the
 * payment; a poller drains the outbox every {@link #POLL_MILLIS} ms and delivers the events to the merchant's
 * endpoint. The poller is a scheduled platform thread, as outbox pollers usually are.
 *
 * <p>With {@link Pathology#LEAK} the poller is never scheduled: the first {@link #OUTBOX_CAPACITY} events fill the
 * outbox, and every notifier after them parks in {@code put} forever, one more per payment. Nothing fails and nothing
 * is logged; only the number of parked virtual threads grows.
 */
public final class Notifications implements AutoCloseable {
    public static final int OUTBOX_CAPACITY = 64;
    public static final long POLL_MILLIS = 50;
    /** Thread-name prefix of the notifiers (the demo makes them Loomscope-"critical": every event sampled). */
    public static final String THREAD_PREFIX = "notify-";

    private final BlockingQueue<String> outbox = new ArrayBlockingQueue<>(OUTBOX_CAPACITY);
    private final BankClient bank;
    private final AtomicLong handingOff = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("notifications-poller").daemon().factory());

    /** @param deliver false: nobody drains the outbox ({@link Pathology#LEAK}) */
    public Notifications(BankClient bank, boolean deliver) {
        this.bank = bank;
        if (deliver) {
            poller.scheduleWithFixedDelay(this::deliverPending, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Hands the event over without making the caller wait. */
    public void publish(String paymentId, String eventJson) {
        Thread.ofVirtual().name(THREAD_PREFIX + paymentId).start(() -> handOff(eventJson));
    }

    private void handOff(String eventJson) {
        handingOff.incrementAndGet();
        try {
            outbox.put(eventJson);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            handingOff.decrementAndGet();
        }
    }

    private void deliverPending() {
        List<String> batch = new ArrayList<>(OUTBOX_CAPACITY);
        outbox.drainTo(batch);
        for (String event : batch) {
            try {
                bank.deliverWebhook(event);
                delivered.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failed.incrementAndGet();
            }
        }
    }

    /** Notifier threads still waiting to hand their event over (with the leak: parked for good). */
    public long waiting() {
        return handingOff.get();
    }

    public long delivered() {
        return delivered.get();
    }

    public long failed() {
        return failed.get();
    }

    public int queued() {
        return outbox.size();
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
