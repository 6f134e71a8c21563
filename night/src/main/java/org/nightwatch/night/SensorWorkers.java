package org.nightwatch.night;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.stream.Materializer;
import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.actors.NightContext;
import org.nightwatch.actors.classify.ClassifierStage;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.actors.ingest.IngestAgent;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.ingest.VisitSpool;
import org.nightwatch.actors.pipeline.CandidateCsvSink;
import org.nightwatch.actors.pipeline.CatchUp;
import org.nightwatch.actors.pipeline.EarlyStarts;
import org.nightwatch.actors.pipeline.FitsStackSink;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.VisitPipeline;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.workers.diff.DiffSettings;
import org.nightwatch.workers.stack.KernelWarmUp;
import org.nightwatch.workers.stack.StackKernel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor workers of a set of sensors: the ingest agents that poll their Aeron streams, each sensor's ledger,
 * the stack buffers, difference imaging with its references, the real/bogus classifier, the spool and catch-up path of
 * a night over capacity, and the sinks a processed visit goes to (stacks, candidates.csv, the scheduler's messages).
 * The sensor actors that run them are spawned by the guardian from {@link #context()}.
 */
public final class SensorWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SensorWorkers.class);

    /**
     * What the sensor workers are set with, read once from the deployment.
     *
     * @param earlyPlanes   difference imaging begun on a partial stack: planes kept; {@code earlyFraction} of a visit's frames
     * @param spoolMaxBytes the most the spool may hold on disk
     */
    public record Settings(CameraSettings camera, ActorsSettings actors, DiffSettings diff, double pixelScaleArcsec, int earlyPlanes,
                           double earlyFraction, long spoolMaxBytes) {
        public static Settings from(DeploymentConfig config) {
            com.typesafe.config.Config c = config.config();
            return new Settings(config.camera(), config.actors(), DiffSettings.from(c), config.pixelScaleArcsec(),
                c.getInt("nightwatch.actors.diff.early-planes"), c.getDouble("nightwatch.actors.diff.early-fraction"),
                c.getBytes("nightwatch.actors.spool.max-bytes"));
        }
    }

    private final Settings settings;
    private final NightOptions options;
    private final CameraSettings camera;
    private final ActorsSettings actors;
    private final List<SensorPlacement> placements;
    private final AeronTransport transport;
    private final List<SensorLedger> ledgers = new ArrayList<>();
    private final StackBufferPool pool;
    private final List<IngestAgent> agents = new ArrayList<>();
    private final List<AgentRunner> agentRunners = new ArrayList<>();
    private final NightStats stats = new NightStats();
    private final DiffStage diff;
    private final ClassifierStage classifier;
    private final CandidateCsvSink candidateCsv;
    /**
     * Batches each imager thread scores when the night starts, warming the classifier's scorers where they score (0:
     * none; the classifier scores elsewhere, or there is none).
     */
    private final int scorerWarmUpBatches;
    private VisitSpool spool;
    private EarlyStarts early;
    private CatchUp catchUp;
    private NightContext context;
    private VisitSink sink;
    /** The diff dispatcher, known once the actor system exists: early work is handed to it through this. */
    private final AtomicReference<Executor> diffExecutor = new AtomicReference<>();

    /**
     * Starts the ingest agents of {@code source}'s sensors and, for a differenced night, prepares its references (the
     * source writes a simulated night's) and opens the classifier: all before the first frame is due.
     */
    SensorWorkers(Settings settings, NightOptions options, NightSource source, AeronTransport transport, StageFaults faults) {
        this(settings, options, source, transport, faults, true);
    }

    /**
     * The books of a night whose sensors run on other machines (a cluster night's camera node): each sensor's ledger,
     * mirrored from what its worker reports; nothing is ingested, stacked or differenced here.
     */
    static SensorWorkers booksOnly(Settings settings, NightOptions options, NightSource source) {
        return new SensorWorkers(settings, options, source, null, StageFaults.NONE, false);
    }

    private SensorWorkers(Settings settings, NightOptions options, NightSource source, AeronTransport transport, StageFaults faults,
                          boolean hosts) {
        this.settings = settings;
        this.options = options;
        this.camera = settings.camera();
        this.actors = settings.actors();
        this.placements = source.placements();
        this.transport = transport;
        int maxIndex = placements.stream().mapToInt(p -> p.sensor().index()).max().orElse(0);
        for (int i = 0; i <= maxIndex; i++) {
            ledgers.add(new SensorLedger(SensorId.of(i)));
        }
        // with difference imaging a visit holds its buffer for about a second after it closes, while the
        // sensor's next visit fills: each sensor then gets a second buffer
        if (!hosts) {
            this.pool = new StackBufferPool(camera.width(), camera.height(), 1); // made on first need: never
            this.diff = null;
            this.classifier = null;
            this.candidateCsv = null;
            this.scorerWarmUpBatches = 0;
            return;
        }
        // compile the hot kernels before frames are due, not while the first visits wait
        KernelWarmUp.run(StackKernel.best());
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
        if (!options.diff()) {
            this.diff = null;
            this.classifier = null;
            this.candidateCsv = null;
            this.scorerWarmUpBatches = 0;
            return;
        }
        Path skyDir = options.skyDir();
        ReferenceLibrary.Maker maker = source.writeReferences(new NightLayout(skyDir));
        ActorsSettings.Diff d = actors.diff();
        ReferenceLibrary refs = new ReferenceLibrary(skyDir, maker, d.referenceCache(), d.darkHotSigma(), d.subtractDark());
        StageFaults.Fault df = faults.diff();
        if (df != null) {
            LOG.warn("drill: difference imaging will {}", df);
        }
        this.diff = new DiffStage(new DiffStage.Settings(settings.diff(), camera.gain(), camera.saturate(), settings.pixelScaleArcsec(),
            d.zeroPointMag(), d.workerCount(), settings.earlyPlanes()),
            refs, camera.width(), camera.height(), df != null ? df::strike : null);
        if (source.visitHeaders() != null) {
            // a replay honours each visit file's GAIN, SATURATE and TAN WCS; the configuration fills only what a file lacks
            diff.headers(source.visitHeaders());
        }
        long t0 = System.nanoTime();
        int runs = options.compilesBeforeTheNight() ? d.warmUpRuns() : 1;
        int warm = diff.warmUp(source.sensors(), source.fields(), runs);
        LOG.info("{} references prepared and the imagers warmed up ({} made-up visits) before the night in {} s", warm, runs, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        this.candidateCsv = new CandidateCsvSink(outDir());
        StageFaults.Fault cf = faults.classifier();
        if (cf != null) {
            LOG.warn("drill: the classifier will {}", cf);
        }
        this.classifier = ClassifierModels.open(actors.classifier(), cf != null ? cf::strike : null, d.workerCount());
        this.scorerWarmUpBatches = classifier == null || !classifier.scoresOnCallersThreads() ? 0
            : options.compilesBeforeTheNight() ? WARM_UP_BATCHES : FIRST_BATCHES;
    }

    /** Where the night's candidates and spool go: its output directory, or the recorded night it writes. */
    private Path outDir() {
        return options.outDir() != null ? options.outDir() : options.skyDir();
    }

    /** Whether the night's candidates are scored, so that a scheduler can rank them. */
    public boolean scores() {
        return classifier != null;
    }

    /**
     * Connects the workers to where a processed visit goes ({@code scheduler}: the scheduler's messages, null: none)
     * and prepares the spool of a night paced by the camera. Called once, before the actor system starts.
     */
    void connect(SchedulerRole scheduler, RecordedNight recorded) {
        connect(scheduler != null ? scheduler.sink() : null, scheduler != null && scheduler.resumed() ? scheduler.store().visitsDone() : null,
            recorded);
    }

    /**
     * As above, with the scheduler reached through {@code toScheduler} (null: none), and {@code resumedDone}: the visits a
     * resumed night's database says were done (null: a new night).
     */
    void connect(VisitSink toScheduler, java.util.Map<Integer, Set<Long>> resumedDone, RecordedNight recorded) {
        List<VisitSink> sinks = new ArrayList<>();
        if (options.stacksDir() != null) {
            sinks.add(new FitsStackSink(options.stacksDir(), camera.gain(), camera.readNoise(), camera.saturate(), settings.pixelScaleArcsec()));
        }
        if (candidateCsv != null) {
            sinks.add(candidateCsv);
        }
        if (toScheduler != null) {
            sinks.add(v -> {
                ledger(v.visit().sensor()).visitsToScheduler().incrementAndGet();
                toScheduler.accept(v);
            });
        }
        if (options.extraSink() != null) {
            sinks.add(options.extraSink());
        }
        this.sink = sinks.isEmpty() ? VisitSink.NONE : v -> sinks.forEach(s -> s.accept(v));
        boolean realtime = options.pacing() == Pacing.REALTIME;
        if (diff != null && realtime) {
            openSpool(resumedDone, recorded);
            // at real-time pace only: whether a visit's early work is done by its close depends on timing, and a night
            // run as fast as it goes keeps its promise of the same alerts every time
            this.early = new EarlyStarts(diff, r -> diffExecutor.get().execute(r), settings.earlyFraction(), settings.earlyPlanes(),
                camera.width(), camera.height());
        }
        VisitAssembler.WhenFull whenFull = realtime ? VisitAssembler.WhenFull.DEFER : VisitAssembler.WhenFull.WAIT;
        this.context = new NightContext(transport, agents, pool, ledgers, StackKernel.best(), sink, stats, actors, camera.width(),
            camera.height(), whenFull, null, null, diff, classifier, spool, early);
    }

    /** At the camera's pace a visit that cannot be differenced in time is spooled, and caught up later. */
    private void openSpool(java.util.Map<Integer, Set<Long>> resumedDone, RecordedNight recorded) {
        Path spoolDir = outDir().resolve("spool");
        // spill while the free buffers could not give every sensor its next visit: a sensor that is behind then
        // spools rather than leave a sensor that is not without a buffer (deferred unprocessed)
        int freeBelow = Math.max(2, placements.size());
        this.spool = new VisitSpool(spoolDir, settings.spoolMaxBytes(), freeBelow, camera.width(),
            camera.height(), new VisitSpool.CameraKeywords(camera.gain(), camera.readNoise(), camera.saturate(), settings.pixelScaleArcsec()));
        if (resumedDone != null && recorded != null) {
            // a resumed replay catches up what its spool holds instead of replaying those visits' frames
            var done = resumedDone;
            int pending = spool.resume((sensor, visit) -> done.getOrDefault(sensor.index(), Set.of()).contains(visit));
            if (pending > 0) {
                int left = recorded.excludeSpooled(spool.pendingVisits());
                LOG.info("resuming the replay: {} spooled visits in {} are caught up from there ({} left out of the replay)", pending,
                    spoolDir, left);
            }
        } else {
            // a new night, or a simulated one run again from its start (it simulates those visits anew)
            spool.clear();
        }
    }

    /** What the guardian spawns the sensor actors with. */
    public NightContext context() {
        return context;
    }

    /** Starts the classifier's stream and the catch-up path on the actor system's dispatchers. */
    void start(ActorSystem<?> system) {
        Executor diffDispatcher = system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.diff-dispatcher"));
        diffExecutor.set(diffDispatcher);
        if (scorerWarmUpBatches > 0) {
            warmScorersOn(diffDispatcher, actors.diff().workerCount(), scorerWarmUpBatches);
        }
        if (classifier != null) {
            classifier.start(Materializer.matFromSystem(system),
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.classifier-dispatcher")));
        }
        if (spool != null) {
            var mat = Materializer.matFromSystem(system);
            VisitPipeline.Stages stages = new VisitPipeline.Stages(new StackStage(context.kernel()),
                system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.stacking-dispatcher")), diff, diffDispatcher,
                classifier, sink, system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.io-dispatcher")));
            this.catchUp = new CatchUp(spool, pool, diff, placements.size(),
                ledger -> VisitPipeline.start(mat, 2, actors.visitDeadline(), stages, ledger, pool, stats)).start();
        }
    }

    /**
     * Batches each imager thread scores before the night, in these sizes in turn. The model's graph is run by SameDiff's
     * Java code: warmed on five batches a thread, the JIT compiled it in the 84-sensor bench night (5.0 s of C2
     * compilation on the night's cores, the last in its 55th second), 1.0 s after these 480. Small batches count as much
     * for that and cost little; the large ones give the native kernels the night's shapes. They take 2.5-4.5 s on two
     * idle cores, and 18 s were seen on a worker that joined a night whose nodes shared its cores.
     */
    private static final int WARM_UP_BATCHES = 480;
    /**
     * Batches a night that does not compile before its first frame (one run as fast as it goes, whose camera waits for it)
     * scores a thread: each thread's first batches, which make its session and cost twice a later one's. A worker that
     * joins such a night mid-way takes its sensors seconds sooner for it.
     */
    private static final int FIRST_BATCHES = 5;
    private static final int[] WARM_UP_BATCH_SIZES = {1, 2, 4, 8, 1, 2, 4, 16, 1, 2, 4, 32, 1, 2, 4, 64};

    /**
     * Warms the classifier's scorers on the imagers' own threads, one task a thread, before the first visit: a model
     * keeps a session for each thread that scores with it, and a thread's first batches cost more than twice as much
     * (39 ms against 14 ms of CPU for a visit's batch in the README night). Best effort: a dispatcher with fewer
     * threads than imagers leaves its tasks waiting for each other, and they give up after a few seconds.
     */
    private void warmScorersOn(Executor executor, int threads, int batches) {
        long t0 = System.nanoTime();
        CountDownLatch arrived = new CountDownLatch(threads);
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger warmed = new AtomicInteger();
        for (int i = 0; i < threads; i++) {
            executor.execute(() -> {
                try {
                    arrived.countDown();
                    // each task holds its thread until every one has arrived: one task a thread
                    if (arrived.await(5, TimeUnit.SECONDS)) {
                        classifier.warmHere(batches, WARM_UP_BATCH_SIZES);
                        warmed.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.warn("warming the classifier on an imager's thread failed (the night scores it cold): {}", e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("real/bogus scorers warmed on {} of {} imager threads ({} batches each) in {} ms", warmed.get(), threads, batches,
            (System.nanoTime() - t0) / 1_000_000);
    }

    /** Ends every sensor's stream where it stands (a stream whose end never came, or a night being closed). */
    void finishAll() {
        agents.forEach(IngestAgent::finishAll);
    }

    public SensorLedger ledger(SensorId id) {
        return ledgers.get(id.index());
    }

    public StackBufferPool pool() {
        return pool;
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

    /** The night's difference imaging and scoring totals (null: it did none). */
    NightStats.DiffTotals diffTotals() {
        return diff != null ? stats.diffTotals(classifier != null ? classifier.stats() : null,
            classifier != null ? classifier.modelVersion() : null, diff.references().loads(), diff.references().hits()) : null;
    }

    /** The spool's catch-up path (null: the night spools nothing). */
    CatchUp catchUp() {
        return catchUp;
    }

    VisitSpool spool() {
        return spool;
    }

    @Override
    public void close() {
        if (catchUp != null) {
            catchUp.close(); // what is still spooled stays on disk for a resumed night
        }
        if (spool != null) {
            spool.close();
        }
        if (classifier != null) {
            classifier.close(); // before the actor system (and its materializer) goes
        }
    }

    /** Stops the ingest agents and closes candidates.csv, once the actor system has ended. */
    void closeIngest() {
        CloseHelper.closeAll(agentRunners);
        if (candidateCsv != null) {
            candidateCsv.close();
        }
    }
}
