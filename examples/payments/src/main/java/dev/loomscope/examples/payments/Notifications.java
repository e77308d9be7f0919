package dev.loomscope.examples.payments;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Merchant notifications (webhooks). A payment's event is handed to a bounded outbox by a virtual thread of its own
 * (named {@code notify-<payment id>}), so a full outbox slows the notification down, never the payment; one
 * dispatcher thread drains the outbox and delivers each event to the merchant's endpoint.
 *
 * <p>With {@link Pathology#LEAK} the dispatcher is never started: the first {@link #OUTBOX_CAPACITY} events fill the
 * outbox, and every notifier after them parks in {@code put} forever, one more per payment. Nothing fails and nothing
 * is logged; only the number of parked virtual threads grows.
 */
public final class Notifications implements AutoCloseable {
    public static final int OUTBOX_CAPACITY = 64;
    /** Thread-name prefix of the notifiers (the demo makes them Loomscope-"critical": every event sampled). */
    public static final String THREAD_PREFIX = "notify-";

    private final BlockingQueue<String> outbox = new ArrayBlockingQueue<>(OUTBOX_CAPACITY);
    private final BankClient bank;
    private final AtomicLong handingOff = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;
    private final Thread dispatcher;

    /** @param dispatch false: nobody drains the outbox ({@link Pathology#LEAK}) */
    public Notifications(BankClient bank, boolean dispatch) {
        this.bank = bank;
        this.dispatcher = dispatch ? Thread.ofVirtual().name("notifications-dispatcher").start(this::dispatch) : null;
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

    private void dispatch() {
        while (running) {
            try {
                // Timed, so the loop sees close(); an idle dispatcher is never parked for long.
                String event = outbox.poll(500, TimeUnit.MILLISECONDS);
                if (event != null) {
                    bank.deliverWebhook(event);
                    delivered.incrementAndGet();
                }
            } catch (InterruptedException e) {
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
        running = false;
        if (dispatcher != null) {
            dispatcher.interrupt();
        }
    }
}
