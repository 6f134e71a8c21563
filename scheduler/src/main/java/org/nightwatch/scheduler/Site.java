package org.nightwatch.scheduler;

/**
 * An observatory on the ground.
 *
 * @param lonDeg east longitude, degrees
 * @param latDeg geodetic latitude, degrees
 * @param heightM height above the WGS84 ellipsoid, m
 */
public record Site(String name, double lonDeg, double latDeg, double heightM) {
    /** Kiso Observatory (University of Tokyo), home of Tomo-e Gozen. */
    public static final Site KISO = new Site("Kiso", 137.625417, 35.797222, 1130);
}
