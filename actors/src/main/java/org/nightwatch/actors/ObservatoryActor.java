package org.nightwatch.actors;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SurveyMode;

/**
 * The night's state machine, one behaviour per state: {@code idle} -> {@code observing} (sources
 * started) -> {@code stopping} (sources told to stop, sensors draining) -> {@code idle}. The night ends
 * when every sensor has drained (its stream ended and all it sent is stacked or accounted); whoever
 * started it is told.
 */
public final class ObservatoryActor {

    public sealed interface Command permits StartNight, StopNight, SensorDrained, GetNight {
    }

    /** Start observing in {@code mode}; {@code onEnd} is told when every sensor has drained. */
    public record StartNight(SurveyMode mode, ActorRef<NightEnded> onEnd) implements Command {
    }

    /** Stop observing: the sources stop, the sensors drain. */
    public enum StopNight implements Command { INSTANCE }

    /** A sensor's stream ended and everything it sent is accounted. */
    public record SensorDrained(SensorId sensor) implements Command {
    }

    public record GetNight(ActorRef<NightStatus> replyTo) implements Command {
    }

    public enum NightState { IDLE, OBSERVING, STOPPING }

    public record NightStatus(NightState state, SurveyMode mode, int sensors, int drained) {
    }

    public record NightEnded(SurveyMode mode, int sensors) {
    }

    public static Behavior<Command> create(List<SensorId> sensors, NightControl control) {
        return Behaviors.setup(ctx -> new ObservatoryActor(ctx, sensors, control).idle());
    }

    private final ActorContext<Command> ctx;
    private final Set<SensorId> sensors;
    private final NightControl control;

    private ObservatoryActor(ActorContext<Command> ctx, List<SensorId> sensors, NightControl control) {
        this.ctx = ctx;
        this.sensors = Set.copyOf(sensors);
        this.control = control;
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
            .onMessage(StartNight.class, s -> {
                ctx.getLog().info("night starts: {} on {} sensors", s.mode(), sensors.size());
                control.startSources(s.mode());
                return observing(s.mode(), s.onEnd(), new HashSet<>());
            })
            .onMessage(GetNight.class, g -> {
                g.replyTo().tell(new NightStatus(NightState.IDLE, null, sensors.size(), 0));
                return Behaviors.same();
            })
            .onMessage(SensorDrained.class, d -> Behaviors.same())
            .onMessageEquals(StopNight.INSTANCE, Behaviors::same)
            .build();
    }

    private Behavior<Command> observing(SurveyMode mode, ActorRef<NightEnded> onEnd, Set<SensorId> drained) {
        return Behaviors.receive(Command.class)
            .onMessage(SensorDrained.class, d -> drainedOne(mode, onEnd, drained, d.sensor(), NightState.OBSERVING))
            .onMessageEquals(StopNight.INSTANCE, () -> {
                ctx.getLog().info("night stopping: sources told to stop, {} of {} sensors drained", drained.size(), sensors.size());
                control.stopSources();
                return stopping(mode, onEnd, drained);
            })
            .onMessage(GetNight.class, g -> {
                g.replyTo().tell(new NightStatus(NightState.OBSERVING, mode, sensors.size(), drained.size()));
                return Behaviors.same();
            })
            .onMessage(StartNight.class, s -> Behaviors.same())
            .build();
    }

    private Behavior<Command> stopping(SurveyMode mode, ActorRef<NightEnded> onEnd, Set<SensorId> drained) {
        return Behaviors.receive(Command.class)
            .onMessage(SensorDrained.class, d -> drainedOne(mode, onEnd, drained, d.sensor(), NightState.STOPPING))
            .onMessage(GetNight.class, g -> {
                g.replyTo().tell(new NightStatus(NightState.STOPPING, mode, sensors.size(), drained.size()));
                return Behaviors.same();
            })
            .onMessageEquals(StopNight.INSTANCE, Behaviors::same)
            .onMessage(StartNight.class, s -> Behaviors.same())
            .build();
    }

    private Behavior<Command> drainedOne(SurveyMode mode, ActorRef<NightEnded> onEnd, Set<SensorId> drained,
                                         SensorId sensor, NightState state) {
        if (sensors.contains(sensor)) {
            drained.add(sensor);
        }
        if (drained.size() < sensors.size()) {
            return state == NightState.OBSERVING ? observing(mode, onEnd, drained) : stopping(mode, onEnd, drained);
        }
        ctx.getLog().info("night ended: all {} sensors drained", sensors.size());
        if (onEnd != null) {
            onEnd.tell(new NightEnded(mode, sensors.size()));
        }
        return idle();
    }
}
