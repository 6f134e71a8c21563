package org.nightwatch.night;

import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.actors.Guardian;
import org.nightwatch.actors.NightContext;
import org.nightwatch.actors.NightControl;
import org.nightwatch.actors.ObservatoryActor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.HdrHistogram.Histogram;
import org.nightwatch.actors.classify.ClassifierStage;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.alerts.SchedulerSink;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.actors.diff.CandidateCsvSink;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.nightwatch.actors.alerts.AlertLatencyLog;
import org.nightwatch.night.room.NightRoomBackend;
import org.nightwatch.controlroom.ControlRoom;
import org.nightwatch.controlroom.ControlRoomSettings;
import org.nightwatch.controlroom.NightBackend;
import org.nightwatch.actors.alerts.AlertStreamPublisher;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.KnownVariables;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.FollowUpPlanner;
import org.nightwatch.scheduler.SchedulerSettings;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.actors.ingest.IngestAgent;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.pipeline.FitsStackSink;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.NightManifest;
import org.nightwatch.camera.fits.NightRecorder;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.sim.FrameRecorder;
import org.nightwatch.camera.sim.FrameSource;
import org.nightwatch.camera.sim.Pacing;
import org.nightwatch.camera.sim.PreparedFrames;
import org.nightwatch.camera.sim.PreparedSky;
import org.nightwatch.actors.ingest.VisitSpool;
import org.nightwatch.actors.pipeline.CatchUp;
import org.nightwatch.actors.pipeline.EarlyStarts;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.VisitPipeline;
import org.nightwatch.camera.sim.SimulatedCamera;
import org.nightwatch.camera.sim.SimulatedSky;
import org.nightwatch.camera.sim.SimulatedSurvey;
import org.nightwatch.camera.sim.SkySimulator;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.workers.classify.RealBogusModel;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.stack.KernelWarmUp;
import org.nightwatch.workers.stack.StackKernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles and runs one night: the Aeron transport, the ingest agents, the stack buffer pool, the actor
 * system (guardian, observatory, sensors) and a camera; starts the night, reports progress, waits for
 * every sensor to drain and returns the {@link NightSummary}. The CLI, the benchmarks and the system
 * tests all run nights through here, so they exercise the same code.
 */
