package org.nightwatch.protocol;

/** One visit of one sensor: the unit that is stacked, subtracted and recorded as one FITS cube. */
public record VisitKey(SensorId sensor, long visitId) implements Comparable<VisitKey> {
    @Override
    public int compareTo(VisitKey o) {
        int c = sensor.compareTo(o.sensor);
        return c != 0 ? c : Long.compare(visitId, o.visitId);
    }

    /** {@code visit-000042}: the recorded-night file stem. */
    public String fileStem() {
        return String.format("visit-%06d", visitId);
    }

    @Override
    public String toString() {
        return sensor.name() + "/" + fileStem();
    }
}
