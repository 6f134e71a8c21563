package org.nightwatch.night;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.camera.sim.PreparedSky;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.protocol.SurveyMode;

/**
 * What one night is asked to do, as its command says it: which sensors and visits, simulated or replayed, how fast,
 * what it writes and whether it serves a control room. Each role of the night reads its part.
 *
 * @param sensors      how many sensors of the layout (the first N by index)
 * @param visits       visits to observe
 * @param mode         survey mode
 * @param pacing       real time or max
 * @param recordDir    write the recorded-night layout here (null: no recording)
 * @param stacksDir    write stacks as FITS under this directory (null: none)
 * @param preparedFrames frames rendered before the run and reused (benchmarks: simulation excluded);
 *                     0 renders every frame
 * @param renderThreads threads rendering frames
 * @param seed         simulation seed
 * @param starsPerSensor stars in each simulated field
 * @param timeout      give up after this long
 * @param extraSink    a further sink after the FITS one (null: none)
 * @param sensorDiesAfter sensor index -> last frame it reads out before failing (fault drills, tests)
 * @param diff         difference imaging after stacking (needs {@code outDir} or {@code recordDir} for the
 *                     simulated references)
 * @param outDir       the night's output directory: candidates.csv, and the simulated sky (references,
 *                     darks, truth.csv) under {@code sky/} when the night is not recorded; null: none
 * @param nightStart   UTC time of the night's first frame; null: now. A fixed time makes a simulated night's
 *                     follow-up windows, and so its ranks, the same whenever it runs
 * @param replayDir    a recorded night to replay instead of simulating one (null: simulate); its frames,
 *                     times and pointings come from its files and its references from its references/
 * @param replaySensors the recorded sensors to replay (null: all)
 * @param replayFrom   the first visit to replay
 * @param speedFactor  at real-time pacing, frames are due this many times faster than the frame rate
 * @param httpPort     serve the control room on this port (0: any free one; null: no control room)
 * @param faults       faults put into the night's own stages on purpose (drills, tests); {@link StageFaults#NONE}
 * @param preparedSky  0, or the number of sensor skies rendered before the night and shown by all sensors
 *                     ({@link PreparedSky}: the pipeline benchmark, simulation excluded)
 * @param observeReferences a live night ({@code nightwatch observe}): the frames come from a camera in another process on
 *                     the frame channel, and the references from this directory (recorded-night layout); null: this
 *                     process's own camera
 * @param observeSensors the sensor indexes a live night observes (null: the first {@code sensors})
 * @param cluster      a night on a cluster, run from this node (camera, scheduler, room) with its sensors on worker nodes;
 *                     null: a night of one process
 */
