package org.nightwatch.workers.diff;

/** What went less than well for a whole sensor-visit's difference image. */
public enum DiffFlag {
    /** No reference for the field: no difference image, no candidates. */
    NO_REFERENCE,
    /** Too few stars matched: the reference was placed by the initial (WCS) map alone. */
    REGISTRATION_FALLBACK,
    /** Too few star stamps for a kernel fit: a Gaussian kernel from the measured seeing was used. */
    KERNEL_FALLBACK,
    /** Fewer stamps than a spatially varying fit needs: a constant kernel was fitted. */
    KERNEL_CONSTANT,
    /** The new image was the sharper one, so it was convolved to match the reference instead. */
    CONVOLVED_NEW,
    /** More detections than the cap: only the most significant were kept. */
    DETECTIONS_CAPPED
}
