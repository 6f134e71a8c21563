package org.nightwatch.workers.diff;

/**
 * A star measured on a background-subtracted image.
 *
 * @param x     windowed centroid, 0-based pixel centres
 * @param y     windowed centroid
 * @param flux  sum in a 7 x 7 box, ADU
 * @param peak  brightest pixel, ADU above background
 * @param fwhm  from windowed second moments, corrected for the window (Gaussian profile), pixels
 */
public record Star(double x, double y, double flux, double peak, double fwhm) {
}
