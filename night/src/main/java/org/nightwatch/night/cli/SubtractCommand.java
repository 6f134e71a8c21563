package org.nightwatch.night.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nightwatch.actors.diff.WcsMap;
import org.nightwatch.camera.fits.ImageFits;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.DetectionFlag;
import org.nightwatch.workers.diff.Affine;
import org.nightwatch.workers.diff.Calibration;
import org.nightwatch.workers.diff.Detection;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.diff.DifferenceImager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch subtract}: difference imaging of one pair of FITS images, as users run HOTPANTS.
 * Works on any pair of 2-D images of equal size; the reference is registered to the new image (by the
 * WCS of both when they have one, refined by star matching), PSF-matched and subtracted, and the
 * difference searched for sources.
 */
@Command(name = "subtract", mixinStandardHelpOptions = true,
    description = "Subtract a reference from a new image (register, PSF-match, subtract, detect) and list the candidates.")
public final class SubtractCommand implements Callable<Integer> {
    @Option(names = "--ref", required = true, paramLabel = "REF.fits", description = "reference image")
    Path ref;

    @Option(names = "--new", required = true, paramLabel = "NEW.fits", description = "new image")
    Path newImage;

    @Option(names = "--out", paramLabel = "DIFF.fits", description = "write the difference image (BITPIX -32, new image's WCS)")
    Path out;

    @Option(names = "--candidates", paramLabel = "CANDS.csv",
        description = "write the detections as CSV: x,y (FITS 1-based pixels),ra,dec,flux,flux_err,snr,fwhm,elongation,sign,flags")
    Path candidates;

    @Option(names = "--threshold", defaultValue = "5.0", description = "detection threshold, sigmas (default ${DEFAULT-VALUE})")
    double threshold;

