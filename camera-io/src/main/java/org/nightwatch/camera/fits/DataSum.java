package org.nightwatch.camera.fits;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import nom.tam.fits.utilities.FitsCheckSum;

/**
 * The FITS checksum (the 32-bit ones'-complement sum of the FITS checksum convention, as DATASUM and
 * CHECKSUM carry it) of a data unit written or read in pieces, at any byte offset and in any order: the sum
 * is one of big-endian 32-bit words, so a piece is summed in place among zero bytes where it does not fill
 * its first or last word. nom-tam-fits combines sums and sets the keywords; the summing of a piece is here,
 * eight bytes at a step (nom-tam-fits adds one 32-bit word at a time through an {@code IntBuffer}: a fifth of
 * each read of a reference), and its tests hold it to nom-tam-fits' sum.
 */
final class DataSum {
    private DataSum() {
    }

    /** The sum of {@code bytes} (position to limit, left unchanged) lying at {@code offset} of the data unit. */
    static long of(ByteBuffer bytes, long offset) {
        int lead = (int) (offset & 3);
        int n = bytes.remaining();
        if (lead == 0 && (n & 3) == 0) {
            return words(bytes);
        }
        ByteBuffer padded = ByteBuffer.allocate((lead + n + 3) & ~3);
        padded.position(lead);
        padded.put(bytes.duplicate());
        padded.clear();
        return words(padded);
    }

    /**
     * The ones'-complement sum of the big-endian 32-bit words from position to limit (a multiple of 4 bytes): their
     * plain 64-bit sum, folded end-around into 32 bits, which is the same sum modulo 2^32 - 1 as the FITS
     * convention's 16-bit halves with their carries (and, like it, 0 only for all-zero words).
     */
    static long words(ByteBuffer bytes) {
        ByteBuffer b = bytes.order() == ByteOrder.BIG_ENDIAN ? bytes : bytes.duplicate().order(ByteOrder.BIG_ENDIAN);
        int p = b.position();
        int end = b.limit();
        long high = 0;
        long low = 0;
        for (; p + 8 <= end; p += 8) {
            long x = b.getLong(p);
            high += x >>> 32;
            low += x & 0xFFFF_FFFFL;
        }
        if (p < end) {
            low += b.getInt(p) & 0xFFFF_FFFFL;
        }
        long s = high + low; // below 2^61 for any buffer Java can hold
        while ((s >>> 32) != 0) {
            s = (s & 0xFFFF_FFFFL) + (s >>> 32);
        }
        return s;
    }

    /** The sum of {@code len} bytes of {@code bytes} from {@code off}, lying at {@code offset} of the data unit. */
    static long of(byte[] bytes, int off, int len, long offset) {
        return of(ByteBuffer.wrap(bytes, off, len), offset);
    }

    static long plus(long a, long b) {
        return FitsCheckSum.sumOf(a, b);
    }

    /**
     * Checks an HDU's stored DATASUM and CHECKSUM (either may be null: not checked) against the sums of its
     * header block and data unit as read. A mismatch is a {@link FitsFormatException} naming the file.
     */
    static void check(java.nio.file.Path file, String datasum, String checksum, long headerSum, long dataSum) {
        if (datasum != null) {
            long stored;
            try {
                stored = Long.parseLong(datasum.trim());
            } catch (NumberFormatException e) {
                throw new FitsFormatException(file, "keyword DATASUM = '" + datasum.trim() + "' is not a number");
            }
            if (stored != dataSum) {
                throw new FitsFormatException(file, "DATASUM = " + stored + " but the data sum to " + dataSum
                    + ": the pixels were changed or damaged since the file was written");
            }
        }
        if (checksum != null && plus(headerSum, dataSum) != FitsCheckSum.HDU_CHECKSUM) {
            throw new FitsFormatException(file, "CHECKSUM = '" + checksum.trim()
                + "' does not match: the header or the data were changed or damaged since the file was written");
        }
    }
}
