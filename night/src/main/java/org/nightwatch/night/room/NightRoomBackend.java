package org.nightwatch.night.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.controlroom.ClusterView;
import org.nightwatch.controlroom.NightBackend;
import org.nightwatch.controlroom.NightView;
import org.nightwatch.controlroom.PlanEntry;
import org.nightwatch.controlroom.SensorView;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.VettingLabel;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.FollowUpPlanner;
import org.nightwatch.scheduler.LiveAlerts;

/**
 * The running night as the control room sees it: the ranked list kept from the alert hub, alert changes
 * as JSON, labels through the scheduler actor (which owns the night database), the follow-up plan, and
 * the night's state, gauges and controls from the runner. Rates (frames, candidates and alerts per
 * second, each sensor's frame rate) are sampled once a second.
 */
public final class NightRoomBackend implements NightBackend {
    /** The night's state and commands, from the runner. */
    public interface Night {
        /** One line on the night, for the page's header. */
        String summary();

        /** Counters and latencies now. */
        NightState state();

        /** Per sensor, in the focal plane's layout. */
        List<SensorRow> sensors();

        /** Asks the night to stop; returns what happened. */
        String stop();

        /** Starts a night that waits for the operator; returns what happened. */
        String start();

        /** The cluster the night runs on. */
        default ClusterView cluster() {
            return ClusterView.NONE;
        }
    }

    /**
     * The night's counters now.
     *
     * @param phase              starting (before the first frame), observing, or ended (a night that waits for the
     *                           operator is "waiting" and then "preparing" in its lobby, {@code NightLobby})
     * @param visitStackedP50Ms  a visit's last frame to its stack, ms (NaN before any); p99 likewise
     * @param buffersInUse       stack buffers held by visits being assembled or processed, of {@code buffersCapacity}
     */
    public record NightState(String mode, String phase, double elapsedSeconds, double realtimeFactor, long framesPublished,
                             long framesStacked, long framesLost, long framesDeferred, long visitsStacked, long candidates,
                             double visitStackedP50Ms, double visitStackedP99Ms, int buffersInUse, int buffersCapacity,
                             long backPressuredOffers, long backPressuredPolls) {
    }

    /**
     * One sensor in the mosaic.
     *
     * @param row      its row in the focal plane's layout; {@code column} likewise
     * @param state    observing (frames arriving), idle (none yet), deferred (frames deferred), fault (its stream restarted)
     * @param received frames whose data began to arrive
     * @param gaps     runs of frames lost or deferred
     * @param skyLevel median sky of its last stacked visit, ADU per frame (NaN before one)
     * @param problem  the last thing wrong with its input, or null
     * @param node     the cluster node that hosts it (null: a night of one process)
     */
    public record SensorRow(String name, int row, int column, String state, long received, long stacked, long lost, long deferred,
                            long visitsStacked, int gaps, double skyLevel, String problem, String node) {
    }

    private final AlertHub hub;
    private final ActorRef<SchedulerActor.Command> scheduler;
    private final ActorSystem<?> system;
    private final Night night;
    private final FollowUpPlanner planner;
    private final LiveAlerts live = new LiveAlerts();
    private final Cancellable sampling;
    private volatile Rates rates = new Rates(0, 0, 0, Map.of());
    private long lastNanos;
    private long lastFrames;
    private long lastCandidates;
    private long lastAlerts;
    private boolean sampled;
    private boolean smoothed;
    private final Map<String, Long> lastReceived = new HashMap<>();

    private record Rates(double framesPerSecond, double candidatesPerSecond, double alertsPerSecond, Map<String, Double> sensorHz) {
    }

