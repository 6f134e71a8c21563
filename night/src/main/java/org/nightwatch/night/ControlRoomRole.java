package org.nightwatch.night;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.actors.SensorReport;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.controlroom.ClusterView;
import org.nightwatch.controlroom.ControlRoom;
import org.nightwatch.controlroom.ControlRoomSettings;
import org.nightwatch.night.room.NightRoomBackend;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.scheduler.FollowUpPlanner;
import org.nightwatch.scheduler.SchedulerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The night's control room: the operators' page and API, its Prometheus gauges, and the night as the page shows it
 * (phase, books, each sensor's state, the stop command). It is every night's, not the scheduler's: a night without
 * difference imaging or a model shows its focal plane, gauges and controls, and no alerts. A night that waits for the
 * operator has its room opened first by its lobby ({@link NightRunner.Room}); the night then attaches to it.
 */
final class ControlRoomRole implements NightRoomBackend.Night, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlRoomRole.class);

    /** The night as the room reads it: its phase and sensors' states (the observatory's), and the stop command (its answer). */
    interface Night {
        ObservatoryActor.NightStatus status();

        String stop();

        /** The cluster the night runs on ({@link ClusterView#NONE}: one process). */
        default ClusterView cluster() {
            return ClusterView.NONE;
        }
    }

    private final NightOptions options;
    private final NightBooks books;
    private final SensorWorkers workers;
    private final List<SensorPlacement> placements;
    private final Night night;
    private final ControlRoom room;
    private final boolean own;
    private final org.apache.pekko.actor.Cancellable nodeMetrics;

    /**
     * Opens the room on {@code options}' port, or attaches to the lobby's {@code lobby} (null: none); the gauges read the
     * publisher, the books and the hub. {@code scheduler}: where operators' labels go (null: the night raises no alerts);
     * {@code alreadyLive}: the live alerts a resumed night starts from.
     */
    ControlRoomRole(DeploymentConfig config, NightOptions options, ActorSystem<?> system, NightSource source, SensorWorkers workers,
                    NightBooks books, AlertHub hub, ActorRef<SchedulerActor.Command> scheduler, List<Alert> alreadyLive,
                    Night night, NightRunner.Room lobby) {
        this.options = options;
        this.books = books;
        this.workers = workers;
        this.placements = source.placements();
        this.night = night;
        PrometheusMeterRegistry registry = lobby != null ? lobby.registry() : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("nightwatch_frames_published", source, NightSource::framesPublished).register(registry);
        for (FrameFate.Kind k : FrameFate.Kind.values()) {
            Gauge.builder("nightwatch_frames", books, b -> b.total(l -> l.count(k))).tag("fate", k.name().toLowerCase(Locale.ROOT))
                .register(registry);
        }
        Gauge.builder("nightwatch_visits_stacked", books, b -> b.total(l -> l.visitsStacked().get())).register(registry);
        Gauge.builder("nightwatch_visits_deferred", books, b -> b.total(l -> l.visitsDeferred().get())).register(registry);
        Gauge.builder("nightwatch_back_pressured_offers", source, NightSource::backPressuredOffers).register(registry);
        Gauge.builder("nightwatch_stack_buffers_in_use", workers.pool(), p -> p.inUse()).register(registry);
        Gauge.builder("nightwatch_alerts_published", hub, AlertHub::offered).register(registry);
        Gauge.builder("nightwatch_alerts_dropped_for_live_consumers", hub, AlertHub::dropped).register(registry);
        if (options.cluster() != null) {
            // each node's load and sensors, by node: the cluster's /metrics are served here, with the night's
            MultiGauge cpu = MultiGauge.builder("nightwatch_node_cpu_load").description("a node's process share of its machine's CPU")
                .register(registry);
            MultiGauge heap = MultiGauge.builder("nightwatch_node_heap_mb").baseUnit("megabytes").register(registry);
            MultiGauge sensorsOn = MultiGauge.builder("nightwatch_node_sensors").description("sensors a node hosts").register(registry);
            this.nodeMetrics = system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(2), () -> {
                List<ClusterView.Node> nodes = night.cluster().nodes();
                cpu.register(nodes.stream().filter(n -> n.cpuLoad() != null)
                    .map(n -> MultiGauge.Row.of(Tags.of("node", n.address()), n.cpuLoad())).toList(), true);
                heap.register(nodes.stream().filter(n -> n.heapMb() != null)
                    .map(n -> MultiGauge.Row.of(Tags.of("node", n.address()), n.heapMb())).toList(), true);
                sensorsOn.register(nodes.stream().map(n -> MultiGauge.Row.of(Tags.of("node", n.address(), "status", n.status()),
                    n.sensors().size())).toList(), true);
            }, system.executionContext());
        } else {
            this.nodeMetrics = null;
        }
        NightRoomBackend backend = new NightRoomBackend(system, hub, scheduler, alreadyLive, this, new FollowUpPlanner(SchedulerSettings.from(config.config()).followUp()));
        if (lobby != null) {
            lobby.attach().accept(backend);
            this.room = lobby.room();
            this.own = false;
        } else {
            this.room = ControlRoom.start(backend, ControlRoomSettings.from(config.config(), options.httpPort()), registry, config.config());
            this.own = true;
            LOG.info("control room at {}", room.url());
        }
        if (scheduler == null) {
            LOG.warn("control room: this night raises no alerts ({}): the page shows the focal plane and gauges only",
                !options.diff() ? "no difference imaging" : "no real/bogus model");
        }
    }

    ControlRoom room() {
        return room;
    }

    @Override
    public String summary() {
        NightRunner.Progress p = books.progress();
        return String.format(Locale.ROOT, "%s on %d sensors, %.0f s: %d frames stacked, %d lost, %d deferred, %.2fx real time",
            options.mode().cliName(), placements.size(), p.seconds(), p.stacked(), p.lost(), p.deferred(), p.realtimeFactor());
    }

    @Override
    public NightRoomBackend.NightState state() {
        NightRunner.Progress p = books.progress();
        Histogram h = workers.stats().latency();
        boolean any = h.getTotalCount() > 0;
        return new NightRoomBackend.NightState(options.mode().cliName(), night.status().phase().label(), p.seconds(), p.realtimeFactor(),
            p.published(), p.stacked(), p.lost(), p.deferred(), books.total(l -> l.visitsStacked().get()), workers.stats().candidates(),
            any ? h.getValueAtPercentile(50) / 1e6 : Double.NaN, any ? h.getValueAtPercentile(99) / 1e6 : Double.NaN, p.buffersInUse(),
            p.buffersCapacity(), p.backPressured(), books.total(l -> l.backPressuredPolls().get()));
    }

    /** Each sensor as it last told the observatory (a message, not a read of the sensor's objects). */
    @Override
    public List<NightRoomBackend.SensorRow> sensors() {
        ObservatoryActor.NightStatus status = night.status();
        List<NightRoomBackend.SensorRow> rows = new ArrayList<>();
        for (SensorPlacement pl : placements) {
            SensorReport r = status.report(pl.sensor());
            rows.add(new NightRoomBackend.SensorRow(pl.sensor().name(), pl.row(), pl.column(), r.state().label(), r.received(), r.stacked(),
                r.lost(), r.deferred(), r.visitsStacked(), r.gaps(), r.skyLevel(), r.problem(), r.host().isEmpty() ? null : r.host()));
        }
        return rows;
    }

    @Override
    public String stop() {
        return night.stop();
    }

    @Override
    public ClusterView cluster() {
        return night.cluster();
    }

    @Override
    public String start() {
        // a night that waits for the operator is started by its lobby, which answers later starts itself
        return "the night is already running: it started with its command (give it --await-start to start it from here)";
    }

    @Override
    public void close() {
        if (nodeMetrics != null) {
            nodeMetrics.cancel();
        }
        if (own) {
            room.close();
        }
    }
}
