package org.nightwatch.controlroom;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.nightwatch.protocol.Candidate;

/**
 * A candidate's cutout channel as a greyscale PNG: zscale limits, linear stretch, each pixel drawn as a
 * {@code scale x scale} block (no smoothing, so operators see the real pixels). Non-finite pixels are
 * black.
 */
public final class StampImage {
    /** Largest block per pixel served. */
    public static final int MAX_SCALE = 12;

    private StampImage() {
    }

    /** The channel's index in a cutout ({@code reference}, {@code new}, {@code difference}), or -1. */
    public static int channel(String name) {
        for (int i = 0; i < Candidate.CHANNELS.length; i++) {
            if (Candidate.CHANNELS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Grey levels 0-255 of one channel, row 0 first (as the pixels are stored). */
    public static int[] grey(float[] cutout, int channel) {
        int n = Candidate.CUTOUT * Candidate.CUTOUT;
        int off = channel * n;
        double[] z = ZScale.limits(cutout, off, n);
        double span = z[1] > z[0] ? z[1] - z[0] : 1;
        int[] g = new int[n];
        for (int i = 0; i < n; i++) {
            float v = cutout[off + i];
            g[i] = Float.isFinite(v) ? (int) Math.round(255 * Math.min(1, Math.max(0, (v - z[0]) / span))) : 0;
        }
        return g;
    }

    /** The PNG; FITS row 0 is drawn at the bottom, as ds9 shows images. */
    public static byte[] png(float[] cutout, int channel, int scale) {
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("scale " + scale + ": 1 to " + MAX_SCALE);
        }
        int side = Candidate.CUTOUT;
        int[] g = grey(cutout, channel);
        BufferedImage img = new BufferedImage(side * scale, side * scale, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        int[] block = new int[scale * scale];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                java.util.Arrays.fill(block, g[y * side + x]);
                r.setPixels(x * scale, (side - 1 - y) * scale, scale, scale, block);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a cutout as PNG", e);
        }
        return out.toByteArray();
    }
}
