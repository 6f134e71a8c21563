package org.nightwatch.actors.alerts;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.VettingLabel;
import org.nightwatch.scheduler.AlertOutputs;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.Scheduler;
import org.nightwatch.scheduler.SkyObject;

/**
 * Holds the night's {@link Scheduler}: each visit's scored candidates are run through it, the result is
 * committed to the database in one transaction, the alert changes are written to the night's alert files
 * ({@link AlertOutputs}: JSON lines, Avro, VOEvent), then published on the {@link AlertHub}, which feeds
 * the live consumers (the Aeron alert stream among them). Messages are handled one at a time, in arrival order, on the
 * scheduler's own dispatcher (database and file I/O block). A batch the database refuses is logged and
 * counted, and the night goes on.
 */
public final class SchedulerActor extends AbstractBehavior<SchedulerActor.Command> {
    public sealed interface Command {
    }

    /**
     * One sensor-visit's scored candidates (perhaps none), handed to the scheduler at {@code sentEpochNanos}; the visit
     * closed (its last frame arrived) at {@code visitClosedEpochNanos} (both UTC ns since the epoch, {@link
     * org.nightwatch.actors.WireTime}, since sender and scheduler may be different machines; 0: not known);
     * {@code late}: a visit caught up after the night was over capacity, whose alerts say how late they are.
     */
    public record Scored(int sensor, long visit, List<Candidate> candidates, long sentEpochNanos, long visitClosedEpochNanos,
                         boolean late) implements Command, org.nightwatch.actors.WireMessage {
    }

    /**
     * A visit that came from another machine: handled as {@link Scored}, then {@code then} runs (its delivery is
     * confirmed), also when the visit was handled before.
     */
    public record Handle(Scored scored, Runnable then) implements Command {
    }

    /** Answered once every message sent before it is handled. */
    public record GetTotals(ActorRef<SchedulerTotals> replyTo) implements Command {
    }

    /**
     * An operator's label of an object's latest detection, stored in the night database; answers false
     * when the object is not known (or the database refused it).
     */
    public record Label(String objectId, VettingLabel label, String operator, ActorRef<Boolean> replyTo) implements Command {
    }

    /** The live alerts, best rank first. */
    public record GetLive(ActorRef<List<Alert>> replyTo) implements Command {
    }

    /** Each alert change the night's database holds goes to {@code each}, in commit order (on the scheduler's thread). */
    public record ForEachCommitted(java.util.function.Consumer<Alert> each) implements Command {
    }

    private final Scheduler scheduler;
    private final AlertStore store;
    private final AlertOutputs outputs;
    private final AlertHub hub;
    private final int resumed;
    private final Histogram latency = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
    private final Histogram visitLatency = new Histogram(TimeUnit.HOURS.toNanos(1), 3);
    private final Histogram lateLatency = new Histogram(TimeUnit.HOURS.toNanos(24), 3);
    private final AlertLatencyLog latencyLog;
    private final Map<String, Long> byState = new TreeMap<>();
    private final Runnable beforeVisit;
    private final java.util.concurrent.atomic.AtomicLong visitsHandled;
    /** The sensor-visits handled (committed, or refused by the database): a visit sent again is not run twice. */
    private final java.util.Set<org.nightwatch.protocol.VisitKey> handled = new java.util.HashSet<>();
    private long redelivered;
    private long candidatesIn;
    private long associated;
    private long failed;
    private final java.util.concurrent.atomic.AtomicLong failedFiles = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.Executor files;

    /**
     * @param latencyLog    where each alert's time from its visit's last frame goes (null: nowhere)
     * @param beforeVisit   run before each visit is handled (a drill's fault; null: nothing); what it throws counts
     *                      as a batch not committed
     * @param visitsHandled counts the visits handled (committed or failed), readable from any thread while
     *                      the actor is busy
     */
    public static Behavior<Command> create(Scheduler scheduler, AlertStore store, AlertOutputs outputs, AlertHub hub, int resumed,
                                           AlertLatencyLog latencyLog, Runnable beforeVisit,
                                           java.util.concurrent.atomic.AtomicLong visitsHandled) {
        return create(scheduler, store, outputs, hub, resumed, latencyLog, beforeVisit, visitsHandled, Runnable::run);
    }

