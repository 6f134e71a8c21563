package org.nightwatch.protocol;

/**
 * The frame-level fields of ARCHITECTURE section 4.1 as an immutable value, for code off the hot
 * path (simulator, recorder, tests). The hot path reads {@link FrameCodec.FrameBlock} in place.
 *
 * @param sensorIndex    0..83
 * @param frameSequence  per sensor, strictly increasing from 0
 * @param visitId        the visit this frame belongs to
 * @param frameIndex     0-based index within the visit
 * @param framesPerVisit 12 (high-cadence) or 18 (all-sky)
 * @param startTimeNs    UTC start of the exposure, ns since the epoch
 * @param exposureNs     exposure of this frame, ns
 * @param width          pixels per row (2000)
 * @param height         rows (1128)
 * @param raDeg          right ascension of the sensor centre, degrees
 * @param decDeg         declination of the sensor centre, degrees
 * @param fieldId        the survey field the visit points at (references are kept per sensor and field);
 *                       -1 when the source does not say (frame schema version 1)
 */
public record FrameHeader(int sensorIndex, long frameSequence, long visitId, int frameIndex, int framesPerVisit,
                          long startTimeNs, long exposureNs, int width, int height, double raDeg, double decDeg,
                          int fieldId) {
    /** A frame whose field is not known. */
    public FrameHeader(int sensorIndex, long frameSequence, long visitId, int frameIndex, int framesPerVisit,
                       long startTimeNs, long exposureNs, int width, int height, double raDeg, double decDeg) {
        this(sensorIndex, frameSequence, visitId, frameIndex, framesPerVisit, startTimeNs, exposureNs, width, height, raDeg,
            decDeg, -1);
    }

    public FrameHeader {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame of " + width + "x" + height + " pixels");
        }
        if (frameIndex < 0 || frameIndex >= framesPerVisit) {
            throw new IllegalArgumentException("frame index " + frameIndex + " outside 0.." + (framesPerVisit - 1));
        }
    }

    public SensorId sensor() {
        return SensorId.of(sensorIndex);
    }
}
