package org.nightwatch.actors.ingest;

import io.aeron.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.nightwatch.camera.aeron.FrameReceiver;
import org.nightwatch.protocol.SensorId;

/**
 * The Aeron edge of the pipeline, in Aeron's style: a duty cycle that polls the subscriptions of the
 * sensors registered with it, decoding in place and accumulating through each sensor's
 * {@link VisitAssembler}. Sensor actors register and deregister through a queue; the agent never calls
 * an actor. {@link #doWork()} returns the fragments it handled so its idle strategy can back off.
 */
public final class IngestAgent implements Agent {
    private static final long IDLE_CHECK_NS = 50_000_000L;

    private sealed interface Command permits Register, Deregister, FinishAll {
    }

    private record Register(Subscription subscription, VisitAssembler assembler) implements Command {
    }

    /** {@code handOver}: the sensor goes on on another machine (its open visit is lost to the handover, its queue finishes). */
    private record Deregister(SensorId sensor, CompletableFuture<Void> done, boolean handOver) implements Command {
    }

    private record FinishAll(CompletableFuture<Void> done) implements Command {
    }

    private static final class Entry {
        final Subscription subscription;
        final VisitAssembler assembler;
        final FrameReceiver receiver;

        Entry(Subscription subscription, VisitAssembler assembler) {
            this.subscription = subscription;
            this.assembler = assembler;
            this.receiver = new FrameReceiver(assembler);
        }
    }

    private final String name;
    private final int fragmentLimit;
    private final ManyToOneConcurrentArrayQueue<Command> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final List<Entry> entries = new ArrayList<>();
    private long nextIdleCheck;
    private boolean finishedAll;

    /** @param fragmentLimit row blocks taken from one sensor per turn, for fairness between sensors */
    public IngestAgent(String name, int fragmentLimit) {
        this.name = name;
        this.fragmentLimit = fragmentLimit;
    }

    /** Starts polling {@code subscription} into {@code assembler}; any thread. */
    public void register(Subscription subscription, VisitAssembler assembler) {
        enqueue(new Register(subscription, assembler));
    }

    /**
     * Stops polling the sensor: its assembler is abandoned and its subscription closed on the agent
     * thread. Any thread; the future completes once done.
     */
    public CompletableFuture<Void> deregister(SensorId sensor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Deregister(sensor, done, false));
        return done;
    }

    /**
     * Stops polling the sensor because it goes on on another machine: the visit being assembled is lost to the handover,
     * the visits already closed go on through the stages, and the sensor's stream then ends. Any thread.
     */
    public CompletableFuture<Void> handOver(SensorId sensor) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Deregister(sensor, done, true));
        return done;
    }

    /**
     * Ends every sensor's stream that has not ended (the night is over without an end-of-stream), and the
     * stream of any sensor registered after this (a sensor actor restarted late).
     */
    public CompletableFuture<Void> finishAll() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new FinishAll(done));
        return done;
    }

    private void enqueue(Command c) {
        while (!commands.offer(c)) {
            Thread.onSpinWait();
        }
    }

    @Override
    public int doWork() {
        int work = commands.drain(this::apply);
        for (int i = 0, n = entries.size(); i < n; i++) {
            Entry e = entries.get(i);
            work += e.subscription.controlledPoll(e.receiver, fragmentLimit);
        }
        long now = System.nanoTime();
        if (now >= nextIdleCheck) {
            nextIdleCheck = now + IDLE_CHECK_NS;
            for (int i = 0, n = entries.size(); i < n; i++) {
                entries.get(i).assembler.onIdle(now);
            }
        }
        return work;
    }

    private void apply(Command c) {
        if (c instanceof Register r) {
            entries.add(new Entry(r.subscription(), r.assembler()));
            if (finishedAll || r.assembler().ledger().ended()) {
                // a sensor restarted after its stream ended (or after the night closed the streams): nothing more
                // will come for it, so its new incarnation ends at once instead of waiting for an end that came before
                r.assembler().finish();
            }
        } else if (c instanceof Deregister d) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.assembler.sensor().equals(d.sensor())) {
                    entries.remove(i);
                    if (d.handOver()) {
                        e.assembler.handOver();
                    } else if (!e.assembler.ended()) {
                        e.assembler.abandon();
                    }
                    CloseHelper.quietClose(e.subscription);
                    break;
                }
            }
            d.done().complete(null);
        } else if (c instanceof FinishAll f) {
            finishedAll = true;
            for (Entry e : entries) {
                e.assembler.finish();
            }
            f.done().complete(null);
        }
    }

    @Override
    public void onClose() {
        for (Entry e : entries) {
            CloseHelper.quietClose(e.subscription);
        }
        entries.clear();
    }

    @Override
    public String roleName() {
        return name;
    }
}
