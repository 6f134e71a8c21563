package org.nightwatch.workers.diff;

/** A difference-imaging stage could not do its work on this input; the message says what and why. */
public class DiffException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DiffException(String message) {
        super(message);
    }
}
