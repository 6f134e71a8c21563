package org.nightwatch.night;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.nightwatch.actors.NightContext;
import org.nightwatch.actors.alerts.SchedulerSink;
import org.nightwatch.actors.cluster.NightsTopic;
import org.nightwatch.actors.cluster.SchedulerInlet;
import org.nightwatch.actors.cluster.ScoredProducer;
import org.nightwatch.actors.cluster.SensorHost;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.protocol.SurveyMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a cluster night started with {@code nightwatch node}. Of role {@code worker}, it hosts the sensors Cluster
 * Sharding places on it; of role {@code scheduler}, it can hold the night's scheduler ({@link SchedulerNode}), which
 * runs on the oldest scheduler node up and goes on on the next when that one is lost. The first sensor of a night to
 * arrive prepares the night here (its frame transport, references, classifier: the same {@link SensorWorkers} as a
 * night of one process, with the frames from the camera's process);
 * each sensor then subscribes to its frame stream on this node, and its scored visits go to the scheduler singleton
 * through one reliable-delivery producer. The node serves until the camera's node leaves the cluster (the night is
 * over) or it is stopped.
 */
public final class ClusterWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWorker.class);

    private final DeploymentConfig config;
    private final ClusterSettings settings;
    private final Path out;
    private final ActorSystem<Void> system;
    private final String address;
    private final ActorRef<ScoredProducer.Command> producer;
    /** Visits this node handed to the scheduler (to its producer). */
    private final java.util.concurrent.atomic.AtomicLong handedOver = new java.util.concurrent.atomic.AtomicLong();
    /** Visits this node handed to the scheduler that it confirmed. */
    private final java.util.concurrent.atomic.AtomicLong confirmed = new java.util.concurrent.atomic.AtomicLong();
    /** The scheduler when the singleton runs here (null: this node is not of role scheduler). */
    private final SchedulerNode scheduler;
    private final CountDownLatch over = new CountDownLatch(1);
    private final List<Prepared> nights = new ArrayList<>();
    /** Drills the site's configuration puts into this node's stages (a stage that stalls or fails on a worker). */
    private final StageFaults faults;
    /** The sensors this node hosts now. */
    private final java.util.Set<Integer> hosted = new java.util.concurrent.ConcurrentSkipListSet<>();

    /** A night prepared on this node; {@code cpuAtStart}: the process's CPU time when it was (ns, -1 before). */
    private record Prepared(String key, CompletableFuture<NightContext> context, AeronTransport[] transport, SensorWorkers[] workers,
                            long[] cpuAtStart, List<Integer> sensors) {
    }

    public ClusterWorker(DeploymentConfig config, ClusterSettings settings, Path out) {
        this.config = config;
        this.settings = settings;
        this.out = out;
        this.faults = StageFaults.from(config);
        this.system = ActorSystem.create(Behaviors.empty(), ClusterSettings.SYSTEM, settings.over(config));
        try {
            this.scheduler = settings.has("scheduler") ? new SchedulerNode(config, out, system) : null;
            ClusterHead.awaitUp(system, settings);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
        this.address = Cluster.get(system).selfMember().address().hostPort();
        ActorRef<SchedulerInlet.Command> inlet = ClusterHead.scheduler(system, scheduler);
        if (!settings.has("worker")) {
            this.producer = null;
            LOG.info("scheduler node {} is up: the night's scheduler runs here when this is the oldest scheduler node", address);
            startWatch();
            return;
        }
        this.producer = system.systemActorOf(ScoredProducer.create(inlet, ClusterHead.producerId(address), confirmed), "scored-visits",
            Props.empty());
        SensorHost.Nights here = new SensorHost.Nights() {
            @Override
            public CompletionStage<NightContext> prepare(SensorHost.NightPlan plan) {
                return ClusterWorker.this.prepare(plan);
            }

            @Override
            public void hosting(int sensor, boolean on) {
                if (on) {
                    hosted.add(sensor);
                } else {
                    hosted.remove(sensor);
                }
            }
        };
        ClusterSharding.get(system).init(Entity.of(SensorHost.KEY, ec -> SensorHost.create(ec.getEntityId(), here))
            .withRole("worker").withStopMessage(SensorHost.HandOff.INSTANCE).withMessageExtractor(new SensorHost.Shards()));
        // the night the camera's node announces is prepared here at once (a night already prepared is not again)
        ActorRef<NightsTopic.Announce> announced = system.systemActorOf(Behaviors.receive(NightsTopic.Announce.class)
            .onMessage(NightsTopic.Announce.class, a -> {
                prepare(a.plan());
                return Behaviors.same();
            }).build(), "night-announcements", Props.empty());
        NightsTopic.start(system).tell(org.apache.pekko.actor.typed.pubsub.Topic.subscribe(announced));
        startWatch();
        LOG.info("worker node {} is up, roles {}", address, settings.roles());
    }

    /** The night is over when the camera's node leaves. */
    private void startWatch() {
        system.systemActorOf(Behaviors.<ClusterEvent.MemberRemoved>setup(ctx -> {
            Cluster.get(system).subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(ClusterEvent.MemberRemoved.class).onAnyMessage(m -> {
                if (m.member().hasRole("camera")) {
                    LOG.info("the camera's node {} left: the night is over", m.member().address());
                    nights.forEach(ClusterWorker::sayCost);
                    over.countDown();
                }
                return Behaviors.same();
            }).build();
        }), "camera-watch", Props.empty());
    }

    /** This node's address, as sensors' reports name it. */
    public String address() {
        return address;
    }

    /** Prepares {@code plan}'s night on this node once; every sensor of the night hosted here runs on what it makes. */
    private synchronized CompletionStage<NightContext> prepare(SensorHost.NightPlan plan) {
        for (Prepared p : nights) {
            if (p.key().equals(plan.key())) {
                return p.context();
            }
        }
        Prepared p = new Prepared(plan.key(), new CompletableFuture<>(), new AeronTransport[1], new SensorWorkers[1], new long[] {-1},
            List.copyOf(plan.sensors()));
        nights.add(p);
        Thread t = new Thread(() -> {
            try {
                NightOptions o = NightOptions.simulate(plan.sensors().size(), 0, SurveyMode.parse(plan.mode()),
                    plan.cameraWaits() ? Pacing.MAX : Pacing.REALTIME).withCamera(Path.of(plan.references()), plan.sensors())
                    .withDiff(out).build();
                p.transport()[0] = AeronTransport.start(config.camera().aeron());
                SensorWorkers w = new SensorWorkers(SensorWorkers.Settings.from(config), o, new ExternalCamera(config, o), p.transport()[0],
                    faults);
                p.workers()[0] = w;
                // a sensor may come here mid-night from a node that was lost: its stream is taken from where it joins
                plan.sensors().forEach(s -> w.ledger(org.nightwatch.protocol.SensorId.of(s)).joinMidStream());
                w.connect(v -> {
                    handedOver.incrementAndGet();
                    producer.tell(new ScoredProducer.Enqueue(SchedulerSink.scored(v)));
                }, null, null);
                w.start(system);
                LOG.info("night '{}' prepared on this node", plan.key());
                p.cpuAtStart()[0] = processCpuNanos();
                reportTo(plan.nodes(), w);
                p.context().complete(w.context().onNode(address));
            } catch (RuntimeException e) {
                LOG.error("night '{}' could not be prepared on this node: {}", plan.key(), e.getMessage(), e);
                p.context().completeExceptionally(e);
            }
        }, "prepare-night");
        t.setDaemon(true);
        t.start();
        return p.context();
    }

    private enum Report { INSTANCE }

    /** Says every second to {@code nodes} what this node hosts and what it costs. */
    private void reportTo(ActorRef<org.nightwatch.actors.cluster.NodeReport> nodes, SensorWorkers w) {
        if (nodes == null) {
            return;
        }
        List<String> roles = List.copyOf(settings.roles());
        system.systemActorOf(Behaviors.<Report>withTimers(timers -> {
            timers.startTimerAtFixedRate(Report.INSTANCE, java.time.Duration.ofSeconds(1));
            return Behaviors.receive(Report.class).onMessageEquals(Report.INSTANCE, () -> {
                nodes.tell(org.nightwatch.actors.cluster.NodeReport.of(address, roles,
                    hosted.stream().map(s -> org.nightwatch.protocol.SensorId.of(s).name()).toList(), handedOver.get(), confirmed.get(),
                    catchUp(w)));
                return Behaviors.same();
            }).build();
        }), "node-report-" + nights.size(), Props.empty());
    }

    /** What this node's spool holds and its catch-up path did (null: it spools nothing). */
    private static org.nightwatch.actors.cluster.NodeReport.CatchUp catchUp(SensorWorkers w) {
        var spool = w.spool();
        var c = w.catchUp();
        if (spool == null || c == null) {
            return null;
        }
        var t = c.totals();
        return new org.nightwatch.actors.cluster.NodeReport.CatchUp(spool.root().toString(), spool.visitsSpooled(), t.caughtUp(),
            t.failed() + spool.writesFailed(), t.pending(), t.latenessMsP50(), t.latenessMsMax(), spool.visitsNotSpooled(),
            spool.bytesPeak(), spool.bytesOnDisk(), spool.maxBytes(), List.copyOf(t.problems()));
    }

    /**
     * What a night cost this node: its sensor-visits and the process's CPU time from when the night was prepared
     * (references read, classifier warm) to its end, so a worker's cost a sensor-visit through the cluster, start-up
     * left out, can be read from its log and a node sized by it.
     */
    private static void sayCost(Prepared p) {
        SensorWorkers w = p.workers()[0];
        long start = p.cpuAtStart()[0];
        long now = processCpuNanos();
        if (w == null || start < 0 || now < 0) {
            return;
        }
        long visits = 0;
        for (int s : p.sensors()) {
            visits += w.ledger(org.nightwatch.protocol.SensorId.of(s)).visitsStacked().get();
        }
        long caughtUp = w.catchUp() != null ? w.catchUp().totals().caughtUp() : 0;
        visits += caughtUp; // spooled visits are stacked when they are caught up
        if (visits == 0) {
            return;
        }
        double cpuMs = (now - start) / 1e6;
        var diff = w.diffCost();
        LOG.info(String.format(java.util.Locale.ROOT, "night '%s' on this node: %d sensor-visits stacked (%d of them caught up from "
                + "the spool), %.1f s of CPU since it was prepared, %.0f ms a sensor-visit (difference imaging %s)", p.key(), visits,
            caughtUp, cpuMs / 1000, cpuMs / visits,
            diff == null || diff.visits() == 0 ? "none" : String.format(java.util.Locale.ROOT, "%.0f ms a visit",
                diff.cpuNanos() / 1e6 / diff.visits())));
    }

    /** The process's CPU time so far (ns), or -1 where the JVM does not say. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Serves until the camera's node leaves the cluster (the night is over), or {@code timeoutMillis} passes. */
    public boolean awaitNightOver(long timeoutMillis) throws InterruptedException {
        return over.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        faults.all().forEach(StageFaults.Fault::release); // a drilled stage lets go, so that its threads end
        if (scheduler != null) {
            scheduler.stopAlerts();
        }
        for (Prepared p : nights) {
            if (p.workers()[0] != null) {
                // before the actor system: its catch-up streams and classifier end on the materializer that runs them (after
                // it, a worker that had spooled visits failed with "The queue has already been completed")
                p.workers()[0].close();
            }
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
        for (Prepared p : nights) {
            if (p.workers()[0] != null) {
                p.workers()[0].closeIngest();
            }
            if (p.transport()[0] != null) {
                p.transport()[0].close();
            }
        }
    }
}
