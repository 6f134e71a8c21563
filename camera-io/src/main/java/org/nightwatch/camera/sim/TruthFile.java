package org.nightwatch.camera.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.SensorPlacement;

/** A simulated night's truth.csv: what was injected where, for scoring the night's alerts ({@code evaluate-night}). */
final class TruthFile {
    private TruthFile() {
    }

    /**
     * Writes truth.csv: one row per injected source and per trail. {@code x,y} are FITS 1-based pixels of
     * the field grid (the reference) at the source's first visible visit; {@code visit_first} and
     * {@code visit_last} bound the visits where its expected S/N on the difference is at least 3 (-1 when
     * it never is); times are seconds from the night's first frame.
     */
    static void write(SimulatedSurvey survey, Path file, List<SensorPlacement> placements) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                out.write("id,kind,subtype,sensor,field,visit_first,visit_last,ra,dec,x,y,mag_peak,snr_peak,flux_peak_e,on_galaxy,"
                    + "t_peak_s,rise_s,decay_s,period_s,amplitude_mag,rate_x_px_s,rate_y_px_s,angle_deg\n");
                for (SensorPlacement p : placements) {
                    int sensor = p.sensor().index();
                    for (int f = 0; f < survey.fieldsObserved(); f++) {
                        VisitMetadata.TanWcs wcs = survey.wcs(p, f);
                        long[] vs = survey.visitsOf(f);
                        for (SimulatedSurvey.Source s : survey.sourcesOf(sensor, f)) {
                            long first = -1;
                            long last = -1;
                            for (long v : vs) {
                                double snr = s.peakSnr() * Math.abs(s.electronsAt(survey.midTime(v)))
                                    / (s.kind() == SimulatedSurvey.Kind.VARIABLE ? s.peakElectrons() * (Math.pow(10, 0.4 * s.amplitudeMag()) - 1) : s.peakElectrons());
                                if (snr >= 3) {
                                    first = first < 0 ? v : first;
                                    last = v;
                                }
                            }
                            double t = first >= 0 ? survey.midTime(first) : 0;
                            double[] sky = wcs.pixelToSky(s.xAt(t), s.yAt(t));
                            out.write(String.format(Locale.ROOT,
                                "%d,%s,%s,%d,%d,%d,%d,%.7f,%.7f,%.3f,%.3f,%.3f,%.2f,%.1f,%b,%s,%s,%s,%s,%s,%s,%s,%n",
                                s.id(), s.kind().label(), s.subtype(), sensor, f, first, last, sky[0], sky[1], s.xAt(t) + 1,
                                s.yAt(t) + 1, SimulatedSurvey.magnitude(s.peakElectrons()), s.peakSnr(), s.peakElectrons(), s.onGalaxy(),
                                num(s.tPeak()), num(s.rise()), num(s.decay()), num(s.period()), num(s.amplitudeMag()),
                                num(s.vx()), num(s.vy())));
                        }
                        for (long v : vs) {
                            double[] tr = survey.trail(sensor, v);
                            if (tr != null) {
                                double[] j = survey.jitter(v);
                                double[] sky = wcs.pixelToSky(tr[0] - j[0], tr[1] - j[1]);
                                out.write(String.format(Locale.ROOT,
                                    "%d,artifact,trail,%d,%d,%d,%d,%.7f,%.7f,%.3f,%.3f,,,%.1f,false,,,,,,,,%.3f%n",
                                    2_000_000_000L + sensor * 10_000_000L + v, sensor, f, v, v, sky[0], sky[1],
                                    tr[0] - j[0] + 1, tr[1] - j[1] + 1, tr[3] / survey.framesPerVisit(), Math.toDegrees(tr[2])));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String num(double v) {
        return v == 0 || Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5g", v);
    }
}
