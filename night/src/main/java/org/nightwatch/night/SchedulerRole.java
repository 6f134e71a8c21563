package org.nightwatch.night;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.AlertLatencyLog;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.alerts.SchedulerSink;
import org.nightwatch.actors.alerts.SchedulerTotals;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.KnownVariables;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.SchedulerSettings;
import org.nightwatch.scheduler.WarmUp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The night's scheduler: association and ranking ({@link Scheduler}), the night database ({@link AlertStore}, resumed
 * when the night runs again), the alert files, the latency log and the Aeron alert stream, behind one actor
 * ({@link SchedulerActor}). Sensor workers reach it only by messages (through {@link #sink()}), and consumers of alerts
 * through the {@link AlertHub} and the Aeron stream.
 */
public final class SchedulerRole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerRole.class);

    /**
     * @param out         the night's output directory (database, alert files)
     * @param nightKey    what identifies the night in its database
     * @param simulated   whether the night's VOEvents are tests
     * @param drain       how long the night waits, after its last visit, for the scheduler to handle what it was sent
     * @param streamPatience how long the alert stream waits for a consumer that is behind
     */
    public record Settings(SchedulerSettings scheduler, Path out, String nightKey, boolean simulated, Duration drain,
                           Duration streamPatience) {
        /** The deployment's scheduler settings for night {@code nightKey}, its database and files in {@code out}. */
        static Settings of(DeploymentConfig config, Path out, String nightKey, boolean simulated) {
            return new Settings(SchedulerSettings.from(config.config()), out, nightKey, simulated,
                config.config().getDuration("nightwatch.actors.alerts.drain-timeout"),
                config.config().getDuration("nightwatch.actors.alerts.stream-patience"));
        }
    }

    /** What the scheduler did by the end of the night: its totals (null: it did not answer in time) and the visits it left. */
    public record Drained(SchedulerTotals totals, long unhandled) {
    }

    private final Settings settings;
    private final AlertStore store;
    private final boolean resumed;
    private final Scheduler scheduler;
    private final int resumedObjects;
    private final AlertOutputs outputs;
    private final AlertLatencyLog latency;
    private final AlertStreamOutlet stream;
    private final SchedulerSink sink = new SchedulerSink();
    private final AtomicLong visitsHandled = new AtomicLong();
    /** Writes the alert files (JSON lines, Avro, VOEvent) in commit order, off the scheduler's thread. */
    private ExecutorService alertFiles;
    private ActorRef<SchedulerActor.Command> actor;

    /**
     * Checks the catalogue and opens the database before the night begins (resuming what an interrupted run of the
     * same night committed), and the alert files and stream ({@code alertChannel} null: no stream).
     */
    SchedulerRole(Settings settings, AeronTransport transport, String alertChannel) {
        this.settings = settings;
        SchedulerSettings ss = settings.scheduler();
        KnownVariables known = ss.knownVariables().isBlank() ? KnownVariables.none(ss.associationRadiusArcsec())
            : KnownVariables.read(Path.of(ss.knownVariables()), ss.associationRadiusArcsec());
        AlertStore.Opened opened = AlertStore.openNight(ss.storeUrl(), ss.storeUser(), ss.storePassword(), settings.out(),
            settings.nightKey(), Stream.concat(AlertOutputs.NIGHT_FILES.stream(), Stream.of(AlertLatencyLog.FILE)).toList());
        this.store = opened.store();
        this.resumed = opened.resumed();
        if (opened.archivedTo() != null) {
            LOG.info("an earlier night's database and alerts in {} were moved to {}", settings.out(), opened.archivedTo());
        }
        this.scheduler = new Scheduler(ss, known);
        this.resumedObjects = resumed ? store.restoreInto(scheduler) : 0;
        this.outputs = new AlertOutputs(settings.out(), new AlertOutputs.Formats(ss.outputs().avro(), ss.voEvent(settings.simulated())));
        int caught = outputs.catchUp(store);
        if (resumed) {
            LOG.info("resuming the night in {}: {} objects and {} alerts read back{}", store.url(), resumedObjects, outputs.size(),
                caught > 0 ? ", " + caught + " alerts the files lacked written again" : "");
        }
        this.latency = new AlertLatencyLog(settings.out());
        this.stream = alertChannel != null
            ? new AlertStreamOutlet(transport, alertChannel, settings) : null;
    }

    /** Whether this run resumes a night its database already holds. */
    public boolean resumed() {
        return resumed;
    }

    /** The night database (what was done before, for a resumed night). */
    public AlertStore store() {
        return store;
    }

    /** Where the sensor workers hand each scored visit: a message to the scheduler actor. */
    public SchedulerSink sink() {
        return sink;
    }

    /** The live alerts, best rank first, as the control room starts from them. */
    public List<Alert> liveAlerts() {
        return scheduler.liveAlerts();
    }

    /**
     * Made-up visits through a scheduler and a scratch database of the night's kind, and the alerts they make through every
     * alert format, before a night paced in real time, so that the JIT has compiled them before the first alerts are due
     * ({@link WarmUp}; a night run as fast as it goes pays the same compilation either way). Sized for C2: a method the
     * JIT has profiled compiles at about 5,000 calls (fewer when it loops), and the alert formats run once an alert.
     */
    static final int WARM_UP_VISITS = 240;
    static final int WARM_UP_CANDIDATES = 50;

    /**
     * Before the first frame, due at {@code first}: the night's visibility sampled, so that its first alerts do not wait
     * for it; and, when {@code warmUp}, the scheduler and the alert formats compiled. A warm-up that fails costs the
     * night nothing but the time it saves: it is said, and the night goes on.
     */
    void prepare(java.time.Instant first, boolean warmUp) {
        long t0 = System.nanoTime();
        scheduler.prepareNight(first.toEpochMilli() / 86_400_000.0 + 40587.0);
        LOG.info("the night's visibility from {} sampled in {} ms", scheduler.settings().site().name(), (System.nanoTime() - t0) / 1_000_000);
        if (!warmUp) {
            return;
        }
        try {
            // the imagers' warm-up's compilations first: code first run behind a long queue is not profiled for C2
            long waited = Compilers.awaitQuiet(Compilers.MAX_WAIT);
            long t1 = System.nanoTime();
            SchedulerSettings ss = settings.scheduler();
            // the embedded database's code only: a night on PostgreSQL runs the driver's, which a scratch H2 would not compile
            boolean scratchDatabase = ss.storeUrl() == null || ss.storeUrl().isBlank();
            AlertOutputs.FormatsWarmUp formats = outputs.compilerBeforeTheNight();
            int made = WarmUp.scheduler(ss, first.toEpochMilli() / 86_400_000.0 + 40587.0, WARM_UP_VISITS, WARM_UP_CANDIDATES,
                scratchDatabase, formats);
            LOG.info("the scheduler{} and the alert formats warmed up on {} made-up visits ({} alerts) in {} ms, after {} ms for the "
                + "JIT's queue", scratchDatabase ? ", a scratch database" : "", WARM_UP_VISITS, made, (System.nanoTime() - t1) / 1_000_000,
                waited);
        } catch (RuntimeException e) {
            LOG.warn("the scheduler's warm-up before the night failed ({}): the night goes on, its first alerts on code not yet "
                + "compiled", e.getMessage());
        }
    }

    /**
     * Starts the scheduler actor on its own dispatcher; its alert changes go to {@code hub}, and from the hub to the
     * Aeron stream. {@code fault}: a drill run before each visit (null: none).
     */
    void start(ActorSystem<?> system, AlertHub hub, Runnable fault) {
        alertFiles = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "alert-files");
            t.setDaemon(true);
            return t;
        });
        actor = system.systemActorOf(SchedulerActor.create(scheduler, store, outputs, hub, resumedObjects, latency, fault, visitsHandled,
            alertFiles), "scheduler", DispatcherSelector.fromConfig("nightwatch.scheduler-dispatcher"));
        sink.connect(actor);
        if (stream != null) {
            stream.start(system, hub);
        }
    }

    /** Visits the scheduler has handled (their candidates associated, their alerts committed) so far. */
    long visitsHandled() {
        return visitsHandled.get();
    }

    /** The scheduler actor (labels from the control room go to it). */
    public ActorRef<SchedulerActor.Command> actor() {
        return actor;
    }

    /**
     * Waits, after the night's last visit was handed over, for the scheduler to handle every visit, then for the stream
     * to send the last alerts. A scheduler stuck past the drain time (a database that hangs) is left: the night ends
     * without those alerts, says so, and stays incomplete in its database.
     */
    Drained drain(ActorSystem<?> system) {
        SchedulerTotals totals;
        try {
            totals = AskPattern.<SchedulerActor.Command, SchedulerTotals>ask(actor, SchedulerActor.GetTotals::new, settings.drain(),
                system.scheduler()).toCompletableFuture().join();
            store.complete();
        } catch (CompletionException e) {
            long unhandled = Math.max(1, sink.sent() - visitsHandled.get());
            LOG.error("the scheduler is still busy {} s after the night's last visit, {} visits not handled: the night ends "
                + "without their alerts and stays incomplete in its database (run it again to resume)", settings.drain().toSeconds(),
                unhandled);
            return new Drained(null, unhandled);
        }
        if (stream != null) {
            totals = stream.drain(totals); // the stream's consumer may still be offering the night's last alerts
        }
        return new Drained(totals, 0);
    }

    /** Closes the files, the stream and the database, after the actor system (the actor's last writes) has ended. */
    @Override
    public void close() {
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
        outputs.close();
        if (stream != null) {
            stream.close();
        }
        latency.close();
        store.close();
    }
}
