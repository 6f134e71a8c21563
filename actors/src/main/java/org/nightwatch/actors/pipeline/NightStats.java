package org.nightwatch.actors.pipeline;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.nightwatch.actors.diff.VisitDiff;
import org.nightwatch.actors.ingest.ClosedVisit;
import org.nightwatch.workers.diff.DiffFlag;

/**
 * Night-wide measurements shared by every sensor's pipeline: visit latency, peak heap, and what
 * difference imaging did (visits differenced, flagged by reason, candidates, time, residual noise).
 */
public final class NightStats {
    /** Problems kept word for word for the report; the rest are only counted. */
    private static final int PROBLEMS_KEPT = 50;
    private final Recorder latency = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final Recorder diffLatency = new Recorder(3);
    private final Histogram diffLatencyTotal = new Histogram(3);
    private final Recorder diffMicros = new Recorder(3);
    private final Histogram diffMicrosTotal = new Histogram(3);
    private final AtomicLong visitsDifferenced = new AtomicLong();
    private final AtomicLong candidates = new AtomicLong();
    private final AtomicLong likelyReal = new AtomicLong();
    private final Map<DiffFlag, AtomicLong> diffFlags = new EnumMap<>(DiffFlag.class);
    private final List<Double> noiseRatios = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong problemCount = new AtomicLong();

    public NightStats() {
        for (DiffFlag f : DiffFlag.values()) {
            diffFlags.put(f, new AtomicLong());
        }
    }

    /**
     * The segments of a visit's way from its last frame to the scheduler, each from the mark before to the
     * next: the stacking queue and stacking, the wait for a difference imager, difference imaging, scoring
     * (batch wait included), the sinks. With the scheduler's own "candidates in to alerts out" they make
     * the whole of a visit's last frame to its alerts.
     */
    public static final List<String> SEGMENTS = List.of("to_stacked", "waiting_for_diff", "difference_imaging", "classification",
        "to_scheduler");
    private final org.HdrHistogram.Histogram[] segments = java.util.stream.IntStream.range(0, SEGMENTS.size())
        .mapToObj(i -> new org.HdrHistogram.Histogram(java.util.concurrent.TimeUnit.HOURS.toNanos(1), 3))
        .toArray(org.HdrHistogram.Histogram[]::new);

    /** A live visit handed to its sinks at {@code sunkNanos}: its timeline, segment by segment. Any thread. */
    public void recordTimeline(ClosedVisit v, long sunkNanos) {
        if (v.flags().contains(org.nightwatch.actors.ingest.VisitFlag.CAUGHT_UP)) {
            return;
        }
        long[] t = new long[SEGMENTS.size() + 1];
        t[0] = v.closedNanos();
        for (int i = 1; i < SEGMENTS.size(); i++) {
            // from the last frame to the end of stacking ("waiting for difference imaging" is set when stacking ends)
            t[i] = v.mark(i);
        }
        t[SEGMENTS.size()] = sunkNanos;
        synchronized (segments) {
            for (int i = 0; i < SEGMENTS.size(); i++) {
                if (t[i] > 0 && t[i + 1] >= t[i]) {
                    segments[i].recordValue(Math.min(segments[i].getHighestTrackableValue(), t[i + 1] - t[i]));
                }
            }
        }
    }

    /** Each segment's p50 and p99, ms, in order (segments no visit passed through are left out). */
    public Map<String, Map<String, Double>> timeline() {
        Map<String, Map<String, Double>> out = new java.util.LinkedHashMap<>();
        synchronized (segments) {
            for (int i = 0; i < SEGMENTS.size(); i++) {
                if (segments[i].getTotalCount() > 0) {
                    out.put(SEGMENTS.get(i), Map.of("p50", segments[i].getValueAtPercentile(50) / 1e6, "p99",
                        segments[i].getValueAtPercentile(99) / 1e6));
                }
            }
        }
        return out;
    }

    /** A visit's difference imaging is done; {@code sinceClosedNanos} from its last frame to now. Any thread. */
    public void recordDiff(ClosedVisit v, VisitDiff d, long sinceClosedNanos) {
        if (!v.flags().contains(org.nightwatch.actors.ingest.VisitFlag.CAUGHT_UP)) {
            // a caught-up visit's latency is its lateness, reported with the catch-up, not the live path's
            diffLatency.recordValue(Math.max(1, sinceClosedNanos));
        }
        diffMicros.recordValue(Math.max(1, (long) (d.millis() * 1000)));
        if (!d.has(DiffFlag.NO_REFERENCE)) {
            visitsDifferenced.incrementAndGet();
            candidates.addAndGet(d.candidates().size());
            synchronized (noiseRatios) {
                noiseRatios.add(d.residualNoiseRatio());
            }
        }
        for (DiffFlag f : d.flags()) {
            diffFlags.get(f).incrementAndGet();
        }
        for (String note : d.notes()) {
            if (problemCount.incrementAndGet() <= PROBLEMS_KEPT) {
                problems.add(v.sensor().name() + " visit " + v.visitId() + ": " + note);
            }
        }
    }

