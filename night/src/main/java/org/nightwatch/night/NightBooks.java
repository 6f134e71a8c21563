package org.nightwatch.night;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.VisitSpool;
import org.nightwatch.actors.pipeline.CatchUp;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorPlacement;

/**
 * The night's books: every frame the source published is stacked, lost or deferred in its sensor's ledger, or still
 * in flight. The progress line and the summary are read from here, so that they always balance the same way.
 */
public final class NightBooks {
    private final List<SensorPlacement> placements;
    private final SensorWorkers workers;
    private final NightSource source;
    private final CameraSettings camera;
    private volatile java.util.function.Supplier<NightSummary.CatchUpTotals> elsewhere;

    NightBooks(NightSource source, SensorWorkers workers, CameraSettings camera) {
        this.placements = source.placements();
        this.workers = workers;
        this.source = source;
        this.camera = camera;
    }

    /** The sum of {@code count} over this night's sensors. */
    public long total(ToLongFunction<SensorLedger> count) {
        long n = 0;
        for (SensorPlacement p : placements) {
            n += count.applyAsLong(workers.ledger(p.sensor()));
        }
        return n;
    }

    /** What the night looks like now. */
    public NightRunner.Progress progress() {
        long stacked = total(l -> l.count(FrameFate.STACKED));
        long lost = total(l -> l.count(FrameFate.Kind.LOST));
        long deferred = total(l -> l.count(FrameFate.Kind.DEFERRED));
        double secs = source.elapsedSeconds();
        double rtf = secs > 0 ? (stacked + lost + deferred) / secs / (camera.frameRateHz() * placements.size()) : 0;
        return new NightRunner.Progress(secs, source.framesPublished(), stacked, lost, deferred, workers.pool().inUse(),
            workers.pool().capacity(), source.backPressuredOffers(), rtf);
    }

    /** How the night ended, as the summary says it. */
    record Ending(double wallSeconds, SchedulerRole.Drained scheduler, String forcedClose, ObservatoryActor.NightStatus status,
                  NightSummary.ClusterTotals cluster) {
    }

    NightSummary summary(NightOptions options, Ending end) {
        long published = source.framesPublished();
        NightSummary.CatchUpTotals caught = catchUpTotals();
        Map<String, Long> lostBy = new LinkedHashMap<>();
        Map<String, Long> deferredBy = new LinkedHashMap<>();
        for (FrameFate f : FrameFate.values()) {
            long n = total(l -> l.count(f));
            if (n > 0 && f.kind() != FrameFate.Kind.STACKED) {
                (f.kind() == FrameFate.Kind.LOST ? lostBy : deferredBy).put(f.name().toLowerCase(Locale.ROOT), n);
            }
        }
        long stacked = total(l -> l.count(FrameFate.STACKED));
        long lost = total(l -> l.count(FrameFate.Kind.LOST));
        long deferred = total(l -> l.count(FrameFate.Kind.DEFERRED));
        List<NightSummary.SensorGaps> gaps = new ArrayList<>();
        for (SensorPlacement p : placements) {
            for (SensorLedger.Gap g : workers.ledger(p.sensor()).gaps()) {
                gaps.add(new NightSummary.SensorGaps(p.sensor().name(), g.firstSequence(), g.lastSequence(),
                    g.fate().name().toLowerCase(Locale.ROOT), g.detail()));
            }
        }
        double wall = end.wallSeconds();
        double rtf = published / wall / (camera.frameRateHz() * placements.size());
        Histogram h = workers.stats().latency();
        NightSummary.Latency lat = new NightSummary.Latency(h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
            h.getMaxValue() / 1e6, h.getTotalCount());
        long unaccounted = published - stacked - lost - deferred;
        RecordedNight recorded = source.recorded();
        SchedulerRole.Drained drained = end.scheduler();
        SchedulerTotals schedulerTotals = drained != null ? drained.totals() : null;
        return new NightSummary(placements.size(), options.mode().cliName(), source.pacing(),
            published, stacked, lost, deferred, unaccounted, unaccounted == 0, lostBy, deferredBy,
            total(l -> l.duplicates().get()), total(l -> l.malformed().get()), total(l -> l.visitsStacked().get()),
            total(l -> l.visitsFlagged().get()), total(l -> l.visitsDeferred().get()), total(l -> l.restarts().get()),
            source.backPressuredOffers(), total(l -> l.backPressuredPolls().get()), wall, rtf,
            published * (double) camera.frameBytes() / wall / 1e9, lat, workers.stats().peakHeapBytes() / 1048576.0,
            workers.pool().peakInUse(), workers.pool().capacity(), gaps, source.framesRecorded(), workers.diffTotals(),
            schedulerTotals, recorded == null ? null
                : new NightSummary.Replay(options.replayDir().toString(), recorded.visitsSkipped(), recorded.doneBefore(), recorded.problems()),
            end.forcedClose(), drained != null ? drained.unhandled() : 0,
            deferredWhere(options, deferred, total(l -> l.count(FrameFate.DEFERRED_SPOOLED)), caught), caught,
            workers.stats().timeline(), sensorStates(end.status()), end.cluster());
    }

    /** How many sensors ended in each state, as they last told the observatory. */
    private Map<String, Long> sensorStates(ObservatoryActor.NightStatus status) {
        Map<String, Long> n = new java.util.TreeMap<>();
        for (SensorPlacement p : placements) {
            n.merge(status.state(p.sensor()).label(), 1L, Long::sum);
        }
        return n;
    }

    /** Where the deferred frames are, said only as far as it is true. */
    private String deferredWhere(NightOptions options, long deferred, long spooled, NightSummary.CatchUpTotals caught) {
        if (deferred == 0) {
            return null;
        }
        long rest = deferred - spooled;
        String other = rest == 0 ? "" : source.records()
            ? rest + " recorded in " + options.recordDir() + " (replay it to process them)"
            : rest + " not recorded (the night ran without --record): not processed";
        if (spooled == 0) {
            return other;
        }
        String where = caught != null ? "spooled in " + caught.spool() + " and caught up by the catch-up path (" + caught.caughtUp()
            + " visits caught up, " + caught.pending() + " pending)" : "spooled on nodes that said nothing of their spools";
        return spooled + " " + where + (other.isEmpty() ? "" : "; " + other);
    }

    /** On a cluster: the worker nodes' spools and catch-up, as they said them (null: none). */
    void catchUpElsewhere(java.util.function.Supplier<NightSummary.CatchUpTotals> nodes) {
        this.elsewhere = nodes;
    }

    private NightSummary.CatchUpTotals catchUpTotals() {
        VisitSpool spool = workers.spool();
        CatchUp catchUp = workers.catchUp();
        if (spool == null || catchUp == null) {
            return elsewhere != null ? elsewhere.get() : null;
        }
        CatchUp.Totals t = catchUp.totals();
        return new NightSummary.CatchUpTotals(spool.root().toString(), spool.visitsSpooled(), t.caughtUp(), t.failed() + spool.writesFailed(),
            t.pending(), t.latenessMsP50(), t.latenessMsMax(), spool.visitsNotSpooled(), spool.bytesPeak(), spool.bytesOnDisk(),
            spool.maxBytes(), t.problems());
    }
}
