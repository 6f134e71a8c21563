package org.nightwatch.night;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.Materializer;
import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.actors.Guardian;
import org.nightwatch.actors.NightPhase;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.pipeline.CatchUp;
import org.nightwatch.actors.pipeline.EarlyStarts;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.controlroom.ControlRoom;
import org.nightwatch.controlroom.NightBackend;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One night, composed of its roles: the {@link NightSource frame source} (a simulated camera or a replay in this
 * process, {@link FrameSourceRole}, or a camera in another, {@link ExternalCamera}), the
 * {@link SensorWorkers sensor workers} (ingest, stacking, difference imaging, scoring), the {@link SchedulerRole
 * scheduler} (association, ranking, database, alert outputs and stream) and the {@link ControlRoomRole control room},
 * joined by Aeron streams and actor messages, with the actor system (guardian, observatory, sensors) that runs them.
 * It starts the night, reports progress, closes a night that is stuck, waits for every sensor to drain and returns the
 * {@link NightSummary}. The CLI, the benchmarks and the system tests all run nights through here.
 */
public final class NightRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NightRunner.class);

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

    /**
     * A control room opened before the night ({@link NightLobby}): the night registers its metrics in
     * {@code registry} and gives the room its view through {@code attach}; the room stays the lobby's.
     */
    public record Room(ControlRoom room, PrometheusMeterRegistry registry, java.util.function.Consumer<NightBackend> attach,
                       ActorSystem<Guardian.Command> system, SourceControl control) {
    }

    private final DeploymentConfig config;
    private final StageFaults faults;
    private final NightOptions options;
    private final ActorsSettings actors;
    private final NightClaims.DirectoryLock outLock;
    private final NightClaims.DirectoryLock recordLock;
    private final AeronTransport transport;
    private final NightSource source;
    private final SensorWorkers workers;
    private final SchedulerRole scheduler;
    /** The night's scheduler settings (its database and files, how long its end waits), wherever it runs. */
    private final SchedulerRole.Settings schedulerSettings;
    /** The scheduler runs on other nodes of the cluster (this node is not of role scheduler). */
    private final boolean remoteScheduler;
    /** The Aeron alert stream from this node's hub, when the scheduler runs elsewhere (null: none, or the scheduler's own). */
    private AlertStreamOutlet remoteStream;
    /** This node's way to the scheduler when it runs elsewhere: labels, the live list, the night's totals. */
    private ActorRef<SchedulerActor.Command> remoteFacade;
    private final NightBooks books;
    private final ActorSystem<Guardian.Command> system;
    private final AlertHub alertHub;
    private final ControlRoomRole room;
    private final Room lobby;
    private volatile ActorRef<ObservatoryActor.Command> observatory;
    /** The night's phase and sensors, as the observatory says them. */
    private final ObservatoryView view;
    private final SourceControl control;
    /** The observatory's last word on the night, once it has ended. */
    private volatile ObservatoryActor.NightStatus ended;
    private long endNanos;
    private volatile boolean stopRequested;
    /** Why the night had to be closed around held work (null: it ended by itself). */
    private volatile String forcedClose;
    private SchedulerRole.Drained drained;
    /** The camera's node of a night on a cluster (null: a night of one process). */
    private ClusterHead head;
    private long visitsLostWithNodes;
    private long lastCatchUpLine;

    public NightRunner(DeploymentConfig config, NightOptions options) {
        this(config, options, null);
    }

    /** A night whose control room {@code lobby} is already open (null: it opens its own when the options ask for one). */
    public NightRunner(DeploymentConfig config, NightOptions options, Room lobby) {
        this.config = config;
        // a drill given to this night, or else the one the site's configuration asks for
        this.faults = options.faults() != StageFaults.NONE ? options.faults() : StageFaults.from(config);
        this.options = options;
        this.lobby = lobby;
        this.actors = config.actors();
        ClusterSettings cluster = options.cluster();
        if (cluster != null && lobby != null) {
            throw new IllegalArgumentException("a night on a cluster is started by its command, not from a waiting control room "
                + "(--await-start)");
        }
        if (cluster != null && config.camera().aeron().channel().startsWith("aeron:ipc")) {
            throw new IllegalArgumentException("a night on a cluster sends its frames to the worker nodes: nightwatch.camera.aeron.channel "
                + "must be a UDP channel (aeron:udp?control=THIS_HOST:PORT|control-mode=dynamic), not " + config.camera().aeron().channel());
        }
        // the ports and directories this night holds, before anything is prepared: a second night on the machine
        // that wants one of them fails here, at once (the ports first: checking them holds nothing)
        String alertChannel = NightClaims.checkPorts(config, options, lobby == null);
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
        LOG.info("Java heap: up to {} MB, on {}", Runtime.getRuntime().maxMemory() >> 20, HeapPages.describe());
        this.source = options.observeReferences() != null ? new ExternalCamera(config, options) : new FrameSourceRole(config, options);
        this.transport = AeronTransport.start(config.camera().aeron());
        this.workers = cluster != null ? SensorWorkers.booksOnly(SensorWorkers.Settings.from(config), options, source)
            : new SensorWorkers(SensorWorkers.Settings.from(config), options, source, transport, faults);
        // on a cluster whose camera node is not of role scheduler, the scheduler runs on scheduler nodes (SchedulerNode)
        boolean schedulerHere = cluster != null ? options.diff() && cluster.has("scheduler") : workers.scores();
        this.remoteScheduler = cluster != null && options.diff() && !cluster.has("scheduler");
        this.schedulerSettings = SchedulerRole.Settings.of(config, options.outDir() != null ? options.outDir() : options.skyDir(),
            nightKey(), source.simulated());
        this.scheduler = schedulerHere ? new SchedulerRole(schedulerSettings, transport, alertChannel) : null;
        if (scheduler != null && scheduler.resumed() && source.recorded() != null) {
            int done = source.recorded().excludeDone(scheduler.store().visitsDone());
            LOG.info("resuming the replay: {} sensor-visits were done before and are not replayed again", done);
        }
        if (cluster == null) {
            workers.connect(scheduler, source.recorded());
        } else if (options.diff()) {
            // the workers read the references from here (a directory every node reaches)
            source.writeReferences(new org.nightwatch.camera.fits.NightLayout(options.skyDir()));
        }
        Instant first = options.nightStart() != null ? options.nightStart() : Instant.now();
        if (scheduler != null) {
            scheduler.prepare(first, options.compilesBeforeTheNight());
        }
        source.connect(transport, first,
            (cluster != null ? config.config().getDuration("nightwatch.actors.cluster-not-connected-timeout") : actors.notConnectedTimeout())
                .toNanos(), workers::ledger);
        this.books = new NightBooks(source, workers, config.camera());
        // the night's actors: the lobby's, whose observatory has been waiting for the operator and is now preparing, or
        // its own, preparing until the sensors have subscribed and the night starts
        this.control = lobby != null ? lobby.control() : new SourceControl();
        this.system = lobby != null ? lobby.system()
            : ActorSystem.create(Guardian.create(control, NightPhase.PREPARING), ClusterSettings.SYSTEM,
                cluster != null ? cluster.over(config) : config.config());
        if (cluster != null) {
            try {
                ClusterHead.awaitUp(system, cluster);
            } catch (RuntimeException e) {
                close(); // what was prepared goes, and the directories are let go
                throw e;
            }
        }
        this.view = new ObservatoryView(system);
        control.attach(source);
        if (cluster == null) {
            workers.start(system);
            if (options.compilesBeforeTheNight()) {
                // what the warm-ups queued, compiled before the first frame rather than on the night's cores
                long waited = Compilers.awaitQuiet(Compilers.MAX_WAIT);
                if (waited >= Compilers.MAX_WAIT.toMillis()) {
                    LOG.info("the JIT still compiling after {} ms of waiting: the night starts, its first visits beside it", waited);
                } else if (waited >= 0) {
                    LOG.info("the JIT's queue from the warm-ups compiled in {} ms", waited);
                }
            }
            system.tell(new Guardian.StartSensors(workers.context(), source.sensors()));
        }
        boolean withRoom = lobby != null || options.httpPort() != null;
        // without a scheduler the hub stays empty: the control room then shows the focal plane and gauges, no alerts
        this.alertHub = scheduler != null || remoteScheduler || withRoom
            ? new AlertHub(Materializer.matFromSystem(system), config.config().getInt("nightwatch.actors.alerts.hub-buffer")) : null;
        if (scheduler != null) {
            StageFaults.Fault sf = faults.scheduler();
            scheduler.start(system, alertHub, sf != null ? sf::strike : null);
        }
        if (cluster != null) {
            try {
                hostOnWorkers(cluster, alertChannel);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        this.room = withRoom ? new ControlRoomRole(config, options, system, source, workers, books, alertHub, schedulerActor(),
            scheduler != null ? scheduler.liveAlerts() : java.util.List.of(),
            new ControlRoomRole.Night() {
                @Override
                public ObservatoryActor.NightStatus status() {
                    return NightRunner.this.status();
                }

                @Override
                public String stop() {
                    return NightRunner.this.stop();
                }

                @Override
                public org.nightwatch.controlroom.ClusterView cluster() {
                    return head != null ? head.view() : org.nightwatch.controlroom.ClusterView.NONE;
                }
            }, lobby) : null;
    }

    /**
     * A night on a cluster: the scheduler becomes the cluster's singleton (this node's, or on the scheduler nodes, whose
     * alerts then come here by pub-sub for the room and the Aeron stream), the sensors' books come back in their reports,
     * and once the worker nodes asked for are up, every sensor is hosted on one of them.
     */
    private void hostOnWorkers(ClusterSettings cluster, String alertChannel) {
        books.catchUpElsewhere(() -> head.catchUpTotals());
        this.head = new ClusterHead(system, workers::ledger,
            scheduler != null ? org.nightwatch.actors.cluster.SchedulerInlet.Opener.alreadyOpen(scheduler.actor()) : null);
        if (remoteScheduler) {
            head.alertsInto(alertHub);
            remoteFacade = system.systemActorOf(org.nightwatch.actors.cluster.SchedulerFacade.create(head.inlet()), "scheduler-facade",
                org.apache.pekko.actor.typed.Props.empty());
            if (alertChannel != null) {
                remoteStream = new AlertStreamOutlet(transport, alertChannel, schedulerSettings);
                remoteStream.start(system, alertHub);
            }
        }
        ActorRef<ObservatoryActor.Command> o = view.observatory();
        o.tell(new ObservatoryActor.Sensors(source.sensors()));
        ActorRef<ObservatoryActor.Command> books = ClusterHead.relay(system, o, head.mirror());
        ClusterHead.awaitWorkers(system, cluster.workers(), cluster.joinTimeout());
        ClusterHead.awaitRegions(system, cluster.workers(), Duration.ofSeconds(30));
        head.keepHosted(new org.nightwatch.actors.cluster.SensorHost.NightPlan(nightKey(),
            options.skyDir().toAbsolutePath().normalize().toString(), source.sensors().stream().map(SensorId::index).toList(),
            options.mode().cliName(), options.pacing() == org.nightwatch.camera.source.Pacing.MAX, head.nodeReports()), books,
            options.diff() ? new org.nightwatch.actors.cluster.SchedulerInlet.Night(nightKey(), source.simulated()) : null);
    }

    /** What identifies this night in its database: a simulated night by its seed, sensors, visits and mode. */
    private String nightKey() {
        if (source instanceof ExternalCamera live) {
            return live.key();
        }
        if (source.recorded() != null) {
            return "replay " + options.replayDir().toAbsolutePath().normalize() + " sensors=" + source.recorded().sensors();
        }
        return "simulate seed=" + options.seed() + " sensors=" + options.sensors() + " visits=" + options.visits() + " mode="
            + options.mode().cliName() + (options.nightStart() != null ? " start=" + options.nightStart() : "");
    }

    /** The night's phase and its sensors, as the observatory says them. */
    private ObservatoryActor.NightStatus status() {
        ObservatoryActor.NightStatus e = ended;
        return e != null ? e : view.now();
    }

    /** The operator's stop: the camera stops, what arrived is processed. */
    private String stop() {
        if (status().phase() == NightPhase.ENDED) {
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

    /** The control room (null when the night has none). */
    public ControlRoom controlRoom() {
        return room != null ? room.room() : null;
    }

    /** The live alert stream (null without a scheduler or a control room). */
    public AlertHub alertHub() {
        return alertHub;
    }

    /** The scheduler actor (null without one); on a cluster whose scheduler runs elsewhere, this node's way to it. */
    public ActorRef<SchedulerActor.Command> schedulerActor() {
        return scheduler != null ? scheduler.actor() : remoteFacade;
    }

    /** The running actor system (tests reach sensors through its guardian). */
    public ActorSystem<Guardian.Command> system() {
        return system;
    }

    /** The frame publisher: frames sent, back-pressure, its threads' CPU time (null: the camera is another process's). */
    public FramePublisher camera() {
        return source instanceof FrameSourceRole own ? own.publisher() : null;
    }

    public StackBufferPool pool() {
        return workers.pool();
    }

    public SensorLedger ledger(SensorId id) {
        return workers.ledger(id);
    }

    public NightStats stats() {
        return workers.stats();
    }

    /** Difference imaging begun on partial stacks (null: the night does none). */
    public EarlyStarts earlyStarts() {
        return workers.earlyStarts();
    }

    /** What difference imaging has cost so far, or null when the night does none. */
    public DiffStage.Cost diffCost() {
        return workers.diffCost();
    }

    /**
     * Sensor-visits the scheduler in this process has handled so far (their candidates associated and alerted), or -1
     * when the scheduler runs elsewhere or not at all: on a cluster the visits differenced on the workers reach it here.
     */
    public long visitsScheduled() {
        return scheduler != null ? scheduler.visitsHandled() : -1;
    }

    /** What the night looks like now. */
    public Progress progress() {
        return books.progress();
    }

    /** Runs the night to its end and returns the summary; {@code progress} is called about every second. */
    public NightSummary run(Consumer<Progress> progress) throws InterruptedException {
        Duration ask = Duration.ofSeconds(30);
        ActorRef<ObservatoryActor.Command> observatory = view.observatory();
        // on a cluster the workers prepare the night (references, classifier) when their first sensor arrives
        awaitSubscribers(Duration.ofSeconds(options.cluster() != null ? 300 : 30));
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
            workers.stats().sampleHeap();
            if (progress != null && !future.isDone()) {
                progress.accept(progress());
            }
            long now = System.nanoTime();
            if (source.isDone() && cameraDoneAt < 0) {
                cameraDoneAt = now;
                if (workers.catchUp() != null) {
                    workers.catchUp().cameraDone();
                }
            }
            // a sensor whose end-of-stream never arrives (its receiver was gone) is closed after a grace period
            long grace = actors.visitTimeout().toNanos() + TimeUnit.SECONDS.toNanos(2);
            if (finishedAt < 0 && cameraDoneAt > 0 && now - cameraDoneAt > grace) {
                LOG.warn("sensors still open {} s after the camera finished: closing them", grace / 1_000_000_000L);
                workers.finishAll();
                if (head != null) {
                    head.finishAll("still open " + grace / 1_000_000_000L + " s after the camera finished"); // on the worker nodes
                }
                finishedAt = now;
                progressAt = now;
            }
            long accounted = books.total(SensorLedger::accounted);
            if (accounted != accountedBefore) {
                accountedBefore = accounted;
                progressAt = now;
            }
            boolean held = source.framesPublished() > accounted || workers.pool().inUse() > 0;
            // with every frame accounted, a night whose streams were closed and that still has not ended waits for a
            // sensor that will never say it has drained
            if ((held || finishedAt > 0) && forcedClose == null && now - progressAt > stuckAfter) {
                forcedClose = held ? String.format(java.util.Locale.ROOT, "no frame accounted for %d s with %d frames in flight and %d "
                    + "stack buffers held%s", stuckAfter / 1_000_000_000L, source.framesPublished() - accounted, workers.pool().inUse(),
                    cameraDoneAt > 0 ? ", after the camera finished" : ", while the camera was sending")
                    : String.format(java.util.Locale.ROOT, "not ended %d s after its sensors' streams were closed, every frame accounted",
                    stuckAfter / 1_000_000_000L);
                LOG.error("the night is stuck ({}): closing it; what is still held is counted lost", forcedClose);
                observatory.tell(ObservatoryActor.StopNight.INSTANCE);
                workers.finishAll();
                finishedAt = finishedAt < 0 ? now : finishedAt;
                system.tell(new Guardian.CloseAll("the night was closed: " + forcedClose));
                if (head != null) {
                    head.closeAll("the night was closed: " + forcedClose); // the sensors on the worker nodes
                }
            }
            if (now > deadline) {
                observatory.tell(ObservatoryActor.StopNight.INSTANCE);
                throw new IllegalStateException("the night did not end within " + options.timeout());
            }
        }
        CatchUp catchUp = workers.catchUp();
        if (catchUp != null) {
            // the camera has stopped and the live visits are done: what was spooled is caught up now, at full speed
            catchUp.cameraDone();
            while (!catchUp.drained() && forcedClose == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the night did not end within " + options.timeout() + " (catching up "
                        + workers.spool().pendingCount() + " spooled visits)");
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
        if (head != null && forcedClose == null && !head.awaitCatchUp(System.nanoTime(), deadline)) {
            // the worker nodes catch up what they spooled on their own: the night waits for them to say they have
            LOG.error("the worker nodes had not caught up what they spooled within the night's timeout ({}): the rest stays in "
                + "their spools", options.timeout());
        }
        if (forcedClose != null) {
            // the camera was stopped but may still be sending what it had queued: those frames reach closed streams
            // and are counted there (lost, late); wait for that, within bounds, so that the books can close
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!source.isDone() || books.total(SensorLedger::accounted) < source.framesPublished()) && System.nanoTime() < until) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
        if (scheduler != null) {
            // every visit was handed to the scheduler; its answer comes after it has handled them all, unless it
            // is stuck (a database that hangs): then the night ends without it, and says so
            if (head != null) {
                // the workers' visits may still be on their way: each node says how many it handed over, and how many
                // the scheduler confirmed
                visitsLostWithNodes = head.awaitScheduler(schedulerSettings.drain(), System.nanoTime());
            }
            drained = scheduler.drain(system);
        } else if (remoteScheduler) {
            visitsLostWithNodes = head.awaitScheduler(schedulerSettings.drain(), System.nanoTime());
            drained = drainRemote();
        }
        endNanos = System.nanoTime();
        observatory.tell(ObservatoryActor.EndNight.INSTANCE);
        ObservatoryActor.NightStatus last = view.now();
        this.ended = last.phase() == NightPhase.ENDED ? last
            : new ObservatoryActor.NightStatus(NightPhase.ENDED, options.mode(), last.sensors(), last.drained(), last.reports());
        EarlyStarts early = workers.earlyStarts();
        if (early != null && early.begun() > 0) {
            LOG.info("difference imaging begun on partial stacks for {} visits, {} finished from that start", early.begun(), early.used());
        }
        NightSummary.ClusterTotals cluster = head != null ? head.close(visitsLostWithNodes) : null;
        return books.summary(options, new NightBooks.Ending((endNanos - control.startedNanos()) / 1e9, drained, forcedClose, this.ended,
            cluster));
    }

    /**
     * The night's end when the scheduler runs on another node: its totals, once it has handled every visit sent before
     * (it then marks the night complete in the database), with this node's alert stream's counts.
     */
    private SchedulerRole.Drained drainRemote() {
        Duration drain = schedulerSettings.drain();
        try {
            org.nightwatch.actors.alerts.SchedulerTotals totals = AskPattern.<org.nightwatch.actors.cluster.SchedulerInlet.Command,
                org.nightwatch.actors.alerts.SchedulerTotals>ask(head.inlet(), org.nightwatch.actors.cluster.SchedulerInlet.Drain::new, drain,
                system.scheduler()).toCompletableFuture().join();
            return new SchedulerRole.Drained(remoteStream != null ? remoteStream.drain(totals) : totals, 0);
        } catch (java.util.concurrent.CompletionException e) {
            LOG.error("the scheduler did not answer within {} s after the night's last visit: the night ends without its totals and "
                + "stays incomplete in its database", drain.toSeconds());
            return new SchedulerRole.Drained(null, Math.max(1, head.unconfirmed()));
        }
    }

    private void awaitSubscribers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 5_000_000);
        while (!source.allConnected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("sensor streams not subscribed within " + timeout);
            }
            idle.idle();
        }
    }

    @Override
    public void close() {
        faults.all().forEach(StageFaults.Fault::release); // a drilled stage lets go, so that its threads end
        workers.close();
        if (room != null) {
            room.close();
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
        if (scheduler != null) {
            scheduler.close();
        }
        if (remoteStream != null) {
            remoteStream.close();
        }
        workers.closeIngest();
        source.close();
        transport.close();
        if (recordLock != null) {
            recordLock.close();
        }
        if (outLock != null) {
            outLock.close();
        }
    }
}
