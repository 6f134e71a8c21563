package org.nightwatch.protocol;

import java.util.Locale;

/** The survey's observing modes: how many 0.5 s frames make one visit (ARCHITECTURE section 1). */
public enum SurveyMode {
    /** 18 frames (9 s) per visit, about 12000 deg2 a night. */
    ALL_SKY("all-sky", 18),
    /** 12 frames (6 s) per visit, 3 visits a night of about 3000 deg2. */
    HIGH_CADENCE("high-cadence", 12);

    private final String cliName;
    private final int framesPerVisit;

    SurveyMode(String cliName, int framesPerVisit) {
        this.cliName = cliName;
        this.framesPerVisit = framesPerVisit;
    }

    public String cliName() {
        return cliName;
    }

    public int framesPerVisit() {
        return framesPerVisit;
    }

    /** Accepts {@code all-sky}, {@code high-cadence} and the enum names. */
    public static SurveyMode parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SurveyMode m : values()) {
            if (m.cliName.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown survey mode '" + text + "' (expected all-sky or high-cadence)");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
