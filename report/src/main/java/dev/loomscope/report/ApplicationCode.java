package dev.loomscope.report;

import dev.loomscope.format.ApplicationFrames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which frames of a stack the report names a site by, and how: the format's one rule of which frames are the
 * application's ({@link ApplicationFrames}: not the JDK's, a test runner's or Loomscope's own), narrowed, when the user
 * gives package prefixes ({@code --app dev.example.}), to the frames under them, so that a site in a library
 * (HikariCP, Jetty) is named by the user's code that called it.
 *
 * @param prefixes the user's package prefixes; empty: every application frame is the user's
 */
record ApplicationCode(List<String> prefixes) {
    /** Every application frame by {@link ApplicationFrames}. */
    static final ApplicationCode ANY = new ApplicationCode(List.of());
    /** Application frames named after a site's own, innermost first, at most. */
    private static final int CALLERS = 4;

    ApplicationCode {
        prefixes = List.copyOf(prefixes);
    }

    /** From {@code --app}'s value, {@code dev.example,com.shop.}: prefixes separated by commas. */
    static ApplicationCode parse(String prefixes) {
        List<String> list = Arrays.stream(prefixes.split(",")).map(String::strip).filter(p -> !p.isEmpty()).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("--app needs package prefixes, e.g. --app com.example.");
        }
        return new ApplicationCode(list);
    }

    /**
     * Where a stack is in the user's code.
     *
     * @param index   the position of {@code frame} in the stack (0: innermost)
     * @param frame   the innermost frame of the user's code, as in the dump
     * @param via     the frame it called, short ({@code ReentrantLock.lock}): what it blocked or ran in; null if the
     *                stack starts there
     * @param callers the user's frames that called it, innermost first, short ({@code Payments.authorize}), at most
     *                {@value #CALLERS}
     */
    record Where(int index, String frame, String via, List<String> callers) {
        /** {@code FraudCheck.deepScore(FraudCheck.java:60)}. */
        String name() {
            return shortFrame(frame);
        }

        /** {@code FraudCheck.deepScore}. */
        String method() {
            return shortMethod(frame);
        }
    }

    /**
     * The innermost frame of the user's code: under the prefixes if any frame is, else (a stack that only passes
     * through libraries) the innermost application frame; {@code null} for a stack of the JDK's frames only (a timer,
     * the I/O poller) or none.
     */
    Where where(List<String> frames) {
        int index = first(frames);
        if (index < 0) {
            return null;
        }
        List<String> callers = new ArrayList<>();
        for (int i = index + 1; i < frames.size() && callers.size() < CALLERS; i++) {
            if (isUsers(frames.get(i))) {
                callers.add(shortMethod(frames.get(i)));
            }
        }
        return new Where(index, frames.get(index), index == 0 ? null : shortMethod(frames.get(index - 1)),
                callers);
    }

    /** The index of the frame {@link #where} names; -1 if none. */
    int first(List<String> frames) {
        if (frames == null) {
            return -1;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (isUsers(frames.get(i))) {
                return i;
            }
        }
        if (!prefixes.isEmpty()) {
            for (int i = 0; i < frames.size(); i++) {
                if (ApplicationFrames.isApplication(frames.get(i))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private boolean isUsers(String frame) {
        return ApplicationFrames.isApplication(frame)
                && (prefixes.isEmpty() || prefixes.stream().anyMatch(frame::startsWith));
    }

    /**
     * A stack without a frame of the user's code, named by its innermost frame outside the JDK (a test runner's,
     * Loomscope's own) or else its innermost frame, marked {@code [no application frame]}; {@code fallback} for no
     * stack.
     */
    static String withoutApplicationFrame(List<String> frames, String fallback) {
        if (frames == null || frames.isEmpty()) {
            return fallback;
        }
        String named = frames.stream().filter(f -> f.indexOf('(') > 0 && !ApplicationFrames.isJdk(f)).findFirst()
                .orElse(frames.get(0));
        return shortFrame(named) + " [no application frame]";
    }

    /** {@code a.b.C$D.m(C.java:12)} → {@code C$D.m(C.java:12)}. */
    static String shortFrame(String frame) {
        int paren = frame.indexOf('(');
        return paren < 0 ? shortMethod(frame) : shortMethod(frame) + frame.substring(paren);
    }

    /** {@code a.b.C$D.m(C.java:12)} → {@code C$D.m}. */
    static String shortMethod(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        int dot = method.lastIndexOf('.');
        int classDot = dot < 0 ? -1 : method.lastIndexOf('.', dot - 1);
        return method.substring(classDot + 1);
    }
}