public final class NightRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NightRunner.class);

    /**
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
     */
    public record Options(int sensors, int visits, SurveyMode mode, Pacing pacing, Path recordDir, Path stacksDir,
                          int preparedFrames, int renderThreads, long seed, int starsPerSensor, Duration timeout,
                          VisitSink extraSink, Map<Integer, Long> sensorDiesAfter, boolean diff, Path outDir, Instant nightStart,
                          Path replayDir, List<Integer> replaySensors, long replayFrom, double speedFactor, Integer httpPort,
                          StageFaults faults, int preparedSky) {
        public Options {
            if (diff && preparedFrames > 0) {
                throw new IllegalArgumentException("difference imaging needs the simulated sky, not prepared frames");
            }
            if (preparedSky > 0 && (replayDir != null || recordDir != null || preparedFrames > 0)) {
                throw new IllegalArgumentException("a prepared sky is simulated: not with a replay, a recording or prepared frames");
            }
            if (diff && outDir == null && recordDir == null) {
                throw new IllegalArgumentException("difference imaging needs an output or record directory for its references");
            }
        }

        /** The same night in another survey mode (the operator's choice at the start). */
        public Options withMode(SurveyMode m) {
            return new Options(sensors, visits, m, pacing, recordDir, stacksDir, preparedFrames, renderThreads, seed, starsPerSensor,
                timeout, extraSink, sensorDiesAfter, diff, outDir, nightStart, replayDir, replaySensors, replayFrom, speedFactor, httpPort,
                faults, preparedSky);
        }

        /** Where the night's references, darks and truth are: a replayed night's own, or where the simulated sky goes. */
        public Path skyDir() {
            return replayDir != null ? replayDir : recordDir != null ? recordDir : outDir != null ? outDir.resolve("sky") : null;
        }

        /** A simulated night with the defaults; set the rest on the builder. */
        public static Builder simulate(int sensors, int visits, SurveyMode mode, Pacing pacing) {
            return new Builder(sensors, visits, mode, pacing);
        }

        /** Builds {@link Options}; every field not set keeps the default of {@link #simulate}. */
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

            public Builder withSensorDyingAfter(int sensor, long lastFrame) {
                sensorDiesAfter.put(sensor, lastFrame);
                return this;
            }

            public Options build() {
                return new Options(sensors, visits, mode, pacing, recordDir, stacksDir, preparedFrames, renderThreads, seed,
                    starsPerSensor, timeout, extraSink, Map.copyOf(sensorDiesAfter), diff, outDir, nightStart, replayDir,
                    replaySensors == null ? null : List.copyOf(replaySensors), replayFrom, speedFactor, httpPort, faults, preparedSky);
            }
        }
    }

    /** A snapshot while the night runs, for progress display. */
    public record Progress(double seconds, long published, long stacked, long lost, long deferred, int buffersInUse,
                           int buffersCapacity, long backPressured, double realtimeFactor) {
        /** Frames published and not accounted yet: in transport, in visits being assembled, or in the stages. */
        public long inFlight() {
            return published - stacked - lost - deferred;
        }

        /** The progress line: the books as they stand ({@code of}: "/N" frames due, or ""). */
        public String line(String of) {
            return String.format(java.util.Locale.ROOT,
                "[%6.1f s] frames %d%s published = %d stacked + %d lost + %d deferred + %d in flight | %.2fx real time | stack buffers %d/%d",
                seconds, published, of, stacked, lost, deferred, inFlight(), realtimeFactor, buffersInUse, buffersCapacity);
        }
    }

    private final DeploymentConfig config;
    private final Options options;
    private final CameraSettings camera;
    private final ActorsSettings actors;
    private final List<SensorPlacement> placements;
    private final AeronTransport transport;
    private final List<SensorLedger> ledgers = new ArrayList<>();
    private final StackBufferPool pool;
    private final List<IngestAgent> agents = new ArrayList<>();
    private final List<AgentRunner> agentRunners = new ArrayList<>();
    private final NightStats stats = new NightStats();
    private final SimulatedCamera cam;
    private final NightRecorder recorder;
    private final SimulatedSurvey survey;
    private final RecordedNight recorded;
    private final DiffStage diff;
    private final ClassifierStage classifier;
    private final CandidateCsvSink candidateCsv;
    private final AlertStore alertStore;
    private final AlertOutputs alertOutputs;
    private final AlertStreamPublisher alertStream;
    private final NightClaims.DirectoryLock outLock;
    private final NightClaims.DirectoryLock recordLock;
    /** The alert stream's channel, its control port checked free (or chosen) before preparation; null without one. */
    private final String alertChannel;
    private final AlertLatencyLog alertLatency;
    private final Scheduler scheduler;
    private final SchedulerSink schedulerSink;
    private final int resumedObjects;
    /** Visits spooled while the night is over capacity (null: no difference imaging, or not at real-time pace). */
    private final VisitSpool spool;
    private CatchUp catchUp;
    /** Difference imaging begun on partial stacks (null: no difference imaging). */
    private final EarlyStarts early;
    /** Writes the alert files (JSON lines, Avro, VOEvent) in commit order, off the scheduler's thread. */
    private java.util.concurrent.ExecutorService alertFiles;
    private AlertHub alertHub;
    private volatile ControlRoom controlRoom;
    private volatile ActorRef<ObservatoryActor.Command> observatory;
    private ActorRef<SchedulerActor.Command> schedulerActor;
    private SchedulerTotals schedulerTotals;
    private final ActorSystem<Guardian.Command> system;
    private long startNanos;
    private long endNanos;
    private volatile boolean nightEnded;
    private volatile boolean stopRequested;
    private final java.util.concurrent.atomic.AtomicLong schedulerVisitsHandled = new java.util.concurrent.atomic.AtomicLong();
    /** Why the night had to be closed around held work (null: it ended by itself). */
    private volatile String forcedClose;
    /** Visits handed to the scheduler that it had not handled when the night ended without waiting for it. */
    private long schedulerUnhandled;
    private long lastCatchUpLine;

    /**
     * A control room opened before the night ({@link NightLobby}): the night registers its metrics in
     * {@code registry} and gives the room its view through {@code attach}; the room stays the lobby's.
     */
    public record Room(ControlRoom room, PrometheusMeterRegistry registry, java.util.function.Consumer<NightBackend> attach) {
    }

    private final Room room;

    public NightRunner(DeploymentConfig config, Options options) {
        this(config, options, null);
    }

    /** A night whose control room {@code room} is already open (null: it opens its own when the options ask for one). */
    public NightRunner(DeploymentConfig config, Options options, Room room) {
        this.config = config;
        this.options = options;
        this.room = room;
        this.camera = config.camera();
        this.actors = config.actors();
        this.recorded = options.replayDir() != null
            ? RecordedNight.open(options.replayDir(), options.replaySensors(), options.replayFrom()) : null;
        this.placements = recorded != null ? config.sensorsByIndex(recorded.sensors()) : config.sensors(options.sensors());
        if (recorded != null) {
            recorded.problems().forEach(p -> LOG.error("replay: {}: skipped", p));
        }
        int fpv = recorded != null ? recorded.manifest().framesPerVisit() : config.framesPerVisit(options.mode());
        if (recorded != null && (recorded.manifest().width() != camera.width() || recorded.manifest().height() != camera.height())) {
            throw new IllegalArgumentException(recorded.layout().manifest() + ": frames of " + recorded.manifest().width() + "x"
                + recorded.manifest().height() + ", this deployment's sensors are " + camera.width() + "x" + camera.height());
        }

        // the ports and directories this night holds, before anything is prepared: a second night on the machine
        // that wants one of them fails here, at once (the ports first: checking them holds nothing)
        this.alertChannel = NightClaims.checkPorts(config, options, room == null);
        Path writes = options.outDir() != null ? options.outDir() : options.recordDir() == null ? options.skyDir() : null;
        if (writes != null && options.recordDir() != null
            && writes.toAbsolutePath().normalize().equals(options.recordDir().toAbsolutePath().normalize())) {
            writes = null; // one directory, one lock
        }
        this.recordLock = options.recordDir() != null ? NightClaims.lockDirectory(options.recordDir(), "--record DIR") : null;
        try {
            this.outLock = writes != null ? NightClaims.lockDirectory(writes, "--out DIR") : null;
        } catch (RuntimeException e) {
            if (recordLock != null) {
                recordLock.close();
            }
            throw e;
        }
        // compile the hot kernels before frames are due, not while the first visits wait
        KernelWarmUp.run(StackKernel.best());
        this.transport = AeronTransport.start(camera.aeron());
        int maxIndex = placements.stream().mapToInt(p -> p.sensor().index()).max().orElse(0);
        for (int i = 0; i <= maxIndex; i++) {
            ledgers.add(new SensorLedger(SensorId.of(i)));
        }
        // with difference imaging a visit holds its buffer for about a second after it closes, while the
        // sensor's next visit fills: each sensor then gets a second buffer
        int perSensor = options.diff() ? 2 : 1;
        this.pool = new StackBufferPool(camera.width(), camera.height(), placements.size() * perSensor + actors.spareStackBuffers());
        for (int t = 0; t < actors.ingestThreads(); t++) {
            IngestAgent agent = new IngestAgent("ingest-" + t, actors.fragmentLimit());
            agents.add(agent);
            AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 500_000),
                e -> LOG.error("ingest agent failed", e), null, agent);
            agentRunners.add(runner);
            AgentRunner.startOnThread(runner);
        }

        SkySimulator sim = new SkySimulator(camera.width(), camera.height(), camera.gain(), camera.readNoise(),
            camera.saturate(), options.seed());
        this.survey = new SimulatedSurvey(sim, SimulatedSurvey.Settings.from(config.config()), camera.seeingFwhmPx(),
            options.starsPerSensor(), fpv, camera.frameIntervalNs() / 1e9, options.visits(), config.pixelScaleArcsec(),
            options.seed());
        Path skyDir = options.skyDir();
        PreparedSky preparedSky = options.preparedSky() > 0 ? PreparedSky.render(survey, sim, placements, options.preparedSky(), fpv,
            Runtime.getRuntime().availableProcessors()) : null;
        if (skyDir != null && options.preparedFrames() == 0 && recorded == null && preparedSky == null) {
            survey.writeTruth(new NightLayout(skyDir).truth(), placements);
        }
        List<VisitSink> sinks = new ArrayList<>();
        if (options.stacksDir() != null) {
            sinks.add(new FitsStackSink(options.stacksDir(), camera.gain(), camera.readNoise(), camera.saturate(),
                config.pixelScaleArcsec()));
        }
        boolean resumedNight = false;
        if (options.diff()) {
            NightLayout sky = new NightLayout(skyDir);
            long t0 = System.nanoTime();
            if (preparedSky != null) {
                preparedSky.writeReferences(sky, placements);
                LOG.info("prepared sky: {} sensor skies shown by {} sensors, references written into {} in {} s", preparedSky.templates(),
                    placements.size(), sky.root(), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            } else if (recorded == null) {
                survey.writeSky(sky, placements, Runtime.getRuntime().availableProcessors());
                LOG.info("simulated references of {} sensors x {} fields rendered into {} in {} s", placements.size(),
                    Math.min(survey.settings().fields(), options.visits()), sky.root(), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            }
            Map<Integer, SensorPlacement> byIndex = new LinkedHashMap<>();
            placements.forEach(p -> byIndex.put(p.sensor().index(), p));
            ActorsSettings.Diff d = actors.diff();
            // a replayed night has the references it recorded, and no others
            ReferenceLibrary refs = new ReferenceLibrary(skyDir, recorded != null || preparedSky != null ? (sensor, field) -> null
                : (sensor, field) -> {
                survey.writeDark(skyDir, sensor);
                return byIndex.containsKey(sensor.index()) ? survey.writeReference(sky, byIndex.get(sensor.index()), field) : null;
            }, d.referenceCache(), d.darkHotSigma(), d.subtractDark());
            StageFaults.Fault df = options.faults().diff();
            this.diff = new DiffStage(new DiffStage.Settings(DiffSettings.from(config.config()), camera.gain(), camera.saturate(),
                config.pixelScaleArcsec(), d.zeroPointMag(), d.workerCount(), config.config().getInt("nightwatch.actors.diff.early-planes")),
                refs, camera.width(), camera.height(), df != null ? df::strike : null);
            if (recorded != null) {
                // a replay honours each visit file's GAIN, SATURATE and TAN WCS; the configuration fills only what a file lacks
                RecordedNight rn = recorded;
                diff.headers((sensor, visit) -> rn.metadata(sensor.index(), visit));
            }
            t0 = System.nanoTime();
            int warm = diff.warmUp(placements.stream().map(SensorPlacement::sensor).toList(),
                preparedSky != null ? 1 : Math.min(survey.settings().fields(), options.visits()));
            LOG.info("{} references prepared before the night in {} s", warm, String.format("%.1f", (System.nanoTime() - t0) / 1e9));
            Path out = options.outDir() != null ? options.outDir() : skyDir;
            this.candidateCsv = new CandidateCsvSink(out);
            sinks.add(candidateCsv);
            this.classifier = classifier(actors.classifier(), options.faults().classifier(), d.workerCount());
            if (classifier != null) {
                // the scheduler's catalogue and database are checked here, before the night begins
                SchedulerSettings ss = SchedulerSettings.from(config.config());
                KnownVariables known = ss.knownVariables().isBlank() ? KnownVariables.none(ss.associationRadiusArcsec())
                    : KnownVariables.read(Path.of(ss.knownVariables()), ss.associationRadiusArcsec());
                AlertStore.Opened opened = AlertStore.openNight(ss.storeUrl(), ss.storeUser(), ss.storePassword(), out, nightKey(),
                    java.util.stream.Stream.concat(AlertOutputs.NIGHT_FILES.stream(), java.util.stream.Stream.of(AlertLatencyLog.FILE)).toList());
                this.alertStore = opened.store();
                if (opened.archivedTo() != null) {
                    LOG.info("an earlier night's database and alerts in {} were moved to {}", out, opened.archivedTo());
                }
                this.scheduler = new Scheduler(ss, known);
                this.resumedObjects = opened.resumed() ? alertStore.restoreInto(scheduler) : 0;
                resumedNight = opened.resumed();
                if (recorded != null && opened.resumed()) {
                    int done = recorded.excludeDone(alertStore.visitsDone());
                    LOG.info("resuming the replay: {} sensor-visits were done before and are not replayed again", done);
                }
                // a simulated night's VOEvents (simulated now or recorded from a simulation) are tests
                boolean simulated = recorded == null || recorded.manifest().simulated();
                this.alertOutputs = new AlertOutputs(out, new AlertOutputs.Formats(ss.outputs().avro(), ss.voEvent(simulated)));
                int caught = alertOutputs.catchUp(alertStore);
                if (opened.resumed()) {
                    LOG.info("resuming the night in {}: {} objects and {} alerts read back{}", alertStore.url(), resumedObjects,
                        alertOutputs.size(), caught > 0 ? ", " + caught + " alerts the files lacked written again" : "");
                }
                this.alertLatency = new AlertLatencyLog(out);
                this.alertStream = alertChannel != null
                    ? new AlertStreamPublisher(transport.aeron(), alertChannel, ss.outputs().aeronStreamId(),
                        config.config().getDuration("nightwatch.actors.alerts.stream-patience").toMillis())
                    : null;
                if (alertStream != null) {
                    LOG.info("alert stream: Avro messages on {} stream {}", alertStream.channel(), alertStream.streamId());
                }
                this.schedulerSink = new SchedulerSink();
                sinks.add(schedulerSink);
            } else {
                this.alertStore = null;
                this.alertOutputs = null;
                this.alertStream = null;
                this.alertLatency = null;
                this.scheduler = null;
                this.schedulerSink = null;
                this.resumedObjects = 0;
            }
        } else {
            this.diff = null;
            this.classifier = null;
            this.candidateCsv = null;
            this.alertStore = null;
            this.alertOutputs = null;
            this.alertStream = null;
            this.alertLatency = null;
            this.scheduler = null;
            this.schedulerSink = null;
            this.resumedObjects = 0;
        }
        if (diff != null && options.pacing() == Pacing.REALTIME) {
            // at the camera's pace a visit that cannot be differenced in time is spooled and caught up later
            Path spoolDir = (options.outDir() != null ? options.outDir() : skyDir).resolve("spool");
            // spill while the free buffers could not give every sensor its next visit: a sensor that is behind then
            // spools rather than leave a sensor that is not without a buffer (deferred unprocessed)
            int freeBelow = Math.max(2, placements.size());
            this.spool = new VisitSpool(spoolDir, config.config().getBytes("nightwatch.actors.spool.max-bytes"), freeBelow,
                camera.width(), camera.height(), new VisitSpool.CameraKeywords(camera.gain(), camera.readNoise(), camera.saturate(),
                config.pixelScaleArcsec()));
            if (alertStore != null && resumedNight && recorded != null) {
                // a resumed replay catches up what its spool holds instead of replaying those visits' frames
                var done = alertStore.visitsDone();
                int pending = spool.resume((sensor, visit) -> done.getOrDefault(sensor.index(), java.util.Set.of()).contains(visit));
                if (pending > 0) {
                    int left = recorded.excludeSpooled(spool.pendingVisits());
                    LOG.info("resuming the replay: {} spooled visits in {} are caught up from there ({} left out of the replay)",
                        pending, spoolDir, left);
                }
            } else {
                // a new night, or a simulated one run again from its start (it simulates those visits anew)
                spool.clear();
            }
        } else {
            this.spool = null;
        }
        if (options.extraSink() != null) {
            sinks.add(options.extraSink());
        }
        VisitSink sink = sinks.isEmpty() ? VisitSink.NONE : v -> sinks.forEach(s -> s.accept(v));
        VisitAssembler.WhenFull whenFull = options.pacing() == Pacing.MAX ? VisitAssembler.WhenFull.WAIT : VisitAssembler.WhenFull.DEFER;
        // the diff executor is the actor system's, made below: early work is handed to it through this
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Executor> diffExecutor = new java.util.concurrent.atomic.AtomicReference<>();
        // at real-time pace only: whether a visit's early work is done by its close depends on timing, and a night
        // run as fast as it goes keeps its promise of the same alerts every time
        this.early = diff == null || options.pacing() != Pacing.REALTIME ? null : new EarlyStarts(diff, r -> diffExecutor.get().execute(r),
            config.config().getDouble("nightwatch.actors.diff.early-fraction"), config.config().getInt("nightwatch.actors.diff.early-planes"),
            camera.width(), camera.height());
        NightContext ctx = new NightContext(transport, agents, pool, ledgers, StackKernel.best(), sink, stats, actors,
            camera.width(), camera.height(), whenFull, null, null, diff, classifier, spool, early);

        FrameSource source = recorded != null ? recorded : preparedSky != null ? preparedSky : options.preparedFrames() > 0
            ? PreparedFrames.render(sim, options.preparedFrames(), camera.seeingFwhmPx(), options.starsPerSensor())
            : new SimulatedSky(sim, survey).warmUp()
                .prepare(placements.stream().map(p -> p.sensor().index()).toList(), 0);
        Instant first = options.nightStart() != null ? options.nightStart() : Instant.now();
        long start = first.toEpochMilli() * 1_000_000L;
        if (options.recordDir() != null && recorded == null) {
            NightManifest manifest = new NightManifest(NightManifest.FORMAT_VERSION, NightManifest.Site.KISO,
                LocalDate.ofInstant(first, ZoneOffset.ofHours(9)).toString(), options.mode().cliName(), fpv, camera.frameRateHz(),
                camera.width(), camera.height(), placements.stream().map(p -> p.sensor().index()).toList(), true);
            this.recorder = new NightRecorder(new NightLayout(options.recordDir()), manifest, camera.gain(),
                camera.readNoise(), camera.saturate(), config.pixelScaleArcsec());
        } else {
            this.recorder = null;
        }
        this.cam = new SimulatedCamera(new SimulatedCamera.Plan(placements, options.visits(), options.mode(), fpv,
            options.pacing(), camera.width(), camera.height(), Math.round(camera.frameIntervalNs() / options.speedFactor()), start,
            camera.sourceQueueFrames(),
            options.renderThreads(), camera.sendBatchBlocks(), actors.notConnectedTimeout().toNanos(),
            options.sensorDiesAfter(), survey.settings().fields()), transport, source,
            recorder != null ? recorder : FrameRecorder.NONE);

        NightControl control = new NightControl() {
            @Override
            public void startSources(SurveyMode mode) {
                startNanos = System.nanoTime();
                cam.start();
            }

            @Override
            public void stopSources() {
                cam.stop();
            }
        };
        List<SensorId> ids = placements.stream().map(SensorPlacement::sensor).toList();
        this.system = ActorSystem.create(Guardian.create(ctx, ids, control), "nightwatch", config.config());
        diffExecutor.set(system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.diff-dispatcher")));
        if (classifier != null) {
            classifier.start(Materializer.matFromSystem(system),
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.classifier-dispatcher")));
        }
        if (spool != null) {
            var mat = Materializer.matFromSystem(system);
            VisitPipeline.Stages stages = new VisitPipeline.Stages(new StackStage(ctx.kernel()),
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.stacking-dispatcher")), diff,
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.diff-dispatcher")), classifier, sink,
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.io-dispatcher")));
            this.catchUp = new CatchUp(spool, pool, diff, placements.size(),
                ledger -> VisitPipeline.start(mat, 2, actors.visitDeadline(), stages, ledger, pool, stats)).start();
        }
        boolean withRoom = room != null || options.httpPort() != null;
        if (scheduler != null || withRoom) {
            // without a scheduler the hub stays empty: the control room then shows the focal plane and gauges, no alerts
            alertHub = new AlertHub(Materializer.matFromSystem(system), config.config().getInt("nightwatch.actors.alerts.hub-buffer"));
        }
        if (scheduler != null) {
            StageFaults.Fault sf = options.faults().scheduler();
            alertFiles = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "alert-files");
                t.setDaemon(true);
                return t;
            });
            schedulerActor = system.systemActorOf(SchedulerActor.create(scheduler, alertStore, alertOutputs, alertHub, resumedObjects,
                alertLatency, sf != null ? sf::strike : null, schedulerVisitsHandled, alertFiles),
                "scheduler", DispatcherSelector.fromConfig("nightwatch.scheduler-dispatcher"));
            schedulerSink.connect(schedulerActor);
            if (alertStream != null) {
                // the Aeron alert stream is one of the hub's consumers, on a thread of its own
                alertHub.source().runWith(Sink.<Alert>foreach(alertStream::publish)
                    .withAttributes(ActorAttributes.dispatcher("nightwatch.alert-stream-dispatcher")), Materializer.matFromSystem(system));
            }
        }
        // the control room is the operator's view of every night, not a feature of the scheduler's: a night without
        // difference imaging or a model (no alerts) still shows its focal plane, gauges and controls
        if (withRoom) {
            controlRoom = startControlRoom(options.httpPort());
            if (scheduler == null) {
                LOG.warn("control room: this night raises no alerts ({}): the page shows the focal plane and gauges only",
                    !options.diff() ? "no difference imaging" : "no real/bogus model");
            }
        }
    }

    /** What identifies this night in its database: a simulated night by its seed, sensors, visits and mode. */
    private String nightKey() {
        if (recorded != null) {
            return "replay " + options.replayDir().toAbsolutePath().normalize() + " sensors=" + recorded.sensors();
        }
        return "simulate seed=" + options.seed() + " sensors=" + options.sensors() + " visits=" + options.visits() + " mode="
            + options.mode().cliName() + (options.nightStart() != null ? " start=" + options.nightStart() : "");
    }

    private ControlRoom startControlRoom(Integer port) {
        PrometheusMeterRegistry registry = room != null ? room.registry() : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("nightwatch_frames_published", cam, c -> c.framesProduced()).register(registry);
        for (FrameFate.Kind k : FrameFate.Kind.values()) {
            Gauge.builder("nightwatch_frames", this, r -> r.total(l -> l.count(k))).tag("fate", k.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry);
        }
        Gauge.builder("nightwatch_visits_stacked", this, r -> r.total(l -> l.visitsStacked().get())).register(registry);
        Gauge.builder("nightwatch_visits_deferred", this, r -> r.total(l -> l.visitsDeferred().get())).register(registry);
        Gauge.builder("nightwatch_back_pressured_offers", cam, c -> c.backPressuredOffers()).register(registry);
        Gauge.builder("nightwatch_stack_buffers_in_use", pool, p -> p.inUse()).register(registry);
        Gauge.builder("nightwatch_alerts_published", alertHub, h -> h.offered()).register(registry);
        Gauge.builder("nightwatch_alerts_dropped_for_live_consumers", alertHub, h -> h.dropped()).register(registry);
        NightRoomBackend.Night night = new NightRoomBackend.Night() {
            @Override
            public String summary() {
                Progress p = progress();
                return String.format(java.util.Locale.ROOT, "%s on %d sensors, %.0f s: %d frames stacked, %d lost, %d deferred, %.2fx real time",
                    options.mode().cliName(), placements.size(), p.seconds(), p.stacked(), p.lost(), p.deferred(), p.realtimeFactor());
            }

            @Override
            public NightRoomBackend.NightState state() {
                Progress p = progress();
                Histogram h = stats.latency();
                boolean any = h.getTotalCount() > 0;
                String phase = nightEnded ? "ended" : startNanos == 0 ? "starting" : "observing";
                return new NightRoomBackend.NightState(options.mode().cliName(), phase, p.seconds(), p.realtimeFactor(), p.published(),
                    p.stacked(), p.lost(), p.deferred(), total(l -> l.visitsStacked().get()), stats.candidates(),
                    any ? h.getValueAtPercentile(50) / 1e6 : Double.NaN, any ? h.getValueAtPercentile(99) / 1e6 : Double.NaN,
                    p.buffersInUse(), p.buffersCapacity(), p.backPressured(), total(l -> l.backPressuredPolls().get()));
            }

            @Override
            public List<NightRoomBackend.SensorRow> sensors() {
                List<NightRoomBackend.SensorRow> rows = new ArrayList<>();
                for (SensorPlacement pl : placements) {
                    SensorLedger l = ledgers.get(pl.sensor().index());
                    long stacked = l.count(FrameFate.STACKED);
                    long deferred = l.count(FrameFate.Kind.DEFERRED);
                    String state = l.restarts().get() > 0 ? "fault" : deferred > 0 ? "deferred" : stacked > 0 ? "observing" : "idle";
                    rows.add(new NightRoomBackend.SensorRow(pl.sensor().name(), pl.row(), pl.column(), state, l.framesReceived().get(),
                        stacked, l.count(FrameFate.Kind.LOST), deferred, l.visitsStacked().get(), l.gaps().size(), l.skyLevel(),
                        l.lastProblem()));
                }
                return rows;
            }

            @Override
            public String stop() {
                if (nightEnded) {
                    return "the night has ended";
                }
                stopRequested = true; // before reading the observatory: run() sets it, then reads this
                ActorRef<ObservatoryActor.Command> o = observatory;
                if (o == null) {
                    return "stopping: the night stops as soon as it starts";
                }
                o.tell(ObservatoryActor.StopNight.INSTANCE);
                return "stopping: the camera stops, what arrived is processed";
            }

            @Override
            public String start() {
                // a night that waits for the operator is started by its lobby, which answers later starts itself
                return "the night is already running: it started with its command (give it --await-start to start it from here)";
            }
        };
        NightRoomBackend backend = new NightRoomBackend(system, alertHub, schedulerActor, scheduler != null ? scheduler.liveAlerts() : List.of(), night,
            new FollowUpPlanner(SchedulerSettings.from(config.config()).followUp()));
        if (room != null) {
            room.attach().accept(backend);
            return room.room();
        }
        com.typesafe.config.Config c = config.config().getConfig("nightwatch.control-room");
        ControlRoom room = ControlRoom.start(backend, new ControlRoomSettings(c.getString("host"), port, c.getString("token")), registry,
            config.config());
        LOG.info("control room at {}", room.url());
        return room;
    }

    /** The control room (null when the night has none). */
    public ControlRoom controlRoom() {
        return controlRoom;
    }

    /** The live alert stream (null without a scheduler). */
    public AlertHub alertHub() {
        return alertHub;
    }

    /** The scheduler actor (null without one). */
    public ActorRef<SchedulerActor.Command> schedulerActor() {
        return schedulerActor;
    }

    /** The night's real/bogus scorer from its model file; null (said) when none is configured or the file is missing. */
    private static ClassifierStage classifier(ActorsSettings.Classifier c, StageFaults.Fault fault, int imagers) {
        if (c.model().isBlank()) {
            LOG.info("no classifier model configured: candidates stay unscored");
            return null;
        }
        Path file = Path.of(c.model());
        if (!file.isAbsolute()) {
            String home = System.getProperty("nightwatch.home");
            file = home != null ? Path.of(home).resolve(file) : file;
        }
        if (!java.nio.file.Files.exists(file)) {
            LOG.warn("classifier model {} not found: candidates stay unscored", file);
            return null;
        }
        if (c.onImagers()) {
            // each imager scores with a model of its own, on one native thread: two imagers on two cores each
            // scored more (about 3,200 cutouts/s at a visit's 54) than one model on two native threads (about 4,500)
            org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
            org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(1);
        }
        RealBogusModel model = RealBogusModel.load(file, null);
        LOG.info("real/bogus model {} ({}, {} parameters) from {}", model.version(), model.architecture(), model.parameters(), file);
        if (c.onImagers()) {
            Path from = file;
            // one model an imager, made and warmed before the first frame
            java.util.concurrent.ConcurrentLinkedQueue<RealBogusModel> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();
            ready.add(warm(model, 64));
            for (int i = 1; i < imagers; i++) {
                ready.add(warm(RealBogusModel.load(from, null), 64));
            }
            ClassifierStage stage = ClassifierStage.onCallersThreads(model.version(), () -> {
                RealBogusModel m = ready.poll();
                RealBogusModel mine = m != null ? m : warm(RealBogusModel.load(from, null), 64);
                return fault == null ? mine::scoreCutouts : cutouts -> {
                    fault.strike();
                    return mine.scoreCutouts(cutouts);
                };
            });
            for (int i = 0; i < imagers; i++) {
                stage.prepare();
            }
            return stage;
        }
        if (fault != null) {
            LOG.warn("drill: the classifier will {} after some batches", fault.kind().name().toLowerCase(java.util.Locale.ROOT));
            return new ClassifierStage(model.version(), cutouts -> {
                fault.strike();
                return model.scoreCutouts(cutouts);
            }, c.batch(), c.maxWait(), c.queue());
        }
        return new ClassifierStage(warm(model, c.batch()), c.batch(), c.maxWait(), c.queue());
    }

    /**
     * Scores throw-away batches of the sizes a night makes, so that the first visit's candidates do not pay for
     * the native kernels' set-up and the JIT (the first real batch took seconds without it).
     */
    private static RealBogusModel warm(RealBogusModel model, int largest) {
        long t0 = System.nanoTime();
        float[] blank = new float[3 * org.nightwatch.protocol.Candidate.CUTOUT * org.nightwatch.protocol.Candidate.CUTOUT];
        for (int n : new int[] {1, 16, 64, Math.max(1, largest)}) {
            model.scoreCutouts(java.util.Collections.nCopies(n, blank));
        }
        LOG.info("real/bogus model warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return model;
    }

    /** The running actor system (tests reach sensors through its guardian). */
    public ActorSystem<Guardian.Command> system() {
        return system;
    }

    public SimulatedCamera camera() {
        return cam;
    }

    public StackBufferPool pool() {
        return pool;
    }

    public SensorLedger ledger(SensorId id) {
        return ledgers.get(id.index());
    }

    public NightStats stats() {
        return stats;
    }

    /** Difference imaging begun on partial stacks (null: the night does none). */
    public EarlyStarts earlyStarts() {
        return early;
    }

    /** What difference imaging has cost so far, or null when the night does none. */
    public DiffStage.Cost diffCost() {
        return diff != null ? diff.cost() : null;
    }

    /** Runs the night to its end and returns the summary; {@code progress} is called about every second. */
    public NightSummary run(Consumer<Progress> progress) throws InterruptedException {
        Duration ask = Duration.ofSeconds(30);
        ActorRef<ObservatoryActor.Command> observatory = AskPattern.<Guardian.Command, ActorRef<ObservatoryActor.Command>>ask(
            system, Guardian.GetObservatory::new, ask, system.scheduler()).toCompletableFuture().join();
        awaitSubscribers(Duration.ofSeconds(30));
        CompletionStage<ObservatoryActor.NightEnded> ended = AskPattern.ask(observatory,
            (ActorRef<ObservatoryActor.NightEnded> r) -> new ObservatoryActor.StartNight(options.mode(), r),
            options.timeout(), system.scheduler());
        this.observatory = observatory;
        if (stopRequested) {
            // the operator stopped the night while it was being prepared
            observatory.tell(ObservatoryActor.StopNight.INSTANCE);
        }
        long deadline = System.nanoTime() + options.timeout().toNanos();
        long cameraDoneAt = -1;
        long finishedAt = -1;
        // after the camera has finished, a night that accounts no frame for this long is stuck: a stage holds
        // visits past their deadline, or a sensor's stream never ends. It is closed, and what it held counted.
        long stuckAfter = 2 * actors.visitDeadline().toNanos();
        long accountedBefore = -1;
        long progressAt = System.nanoTime();
        var future = ended.toCompletableFuture();
        while (!future.isDone()) {
            try {
                future.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // progress below
            } catch (ExecutionException e) {
                throw new IllegalStateException("the night failed: " + e.getCause().getMessage(), e.getCause());
            }
            stats.sampleHeap();
            if (progress != null && !future.isDone()) {
                progress.accept(progress());
            }
            long now = System.nanoTime();
            if (cam.isDone() && cameraDoneAt < 0) {
                cameraDoneAt = now;
                if (catchUp != null) {
                    catchUp.cameraDone();
                }
            }
            // a sensor whose end-of-stream never arrives (its receiver was gone) is closed after a grace period
            long grace = actors.visitTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
            if (finishedAt < 0 && cameraDoneAt > 0 && now - cameraDoneAt > grace) {
                LOG.warn("sensors still open {} s after the camera finished: closing them", grace / 1_000_000_000L);
                agents.forEach(IngestAgent::finishAll);
                finishedAt = now;
            }
            long accounted = total(SensorLedger::accounted);
            if (accounted != accountedBefore) {
                accountedBefore = accounted;
                progressAt = now;
            }
            boolean held = cam.framesProduced() > accounted || pool.inUse() > 0;
            if (held && forcedClose == null && now - progressAt > stuckAfter) {
                forcedClose = String.format(java.util.Locale.ROOT, "no frame accounted for %d s with %d frames in flight and %d stack "
                    + "buffers held%s", stuckAfter / 1_000_000_000L, cam.framesProduced() - accounted, pool.inUse(),
                    cameraDoneAt > 0 ? ", after the camera finished" : ", while the camera was sending");
                LOG.error("the night is stuck ({}): closing it; what is still held is counted lost", forcedClose);
                observatory.tell(ObservatoryActor.StopNight.INSTANCE);
                agents.forEach(IngestAgent::finishAll);
                finishedAt = finishedAt < 0 ? now : finishedAt;
                system.tell(new Guardian.CloseAll("the night was closed: " + forcedClose));
            }
            if (now > deadline) {
                observatory.tell(ObservatoryActor.StopNight.INSTANCE);
                throw new IllegalStateException("the night did not end within " + options.timeout());
            }
        }
        if (catchUp != null) {
            // the camera has stopped and the live visits are done: what was spooled is caught up now, at full speed
            catchUp.cameraDone();
            while (!catchUp.drained() && forcedClose == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the night did not end within " + options.timeout() + " (catching up "
                        + spool.pendingCount() + " spooled visits)");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                if (progress != null && System.nanoTime() - lastCatchUpLine > TimeUnit.SECONDS.toNanos(1)) {
                    lastCatchUpLine = System.nanoTime();
                    CatchUp.Totals t = catchUp.totals();
                    progress.accept(progress());
                    LOG.info("catching up: {} visits caught up, {} pending, {} failed", t.caughtUp(), t.pending(), t.failed());
                }
            }
        }
        if (forcedClose != null) {
            // the camera was stopped but may still be sending what it had queued: those frames reach closed streams
            // and are counted there (lost, late); wait for that, within bounds, so that the books can close
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!cam.isDone() || total(SensorLedger::accounted) < cam.framesProduced()) && System.nanoTime() < until) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        if (schedulerActor != null) {
            // every visit was handed to the scheduler; its answer comes after it has handled them all, unless it
            // is stuck (a database that hangs): then the night ends without it, and says so
            Duration drain = config.config().getDuration("nightwatch.actors.alerts.drain-timeout");
            try {
                schedulerTotals = AskPattern.<SchedulerActor.Command, SchedulerTotals>ask(schedulerActor, SchedulerActor.GetTotals::new,
                    drain, system.scheduler()).toCompletableFuture().join();
                alertStore.complete();
            } catch (java.util.concurrent.CompletionException e) {
                schedulerUnhandled = Math.max(1, schedulerSink.sent() - schedulerVisitsHandled.get());
                LOG.error("the scheduler is still busy {} s after the night's last visit, {} visits not handled: the night ends "
                    + "without their alerts and stays incomplete in its database (run it again to resume)", drain.toSeconds(),
                    schedulerUnhandled);
            }
            if (alertStream != null && schedulerTotals != null) {
                // the stream's consumer may still be offering the night's last alerts
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (alertStream.handled() + alertHub.dropped() < alertHub.offered() && System.nanoTime() < until) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
                schedulerTotals = schedulerTotals.withStream(new SchedulerTotals.Stream(alertStream.channel(), alertStream.streamId(),
                    alertStream.sent(), alertStream.unheard(), alertStream.dropped()));
            }
        }
        endNanos = System.nanoTime();
        nightEnded = true;
        if (early != null && early.begun() > 0) {
            LOG.info("difference imaging begun on partial stacks for {} visits, {} finished from that start", early.begun(), early.used());
        }
        return summary();
    }

    private void awaitSubscribers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 5_000_000);
        while (!cam.allConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sensor streams not subscribed within " + timeout);
            }
            idle.idle();
        }
    }

    /** The sum of {@code count} over this night's sensors. */
    private long total(ToLongFunction<SensorLedger> count) {
        long n = 0;
        for (SensorPlacement p : placements) {
            n += count.applyAsLong(ledgers.get(p.sensor().index()));
        }
        return n;
    }

    /** What the night looks like now. */
    public Progress progress() {
        long stacked = total(l -> l.count(FrameFate.STACKED));
        long lost = total(l -> l.count(FrameFate.Kind.LOST));
        long deferred = total(l -> l.count(FrameFate.Kind.DEFERRED));
        double secs = cam.elapsedSeconds();
        double rtf = secs > 0 ? (stacked + lost + deferred) / secs / (camera.frameRateHz() * placements.size()) : 0;
        return new Progress(secs, cam.framesProduced(), stacked, lost, deferred, pool.inUse(), pool.capacity(),
            cam.backPressuredOffers(), rtf);
    }

    private NightSummary summary() {
        long published = cam.framesProduced();
        Map<String, Long> lostBy = new LinkedHashMap<>();
        Map<String, Long> deferredBy = new LinkedHashMap<>();
        for (FrameFate f : FrameFate.values()) {
            long n = total(l -> l.count(f));
            if (n > 0 && f.kind() != FrameFate.Kind.STACKED) {
                (f.kind() == FrameFate.Kind.LOST ? lostBy : deferredBy).put(f.name().toLowerCase(), n);
            }
        }
        long stacked = total(l -> l.count(FrameFate.STACKED));
        long lost = total(l -> l.count(FrameFate.Kind.LOST));
        long deferred = total(l -> l.count(FrameFate.Kind.DEFERRED));
        List<NightSummary.SensorGaps> gaps = new ArrayList<>();
        for (SensorPlacement p : placements) {
            for (SensorLedger.Gap g : ledgers.get(p.sensor().index()).gaps()) {
                gaps.add(new NightSummary.SensorGaps(p.sensor().name(), g.firstSequence(), g.lastSequence(),
                    g.fate().name().toLowerCase(), g.detail()));
            }
        }
        double wall = (endNanos - startNanos) / 1e9;
        double rtf = published / wall / (camera.frameRateHz() * placements.size());
        Histogram h = stats.latency();
        NightSummary.Latency lat = new NightSummary.Latency(h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
        long unaccounted = published - stacked - lost - deferred;
        return new NightSummary(placements.size(), options.mode().cliName(), options.pacing().name().toLowerCase() + (options.pacing() == Pacing.REALTIME && options.speedFactor() != 1
                ? " x" + options.speedFactor() : ""),
            published, stacked, lost, deferred, unaccounted, unaccounted == 0, lostBy, deferredBy,
            total(l -> l.duplicates().get()), total(l -> l.malformed().get()), total(l -> l.visitsStacked().get()),
            total(l -> l.visitsFlagged().get()), total(l -> l.visitsDeferred().get()), total(l -> l.restarts().get()),
            cam.backPressuredOffers(), total(l -> l.backPressuredPolls().get()), wall, rtf,
            published * (double) camera.frameBytes() / wall / 1e9, lat, stats.peakHeapBytes() / 1048576.0,
            pool.peakInUse(), pool.capacity(), gaps, recorder != null ? recorder.framesRecorded() : 0,
            diff != null ? stats.diffTotals(classifier != null ? classifier.stats() : null, classifier != null ? classifier.modelVersion() : null) : null,
            schedulerTotals, recorded == null ? null
                : new NightSummary.Replay(options.replayDir().toString(), recorded.visitsSkipped(), recorded.doneBefore(), recorded.problems()),
            forcedClose, schedulerUnhandled, deferredWhere(deferred, total(l -> l.count(FrameFate.DEFERRED_SPOOLED))), catchUpTotals(),
            stats.timeline());
    }

    /** Where the deferred frames are, said only as far as it is true. */
    private String deferredWhere(long deferred, long spooled) {
        if (deferred == 0) {
            return null;
        }
        long rest = deferred - spooled;
        String other = rest == 0 ? "" : recorder != null
            ? rest + " recorded in " + options.recordDir() + " (replay it to process them)"
            : rest + " not recorded (the night ran without --record): not processed";
        if (spooled == 0) {
            return other;
        }
        CatchUp.Totals t = catchUp.totals();
        return spooled + " spooled in " + spool.root() + " and caught up by the catch-up path (" + t.caughtUp() + " visits caught up, "
            + t.pending() + " pending)" + (other.isEmpty() ? "" : "; " + other);
    }

    private NightSummary.CatchUpTotals catchUpTotals() {
        if (spool == null || catchUp == null) {
            return null;
        }
        CatchUp.Totals t = catchUp.totals();
        return new NightSummary.CatchUpTotals(spool.root().toString(), spool.visitsSpooled(), t.caughtUp(), t.failed() + spool.writesFailed(),
            t.pending(), t.latenessMsP50(), t.latenessMsMax(), spool.visitsNotSpooled(), spool.bytesPeak(), spool.bytesOnDisk(),
            spool.maxBytes(), t.problems());
    }

    @Override
    public void close() {
        options.faults().all().forEach(StageFaults.Fault::release); // a drilled stage lets go, so that its threads end
        if (catchUp != null) {
            catchUp.close(); // what is still spooled stays on disk for a resumed night
        }
        if (spool != null) {
            spool.close();
        }
        if (classifier != null) {
            classifier.close(); // before the actor system (and its materializer) goes
        }
        if (controlRoom != null && room == null) {
            controlRoom.close();
        }
        if (alertHub != null) {
            alertHub.close();
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("actor system did not terminate cleanly: {}", e.toString());
        }
        if (alertFiles != null) {
            alertFiles.shutdown();
            try {
                if (!alertFiles.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.error("the alert files were still being written 60 s after the night ended");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (alertOutputs != null) {
            alertOutputs.close();
        }
        if (alertStream != null) {
            alertStream.close();
        }
        if (alertLatency != null) {
            alertLatency.close();
        }
        if (alertStore != null) {
            alertStore.close();
        }
        CloseHelper.closeAll(agentRunners);
        if (candidateCsv != null) {
            candidateCsv.close();
        }
        cam.close();
        if (recorded != null) {
            recorded.close();
        }
        transport.close();
        if (recordLock != null) {
            recordLock.close();
        }
        if (outLock != null) {
            outLock.close();
        }
    }
}
