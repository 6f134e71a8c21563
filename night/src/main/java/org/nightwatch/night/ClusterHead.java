package org.nightwatch.night;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.SensorReport;
import org.nightwatch.actors.cluster.AlertsTopic;
import org.nightwatch.actors.cluster.SchedulerInlet;
import org.nightwatch.actors.cluster.SensorHost;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera's node of a night on a cluster ({@code simulate|replay --cluster}): it holds the frame source, the
 * scheduler (a cluster singleton, reached through {@link SchedulerInlet}), the control room and the night's books; the
 * sensors run on worker nodes as Cluster Sharding entities ({@link SensorHost}), which this node tells to be hosted
 * about once a second. Each sensor's books come back in its reports and are mirrored into this node's ledgers, summed
 * over every node that hosted the sensor, so that the night's books balance the same way as in one process.
 */
final class ClusterHead {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterHead.class);

    private final ActorSystem<?> system;
    private final Mirror mirror;
    private final List<NightSummary.NodeLost> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** What each worker node last said of itself. */
    private final NodeBooks nodeBooks = new NodeBooks();
    /** Nodes that left the cluster during the night, lost or stopped. */
    private final java.util.Set<String> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ActorRef<org.nightwatch.actors.cluster.NodeReport> nodes;
    /** The scheduler singleton, wherever it runs. */
    private final ActorRef<SchedulerInlet.Command> inlet;
    /** Where the scheduler's alert changes come into this node's hub when it runs on another (null: it runs here). */
    private volatile ActorRef<AlertsTopic.Change> alertsRelay;

    /**
     * The camera's node of a night whose sensors' ledgers are {@code ledgers}; it learns of nodes that leave.
     * {@code scheduler}: the night's scheduler when it runs on this node (null: on another, of role scheduler).
     */
    ClusterHead(ActorSystem<?> system, Function<SensorId, SensorLedger> ledgers, SchedulerInlet.Opener scheduler) {
        this.system = system;
        this.mirror = new Mirror(ledgers);
        this.inlet = scheduler(system, scheduler);
        system.systemActorOf(Behaviors.<org.apache.pekko.cluster.ClusterEvent.MemberRemoved>setup(ctx -> {
            Cluster.get(system).subscriptions().tell(org.apache.pekko.cluster.typed.Subscribe.create(ctx.getSelf(),
                org.apache.pekko.cluster.ClusterEvent.MemberRemoved.class));
            return Behaviors.receive(org.apache.pekko.cluster.ClusterEvent.MemberRemoved.class).onAnyMessage(m -> {
                if (m.member().hasRole("camera")) {
                    return Behaviors.same(); // this one
                }
                gone.add(m.member().address().hostPort()); // nothing more will come from it: the night does not wait for it
                if (m.previousStatus() != MemberStatus.down()) {
                    return Behaviors.same(); // it left (stopped by its operator): its sensors were handed over first
                }
                String node = m.member().address().hostPort();
                List<String> roles = m.member().getRoles().stream().filter(x -> !x.startsWith("dc-")).sorted().toList();
                lost.add(new NightSummary.NodeLost(node, roles, System.currentTimeMillis()));
                if (m.member().hasRole("worker")) {
                    LOG.warn("worker node {} was lost (downed and removed): its sensors go on on the other workers", node);
                    mirror.nodeLost(node);
                }
                if (m.member().hasRole("scheduler") && alertsRelay != null) {
                    // the scheduler may have run there: it goes on on the next scheduler node, which sends what the room
                    // may have missed (committed there, not published)
                    LOG.warn("scheduler node {} was lost: the scheduler goes on on the next scheduler node, from the database", node);
                    inlet.tell(new SchedulerInlet.Replay(alertsRelay));
                }
                return Behaviors.same();
            }).build();
        }), "node-watch", Props.empty());
        this.nodes = system.systemActorOf(Behaviors.receive(org.nightwatch.actors.cluster.NodeReport.class).onAnyMessage(r -> {
            nodeBooks.accept(r, System.nanoTime());
            return Behaviors.same();
        }).build(), "node-reports", Props.empty());
    }

    /** Where the worker nodes report themselves. */
    ActorRef<org.nightwatch.actors.cluster.NodeReport> nodeReports() {
        return nodes;
    }

    /**
     * The cluster as the control room shows it: every member with its roles and status, the nodes lost during the night,
     * the sensors each hosts (as their reports say) and each worker's load (as it said last).
     */
    org.nightwatch.controlroom.ClusterView view() {
        Map<String, List<String>> sensorsOn = new java.util.TreeMap<>();
        mirror.placement().forEach((sensor, node) -> sensorsOn.computeIfAbsent(node, n -> new java.util.ArrayList<>()).add(sensor));
        List<org.nightwatch.controlroom.ClusterView.Node> out = new java.util.ArrayList<>();
        for (var m : Cluster.get(system).state().getMembers()) {
            String node = m.address().hostPort();
            var r = nodeBooks.of(node);
            List<String> roles = new java.util.ArrayList<>(m.getRoles().stream().filter(x -> !x.startsWith("dc-")).sorted().toList());
            out.add(new org.nightwatch.controlroom.ClusterView.Node(node, roles, m.status().toString().toLowerCase(java.util.Locale.ROOT),
                sensorsOn.getOrDefault(node, List.of()), r != null && r.cpuLoad() >= 0 ? r.cpuLoad() : null, r != null ? r.heapMb() : null));
        }
        for (NightSummary.NodeLost l : lost) {
            out.add(new org.nightwatch.controlroom.ClusterView.Node(l.node(), l.roles(), "lost", List.of(), null, null));
        }
        return new org.nightwatch.controlroom.ClusterView(out);
    }

    /** The producer id a worker node's visits come under. */
    static String producerId(String node) {
        return "worker " + node;
    }

    Mirror mirror() {
        return mirror;
    }

    /**
     * The scheduler as the cluster reaches it: a singleton on the oldest node of role scheduler. {@code opener}: how this
     * node opens the night's scheduler when the singleton runs here (null: it never does, this node is not of the role).
     */
    static ActorRef<SchedulerInlet.Command> scheduler(ActorSystem<?> system, SchedulerInlet.Opener opener) {
        return ClusterSingleton.get(system).init(SingletonActor.of(opener != null ? SchedulerInlet.create(opener)
            : Behaviors.<SchedulerInlet.Command>empty(), "scheduler").withSettings(ClusterSingletonSettings.create(system).withRole("scheduler")));
    }

    /** The scheduler singleton, wherever it runs. */
    ActorRef<SchedulerInlet.Command> inlet() {
        return inlet;
    }

    /**
     * The scheduler runs on other nodes: its alert changes come into {@code hub} (each once), also those a lost scheduler
     * node committed and did not publish.
     */
    void alertsInto(org.nightwatch.actors.alerts.AlertHub hub) {
        ActorRef<AlertsTopic.Change> relay = system.systemActorOf(AlertsTopic.toHub(hub), "alerts-in", Props.empty());
        AlertsTopic.start(system).tell(org.apache.pekko.actor.typed.pubsub.Topic.subscribe(relay));
        this.alertsRelay = relay;
    }


    /**
     * Waits, within {@code drain}, until every worker still in the cluster has said, after {@code sinceNanos} (its sensors
     * had drained by then), that the scheduler confirmed every visit it handed over (they may be on their way when the
     * sensors have drained). Returns the visits lost with nodes that left: handed over there, as they last said, and never
     * confirmed by the scheduler.
     */
    long awaitScheduler(Duration drain, long sinceNanos) {
        long until = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < until && !nodeBooks.schedulerHasAll(sinceNanos, gone(), mirror.handedOver())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        long unconfirmed = unconfirmed();
        if (unconfirmed > 0) {
            LOG.error("the scheduler had not confirmed {} visits the worker nodes handed over within {} s", unconfirmed, drain.toSeconds());
        }
        return nodeBooks.lostWith(gone(), mirror.handedOver());
    }

    private java.util.Set<String> gone() {
        return java.util.Set.copyOf(gone);
    }

    /** Visits the nodes still up handed over that the scheduler has not confirmed, as they last said. */
    long unconfirmed() {
        return nodeBooks.unconfirmed(gone(), mirror.handedOver());
    }

    /**
     * Waits, until {@code deadlineNanos}, for every worker still in the cluster to say, after {@code sinceNanos} (the
     * camera had finished and the sensors drained), that it has caught up what it spooled. Returns whether they did.
     */
    boolean awaitCatchUp(long sinceNanos, long deadlineNanos) {
        long lastLine = System.nanoTime();
        while (!nodeBooks.caughtUp(sinceNanos, gone())) {
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            if (System.nanoTime() - lastLine > TimeUnit.SECONDS.toNanos(5)) {
                lastLine = System.nanoTime();
                var t = nodeBooks.catchUpTotals();
                LOG.info("catching up on the worker nodes: {} visits caught up, {} pending", t != null ? t.caughtUp() : 0,
                    t != null ? t.pending() : 0);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return true;
    }

    /** The worker nodes' spools and catch-up, summed (null: none spools). */
    NightSummary.CatchUpTotals catchUpTotals() {
        return nodeBooks.catchUpTotals();
    }

    /**
     * At the end of the night, after the scheduler: what a lost node had not accounted is counted lost with it, and the
     * cluster's part of the summary is made ({@code visitsLost}: from {@link #awaitScheduler}).
     */
    NightSummary.ClusterTotals close(long visitsLost) {
        long[] frames = mirror.reconcile();
        return new NightSummary.ClusterTotals(mirror.placement(), List.copyOf(lost), mirror.handovers(), frames[0], frames[1], visitsLost);
    }

    /** Waits until this node is a member (Up) of the cluster, or says plainly why it is not. */
    static void awaitUp(ActorSystem<?> system, ClusterSettings settings) {
        long until = System.nanoTime() + settings.joinTimeout().toNanos();
        Cluster cluster = Cluster.get(system);
        while (cluster.selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("this node (" + settings.host() + ":" + settings.port() + ") did not join the cluster "
                    + "within " + settings.joinTimeout().toSeconds() + " s through the seed nodes " + settings.seeds()
                    + ": is the first seed node running, and are the addresses and ports right?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Waits until {@code n} worker nodes are up, so that the sensors spread over all of them from the start. */
    static void awaitWorkers(ActorSystem<?> system, int n, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        while (workers(system) < n) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(workers(system) + " of " + n + " worker nodes joined within " + timeout.toSeconds()
                    + " s: start them with nightwatch node --roles worker --seed-nodes ...");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /**
     * Waits (up to {@code timeout}) until Sharding's coordinator knows the sensor regions of {@code n} workers. A worker is
     * up before its region has registered; sensors hosted in between all go to the workers already registered, and the
     * rebalance that follows moves them mid-night, each losing the visit it was assembling. Past the timeout the night
     * goes on with the regions there are, and says so.
     */
    static void awaitRegions(ActorSystem<?> system, int n, Duration timeout) {
        sensorRegion(system);
        org.apache.pekko.actor.ActorRef region = org.apache.pekko.cluster.sharding.ClusterSharding
            .get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system)).shardRegion(SensorHost.KEY.name());
        long until = System.nanoTime() + timeout.toNanos();
        int known = 0;
        while (known < n) {
            try {
                Object reply = org.apache.pekko.pattern.Patterns.ask(region,
                    org.apache.pekko.cluster.sharding.ShardRegion.getCurrentRegionsInstance(), Duration.ofSeconds(2))
                    .toCompletableFuture().get(3, TimeUnit.SECONDS);
                known = ((org.apache.pekko.cluster.sharding.ShardRegion.CurrentRegions) reply).getRegions().size();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                known = 0; // the coordinator is not there yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (known >= n) {
                return;
            }
            if (System.nanoTime() > until) {
                LOG.warn("Sharding knows the sensor regions of {} of {} workers after {} s: the sensors start on those, and move "
                    + "when the others register", known, n, timeout.toSeconds());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    static int workers(ActorSystem<?> system) {
        int n = 0;
        for (var m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up() && m.hasRole("worker")) {
                n++;
            }
        }
        return n;
    }


    /** This node's way to the sensor entities (it hosts none: they live on the workers). */
    static ActorRef<org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<SensorHost.Command>> sensorRegion(ActorSystem<?> system) {
        return ClusterSharding.get(system).init(Entity.of(SensorHost.KEY, ec -> Behaviors.<SensorHost.Command>empty())
            .withRole("worker").withMessageExtractor(new SensorHost.Shards()));
    }

    /**
     * Each sensor's books as the nodes that hosted it last reported them, summed into this node's ledger of the sensor;
     * what a lost node had not accounted is counted lost with it when the night ends ({@link #reconcile}).
     */
    static final class Mirror {
        private final Function<SensorId, SensorLedger> ledgers;
        private final Map<SensorId, Map<String, SensorLedger.Books>> byHost = new HashMap<>();
        private final Map<SensorId, String> current = new HashMap<>();
        private final Map<SensorId, SensorLedger.Books> nodeDown = new HashMap<>();
        private final java.util.Set<String> lostNodes = new java.util.HashSet<>();
        private final List<NightSummary.Handover> handovers = new java.util.ArrayList<>();

        Mirror(Function<SensorId, SensorLedger> ledgers) {
            this.ledgers = ledgers;
        }

        synchronized void accept(SensorReport r) {
            if (r.books() == null) {
                return;
            }
            Map<String, SensorLedger.Books> hosts = byHost.computeIfAbsent(r.sensor(), s -> new java.util.LinkedHashMap<>());
            if (!hosts.containsKey(r.host()) && !hosts.isEmpty()) {
                handovers.add(new NightSummary.Handover(r.sensor().name(), List.copyOf(hosts.keySet()), r.host(), System.currentTimeMillis()));
                LOG.info("{} went on on {} (before: {})", r.sensor(), r.host(), hosts.keySet());
            }
            current.put(r.sensor(), r.host());
            hosts.put(r.host(), r.books());
            apply(r.sensor());
        }

        private void apply(SensorId sensor) {
            List<SensorLedger.Books> all = new java.util.ArrayList<>(byHost.getOrDefault(sensor, Map.of()).values());
            if (nodeDown.containsKey(sensor)) {
                all.add(nodeDown.get(sensor));
            }
            ledgers.apply(sensor).mirror(SensorLedger.Books.sum(all));
        }

        synchronized void nodeLost(String node) {
            lostNodes.add(node);
        }


        /** Visits handed to the scheduler, by node, as the nodes last reported them. */
        synchronized Map<String, Long> handedOver() {
            Map<String, Long> n = new HashMap<>();
            byHost.values().forEach(h -> h.forEach((node, b) -> n.merge(node, b.visitsToScheduler(), Long::sum)));
            return n;
        }

        /**
         * At the end of the night, the frames a sensor's camera published that no node accounted: when a node that hosted
         * the sensor was lost, they were in its hands ({@link FrameFate#LOST_NODE_DOWN}); when the sensor moved between
         * nodes that stayed, they were on their way while neither was subscribed ({@link FrameFate#LOST_HANDOVER}).
         * Returns the frames counted so, node-down first.
         */
        synchronized long[] reconcile() {
            long[] total = new long[2];
            for (var e : byHost.entrySet()) {
                SensorId sensor = e.getKey();
                if (e.getValue().size() < 2) {
                    continue; // it never moved: what it did not account, its own books say
                }
                List<String> gone = e.getValue().keySet().stream().filter(lostNodes::contains).toList();
                SensorLedger l = ledgers.apply(sensor);
                long missing = l.published() - l.accounted();
                if (missing <= 0) {
                    continue;
                }
                FrameFate fate = gone.isEmpty() ? FrameFate.LOST_HANDOVER : FrameFate.LOST_NODE_DOWN;
                List<Long> fates = new java.util.ArrayList<>(java.util.Collections.nCopies(FrameFate.values().length, 0L));
                fates.set(fate.ordinal(), missing);
                String why = gone.isEmpty() ? missing + " frames on their way while the sensor moved between " + e.getValue().keySet()
                    : missing + " frames were in the hands of " + gone + " when it was lost";
                nodeDown.put(sensor, new SensorLedger.Books(List.copyOf(fates), 0, 0, 0, 0, 0, 0, 0, 0, -1, false, 0,
                    List.of(new SensorLedger.Gap(-1, -1, fate, why))));
                apply(sensor);
                total[gone.isEmpty() ? 1 : 0] += missing;
            }
            return total;
        }

        synchronized List<NightSummary.Handover> handovers() {
            return List.copyOf(handovers);
        }

        /** The node each sensor is on now. */
        synchronized Map<String, String> placement() {
            Map<String, String> m = new java.util.TreeMap<>();
            current.forEach((s, h) -> m.put(s.name(), h));
            return m;
        }
    }

    /** What the workers' sensors report to: their books go into {@code mirror}, and everything on to the observatory. */
    static ActorRef<ObservatoryActor.Command> relay(ActorSystem<?> system, ActorRef<ObservatoryActor.Command> observatory, Mirror mirror) {
        return system.systemActorOf(Behaviors.receive(ObservatoryActor.Command.class)
            .onAnyMessage(m -> {
                if (m instanceof ObservatoryActor.SensorReported r) {
                    mirror.accept(r.report());
                }
                observatory.tell(m);
                return Behaviors.same();
            }).build(), "sensor-books", Props.empty());
    }

    private enum Tick { INSTANCE }

    /** The night's sensors, once they are hosted. */
    private volatile List<Integer> hosted = List.of();

    /**
     * Why the sensors' streams are being finished or the night closed (null: not yet). Kept, not only told once: a
     * sensor that Sharding moves to another worker after the order (a worker that joined late, a rebalance while the
     * night ends) must hear it there too, or it waits on its new node for an end-of-stream the camera sent long ago and
     * holds the night open until the stuck detector closes it. {@link #keepHosted} tells it again with each Host.
     */
    private volatile SensorHost.Command ending;

    /**
     * The night is closed around work it still holds: every sensor, on whichever worker it runs, ends its stream and
     * counts what it holds lost with {@code why}.
     */
    void closeAll(String why) {
        SensorHost.Close close = new SensorHost.Close(why);
        ending = close;
        tellAll(close);
    }

    /**
     * The camera finished a while ago: every sensor whose stream has not ended on its worker ends it now ({@link
     * SensorHost.Finish}), as the streams of a night of one process are.
     */
    void finishAll(String why) {
        SensorHost.Finish finish = new SensorHost.Finish(why);
        if (!(ending instanceof SensorHost.Close)) {
            ending = finish;
        }
        tellAll(finish);
    }

    private void tellAll(SensorHost.Command c) {
        var region = sensorRegion(system);
        for (int s : hosted) {
            region.tell(new org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<>(SensorHost.entityId(s), c));
        }
    }

    /**
     * Tells every sensor of {@code plan} to be hosted, now and about once a second: Sharding starts each on a worker, and
     * again elsewhere when its worker is lost; once the night is ending, tells each again to finish or close ({@link
     * #finishAll}, {@link #closeAll}); until then announces the night to the workers ({@link
     * org.nightwatch.actors.cluster.NightsTopic}), so that one that joins prepares it at once; and tells the scheduler
     * which {@code night} to open (null: none).
     */
    void keepHosted(SensorHost.NightPlan plan, ActorRef<ObservatoryActor.Command> books, SchedulerInlet.Night night) {
        var region = sensorRegion(system);
        this.hosted = plan.sensors();
        var nights = org.nightwatch.actors.cluster.NightsTopic.start(system);
        var announce = new org.nightwatch.actors.cluster.NightsTopic.Announce(plan);
        system.systemActorOf(Behaviors.<Tick>withTimers(timers -> {
            timers.startTimerAtFixedRate(Tick.INSTANCE, Duration.ofSeconds(1));
            return Behaviors.receive(Tick.class).onMessageEquals(Tick.INSTANCE, () -> {
                if (night != null) {
                    inlet.tell(night); // the scheduler opens the night where it runs (again, after a lost node)
                }
                if (ending == null) {
                    // a worker that joins prepares the night at once, before Sharding gives it sensors
                    nights.tell(org.apache.pekko.actor.typed.pubsub.Topic.publish(announce));
                }
                SensorHost.Command end = ending;
                for (int s : plan.sensors()) {
                    region.tell(new org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<>(SensorHost.entityId(s),
                        new SensorHost.Host(plan, s, books)));
                    if (end != null) {
                        // after Host, so that a sensor (re)started on a worker hears it once it runs there; a sensor
                        // whose stream has ended already ignores it
                        region.tell(new org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<>(SensorHost.entityId(s), end));
                    }
                }
                return Behaviors.same();
            }).build();
        }), "sensor-hosts", Props.empty());
        LOG.info("the night's {} sensors are hosted on the cluster's workers", plan.sensors().size());
    }
}
