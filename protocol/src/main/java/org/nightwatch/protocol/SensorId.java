package org.nightwatch.protocol;

/**
 * One CMOS sensor of the focal plane, by index (0..{@value #MAX_SENSORS}-1).
 *
 * <p>The index fixes the sensor's actor name ({@code sensor-NN}), its recorded-night directory
 * ({@code sensor-NN/}) and its Aeron stream id ({@code 1000 + index}).
 */
public record SensorId(int index) implements Comparable<SensorId> {
    /** Tomo-e Gozen has 84 sensors; the protocol allows up to 100 so that NN stays two digits. */
    public static final int MAX_SENSORS = 100;
    /** Aeron stream id of sensor 0; sensor i publishes on {@code STREAM_ID_BASE + i}. */
    public static final int STREAM_ID_BASE = 1000;

    public SensorId {
        if (index < 0 || index >= MAX_SENSORS) {
            throw new IllegalArgumentException("sensor index " + index + " outside 0.." + (MAX_SENSORS - 1));
        }
    }

    public static SensorId of(int index) {
        return new SensorId(index);
    }

    /** Parses {@code sensor-NN} or a bare number. */
    public static SensorId parse(String text) {
        String t = text.trim();
        if (t.startsWith("sensor-")) {
            t = t.substring("sensor-".length());
        }
        try {
            return new SensorId(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a sensor name: '" + text + "' (expected sensor-NN)", e);
        }
    }

    /** {@code sensor-07}: the actor name and the recorded-night directory name. */
    public String name() {
        return String.format("sensor-%02d", index);
    }

    public int streamId() {
        return STREAM_ID_BASE + index;
    }

    @Override
    public int compareTo(SensorId o) {
        return Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return name();
    }
}
