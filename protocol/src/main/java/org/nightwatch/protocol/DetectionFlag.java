package org.nightwatch.protocol;

/** What is doubtful about one detection on a difference image; carried as bits in a detection's and a {@link Candidate}'s flags. */
public enum DetectionFlag {
    /** The 29 x 29 cutout runs off the image or into pixels the reference does not cover. */
    EDGE,
    /** A bad or missing pixel within 2 pixels of the peak. */
    MASKED,
    /** A saturated pixel (new or reference) within 3 pixels of the peak. */
    SATURATED,
    /** A significant opposite-sign lobe next to the peak: a misalignment or PSF-mismatch residual. */
    DIPOLE,
    /** On or next to a bright star of the reference. */
    NEAR_BRIGHT_STAR,
    /** The brightest point of a long, thin component: a satellite or meteor trail (one detection per trail). */
    STREAK;

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int flags) {
        return (flags & bit()) != 0;
    }

    /** Names of the flags set, joined by '|', or "" when none. */
    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        for (DetectionFlag f : values()) {
            if (f.in(flags)) {
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(f.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return sb.toString();
    }
}
