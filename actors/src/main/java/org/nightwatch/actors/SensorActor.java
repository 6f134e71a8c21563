package org.nightwatch.actors;

import io.aeron.Subscription;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.stream.Materializer;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.VisitPipeline;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;

/**
 * One sensor ({@code sensor-NN}): owns its Aeron subscription and its stacking stream, and tells the
 * observatory when everything the sensor sent has been stacked or accounted. The frames themselves never
 * pass through the actor: the ingest agent polls the subscription into the sensor's
 * {@link VisitAssembler}, which hands closed visits to the stream.
 *
 * <p>On failure (its stream failed, or {@link Fail}) the parent restarts it with backoff; the visit being
 * assembled is lost and counted, the ledger carries the sequence bookkeeping over, so the gap is reported.
 */
public final class SensorActor extends AbstractBehavior<SensorActor.Command> {

    public sealed interface Command permits Fail, ForceClose, GetStatus, HandOver, StreamFinished, Tick {
    }

    /**
     * The sensor goes on on another node (a night on a cluster that rebalances): the sensor lets its stream go, the visits
     * it closed go on through the stages, it reports its last books, and it stops, without saying it drained.
     */
    public enum HandOver implements Command { INSTANCE }

    /**
     * The night is being closed although this sensor still holds visits (a stage that never lets go):
     * they are counted lost with {@code why}, and the sensor reports itself drained.
     */
    public record ForceClose(String why) implements Command {
    }

    /** Makes the actor fail as a real fault would (operators' drills, tests of supervision). */
    public record Fail(String reason) implements Command {
    }

    public record GetStatus(ActorRef<Status> replyTo) implements Command {
    }

    /** A sensor as the control room shows it. */
    public record Status(SensorId sensor, SensorState state, long framesReceived, long framesStacked, long framesLost,
                         long framesDeferred, long duplicates, long restarts, String lastProblem) {
    }

    private record StreamFinished(int incarnation, Throwable failure) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private static int incarnations;

    private final SensorId sensor;
    private final NightContext night;
    private final ActorRef<ObservatoryActor.Command> observatory;
    private final SensorLedger ledger;
    private final VisitPipeline pipeline;
    private final int incarnation;
    private SensorState state = SensorState.IDLE;
    /** Letting the stream go to another node. */
    private boolean handingOver;
    /** What the observatory was last told. */
    private SensorReport reported;

