package org.nightwatch.night;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.actors.Guardian;
import org.nightwatch.actors.NightPhase;
import org.nightwatch.actors.ObservatoryActor;
import org.nightwatch.controlroom.ControlRoom;
import org.nightwatch.controlroom.ControlRoomSettings;
import org.nightwatch.controlroom.NightBackend;
import org.nightwatch.controlroom.NightView;
import org.nightwatch.controlroom.PlanEntry;
import org.nightwatch.controlroom.SensorView;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.protocol.SurveyMode;
import org.nightwatch.protocol.VettingLabel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A night that waits for the operator: the control room opens first, showing the focal plane idle, and
 * the operator starts the night from it, choosing its survey mode (all-sky or high-cadence; a replay keeps
 * the mode it was recorded in). The night is then prepared in that mode (references, classifier,
 * database) and runs with the same control room, so pages opened before the start stay open and receive
 * its alerts. Stopping before the start calls the night off. The night's actors exist from the start, so that its
 * observatory owns the night's phase throughout: waiting, preparing, observing, stopping, ended.
 */
public final class NightLobby implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NightLobby.class);

    private final DeploymentConfig config;
    private final NightOptions options;
    private final List<String> modes;
    private final Backend backend = new Backend();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ControlRoom room;
    private final CompletableFuture<SurveyMode> start = new CompletableFuture<>();
    private final SourceControl control = new SourceControl();
    private final ActorSystem<Guardian.Command> system;
    private final ObservatoryView view;
    private volatile SurveyMode mode;
    private final CompletableFuture<NightRunner> prepared = new CompletableFuture<>();
    private volatile boolean stopWhenPrepared;

    /** Opens the control room of the night {@code options} describes (which must have one); the night waits. */
    public NightLobby(DeploymentConfig config, NightOptions options) {
        if (options.httpPort() == null) {
            throw new IllegalArgumentException("a night that waits for the operator's start needs the control room");
        }
        this.config = config;
        this.options = options;
        this.mode = options.mode();
        this.modes = options.replayDir() != null ? List.of()
            : java.util.Arrays.stream(SurveyMode.values()).map(SurveyMode::cliName).toList();
        // the night's ports before the operator waits on it: a clash is said now, not when the night is prepared
        NightClaims.checkPorts(config, options, true);
        this.system = ActorSystem.create(Guardian.create(control, NightPhase.WAITING), "nightwatch", config.config());
        try {
            this.view = new ObservatoryView(system);
            this.room = ControlRoom.start(backend, ControlRoomSettings.from(config.config(), options.httpPort()), registry, config.config());
        } catch (RuntimeException e) {
            system.terminate(); // no lobby: its night's actors go with it
            throw e;
        }
        LOG.info("control room at {}; the night waits for the operator's start", room.url());
    }

    public ControlRoom controlRoom() {
        return room;
    }

    /** The night once it has been started and prepared (null before). */
    public NightRunner runner() {
        return prepared.isDone() && !prepared.isCompletedExceptionally() ? prepared.join() : null;
    }

    /** Completes with the night once it is prepared, or with why it never was (called off, failed to prepare). */
    public CompletionStage<NightRunner> prepared() {
        return prepared;
    }

    /**
     * Waits for the operator's start (at most the night's timeout) and prepares the night in the chosen
     * mode; the caller runs it. Fails when the night was called off or nobody started it.
     */
    public NightRunner awaitStart() throws InterruptedException {
        NightRunner r;
        try {
            SurveyMode chosen;
            try {
                chosen = start.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no operator started the night within " + options.timeout());
            } catch (ExecutionException e) {
                throw new IllegalStateException("the night was " + e.getCause().getMessage());
            }
            LOG.info("the operator started the night: {}; preparing it", chosen.cliName());
            r = new NightRunner(config, options.withMode(chosen), new NightRunner.Room(room, registry, backend::attach, system, control));
        } catch (RuntimeException e) {
            prepared.completeExceptionally(e);
            throw e;
        }
        prepared.complete(r);
        if (stopWhenPrepared) {
            backend.stopNight();
        }
        return r;
    }

    @Override
    public void close() {
        NightRunner r = runner();
        if (r != null) {
            r.close(); // it ends the night's actors
        } else {
            system.terminate(); // called off, or never prepared
        }
        room.close();
    }

    /** The control room's view: the lobby's until the night is prepared, the night's after. */
    private final class Backend implements NightBackend {
        private final CompletableFuture<NightBackend> night = new CompletableFuture<>();

        void attach(NightBackend b) {
            night.complete(b);
        }

        private NightBackend now() {
            return night.getNow(null);
        }

        @Override
        public List<String> liveAlerts() {
            NightBackend b = now();
            return b != null ? b.liveAlerts() : List.of();
        }

        @Override
        public Source<String, NotUsed> alertChanges() {
            NightBackend b = now();
            // a page that opened in the lobby gets the night's alerts once it runs
            return b != null ? b.alertChanges()
                : Source.completionStageSource(night.thenApply(NightBackend::alertChanges)).mapMaterializedValue(f -> NotUsed.getInstance());
        }

        @Override
        public Optional<String> object(String objectId) {
            NightBackend b = now();
            return b != null ? b.object(objectId) : Optional.empty();
        }

        @Override
        public Optional<float[]> cutout(String objectId, String candidateId) {
            NightBackend b = now();
            return b != null ? b.cutout(objectId, candidateId) : Optional.empty();
        }

        @Override
        public List<PlanEntry> plan() {
            NightBackend b = now();
            return b != null ? b.plan() : List.of();
        }

        @Override
        public List<SensorView> sensors() {
            NightBackend b = now();
            if (b != null) {
                return b.sensors();
            }
            List<SensorPlacement> placements = options.replayDir() != null ? List.of() : config.sensors(options.sensors());
            return placements.stream().map(p -> SensorView.idle(p.sensor().name(), p.row(), p.column())).toList();
        }

        @Override
        public NightView night() {
            NightBackend b = now();
            if (b != null) {
                return b.night().withModes(modes);
            }
            NightPhase phase = view.now().phase();
            return NightView.before(phase == NightPhase.PREPARING
                ? "preparing the night: " + mode.cliName() + " (references, classifier, database)"
                : "waiting for the operator's start" + (modes.isEmpty() ? "" : ": choose the survey mode"), mode.cliName(), phase.label(), modes);
        }

        @Override
        public CompletionStage<Boolean> label(String objectId, VettingLabel label, String operator) {
            NightBackend b = now();
            return b != null ? b.label(objectId, label, operator) : CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletionStage<String> stopNight() {
            NightBackend b = now();
            if (b != null) {
                return b.stopNight();
            }
            if (start.completeExceptionally(new IllegalStateException("called off before it started"))) {
                view.observatory().tell(ObservatoryActor.CallOff.INSTANCE);
                return CompletableFuture.completedFuture("the night is called off before its first frame");
            }
            // started and being prepared: it stops as soon as it is (stopping twice is harmless)
            stopWhenPrepared = true;
            NightBackend ready = now();
            return ready != null ? ready.stopNight()
                : CompletableFuture.completedFuture("stopping: the night stops as soon as it is prepared");
        }

        @Override
        public CompletionStage<String> startNight(String requested) {
            NightBackend b = now();
            if (b != null || start.isDone()) {
                return CompletableFuture.completedFuture(start.isCompletedExceptionally() ? "the night was called off"
                    : "the night was already started: " + mode.cliName());
            }
            SurveyMode chosen = options.mode();
            if (requested != null) {
                if (modes.isEmpty()) {
                    if (!requested.equals(options.mode().cliName())) {
                        throw new IllegalArgumentException("a replayed night keeps the mode it was recorded in");
                    }
                } else if (!modes.contains(requested)) {
                    throw new IllegalArgumentException("survey mode '" + requested + "': one of " + String.join(", ", modes));
                } else {
                    chosen = SurveyMode.parse(requested);
                }
            }
            mode = chosen;
            view.observatory().tell(new ObservatoryActor.Prepare(chosen));
            return CompletableFuture.completedFuture(start.complete(chosen)
                ? "starting: " + chosen.cliName() + (options.replayDir() != null ? "" : " on " + options.sensors() + " sensors")
                : "the night was already started");
        }

        @Override
        public void close() {
            NightBackend b = now();
            if (b != null) {
                b.close();
            }
        }
    }
}
