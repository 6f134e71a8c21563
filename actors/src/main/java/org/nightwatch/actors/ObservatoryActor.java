package org.nightwatch.actors;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/**
 * The night's phase ({@link NightPhase}) and its sensors' states, in one place: {@code waiting} (for the operator's
 * start; a night started by its command begins at {@code preparing}) -> {@code preparing} (references, classifier,
 * database) -> {@code observing} (sources started) -> {@code stopping} (sources told to stop, or every sensor drained:
 * the night finishes what arrived) -> {@code ended} (its books closed, {@link EndNight}; or called off while waiting).
 * The night's sensors are known from {@link Sensors}, when they are prepared. When every sensor has drained (its
 * stream ended and all it sent is stacked or accounted), whoever started the night is told. Sensors report their
 * state and books as they change; the control room and the summary read phase and sensors from here.
 */
public final class ObservatoryActor extends AbstractBehavior<ObservatoryActor.Command> {

    public sealed interface Command permits Prepare, CallOff, Sensors, StartNight, StopNight, EndNight, SensorDrained, SensorReported,
        GetNight {
    }

    /** The operator started a waiting night in {@code mode}: it is being prepared. */
    public record Prepare(SurveyMode mode) implements Command {
    }

    /** The operator stopped a night before it started: it ends without a frame. */
    public enum CallOff implements Command { INSTANCE }

    /** The night's sensors, once they are prepared (a replay knows them from its files). */
    public record Sensors(List<SensorId> sensors) implements Command {
    }

    /** Start observing in {@code mode}; {@code onEnd} is told when every sensor has drained. */
    public record StartNight(SurveyMode mode, ActorRef<NightEnded> onEnd) implements Command {
    }

    /** Stop observing: the sources stop, the sensors drain. */
    public enum StopNight implements Command { INSTANCE }

    /** The night's books are closed (the scheduler drained, the summary made): the night has ended. */
    public enum EndNight implements Command { INSTANCE }

    /** A sensor's stream ended and everything it sent is accounted. */
    public record SensorDrained(SensorId sensor) implements Command, WireMessage {
    }

    /** A sensor's state or books changed. */
    public record SensorReported(SensorReport report) implements Command, WireMessage {
    }

    public record GetNight(ActorRef<NightStatus> replyTo) implements Command {
    }

    /** The night now: its phase, mode (null before the start), sensors, how many drained, and what each sensor last said. */
    public record NightStatus(NightPhase phase, SurveyMode mode, int sensors, int drained, Map<SensorId, SensorReport> reports) {
        /** What a sensor last said (idle, nothing counted, before it said anything). */
        public SensorReport report(SensorId sensor) {
            SensorReport r = reports.get(sensor);
            return r != null ? r : SensorReport.idle(sensor);
        }

        /** A sensor's state ({@link SensorState#IDLE} before it said otherwise). */
        public SensorState state(SensorId sensor) {
            return report(sensor).state();
        }
    }

    public record NightEnded(SurveyMode mode, int sensors) {
    }

    /** A night started by its command, being prepared, whose sensors are {@code sensors}. */
    public static Behavior<Command> create(List<SensorId> sensors, NightControl control) {
        return create(sensors, control, NightPhase.PREPARING);
    }

    /** A night in phase {@code first} (waiting for the operator, or preparing), whose sensors are known so far as {@code sensors}. */
    public static Behavior<Command> create(List<SensorId> sensors, NightControl control, NightPhase first) {
        return Behaviors.setup(ctx -> new ObservatoryActor(ctx, sensors, control, first));
    }

    private Set<SensorId> sensors;
    private final NightControl control;
    private final Set<SensorId> drained = new HashSet<>();
    private final Map<SensorId, SensorReport> reports = new LinkedHashMap<>();
    private NightPhase phase;
    private SurveyMode mode;
    private ActorRef<NightEnded> onEnd;

    private ObservatoryActor(ActorContext<Command> ctx, List<SensorId> sensors, NightControl control, NightPhase first) {
        super(ctx);
        if (first != NightPhase.WAITING && first != NightPhase.PREPARING) {
            throw new IllegalArgumentException("a night begins waiting or preparing, not " + first);
        }
        this.phase = first;
        this.control = control;
        setSensors(sensors);
    }

    private void setSensors(List<SensorId> list) {
        this.sensors = Set.copyOf(list);
        reports.keySet().retainAll(sensors);
        list.forEach(s -> reports.putIfAbsent(s, SensorReport.idle(s)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(Prepare.class, p -> {
                if (phase == NightPhase.WAITING) {
                    getContext().getLog().info("the operator started the night: {}", p.mode());
                    mode = p.mode();
                    phase = NightPhase.PREPARING;
                }
                return this;
            })
            .onMessageEquals(CallOff.INSTANCE, () -> {
                if (phase == NightPhase.WAITING) {
                    getContext().getLog().info("the night is called off before its start");
                    phase = NightPhase.ENDED;
                }
                return this;
            })
            .onMessage(Sensors.class, m -> {
                if (phase == NightPhase.WAITING || phase == NightPhase.PREPARING) {
                    setSensors(m.sensors());
                }
                return this;
            })
            .onMessage(StartNight.class, this::onStart)
            .onMessageEquals(StopNight.INSTANCE, this::onStop)
            .onMessageEquals(EndNight.INSTANCE, () -> {
                phase = NightPhase.ENDED;
                return this;
            })
            .onMessage(SensorDrained.class, this::onDrained)
            .onMessage(SensorReported.class, c -> {
                SensorId id = c.report().sensor();
                if (sensors.contains(id)) {
                    // a drained sensor stays done; what it says after that (its last books) is kept
                    reports.put(id, drained.contains(id) ? c.report().in(SensorState.DONE) : c.report());
                }
                return this;
            })
            .onMessage(GetNight.class, g -> {
                g.replyTo().tell(new NightStatus(phase, mode, sensors.size(), drained.size(), Map.copyOf(reports)));
                return this;
            })
            .build();
    }

    private Behavior<Command> onStart(StartNight s) {
        if (phase != NightPhase.PREPARING) {
            return this; // a night starts once
        }
        getContext().getLog().info("night starts: {} on {} sensors", s.mode(), sensors.size());
        mode = s.mode();
        onEnd = s.onEnd();
        phase = NightPhase.OBSERVING;
        control.startSources(s.mode());
        return this;
    }

    private Behavior<Command> onStop() {
        if (phase != NightPhase.OBSERVING) {
            return this;
        }
        getContext().getLog().info("night stopping: sources told to stop, {} of {} sensors drained", drained.size(), sensors.size());
        control.stopSources();
        phase = NightPhase.STOPPING;
        return this;
    }

    private Behavior<Command> onDrained(SensorDrained d) {
        if (phase != NightPhase.OBSERVING && phase != NightPhase.STOPPING || !sensors.contains(d.sensor()) || !drained.add(d.sensor())) {
            return this;
        }
        reports.put(d.sensor(), reports.get(d.sensor()).in(SensorState.DONE));
        if (drained.size() < sensors.size()) {
            return this;
        }
        getContext().getLog().info("night ended: all {} sensors drained", sensors.size());
        phase = NightPhase.STOPPING; // the night now finishes what arrived, then says it has ended
        if (onEnd != null) {
            onEnd.tell(new NightEnded(mode, sensors.size()));
        }
        return this;
    }
}
