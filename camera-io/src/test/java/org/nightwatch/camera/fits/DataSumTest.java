package org.nightwatch.camera.fits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import nom.tam.fits.utilities.FitsCheckSum;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The data sum summed here eight bytes at a step is nom-tam-fits' FITS checksum of the same bytes, carries and all. */
class DataSumTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 4, 8, 12, 2880, 8000, 8004, 1 << 20})
    void sumsAsNomTamFitsSumsRandomBytesOfEveryLength(int length) {
        SplittableRandom r = new SplittableRandom(length);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) r.nextInt();
        }
        assertEquals(FitsCheckSum.checksum(ByteBuffer.wrap(bytes)), DataSum.words(ByteBuffer.wrap(bytes)));
        // a little-endian view of the same bytes is still summed as big-endian words, and from its position
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (length >= 8) {
            le.position(4);
            assertEquals(FitsCheckSum.checksum(ByteBuffer.wrap(bytes, 4, length - 4).slice()), DataSum.words(le));
        }
    }

    // sums whose carries wrap around: all ones, words that add to a multiple of 2^32 - 1, and all zeros
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 0x7f, 0xff})
    void carriesWrapAsInTheConvention(int fill) {
        for (int words : new int[] {1, 2, 3, 1000, 65537}) {
            byte[] bytes = new byte[4 * words];
            java.util.Arrays.fill(bytes, (byte) fill);
            assertEquals(FitsCheckSum.checksum(ByteBuffer.wrap(bytes)), DataSum.words(ByteBuffer.wrap(bytes)), fill + " x " + words);
        }
        byte[] pair = {(byte) 0xff, (byte) 0xff, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}; // 0xffff0000 + 0x0000ffff = 2^32 - 1
        assertEquals(FitsCheckSum.checksum(ByteBuffer.wrap(pair)), DataSum.words(ByteBuffer.wrap(pair)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void aPieceAtAnUnalignedOffsetSumsAsTheWholeUnit(int offset) {
        SplittableRandom r = new SplittableRandom(offset);
        byte[] unit = new byte[4000];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = (byte) r.nextInt();
        }
        long pieces = DataSum.plus(DataSum.of(unit, 0, offset, 0), DataSum.of(unit, offset, unit.length - offset, offset));
        assertEquals(FitsCheckSum.checksum(ByteBuffer.wrap(unit)), pieces);
    }
}