    @Override
    public Integer call() throws IOException {
        for (Path output : new Path[] {out, candidates}) {
            for (Path input : new Path[] {ref, newImage}) {
                if (output != null && sameFile(output, input)) {
                    System.err.printf(Locale.ROOT, "nightwatch: %s is also an input (%s): refusing to overwrite it%n", output, input);
                    return 2;
                }
            }
        }
        long t0 = System.nanoTime();
        ImageFits.Image r = ImageFits.read(ref);
        ImageFits.Image n = ImageFits.read(newImage);
        if (r.width() != n.width() || r.height() != n.height()) {
            System.err.printf(Locale.ROOT, "nightwatch: %s is %dx%d but %s is %dx%d; subtract needs images of equal size%n",
                ref, r.width(), r.height(), newImage, n.width(), n.height());
            return 2;
        }
        ImageFits.requireMeasurable(n);
        ImageFits.requireMeasurable(r);
        List<String> said = new ArrayList<>();
        Calibration.Photometry np = photometry(n, said);
        Calibration.Photometry rp = photometry(r, said);
        Affine initial = Affine.IDENTITY;
        if (n.wcs() != null && r.wcs() != null) {
            initial = WcsMap.between(n.wcs(), r.wcs(), n.width(), n.height());
        } else {
            said.add("no TAN WCS in " + (n.wcs() == null ? newImage : ref) + ": registering from the pixel grid by star matching alone");
        }
        long t1 = System.nanoTime();
        DiffSettings settings = DiffSettings.defaults().withThreshold(threshold);
        DifferenceImager imager = new DifferenceImager(settings, n.width(), n.height());
        DifferenceImager.Result res = imager.run(
            new DifferenceImager.Input(n.pixels(), n.width(), n.height(), np, Calibration.Frames.NONE),
            new DifferenceImager.Input(r.pixels(), r.width(), r.height(), rp, Calibration.Frames.NONE), initial);
        long t2 = System.nanoTime();
        for (String s : said) {
            System.out.println("note: " + s);
        }
        System.out.printf(Locale.ROOT, "images: %dx%d; FWHM new %.2f px, reference %.2f px%n", n.width(), n.height(), res.fwhmNew(), res.fwhmRef());
        if (res.registration() != null) {
            System.out.printf(Locale.ROOT, "registration: %d stars matched, rms %.3f px, offset (%.3f, %.3f) px%n",
                res.registration().matched(), res.registration().rmsPx(), res.newToRef().a(), res.newToRef().d());
        }
        System.out.printf(Locale.ROOT, "kernel: %s, %d of %d stamps, mean reduced chi2 %.2f, photometric scale %.4f%n",
            res.kernel().fallback() ? "Gaussian fallback" : res.kernel().basis().count() + " basis functions, spatial order " + res.kernel().spatialOrder(),
            res.kernel().stampsUsed(), res.kernel().stampsTried(), res.kernel().meanChi2(), res.kernel().scale());
        System.out.printf(Locale.ROOT, "difference: robust noise %.3f x the propagated noise; %d detections at %.1f sigma%n",
            res.residualNoiseRatio(), res.detections().size(), threshold);
        for (String note : res.notes()) {
            System.out.println("warning: " + note);
        }
        if (!res.flags().isEmpty()) {
            System.out.println("flags: " + res.flags());
        }
        if (out != null) {
            ImageFits.write(out, n.width(), n.height(), imager.difference().image(), ImageFits.keywords(
                "BUNIT", "adu", "NWREF", ref.getFileName().toString(), "NWNEW", newImage.getFileName().toString(),
                "NWSCALE", res.kernel().scale(), "NWNOISE", res.residualNoiseRatio(), "NWNDET", res.detections().size(),
                "NWFLAGS", res.flags().isEmpty() ? "NONE" : res.flags().toString().replaceAll("[\\[\\] ]", "")), n.wcs());
            System.out.println("wrote " + out);
        }
        if (candidates != null) {
            writeCandidates(candidates, res.detections(), n.wcs());
            System.out.println("wrote " + candidates);
        }
        System.out.printf(Locale.ROOT, "time: read %.0f ms, difference imaging %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        return 0;
    }

    /** Whether two paths name one file: the same path, or (when both exist) one file by two names or links. */
    static boolean sameFile(Path a, Path b) throws IOException {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    }

    /** Effective gain, saturation; defaults for absent keywords, said in the output. */
    static Calibration.Photometry photometry(ImageFits.Image im, List<String> said) {
        double gain = im.gain();
        if (!(gain > 0)) {
            gain = 1.0;
            said.add(im.file() + " has no GAIN: assuming 1 e-/ADU (affects only the Poisson noise of sources)");
        }
        double sat = im.saturate();
        if (!Double.isFinite(sat)) {
            float max = Float.NEGATIVE_INFINITY;
            for (float v : im.pixels()) {
                if (v > max) {
                    max = v;
                }
            }
            sat = max;
            said.add(String.format(Locale.ROOT, "%s has no SATURATE: treating its maximum (%.1f) as saturation", im.file(), sat));
        }
        if (!Double.isFinite(im.readNoise())) {
            said.add(im.file() + " has no RDNOISE: not needed (the background noise is measured on the image)");
        }
        if (im.gain() > 0 && Double.isFinite(im.readNoise())) {
            return Calibration.Photometry.ofFrames(gain, im.readNoise(), im.nCombine(), sat);
        }
        return new Calibration.Photometry(gain * im.nCombine(), sat);
    }

    static void writeCandidates(Path file, List<Detection> dets, VisitMetadata.TanWcs wcs) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("x,y,ra,dec,flux,flux_err,snr,fwhm,elongation,sign,flags");
            for (Detection d : dets) {
                double[] sky = wcs != null ? wcs.pixelToSky(d.x(), d.y()) : new double[] {Double.NaN, Double.NaN};
                w.printf(Locale.ROOT, "%.3f,%.3f,%s,%s,%.3f,%.3f,%.2f,%s,%s,%d,%s%n", d.x() + 1, d.y() + 1, num(sky[0], "%.7f"),
                    num(sky[1], "%.7f"), d.flux(), d.fluxErr(), d.snr(), num(d.fwhm(), "%.3f"), num(d.elongation(), "%.3f"), d.sign(),
                    DetectionFlag.names(d.flags()));
            }
        }
    }

    private static String num(double v, String fmt) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "";
    }

}
