package org.nightwatch.camera.fits;

/**
 * A visit read from disk: its keywords and its frames as uint16 bit patterns (read with
 * {@code & 0xFFFF}), each {@code height * width}, row-major.
 */
public record VisitCube(VisitMetadata meta, int width, int height, short[][] frames) {
}
