package org.nightwatch.actors.room;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.controlroom.NightBackend;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.LiveAlerts;

/**
 * The running night as the control room sees it: the ranked list kept from the alert hub, alert changes
 * as JSON, labels through the scheduler actor (which owns the night database), and the night's state and
 * controls from the runner.
 */
public final class NightRoomBackend implements NightBackend {
    /** The night's state and commands, from the runner. */
    public interface Night {
        /** One line on the night, for the page's header. */
        String summary();

        /** Per sensor: name, frames stacked, lost, deferred. */
        List<SensorRow> sensors();

        /** Asks the night to stop; returns what happened. */
        String stop();
    }

    /**
     * One sensor in the mosaic.
     *
     * @param row    its row in the focal plane's layout; {@code column} likewise
     * @param state  observing (frames arriving), idle (none yet), deferred (frames deferred), fault (its stream restarted)
     */
    public record SensorRow(String name, int row, int column, String state, long stacked, long lost, long deferred, long visitsStacked) {
    }

    private final AlertHub hub;
    private final ActorRef<SchedulerActor.Command> scheduler;
    private final ActorSystem<?> system;
    private final Night night;
    private final LiveAlerts live = new LiveAlerts();

    public NightRoomBackend(ActorSystem<?> system, AlertHub hub, ActorRef<SchedulerActor.Command> scheduler, List<Alert> alreadyLive,
                            Night night) {
        this.system = system;
        this.hub = hub;
        this.scheduler = scheduler;
        this.night = night;
        synchronized (live) {
            alreadyLive.forEach(live::apply);
        }
        hub.source().runWith(Sink.foreach(a -> {
            synchronized (live) {
                live.apply(a);
            }
        }), Materializer.matFromSystem(system));
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
        return hub.source().map(a -> AlertJson.write(a, false));
    }

    @Override
    public Optional<String> object(String objectId) {
        Alert a;
        synchronized (live) {
            a = live.get(objectId);
        }
        return Optional.ofNullable(a).map(x -> AlertJson.write(x, true));
    }

    @Override
    public String sensors() {
        ArrayNode a = AlertJson.mapper().createArrayNode();
        for (SensorRow r : night.sensors()) {
            a.addObject().put("sensor", r.name()).put("row", r.row()).put("column", r.column()).put("state", r.state())
                .put("frames_stacked", r.stacked()).put("frames_lost", r.lost()).put("frames_deferred", r.deferred())
                .put("visits_stacked", r.visitsStacked());
        }
        return a.toString();
    }

    @Override
    public String night() {
        ObjectNode n = AlertJson.mapper().createObjectNode();
        n.put("summary", night.summary());
        synchronized (live) {
            n.put("live_alerts", live.size());
            n.put("alert_changes", live.applied());
        }
        return n.toString();
    }

    @Override
    public CompletionStage<Boolean> label(String objectId, String label, String operator) {
        return AskPattern.ask(scheduler, (ActorRef<Boolean> r) -> new SchedulerActor.Label(objectId, label, operator, r),
            Duration.ofSeconds(10), system.scheduler());
    }

    @Override
    public CompletionStage<String> stopNight() {
        return CompletableFuture.supplyAsync(night::stop);
    }

    @Override
    public CompletionStage<String> startNight() {
        return CompletableFuture.completedFuture("the night is already running (a simulated night starts with its command)");
    }
}
