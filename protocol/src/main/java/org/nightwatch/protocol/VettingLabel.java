package org.nightwatch.protocol;

import java.util.Arrays;
import java.util.Locale;

/**
 * What an operator says a detection is, in the control room: stored in the night database with the detection and
 * exported as a training set (real 1, bogus 0, moving and variable kept apart). Its wire name is lower case.
 */
public enum VettingLabel {
    REAL,
    BOGUS,
    MOVING,
    VARIABLE;

    /** The name in the API, the database and the training sets. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label of {@code text}; an error naming the accepted ones otherwise. */
    public static VettingLabel parse(String text) {
        for (VettingLabel l : values()) {
            if (l.wire().equals(text)) {
                return l;
            }
        }
        throw new IllegalArgumentException("label '" + text + "': one of "
            + String.join(", ", Arrays.stream(values()).map(VettingLabel::wire).toList()));
    }
}
