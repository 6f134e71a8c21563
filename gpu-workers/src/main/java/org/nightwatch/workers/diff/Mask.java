package org.nightwatch.workers.diff;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Bits of a per-pixel mask plane (one byte per pixel). */
public final class Mask {
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;

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

    /**
     * The first index in {@code [from, to)} whose mask has any of {@code bits}, or {@code to}: 64 bytes at a time
     * where the Vector API runs, so that a loop over the rare masked pixels of a plane costs a scan, not a test
     * and a branch per pixel. With {@code vector = false} it returns {@code from} (the caller's scalar loop then
     * tests every pixel, as the oracle of the tests).
     */
    public static int nextWith(byte[] mask, int from, int to, byte bits, boolean vector) {
        int i = from;
        if (!vector) {
            return i;
        }
        for (int bound = to - B.length(); i <= bound; i += B.length()) {
            if (ByteVector.fromArray(B, mask, i).and(bits).compare(VectorOperators.NE, 0).anyTrue()) {
                return i;
            }
        }
        return Math.min(i, to);
    }
}
