package dev.loomscope.report;

/**
 * Input the report tool cannot use: a missing or unreadable file, text that is not JSON, JSON that is not a Loomscope
 * dump, or a dump of a schema this version does not know. The message is the one line shown to the user; the exit
 * code is {@link ExitCode#UNUSABLE_INPUT}.
 */
public final class UnusableInputException extends Exception {
    public UnusableInputException(String message) {
        super(message);
    }
}