    public static Behavior<Command> create(SensorId sensor, NightContext night, ActorRef<ObservatoryActor.Command> observatory) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SensorActor(ctx, timers, sensor, night, observatory)));
    }

    private SensorActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, SensorId sensor, NightContext night,
                        ActorRef<ObservatoryActor.Command> observatory) {
        super(ctx);
        this.sensor = sensor;
        this.night = night;
        this.observatory = observatory;
        this.ledger = night.ledger(sensor);
        synchronized (SensorActor.class) {
            this.incarnation = ++incarnations;
        }
        var system = ctx.getSystem();
        var stackExec = night.stackExecutor() != null ? night.stackExecutor()
            : system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.stacking-dispatcher"));
        var sinkExec = night.sinkExecutor() != null ? night.sinkExecutor()
            : system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.io-dispatcher"));
        var diffExec = night.diff() == null ? null
            : system.dispatchers().lookup(DispatcherSelector.fromConfig("nightwatch.diff-dispatcher"));
        // every queued visit holds a pooled stack buffer, so the pool is what bounds the queue: a queue shorter
        // than the buffers one sensor can hold would lose a visit whenever the stages fall behind
        this.pipeline = VisitPipeline.start(Materializer.matFromSystem(system),
            Math.max(night.settings().visitQueue(), night.pool().capacity()), night.settings().visitDeadline(),
            new VisitPipeline.Stages(new StackStage(night.kernel()), stackExec, night.diff(), diffExec, night.classifier(),
                night.sink(), sinkExec),
            ledger, night.pool(), night.stats(), night.spool(), night.early());
        Subscription subscription = night.transport().addSubscription(sensor);
        VisitAssembler assembler = new VisitAssembler(sensor, night.width(), night.height(), night.pool(), night.kernel(),
            ledger, night.whenFull(), pipeline, night.settings().visitTimeout().toNanos(), night.clock());
        night.agentFor(sensor).register(subscription, assembler);
        int me = incarnation;
        ctx.pipeToSelf(pipeline.completion(), (done, failure) -> new StreamFinished(me, failure));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(500));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Fail.class, f -> {
                throw new SensorFault(sensor, f.reason(), null);
            })
            .onMessage(GetStatus.class, this::onGetStatus)
            .onMessage(ForceClose.class, this::onForceClose)
            .onMessage(StreamFinished.class, this::onStreamFinished)
            .onMessageEquals(HandOver.INSTANCE, this::onHandOver)
            .onMessageEquals(Tick.INSTANCE, this::onTick)
            .onSignal(PreRestart.class, this::onStop)
            .onSignal(PostStop.class, this::onStop)
            .build();
    }

    private Behavior<Command> onGetStatus(GetStatus g) {
        g.replyTo().tell(new Status(sensor, state, ledger.framesReceived().get(), ledger.count(FrameFate.STACKED),
            ledger.count(FrameFate.Kind.LOST), ledger.count(FrameFate.Kind.DEFERRED), ledger.duplicates().get(),
            ledger.restarts().get(), ledger.lastProblem()));
        return this;
    }

    private Behavior<Command> onHandOver() {
        if (!handingOver && state != SensorState.DONE) {
            handingOver = true;
            getContext().getLog().info("{} goes on on another node: letting its stream go", sensor);
            night.agentFor(sensor).handOver(sensor);
        } else if (state == SensorState.DONE) {
            return Behaviors.stopped();
        }
        return this;
    }

    private Behavior<Command> onStreamFinished(StreamFinished f) {
        if (f.incarnation() != incarnation) {
            return this; // the stream of an earlier incarnation
        }
        if (f.failure() != null) {
            throw new SensorFault(sensor, "stacking stream failed: " + f.failure().getMessage(), f.failure());
        }
        if (handingOver) {
            report(); // its last books here; the sensor has not drained, it goes on elsewhere
            return Behaviors.stopped();
        }
        if (state != SensorState.DONE) {
            state = SensorState.DONE;
            report();
            observatory.tell(new ObservatoryActor.SensorDrained(sensor));
        }
        return this;
    }

    private Behavior<Command> onForceClose(ForceClose f) {
        if (state == SensorState.DONE) {
            return this;
        }
        int held = pipeline.inFlight();
        getContext().getLog().error("{}: closed with {} visits still held: {}", sensor, held, f.why());
        pipeline.forceClose(f.why());
        state = SensorState.DONE;
        report();
        observatory.tell(new ObservatoryActor.SensorDrained(sensor));
        return this;
    }

    /**
     * Every half second: the sensor's state from its stream and its books (stalled before fault before deferred); the
     * observatory is told when state or books changed. A sensor whose camera has said its stream ended is not stalled
     * while its last visits go through the stages: no frame is due.
     */
    private Behavior<Command> onTick() {
        if (state == SensorState.DONE) {
            report(); // what still reaches its closed stream (frames in transport, counted late) is in its books too
            return this;
        }
        long last = ledger.lastBlockNanos();
        SensorState next = last == 0 ? SensorState.IDLE
            : !ledger.ended() && night.clock().getAsLong() - last > night.settings().stallAfter().toNanos() ? SensorState.STALLED
            : ledger.restarts().get() > 0 ? SensorState.FAULT
            : ledger.count(FrameFate.Kind.DEFERRED) > 0 ? SensorState.DEFERRED : SensorState.OBSERVING;
        if (next != state) {
            if (next == SensorState.STALLED) {
                getContext().getLog().warn("{} stalled: no frame for {}", sensor, night.settings().stallAfter());
            }
            state = next;
        }
        report();
        return this;
    }

    /** Tells the observatory the sensor's state and books, when they changed since it was last told. */
    private void report() {
        SensorReport r = new SensorReport(sensor, state, ledger.framesReceived().get(), ledger.count(FrameFate.STACKED),
            ledger.count(FrameFate.Kind.LOST), ledger.count(FrameFate.Kind.DEFERRED), ledger.visitsStacked().get(), ledger.gaps().size(),
            ledger.skyLevel(), ledger.lastProblem(), ledger.restarts().get(), night.host(), night.host().isEmpty() ? null : ledger.books());
        if (!r.equals(reported)) {
            reported = r;
            observatory.tell(new ObservatoryActor.SensorReported(r));
        }
    }

    private Behavior<Command> onStop(Signal signal) {
        if (signal instanceof PreRestart) {
            ledger.restarts().incrementAndGet();
            getContext().getLog().warn("{} restarting; the visit being assembled is counted lost", sensor);
        }
        VisitPipeline p = pipeline;
        night.agentFor(sensor).deregister(sensor).thenRun(p::abandonQueued);
        p.shutdown();
        return this;
    }
}
