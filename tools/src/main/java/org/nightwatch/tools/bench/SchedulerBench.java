package org.nightwatch.tools.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.KnownVariables;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.SchedulerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightwatch bench scheduler}: the scheduler with its database and alert file, fed a synthetic
 * stream of scored candidates like a survey night's (mostly bogus, the rest recurring sources that form
 * objects and alerts), as fast as it goes and paced at Tomo-e's rate and ten times it. Latency is from
 * a batch's due time to its alerts committed and written.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
    description = "Scheduler throughput (candidates/s) and latency from scored candidates in to alerts out, at 240/s and 2400/s.")
public final class SchedulerBench implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "20", description = "length of each paced run (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--rates", defaultValue = "240,2400", split = ",", description = "candidates/s of the paced runs (default ${DEFAULT-VALUE})")
    List<Double> rates;

    @Option(names = "--batch-ms", defaultValue = "250", description = "one batch of candidates every this many ms (default ${DEFAULT-VALUE})")
    double batchMs;

    @Option(names = "--report", paramLabel = "FILE", description = "write the numbers as JSON")
    Path report;

    private static final double MJD = 61328.5;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("cores", Runtime.getRuntime().availableProcessors());
        rep.put("max", run(0, 40_000));
        for (double r : rates) {
            rep.put("rate_" + Math.round(r), run(r, (long) (r * seconds)));
        }
        if (report != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), rep);
            System.out.println("report written to " + report);
        }
        return 0;
    }

    /** One run: {@code total} candidates at {@code rate} per second (0: as fast as it goes). */
    private Map<String, Object> run(double rate, long total) throws Exception {
        Path dir = Files.createTempDirectory("nightwatch-bench-scheduler");
        SchedulerSettings s = SchedulerSettings.defaults();
        Histogram lat = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        long alerts = 0;
        long done = 0;
        Stream stream = new Stream(84, 20, 7);
        try (AlertStore store = AlertStore.open("", "", "", dir); AlertOutputs lines = new AlertOutputs(dir,
                new AlertOutputs.Formats(s.outputs().avro(), s.voEvent(true)))) {
            Scheduler sch = new Scheduler(s, KnownVariables.none(s.associationRadiusArcsec()));
            int perBatch = rate > 0 ? Math.max(1, (int) Math.round(rate * batchMs / 1000)) : 500;
            long t0 = System.nanoTime();
            long batchNo = 0;
            while (done < total) {
                int n = (int) Math.min(perBatch, total - done);
                long due = rate > 0 ? t0 + (long) (batchNo * batchMs * 1e6) : System.nanoTime();
                while (rate > 0 && System.nanoTime() < due) {
                    LockSupport.parkNanos(Math.min(1_000_000, due - System.nanoTime()));
                }
                List<Candidate> batch = stream.next(n, (System.nanoTime() - t0) / 86_400e9);
                Scheduler.Result r = sch.run(batch);
                store.commit(r);
                lines.write(r.alerts());
                lat.recordValue(Math.min(lat.getHighestTrackableValue(), System.nanoTime() - due));
                alerts += r.alerts().size();
                done += n;
                batchNo++;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target_candidates_per_s", rate);
            m.put("candidates", done);
            m.put("candidates_per_s", done / secs);
            m.put("alerts", alerts);
            m.put("objects", sch.objects().size());
            m.put("latency_ms_p50", lat.getValueAtPercentile(50) / 1e6);
            m.put("latency_ms_p99", lat.getValueAtPercentile(99) / 1e6);
            System.out.printf(Locale.ROOT, "%s: %d candidates in %.1f s = %.0f candidates/s; %d alerts, %d objects; in to out p50 %.1f ms, p99 %.1f ms%n",
                rate > 0 ? "paced at " + Math.round(rate) + "/s" : "as fast as it goes", done, secs, done / secs, alerts,
                sch.objects().size(), lat.getValueAtPercentile(50) / 1e6, lat.getValueAtPercentile(99) / 1e6);
            return m;
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A survey night's scored candidates: 85% bogus at random places (scores mostly low), 15% from a fixed
     * set of real sources per sensor (transients and variables) that recur visit after visit.
     */
    private static final class Stream {
        private final int sensors;
        private final double[][] sources;
        private final SplittableRandom r;
        private final float[] cutout;
        private long seq;

        Stream(int sensors, int sourcesPerSensor, long seed) {
            this.sensors = sensors;
            this.r = new SplittableRandom(seed);
            sources = new double[sensors * sourcesPerSensor][];
            for (int i = 0; i < sources.length; i++) {
                int sensor = i % sensors;
                sources[i] = new double[] {sensor, sensor * 4.0 + r.nextDouble() * 0.6, 20 + r.nextDouble() * 0.4, 14 + r.nextDouble() * 6};
            }
            cutout = new float[3 * Candidate.CUTOUT * Candidate.CUTOUT];
            for (int y = 0; y < Candidate.CUTOUT; y++) {
                for (int x = 0; x < Candidate.CUTOUT; x++) {
                    double g = 300 * Math.exp(-((x - 14) * (x - 14) + (y - 14) * (y - 14)) / 3.4);
                    int i = y * Candidate.CUTOUT + x;
                    cutout[i] = (float) (r.nextGaussian() * 3);
                    cutout[841 + i] = (float) (g + r.nextGaussian() * 8);
                    cutout[2 * 841 + i] = (float) (g + r.nextGaussian() * 8);
                }
            }
        }

        List<Candidate> next(int n, double dayOffset) {
            List<Candidate> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                long id = seq++;
                boolean real = r.nextDouble() < 0.15;
                int sensor;
                double ra;
                double dec;
                double mag;
                double score;
                if (real) {
                    double[] s = sources[r.nextInt(sources.length)];
                    sensor = (int) s[0];
                    ra = s[1] + r.nextGaussian() * 0.2 / 3600;
                    dec = s[2] + r.nextGaussian() * 0.2 / 3600;
                    mag = s[3];
                    score = 0.85 + 0.15 * r.nextDouble();
                } else {
                    sensor = r.nextInt(sensors);
                    ra = sensor * 4.0 + r.nextDouble() * 0.6;
                    dec = 20 + r.nextDouble() * 0.4;
                    mag = 17 + r.nextDouble() * 3;
                    score = r.nextDouble() < 0.97 ? 0.5 * r.nextDouble() : r.nextDouble();
                }
                double snr = 5 + 50 * r.nextDouble();
                out.add(new Candidate("S" + sensor + "-V" + (id / 1000) + "-" + (id % 1000), sensor, id / 1000, 0, MJD + dayOffset,
                    1000, 500, ra, dec, snr * 10, 10, snr, mag, 1.0857 / snr, 2.6, 1.1, 1, 0, cutout, score, "bench"));
            }
            return out;
        }
    }
}
