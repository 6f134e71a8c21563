package org.nightwatch.workers.diff;

/** Bits of a per-pixel mask plane (one byte per pixel). */
public final class Mask {
    /** A bad pixel of the sensor (hot, dead), from its bad-pixel mask. */
    public static final byte BAD = 1;
    /** At or near the saturation level, in the new image or the reference. */
    public static final byte SATURATED = 2;
    /** No valid value: NaN in the input, or outside the reference after resampling. */
    public static final byte NO_DATA = 4;

    /** Bits that make a pixel unusable for fitting and measuring. */
    public static final byte UNUSABLE = BAD | SATURATED | NO_DATA;

    private Mask() {
    }
}
