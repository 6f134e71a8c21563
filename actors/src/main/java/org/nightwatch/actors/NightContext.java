package org.nightwatch.actors;

import java.util.List;
import java.util.concurrent.Executor;
import org.nightwatch.actors.classify.ClassifierStage;
import org.nightwatch.actors.diff.DiffStage;
import org.nightwatch.actors.ingest.IngestAgent;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.actors.ingest.StackBufferPool;
import org.nightwatch.actors.ingest.VisitAssembler;
import org.nightwatch.actors.pipeline.NightStats;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * What the actors of one night share, built by the {@link NightRunner} before the actor system starts:
 * the transport, the ingest agents, the stack buffer pool, each sensor's ledger, the kernels, executors
 * and sinks. Actors hold it; they do not change it.
 *
 * @param width, height   sensor size
 * @param whenFull        ingest policy when no stack buffer is free
 * @param stackExecutor   executor of the stacking stage (null: the stacking dispatcher)
 * @param sinkExecutor    executor of the sink stage (null: the I/O dispatcher)
 * @param diff            difference imaging after stacking (null: stacking only); runs on the diff dispatcher
 * @param classifier      real/bogus scoring of the candidates (null: left unscored)
 * @param spool           where visits go when the night is over capacity, for the catch-up path (null: none)
 * @param early           difference imaging begun on each visit's partial stack (null: not)
 * @param clock           the nanosecond clock frames are stamped with and stalls are measured by (System.nanoTime; tests
 *                        give one they move by hand)
 * @param host            the cluster node these sensors run on, as their reports name it ("": a night of one process,
 *                        whose books are read where they are kept)
 */
public record NightContext(AeronTransport transport, List<IngestAgent> agents, StackBufferPool pool,
                           List<SensorLedger> ledgers, StackKernel kernel, VisitSink sink, NightStats stats,
                           ActorsSettings settings, int width, int height, VisitAssembler.WhenFull whenFull,
                           Executor stackExecutor, Executor sinkExecutor, DiffStage diff, ClassifierStage classifier,
                           org.nightwatch.actors.ingest.VisitSpool spool, org.nightwatch.actors.pipeline.EarlyStarts early,
                           java.util.function.LongSupplier clock, String host) {

    /** A night's context in one process. */
    public NightContext(AeronTransport transport, List<IngestAgent> agents, StackBufferPool pool, List<SensorLedger> ledgers,
                        StackKernel kernel, VisitSink sink, NightStats stats, ActorsSettings settings, int width, int height,
                        VisitAssembler.WhenFull whenFull, Executor stackExecutor, Executor sinkExecutor, DiffStage diff,
                        ClassifierStage classifier, org.nightwatch.actors.ingest.VisitSpool spool,
                        org.nightwatch.actors.pipeline.EarlyStarts early, java.util.function.LongSupplier clock) {
        this(transport, agents, pool, ledgers, kernel, sink, stats, settings, width, height, whenFull, stackExecutor, sinkExecutor, diff,
            classifier, spool, early, clock, "");
    }

    /** A night's context on the system clock. */
    public NightContext(AeronTransport transport, List<IngestAgent> agents, StackBufferPool pool, List<SensorLedger> ledgers,
                        StackKernel kernel, VisitSink sink, NightStats stats, ActorsSettings settings, int width, int height,
                        VisitAssembler.WhenFull whenFull, Executor stackExecutor, Executor sinkExecutor, DiffStage diff,
                        ClassifierStage classifier, org.nightwatch.actors.ingest.VisitSpool spool,
                        org.nightwatch.actors.pipeline.EarlyStarts early) {
        this(transport, agents, pool, ledgers, kernel, sink, stats, settings, width, height, whenFull, stackExecutor, sinkExecutor, diff,
            classifier, spool, early, System::nanoTime, "");
    }

    /** The same night's context on cluster node {@code node}: its sensors' reports carry their whole books. */
    public NightContext onNode(String node) {
        return new NightContext(transport, agents, pool, ledgers, kernel, sink, stats, settings, width, height, whenFull, stackExecutor,
            sinkExecutor, diff, classifier, spool, early, clock, node);
    }

    public SensorLedger ledger(SensorId sensor) {
        return ledgers.get(sensor.index());
    }

    /** The ingest agent that polls this sensor's stream. */
    public IngestAgent agentFor(SensorId sensor) {
        return agents.get(sensor.index() % agents.size());
    }
}
