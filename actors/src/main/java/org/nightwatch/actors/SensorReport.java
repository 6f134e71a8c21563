package org.nightwatch.actors;

import org.nightwatch.protocol.SensorId;

/**
 * What a sensor says of itself to the observatory as it changes: its state and its books. The control room's
 * mosaic and the summary read sensors through these messages, not through the sensors' objects, so that the
 * sensors may run on another machine.
 *
 * @param received  frames whose data began to arrive
 * @param gaps      runs of frames lost or deferred
 * @param skyLevel  median sky of its last stacked visit, ADU per frame (NaN before one)
 * @param problem   the last thing wrong with its input, or null
 * @param host      the node that hosts the sensor ("" in a night of one process)
 * @param books     the sensor's whole books there, for the node that keeps the night's (null: not sent)
 */
public record SensorReport(SensorId sensor, SensorState state, long received, long stacked, long lost, long deferred,
                           long visitsStacked, int gaps, double skyLevel, String problem, long restarts, String host,
                           org.nightwatch.actors.ingest.SensorLedger.Books books) {

    /** A sensor's report in a night of one process. */
    public SensorReport(SensorId sensor, SensorState state, long received, long stacked, long lost, long deferred, long visitsStacked,
                        int gaps, double skyLevel, String problem, long restarts) {
        this(sensor, state, received, stacked, lost, deferred, visitsStacked, gaps, skyLevel, problem, restarts, "", null);
    }

    /** A sensor that has said nothing yet. */
    public static SensorReport idle(SensorId sensor) {
        return new SensorReport(sensor, SensorState.IDLE, 0, 0, 0, 0, 0, 0, Double.NaN, null, 0);
    }

    /** The same books in another state. */
    public SensorReport in(SensorState s) {
        return new SensorReport(sensor, s, received, stacked, lost, deferred, visitsStacked, gaps, skyLevel, problem, restarts, host, books);
    }
}
