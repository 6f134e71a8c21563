package org.nightwatch.night;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.nightwatch.actors.Guardian;
import org.nightwatch.actors.NightPhase;
import org.nightwatch.actors.ObservatoryActor;

/**
 * The night as its observatory says it (phase, sensors), for those outside the actor system: the lobby, the runner and
 * the control room. Each read asks the observatory (it answers at once); when it cannot (its actor system has ended),
 * the last answer stands.
 */
final class ObservatoryView {
    private static final Duration PATIENCE = Duration.ofSeconds(2);

    private final ActorSystem<Guardian.Command> system;
    private final ActorRef<ObservatoryActor.Command> observatory;
    private volatile ObservatoryActor.NightStatus last;

    ObservatoryView(ActorSystem<Guardian.Command> system) {
        this.system = system;
        this.observatory = AskPattern.<Guardian.Command, ActorRef<ObservatoryActor.Command>>ask(system, Guardian.GetObservatory::new,
            Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().join();
        this.last = now();
    }

    ActorRef<ObservatoryActor.Command> observatory() {
        return observatory;
    }

    /** The night now (or as last said, when the observatory cannot answer any more). */
    ObservatoryActor.NightStatus now() {
        ObservatoryActor.NightStatus before = last;
        if (before != null && before.phase() == NightPhase.ENDED) {
            return before;
        }
        try {
            last = AskPattern.<ObservatoryActor.Command, ObservatoryActor.NightStatus>ask(observatory, ObservatoryActor.GetNight::new,
                PATIENCE, system.scheduler()).toCompletableFuture().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (before == null) {
                throw new IllegalStateException("the observatory did not answer: " + e, e);
            }
        }
        return last;
    }
}