    public NightRoomBackend(ActorSystem<?> system, AlertHub hub, ActorRef<SchedulerActor.Command> scheduler, List<Alert> alreadyLive,
                            Night night, FollowUpPlanner planner) {
        this.system = system;
        this.hub = hub;
        this.scheduler = scheduler;
        this.night = night;
        this.planner = planner;
        synchronized (live) {
            alreadyLive.forEach(live::apply);
        }
        hub.source().runWith(Sink.foreach(a -> {
            synchronized (live) {
                live.apply(a);
            }
        }), Materializer.matFromSystem(system));
        lastNanos = System.nanoTime();
        this.sampling = system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1), this::sample,
            system.executionContext());
    }

    /**
     * Once a second: rates as an operator reads them. Frames are counted as they are received (not when
     * their visit is stacked, which comes in a burst at each visit's close), and every rate is smoothed
     * with a time constant of {@link #SMOOTHING_S} seconds, so a steady camera reads steady.
     */
    private synchronized void sample() {
        long now = System.nanoTime();
        double dt = (now - lastNanos) / 1e9;
        if (dt <= 0) {
            return;
        }
        NightState s = night.state();
        long alerts = hub.offered();
        if (!sampled) {
            // the first sample only sets where counting starts (the room may attach to a night under way)
            for (SensorRow r : night.sensors()) {
                lastReceived.put(r.name(), r.received());
                lastFrames += r.received();
            }
            lastCandidates = s.candidates();
            lastAlerts = alerts;
            lastNanos = now;
            sampled = true;
            return;
        }
        Map<String, Double> hz = new HashMap<>();
        long frames = 0;
        for (SensorRow r : night.sensors()) {
            double raw = (r.received() - lastReceived.getOrDefault(r.name(), 0L)) / dt;
            hz.put(r.name(), smooth(rates.sensorHz().get(r.name()), raw, dt));
            lastReceived.put(r.name(), r.received());
            frames += r.received();
        }
        boolean first = !smoothed;
        rates = new Rates(smooth(first ? null : rates.framesPerSecond(), (frames - lastFrames) / dt, dt),
            smooth(first ? null : rates.candidatesPerSecond(), (s.candidates() - lastCandidates) / dt, dt),
            smooth(first ? null : rates.alertsPerSecond(), (alerts - lastAlerts) / dt, dt), hz);
        smoothed = true;
        lastNanos = now;
        lastFrames = frames;
        lastCandidates = s.candidates();
        lastAlerts = alerts;
    }

    /** Seconds over which the control room's rates are smoothed (exponentially weighted). */
    static final double SMOOTHING_S = 10;

    /**
     * An exponentially weighted rate: {@code previous} (null: none yet, the raw rate is taken) moved towards
     * {@code raw} by the weight {@code dt} seconds carry against a time constant of {@link #SMOOTHING_S}.
     * Counts that come in bursts (candidates and alerts at each visit's close) read as their mean rate.
     */
    static double smooth(Double previous, double raw, double dt) {
        if (previous == null) {
            return raw;
        }
        double a = 1 - Math.exp(-dt / SMOOTHING_S);
        return previous + a * (raw - previous);
    }

    @Override
    public List<String> liveAlerts() {
        List<Alert> ranked;
        synchronized (live) {
            ranked = live.ranked();
        }
        List<String> out = new ArrayList<>(ranked.size());
        ranked.forEach(a -> out.add(AlertJson.write(a, false)));
        return out;
    }

    @Override
    public Source<String, NotUsed> alertChanges() {
        return hub.publishedSource().map(p -> AlertJson.tree(p.alert(), false).put("published_ms", p.atMillis()).toString());
    }

    @Override
    public Optional<String> object(String objectId) {
        Alert a;
        List<FollowUpPlanner.Entry> plan;
        synchronized (live) {
            a = live.get(objectId);
            plan = a == null ? List.of() : planNow();
        }
        if (a == null) {
            return Optional.empty();
        }
        ObjectNode n = AlertJson.tree(a, false);
        n.putNull("plan");
        for (int i = 0; i < plan.size(); i++) {
            FollowUpPlanner.Entry e = plan.get(i);
            if (e.objectId().equals(objectId)) {
                n.putObject("plan").put("telescope", e.telescope()).put("start_mjd", e.startMjd()).put("end_mjd", e.endMjd())
                    .put("place", i + 1).put("of", plan.size());
            }
        }
        return Optional.of(n.toString());
    }

    @Override
    public Optional<float[]> cutout(String objectId, String candidateId) {
        Alert a;
        synchronized (live) {
            a = live.get(objectId);
        }
        if (a == null || !a.candidate().id().equals(candidateId) || a.candidate().cutout() == null) {
            return Optional.empty();
        }
        return Optional.of(a.candidate().cutout());
    }

    /** The plan from the night's clock (the latest detection's time), over the live alerts; caller holds {@code live}. */
    private List<FollowUpPlanner.Entry> planNow() {
        return planner.plan(live.ranked(), live.latestMjd());
    }

    @Override
    public List<PlanEntry> plan() {
        List<FollowUpPlanner.Entry> plan;
        synchronized (live) {
            plan = planNow();
        }
        return plan.stream().map(e -> new PlanEntry(e.telescope(), e.objectId(), e.startMjd(), e.endMjd(), e.rankScore(), e.ra(), e.dec()))
            .toList();
    }

    @Override
    public List<SensorView> sensors() {
        Map<String, Double> hz = rates.sensorHz();
        List<SensorView> out = new ArrayList<>();
        for (SensorRow r : night.sensors()) {
            out.add(new SensorView(r.name(), r.row(), r.column(), r.state(), round(hz.getOrDefault(r.name(), 0.0), 2), r.received(),
                r.stacked(), r.lost(), r.deferred(), r.gaps(), r.visitsStacked(), orNull(r.skyLevel(), 1), r.problem(), r.node()));
        }
        return out;
    }

    @Override
    public ClusterView cluster() {
        return night.cluster();
    }

    @Override
    public NightView night() {
        NightState s = night.state();
        Rates r = rates;
        NightView.Alerts alerts;
        synchronized (live) {
            alerts = new NightView.Alerts(hub.offered(), live.size(), live.applied(), hub.dropped());
        }
        return new NightView(night.summary(), s.mode(), s.phase(), round(s.elapsedSeconds(), 1), round(s.realtimeFactor(), 3),
            new NightView.Frames(s.framesPublished(), s.framesStacked(), s.framesLost(), s.framesDeferred()), s.visitsStacked(),
            s.candidates(), alerts,
            new NightView.Throughput(round(r.framesPerSecond(), 1), round(r.candidatesPerSecond(), 1), round(r.alertsPerSecond(), 2)),
            new NightView.Latency(orNull(s.visitStackedP50Ms(), 1), orNull(s.visitStackedP99Ms(), 1), orNull(hub.visitToAlertMs(50), 1),
                orNull(hub.visitToAlertMs(99), 1)),
            new NightView.Backpressure(s.buffersInUse(), s.buffersCapacity(), s.backPressuredOffers(), s.backPressuredPolls(),
                s.framesDeferred()), List.of());
    }

    /** {@code v} rounded to {@code digits}, or null when it is not a number (nothing measured yet). */
    private static Double orNull(double v, int digits) {
        return Double.isFinite(v) ? round(v, digits) : null;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    @Override
    public CompletionStage<Boolean> label(String objectId, VettingLabel label, String operator) {
        if (scheduler == null) {
            return java.util.concurrent.CompletableFuture.completedFuture(false); // a night without alerts has no objects to label
        }
        return AskPattern.ask(scheduler, (ActorRef<Boolean> r) -> new SchedulerActor.Label(objectId, label, operator, r),
            Duration.ofSeconds(10), system.scheduler());
    }

    @Override
    public CompletionStage<String> stopNight() {
        return CompletableFuture.supplyAsync(night::stop);
    }

    @Override
    public CompletionStage<String> startNight(String mode) {
        return CompletableFuture.supplyAsync(night::start);
    }

    @Override
    public void close() {
        sampling.cancel();
    }
}
