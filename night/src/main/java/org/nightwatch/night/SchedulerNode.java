package org.nightwatch.night;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.nightwatch.actors.alerts.AlertHub;
import org.nightwatch.actors.alerts.SchedulerActor;
import org.nightwatch.actors.cluster.AlertsTopic;
import org.nightwatch.actors.cluster.SchedulerInlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of role {@code scheduler} that is not the camera's ({@code nightwatch node --roles scheduler[,worker]}): when the
 * cluster's scheduler singleton starts here (this is the oldest scheduler node up), it opens the night it is told on
 * this node: the {@link SchedulerRole} on the shared night database (resumed when the database holds the night: the
 * scheduler took over from a lost node), the alert files in this node's output directory, and its alert changes
 * published to the control room's node ({@link AlertsTopic}). The database must be a server every scheduler node
 * reaches: an embedded database file would stay behind with a lost node.
 */
final class SchedulerNode implements SchedulerInlet.Opener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerNode.class);

    private final DeploymentConfig config;
    private final Path out;
    private final ActorSystem<?> system;
    private final ActorRef<Topic.Command<AlertsTopic.Change>> topic;
    private SchedulerRole role;
    private AlertHub hub;

    /** Refuses an embedded night database, naming the setting: a scheduler that may move needs a shared one. */
    SchedulerNode(DeploymentConfig config, Path out, ActorSystem<?> system) {
        String url = config.config().getString("nightwatch.scheduler.store.url");
        if (url.isBlank() || url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("a scheduler node needs the night database on a server that every scheduler node reaches "
                + "(nightwatch.scheduler.store.url = \"jdbc:postgresql://HOST:5432/nightwatch\", or --db-url), not "
                + (url.isBlank() ? "the embedded database" : url) + ": with an embedded database the scheduler stays on the camera's "
                + "node (nightwatch simulate|replay --cluster with the scheduler role), and its loss ends the night's alerts");
        }
        this.config = config;
        this.out = out;
        this.system = system;
        this.topic = AlertsTopic.start(system);
    }

    @Override
    public synchronized CompletionStage<SchedulerInlet.Scheduler> open(SchedulerInlet.Night night) {
        if (role != null) {
            // the singleton started here again (it was stopped and restarted on this node): the night is open already
            return CompletableFuture.completedFuture(scheduler(role));
        }
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                SchedulerRole r = new SchedulerRole(SchedulerRole.Settings.of(config, out, night.key(), night.simulated()), null, null);
                hub = new AlertHub(Materializer.matFromSystem(system), config.config().getInt("nightwatch.actors.alerts.hub-buffer"));
                // every change the scheduler commits goes to the control room's node
                hub.publishedSource().runWith(Sink.foreach(p -> topic.tell(Topic.publish(new AlertsTopic.Change(p.alert(),
                    p.sinceVisitNanos())))), Materializer.matFromSystem(system));
                r.start(system, hub, null);
                role = r;
                LOG.info("the scheduler opened night '{}' on this node{}: database {}, alert files in {}", night.key(),
                    r.resumed() ? ", resuming it from the database" : "", r.store().url(), out.toAbsolutePath());
                return scheduler(r);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "open-scheduler");
            t.setDaemon(true);
            t.start();
        });
    }

    private static SchedulerInlet.Scheduler scheduler(SchedulerRole r) {
        return new SchedulerInlet.Scheduler() {
            @Override
            public ActorRef<SchedulerActor.Command> actor() {
                return r.actor();
            }

            @Override
            public void complete() {
                r.store().complete();
            }
        };
    }

    /** Ends the alert changes' way to the room, while the actor system still runs. */
    synchronized void stopAlerts() {
        if (hub != null) {
            hub.close();
            hub = null;
        }
    }

    /** Closes the night's files and database, after the actor system (the scheduler's last writes) has ended. */
    @Override
    public synchronized void close() {
        if (role != null) {
            role.close();
            role = null;
        }
    }
}
