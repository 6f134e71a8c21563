package org.nightwatch.actors.pipeline;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.DetectionFlag;

/**
 * Appends every visit's candidates to {@code DIR/candidates.csv}: {@code id,sensor,visit,field,mjd,x,y}
 * (x, y in FITS 1-based pixels of the visit's stack), {@code ra,dec,flux,flux_err,snr,mag,mag_err,fwhm,
 * elongation,sign,flags,score,model} (score and model empty when unscored). Written on the sink executor, one visit at a time per sensor; each visit's rows
 * are flushed together.
 */
public final class CandidateCsvSink implements VisitSink, AutoCloseable {
    public static final String HEADER = "id,sensor,visit,field,mjd,x,y,ra,dec,flux,flux_err,snr,mag,mag_err,fwhm,elongation,sign,flags,score,model";
    private final Path file;
    private final BufferedWriter out;

    public CandidateCsvSink(Path dir) {
        this.file = dir.resolve("candidates.csv");
        try {
            Files.createDirectories(dir);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(HEADER);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void accept(StackedVisit s) {
        VisitDiff d = s.diff();
        if (d == null || d.candidates().isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(d.candidates().size() * 160);
        for (Candidate c : d.candidates()) {
            b.append(String.format(Locale.ROOT, "%s,%d,%d,%d,%.7f,%.3f,%.3f,%.7f,%.7f,%.3f,%.3f,%.2f,%s,%s,%s,%s,%d,%s,%s,%s%n",
                c.id(), c.sensor(), c.visit(), c.field(), c.mjd(), c.x() + 1, c.y() + 1, c.ra(), c.dec(), c.flux(), c.fluxErr(),
                c.snr(), num(c.mag()), num(c.magErr()), num(c.fwhm()), num(c.elongation()), c.sign(), DetectionFlag.names(c.flags()),
                Double.isFinite(c.score()) ? String.format(Locale.ROOT, "%.5f", c.score()) : "", c.modelVersion() == null ? "" : c.modelVersion()));
        }
        synchronized (out) {
            try {
                out.write(b.toString());
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "";
    }

    @Override
    public void close() {
        synchronized (out) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }
}
