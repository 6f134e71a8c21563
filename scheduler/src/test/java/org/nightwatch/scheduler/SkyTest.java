package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nightwatch.protocol.Alert;

/**
 * Positions at Kiso against astropy's (src/test/resources/astropy/visibility.py made visibility.csv with
 * Debian's python3-astropy 5.2.1): the Sun's and Moon's altitude, the Moon's place, and the altitude,
 * azimuth, airmass and Moon distance of fixed positions through one night.
 */
class SkyTest {
    static List<String[]> fixture() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            SkyTest.class.getResourceAsStream("/astropy/visibility.csv"), StandardCharsets.UTF_8))) {
            r.readLine();
            for (String l; (l = r.readLine()) != null; ) {
                rows.add(l.split(",", -1));
            }
        }
        return rows;
    }

    @Test
    void sunMoonAndTargetsAgreeWithAstropy() throws Exception {
        int checked = 0;
        for (String[] f : fixture()) {
            double mjd = Double.parseDouble(f[0]);
            Sky sky = new Sky(Site.KISO, mjd);
            double ra = Double.parseDouble(f[2]);
            double dec = Double.parseDouble(f[3]);
            double alt = Double.parseDouble(f[4]);
            double az = Double.parseDouble(f[5]);
            String at = f[1] + " at MJD " + f[0];
            switch (f[1]) {
                case "sun" -> {
                    double[] s = sky.sun();
                    assertEquals(0, Sky.separation(s[0], s[1], ra, dec), 0.01, at + ": position");
                    assertEquals(alt, sky.sunAltitude(), 0.02, at + ": altitude");
                }
                case "moon" -> {
                    double[] m = sky.moon();
                    assertEquals(0, Sky.separation(m[0], m[1], ra, dec), 0.01, at + ": geocentric position");
                    assertEquals(alt, sky.moonAltitude(), 0.05, at + ": topocentric altitude");
                }
                default -> {
                    Sky.Horizontal h = sky.horizontal(ra, dec);
                    assertEquals(alt, h.altDeg(), 0.01, at + " " + ra + "," + dec + ": altitude");
                    if (alt < 89) {
                        assertEquals(0, angle(az - h.azDeg()), 0.02, at + ": azimuth");
                    }
                    if (alt > 30) {
                        assertEquals(Double.parseDouble(f[6]), h.airmass(), 0.01 * Double.parseDouble(f[6]), at + ": airmass");
                    }
                    double[] m = sky.moon();
                    assertEquals(Double.parseDouble(f[7]), Sky.separation(ra, dec, m[0], m[1]), 0.02, at + ": Moon distance");
                }
            }
            checked++;
        }
        assertEquals(84, checked);
    }

    @Test
    void theWindowOpensAfterTwilightAboveThirtyDegreesAndPeaksAtTheHighestSample() throws Exception {
        Visibility v = new Visibility(Site.KISO, new Visibility.Limits(-12, 30, 20, 5));
        // RA 10, Dec 20 on 2026-10-15: rises in the evening, transits near local midnight
        Alert.Window w = v.window(10, 20, 61328.30);
        assertNotNull(w);
        Sky atStart = new Sky(Site.KISO, w.startMjd());
        assertTrue(atStart.sunAltitude() < -12, "dark at the start: Sun " + atStart.sunAltitude());
        assertTrue(atStart.horizontal(10, 20).altDeg() >= 30);
        Sky before = new Sky(Site.KISO, w.startMjd() - 5 / 1440.0);
        assertTrue(before.sunAltitude() >= -12 || before.horizontal(10, 20).altDeg() < 30, "the window opens at the first good sample");
        double bestAlt = new Sky(Site.KISO, w.bestMjd()).horizontal(10, 20).altDeg();
        for (double t = w.startMjd(); t <= w.endMjd(); t += 5 / 1440.0) {
            assertTrue(new Sky(Site.KISO, t).horizontal(10, 20).altDeg() <= bestAlt + 1e-6);
        }
        assertEquals(1 / Math.sin(Math.toRadians(bestAlt)), w.minAirmass(), 0.01);
        assertTrue(w.hours() > 4, "an autumn field is up for hours: " + w.hours());
        // a southern position never reaches 30 degrees at Kiso
        assertNull(v.window(10, -60, 61328.30));
        assertFalse(v.night(61328.6).darkIntervals().isEmpty());
    }

    private static double angle(double d) {
        return ((d + 540) % 360) - 180;
    }
}
