package org.nightwatch.workers.diff;

/**
 * An image with its per-pixel variance and mask, row-major, {@code height * width} pixels. The arrays are
 * owned by whoever made the image and may be reused for the next one (difference imaging allocates
 * per worker, not per visit).
 */
public final class MaskedImage {
    private final int width;
    private final int height;
    private final float[] image;
    private final float[] variance;
    private final byte[] mask;

    public MaskedImage(int width, int height) {
        this(width, height, new float[width * height], new float[width * height], new byte[width * height]);
    }

    public MaskedImage(int width, int height, float[] image, float[] variance, byte[] mask) {
        int n = width * height;
        if (width <= 0 || height <= 0 || image.length < n || variance.length < n || mask.length < n) {
            throw new IllegalArgumentException("planes smaller than " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.image = image;
        this.variance = variance;
        this.mask = mask;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public float[] image() {
        return image;
    }

    public float[] variance() {
        return variance;
    }

    public byte[] mask() {
        return mask;
    }

    public int pixels() {
        return width * height;
    }

    /** Copies image, variance and mask into {@code other} (of the same size). */
    public void copyTo(MaskedImage other) {
        if (!other.sameSize(width(), height())) {
            throw new IllegalArgumentException(other.width() + "x" + other.height() + " is not " + width() + "x" + height());
        }
        System.arraycopy(image(), 0, other.image(), 0, pixels());
        System.arraycopy(variance(), 0, other.variance(), 0, pixels());
        System.arraycopy(mask(), 0, other.mask(), 0, pixels());
    }

    public boolean sameSize(int w, int h) {
        return w == width && h == height;
    }
}
