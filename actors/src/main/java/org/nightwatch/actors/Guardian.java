package org.nightwatch.actors;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.nightwatch.protocol.SensorId;

/**
 * The root of the running system: spawns the observatory at once (a night that waits for the operator has one
 * before it is prepared), and, when the night is prepared ({@link StartSensors}), one {@link SensorActor} per sensor
 * ({@code sensor-NN}), each wrapped in restart-with-backoff on {@link SensorFault} (and on any other runtime failure),
 * and watches them.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {

    public sealed interface Command permits StartSensors, GetSensor, GetObservatory, CloseAll {
    }

    /** The night is prepared: its sensors' actors start, on {@code night}, and the observatory learns who they are. */
    public record StartSensors(NightContext night, List<SensorId> sensors) implements Command {
    }

    /** The night is being closed around work it still holds: every sensor counts what it holds lost with {@code why}. */
    public record CloseAll(String why) implements Command {
    }

    public record GetSensor(SensorId sensor, ActorRef<ActorRef<SensorActor.Command>> replyTo) implements Command {
    }

    public record GetObservatory(ActorRef<ActorRef<ObservatoryActor.Command>> replyTo) implements Command {
    }

    /** A night started by its command: the observatory (preparing) and, at once, the sensors of {@code night}. */
    public static Behavior<Command> create(NightContext night, List<SensorId> sensors, NightControl control) {
        return Behaviors.setup(ctx -> {
            Guardian g = new Guardian(ctx, control, NightPhase.PREPARING);
            g.startSensors(night, sensors);
            return g;
        });
    }

    /** A night not prepared yet: the observatory alone, in phase {@code first}; the sensors come with {@link StartSensors}. */
    public static Behavior<Command> create(NightControl control, NightPhase first) {
        return Behaviors.setup(ctx -> new Guardian(ctx, control, first));
    }

    private final ActorRef<ObservatoryActor.Command> observatory;
    private final Map<SensorId, ActorRef<SensorActor.Command>> sensorActors = new HashMap<>();
    private final Map<ActorRef<?>, SensorId> sensorOf = new HashMap<>();

    private Guardian(ActorContext<Command> ctx, NightControl control, NightPhase first) {
        super(ctx);
        observatory = ctx.spawn(ObservatoryActor.create(List.of(), control, first), "observatory");
    }

    private void startSensors(NightContext night, List<SensorId> sensors) {
        if (!sensorActors.isEmpty()) {
            return; // a night's sensors start once
        }
        observatory.tell(new ObservatoryActor.Sensors(sensors));
        ActorContext<Command> ctx = getContext();
        ActorsSettings s = night.settings();
        for (SensorId id : sensors) {
            Behavior<SensorActor.Command> supervised = Behaviors.supervise(SensorActor.create(id, night, observatory))
                .onFailure(RuntimeException.class,
                    SupervisorStrategy.restartWithBackoff(s.restartMinBackoff(), s.restartMaxBackoff(), 0.2)
                        .withResetBackoffAfter(s.restartMaxBackoff().multipliedBy(4)));
            ActorRef<SensorActor.Command> ref = ctx.spawn(supervised, id.name());
            ctx.watch(ref);
            sensorActors.put(id, ref);
            sensorOf.put(ref, id);
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
            .onMessage(StartSensors.class, m -> {
                startSensors(m.night(), m.sensors());
                return this;
            })
            .onMessage(GetSensor.class, g -> {
                g.replyTo().tell(sensorActors.get(g.sensor()));
                return this;
            })
            .onMessage(CloseAll.class, c -> {
                sensorActors.values().forEach(a -> a.tell(new SensorActor.ForceClose(c.why())));
                return this;
            })
            .onMessage(GetObservatory.class, g -> {
                g.replyTo().tell(observatory);
                return this;
            })
            .onSignal(Terminated.class, t -> {
                getContext().getLog().error("{} stopped for good", t.getRef().path().name());
                SensorId gone = sensorOf.get(t.getRef());
                if (gone != null) {
                    // it will never report drained itself: the night must not wait for it (its frames not
                    // accounted by then show as unaccounted in the summary)
                    observatory.tell(new ObservatoryActor.SensorDrained(gone));
                }
                return this;
            })
            .build();
    }
}