    /**
     * As above, with the alert files written on {@code files} (one thread, so in commit order) while the
     * actor publishes and goes on with the next visit: a burst of alerts at a field's revisit then waits
     * for the database alone, not for hundreds of Avro and VOEvent files. The files follow the database;
     * a night stopped in between writes what they lack when it is resumed ({@link AlertOutputs#catchUp}).
     */
    public static Behavior<Command> create(Scheduler scheduler, AlertStore store, AlertOutputs outputs, AlertHub hub, int resumed,
                                           AlertLatencyLog latencyLog, Runnable beforeVisit,
                                           java.util.concurrent.atomic.AtomicLong visitsHandled, java.util.concurrent.Executor files) {
        return Behaviors.setup(ctx -> new SchedulerActor(ctx, scheduler, store, outputs, hub, resumed, latencyLog, beforeVisit,
            visitsHandled, files));
    }

    private SchedulerActor(ActorContext<Command> ctx, Scheduler scheduler, AlertStore store, AlertOutputs outputs, AlertHub hub,
                           int resumed, AlertLatencyLog latencyLog, Runnable beforeVisit,
                           java.util.concurrent.atomic.AtomicLong visitsHandled, java.util.concurrent.Executor files) {
        super(ctx);
        this.files = files;
        this.beforeVisit = beforeVisit;
        this.visitsHandled = visitsHandled;
        this.latencyLog = latencyLog;
        this.scheduler = scheduler;
        this.store = store;
        this.outputs = outputs;
        this.hub = hub;
        this.resumed = resumed;
        // a resumed night's visits were handled in an earlier run
        store.visitsDone().forEach((sensor, visits) -> visits.forEach(v -> handled.add(new org.nightwatch.protocol.VisitKey(
            org.nightwatch.protocol.SensorId.of(sensor), v))));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Scored.class, this::onScored)
            .onMessage(Handle.class, h -> {
                try {
                    return onScored(h.scored());
                } finally {
                    h.then().run();
                }
            })
            .onMessage(GetTotals.class, m -> {
                // answered once the files have every alert committed before it: the writer runs in order
                SchedulerTotals t = totals();
                files.execute(() -> m.replyTo().tell(t.withFiles(outputs.avroFiles(), outputs.voeventFiles(), failedFiles.get())));
                return this;
            })
            .onMessage(Label.class, m -> {
                SkyObject o = scheduler.object(m.objectId());
                boolean ok = false;
                if (o != null) {
                    try {
                        store.label(m.objectId(), o.last().candidateId(), m.label().wire(), m.operator());
                        ok = true;
                    } catch (RuntimeException e) {
                        getContext().getLog().error("scheduler: label of {} not stored: {}", m.objectId(), e.getMessage());
                    }
                }
                m.replyTo().tell(ok);
                return this;
            })
            .onMessage(ForEachCommitted.class, m -> {
                long n = 0;
                try {
                    for (List<AlertStore.Stored> page = store.alertsAfter(0, 500); !page.isEmpty();
                         page = store.alertsAfter(page.get(page.size() - 1).seq(), 500)) {
                        for (AlertStore.Stored a : page) {
                            m.each().accept(a.alert());
                            n++;
                        }
                    }
                } catch (RuntimeException e) {
                    getContext().getLog().error("scheduler: the night's alerts could not be read back after {}: {}", n, e.getMessage());
                }
                return this;
            })
            .onMessage(GetLive.class, m -> {
                m.replyTo().tell(scheduler.liveAlerts());
                return this;
            })
            .build();
    }

    private Behavior<Command> onScored(Scored m) {
        if (!handled.add(new org.nightwatch.protocol.VisitKey(org.nightwatch.protocol.SensorId.of(m.sensor()), m.visit()))) {
            // delivered again (at-least-once across machines): its candidates are in the night already, and running them
            // twice would add each detection twice to its object
            redelivered++;
            getContext().getLog().debug("scheduler: sensor {} visit {} received again: ignored", m.sensor(), m.visit());
            return this;
        }
        try {
            return handle(m);
        } finally {
            visitsHandled.incrementAndGet();
        }
    }

    private Behavior<Command> handle(Scored m) {
        candidatesIn += m.candidates().size();
        Scheduler.Result r;
        try {
            if (beforeVisit != null) {
                beforeVisit.run();
            }
            r = scheduler.run(m.candidates());
            if (m.late() && m.visitClosedEpochNanos() > 0) {
                // a caught-up visit: its alerts say how long after the visit's last frame they were made
                double lateS = Math.max(0, org.nightwatch.actors.WireTime.now() - m.visitClosedEpochNanos()) / 1e9;
                r = new Scheduler.Result(r.candidates(), r.objectOf(), r.changed(), r.alerts().stream().map(a -> a.late(lateS)).toList());
            }
            store.commit(r, m.sensor(), m.visit());
        } catch (RuntimeException e) {
            failed++;
            getContext().getLog().error("scheduler: a batch of {} candidates was not committed: {}", m.candidates().size(), e.getMessage());
            return this;
        }
        associated += r.objectOf().size();
        List<Alert> committed = r.alerts();
        org.slf4j.Logger log = getContext().getLog();
        files.execute(() -> {
            try {
                outputs.write(committed);
            } catch (RuntimeException e) {
                // committed: the files get these alerts when the night is resumed (AlertOutputs.catchUp)
                failedFiles.incrementAndGet();
                log.error("scheduler: {} committed alerts not written to the alert files: {}", committed.size(), e.getMessage());
            }
        });
        long now = org.nightwatch.actors.WireTime.now();
        for (Alert a : r.alerts()) {
            long fromVisit = m.visitClosedEpochNanos() > 0 ? Math.max(0, now - m.visitClosedEpochNanos()) : -1;
            hub.publish(a, fromVisit);
            byState.merge(a.state().wire(), 1L, Long::sum);
            latency.recordValue(Math.max(0, Math.min(latency.getHighestTrackableValue(), now - m.sentEpochNanos())));
            if (fromVisit >= 0 && m.late()) {
                lateLatency.recordValue(Math.min(lateLatency.getHighestTrackableValue(), fromVisit));
                if (latencyLog != null) {
                    latencyLog.add(a.id(), m.sensor(), m.visit(), fromVisit / 1e6);
                }
            } else if (fromVisit >= 0) {
                visitLatency.recordValue(Math.min(visitLatency.getHighestTrackableValue(), fromVisit));
                if (latencyLog != null) {
                    latencyLog.add(a.id(), m.sensor(), m.visit(), fromVisit / 1e6);
                }
            }
        }
        if (latencyLog != null && !r.alerts().isEmpty()) {
            latencyLog.flush();
        }
        return this;
    }

    private SchedulerTotals totals() {
        Map<String, Long> kinds = new TreeMap<>();
        for (SkyObject o : scheduler.objects()) {
            kinds.merge(o.kind().wire(), 1L, Long::sum);
        }
        List<Alert> live = scheduler.liveAlerts();
        double now = live.stream().mapToDouble(a -> a.candidate().mjd()).max().orElse(0);
        return new SchedulerTotals(candidatesIn, associated, kinds, new TreeMap<>(byState), live.size(),
            latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50) / 1e6,
            latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99) / 1e6, hub.dropped(), failed, resumed,
            live.isEmpty() ? 0 : scheduler.plan(now).size(), store.url(), outputs.jsonLines().toString(), outputs.avroFiles(),
            outputs.voeventFiles(), failedFiles.get(), visitLatency.getTotalCount() == 0 ? 0 : visitLatency.getValueAtPercentile(50) / 1e6,
            visitLatency.getTotalCount() == 0 ? 0 : visitLatency.getValueAtPercentile(99) / 1e6, null, lateLatency.getTotalCount(),
            lateLatency.getTotalCount() == 0 ? 0 : lateLatency.getValueAtPercentile(50) / 1e6,
            lateLatency.getTotalCount() == 0 ? 0 : lateLatency.getMaxValue() / 1e6, redelivered);
    }
}
