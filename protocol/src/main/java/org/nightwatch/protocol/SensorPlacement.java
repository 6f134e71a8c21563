package org.nightwatch.protocol;

/**
 * Where a sensor sits on the focal plane (from the deployment's sensor layout), used to point it on the
 * sky and to draw the control room's mosaic.
 *
 * @param sensor the sensor
 * @param xDeg   offset of its centre from the optical axis along RA (east positive), degrees
 * @param yDeg   offset along Dec (north positive), degrees
 * @param row    row in the mosaic drawing
 * @param column column in the mosaic drawing
 */
public record SensorPlacement(SensorId sensor, double xDeg, double yDeg, int row, int column) {
}