    /** Candidates a classifier scored at or above 0.5. Any thread. */
    public void recordScored(java.util.List<org.nightwatch.protocol.Candidate> scored) {
        long n = scored.stream().filter(c -> c.score() >= 0.5).count();
        likelyReal.addAndGet(n);
    }

    /** What difference imaging (and scoring, when {@code scoring} is not null) did so far. */
    public synchronized DiffTotals diffTotals(org.nightwatch.actors.classify.ClassifierStage.Stats scoring, String model,
                                              long referencesRead, long referencesReused) {
        diffLatencyTotal.add(diffLatency.getIntervalHistogram());
        diffMicrosTotal.add(diffMicros.getIntervalHistogram());
        Map<String, Long> flags = new LinkedHashMap<>();
        diffFlags.forEach((f, n) -> {
            if (n.get() > 0) {
                flags.put(f.name().toLowerCase(java.util.Locale.ROOT), n.get());
            }
        });
        double median;
        synchronized (noiseRatios) {
            double[] r = noiseRatios.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
            median = r.length == 0 ? Double.NaN : r[r.length / 2];
        }
        return new DiffTotals(visitsDifferenced.get(), candidates.get(), flags, diffMicrosTotal.getTotalCount() == 0 ? 0
            : diffMicrosTotal.getValueAtPercentile(50) / 1e3, diffMicrosTotal.getValueAtPercentile(99) / 1e3,
            diffLatencyTotal.getValueAtPercentile(50) / 1e6, diffLatencyTotal.getValueAtPercentile(99) / 1e6, median,
            problemCount.get(), List.copyOf(problems), model, scoring == null ? 0 : scoring.scored(),
            scoring == null ? 0 : likelyReal.get(), scoring == null ? 0 : scoring.meanBatch(),
            scoring == null ? 0 : scoring.cutoutsPerSecond(), scoring == null ? 0 : scoring.inline(), referencesRead, referencesReused);
    }

    /**
     * @param visitsDifferenced visits with a difference image
     * @param candidates        candidates found on them
     * @param flags             visits per {@link DiffFlag} (no_reference, kernel_fallback, ...)
     * @param stageMsP50        the stage's own time per visit, ms
     * @param latencyMsP50      last frame of a visit to its candidates, ms
     * @param noiseRatioMedian  median over visits of the difference's robust noise over the propagated noise
     * @param problems          how many visits had a note, and the first of them word for word
     * @param model             the classifier's model version (null: unscored)
     * @param scored            candidates scored; {@code likelyReal} of them at or above 0.5
     * @param meanBatch         candidates per classifier batch (a visit's, scored on the imagers; across sensors, batched)
     * @param scoreCutoutsPerS  the model's throughput inside its batches
     * @param scoredInline      candidates scored on a sensor's thread because the classifier's queue was full
     * @param referencesRead    references read from their files and prepared (warm-up included)
     * @param referencesReused  visits served a reference already prepared
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DiffTotals(long visitsDifferenced, long candidates, Map<String, Long> flags, double stageMsP50,
                             double stageMsP99, double latencyMsP50, double latencyMsP99, double noiseRatioMedian,
                             long problems, List<String> firstProblems, String model, long scored, long likelyReal,
                             double meanBatch, double scoreCutoutsPerS, long scoredInline, long referencesRead,
                             long referencesReused) {
    }
    private final AtomicLong peakHeapBytes = new AtomicLong();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    /** Last frame received to stack done, ns. Any thread. */
    /** Candidates found so far tonight. */
    public long candidates() {
        return candidates.get();
    }

    public void recordVisitLatency(long nanos) {
        latency.recordValue(Math.max(1, nanos));
    }

    /** Samples heap use; call now and then. */
    public void sampleHeap() {
        long used = memory.getHeapMemoryUsage().getUsed();
        peakHeapBytes.accumulateAndGet(used, Math::max);
    }

    public long peakHeapBytes() {
        sampleHeap();
        return peakHeapBytes.get();
    }

    /** Latency histogram of every visit so far (ns). */
    public synchronized Histogram latency() {
        total.add(latency.getIntervalHistogram());
        return total.copy();
    }
}
