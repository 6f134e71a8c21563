package org.nightwatch.actors.ingest;

import org.nightwatch.protocol.SensorId;

/**
 * A visit's partial stack while its last frames still arrive: the mean of its first {@code frames}
 * frames, row by row over the frames that covered each row (NaN where none did). Difference imaging
 * begins on it; the plane is the early path's and goes back to it when that work has read it.
 */
public record PartialVisit(SensorId sensor, long visitId, int fieldId, double raDeg, double decDeg, int frames, float[] mean) {
}