public record NightOptions(int sensors, int visits, SurveyMode mode, Pacing pacing, Path recordDir, Path stacksDir,
                      int preparedFrames, int renderThreads, long seed, int starsPerSensor, Duration timeout,
                      VisitSink extraSink, Map<Integer, Long> sensorDiesAfter, boolean diff, Path outDir, Instant nightStart,
                      Path replayDir, List<Integer> replaySensors, long replayFrom, double speedFactor, Integer httpPort,
                      StageFaults faults, int preparedSky, Path observeReferences, List<Integer> observeSensors,
                      ClusterSettings cluster) {
    public NightOptions {
        if (diff && preparedFrames > 0) {
            throw new IllegalArgumentException("difference imaging needs the simulated sky, not prepared frames");
        }
        if (preparedSky > 0 && (replayDir != null || recordDir != null || preparedFrames > 0)) {
            throw new IllegalArgumentException("a prepared sky is simulated: not with a replay, a recording or prepared frames");
        }
        if (observeReferences != null && (replayDir != null || recordDir != null || preparedFrames > 0 || preparedSky > 0)) {
            throw new IllegalArgumentException("a live night's frames come from its camera: not with a replay, a recording or "
                + "prepared frames");
        }
        if (diff && outDir == null && recordDir == null) {
            throw new IllegalArgumentException("difference imaging needs an output or record directory for its references");
        }
    }

    /** The same night in another survey mode (the operator's choice at the start). */
    public NightOptions withMode(SurveyMode m) {
        return new NightOptions(sensors, visits, m, pacing, recordDir, stacksDir, preparedFrames, renderThreads, seed, starsPerSensor,
            timeout, extraSink, sensorDiesAfter, diff, outDir, nightStart, replayDir, replaySensors, replayFrom, speedFactor, httpPort,
            faults, preparedSky, observeReferences, observeSensors, cluster);
    }

    /** Where the night's references, darks and truth are: a replayed night's own, or where the simulated sky goes. */
    public Path skyDir() {
        return observeReferences != null ? observeReferences : replayDir != null ? replayDir : recordDir != null ? recordDir : outDir != null ? outDir.resolve("sky") : null;
    }

    /**
     * Whether the night's code is compiled before its first frame (the imagers, the scheduler, the alert formats): a
     * night paced in real time must be, or its first visits wait and frames are deferred; one run as fast as it goes
     * pays the same compilation either way, so it warms up only what it must.
     */
    public boolean compilesBeforeTheNight() {
        return pacing == Pacing.REALTIME;
    }

    /** A simulated night with the defaults; set the rest on the builder. */
    public static Builder simulate(int sensors, int visits, SurveyMode mode, Pacing pacing) {
        return new Builder(sensors, visits, mode, pacing);
    }

    /** Builds {@link NightOptions}; every field not set keeps the default of {@link #simulate}. */
    public static final class Builder {
        private final int sensors;
        private final int visits;
        private final SurveyMode mode;
        private final Pacing pacing;
        private Path recordDir;
        private Path stacksDir;
        private int preparedFrames;
        private int renderThreads = 2;
        private long seed = 1;
        private int starsPerSensor = 1500;
        private Duration timeout = Duration.ofHours(12);
        private VisitSink extraSink;
        private final Map<Integer, Long> sensorDiesAfter = new LinkedHashMap<>();
        private boolean diff;
        private Path outDir;
        private Instant nightStart;
        private Path replayDir;
        private List<Integer> replaySensors;
        private long replayFrom;
        private double speedFactor = 1;
        private Integer httpPort;
        private StageFaults faults = StageFaults.NONE;
        private int preparedSky;
        private Path observeReferences;
        private List<Integer> observeSensors;
        private ClusterSettings cluster;

        private Builder(int sensors, int visits, SurveyMode mode, Pacing pacing) {
            this.sensors = sensors;
            this.visits = visits;
            this.mode = mode;
            this.pacing = pacing;
        }

        public Builder withRecord(Path dir) {
            recordDir = dir;
            return this;
        }

        public Builder withStacks(Path dir) {
            stacksDir = dir;
            return this;
        }

        public Builder withPrepared(int frames) {
            preparedFrames = frames;
            return this;
        }

        /**
         * Frames of the simulated survey rendered before the night from {@code templates} sensors' skies and
         * reused by all (see {@link PreparedSky}): the pipeline benchmark, simulation excluded.
         */
        public Builder withPreparedSky(int templates) {
            preparedSky = templates;
            return this;
        }

        public Builder withRenderThreads(int n) {
            renderThreads = n;
            return this;
        }

        public Builder withSeed(long s) {
            seed = s;
            return this;
        }

        public Builder withSink(VisitSink sink) {
            extraSink = sink;
            return this;
        }

        public Builder withTimeout(Duration t) {
            timeout = t;
            return this;
        }

        /** Difference imaging after stacking, writing into {@code out} (candidates.csv, sky/). */
        public Builder withDiff(Path out) {
            diff = true;
            outDir = out;
            return this;
        }

        public Builder withOut(Path out) {
            outDir = out;
            return this;
        }

        /** Replay the recorded night in {@code dir} instead of simulating one. */
        public Builder withReplay(Path dir) {
            replayDir = dir;
            return this;
        }

        /** Only these recorded sensors (null: all), from this visit on. */
        public Builder withReplaySelection(List<Integer> sensors, long fromVisit) {
            replaySensors = sensors;
            replayFrom = fromVisit;
            return this;
        }

        /** At real-time pacing, frames due {@code factor} times faster than the frame rate. */
        public Builder withSpeedFactor(double factor) {
            if (!(factor > 0)) {
                throw new IllegalArgumentException("speed factor " + factor + ": must be positive");
            }
            speedFactor = factor;
            return this;
        }

        /** Serve the control room on {@code port} (0: any free port; null: none). */
        public Builder withControlRoom(Integer port) {
            httpPort = port;
            return this;
        }

        /** The first frame's UTC time (null: when the night starts). */
        public Builder withNightStart(Instant t) {
            nightStart = t;
            return this;
        }

        /** Faults put into the night's own stages (drills of a failing or stalling classifier or scheduler). */
        public Builder withFaults(StageFaults f) {
            faults = f;
            return this;
        }

        /**
         * A live night: frames from a camera in another process (on the frame channel), references from {@code references};
         * {@code sensors}: the sensor indexes observed (null: the first N).
         */
        public Builder withCamera(Path references, List<Integer> sensors) {
            observeReferences = references;
            observeSensors = sensors;
            return this;
        }

        /** A night on a cluster, run from this node; its sensors run on the cluster's worker nodes. */
        public Builder withCluster(ClusterSettings c) {
            cluster = c;
            return this;
        }

        public Builder withSensorDyingAfter(int sensor, long lastFrame) {
            sensorDiesAfter.put(sensor, lastFrame);
            return this;
        }

        public NightOptions build() {
            if (cluster != null && !diff) {
                throw new IllegalArgumentException("a night on a cluster difference-images on its worker nodes (they read the "
                    + "night's references): --no-diff is for a night of one process");
            }
            return new NightOptions(sensors, visits, mode, pacing, recordDir, stacksDir, preparedFrames, renderThreads, seed,
                starsPerSensor, timeout, extraSink, Map.copyOf(sensorDiesAfter), diff, outDir, nightStart, replayDir,
                replaySensors == null ? null : List.copyOf(replaySensors), replayFrom, speedFactor, httpPort, faults, preparedSky,
                observeReferences, observeSensors == null ? null : List.copyOf(observeSensors), cluster);
        }
    }
}
