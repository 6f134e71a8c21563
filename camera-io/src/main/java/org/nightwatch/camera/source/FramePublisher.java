package org.nightwatch.camera.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.aeron.FrameSender;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.protocol.SurveyMode;

/**
 * A camera of N sensors reading out at the configured frame rate, publishing each sensor's frames on its
 * own Aeron stream. It behaves like the real device where the pipeline can see it: frames come due on
 * the clock (at {@link Pacing#REALTIME}), a sensor holds at most {@code sourceQueueFrames} frames it
 * could not send yet, and a frame that finds that queue full is deferred (the recorder has it), counted,
 * and announced to the receiver. At {@link Pacing#MAX} frames go as fast as the receiver takes them.
 *
 * <p>Threads: {@code renderThreads} threads render (or take prepared) frames, frame-major across
 * sensors, and hand them to the recorder first; one sending agent offers row blocks to every sensor's
 * publication in turn and never blocks on one sensor.
 */
public final class FramePublisher implements AutoCloseable {
    /**
     * @param placements        the sensors to run
     * @param visits            visits to observe
     * @param mode              survey mode
     * @param framesPerVisit    frames per visit in that mode (from the deployment's survey settings)
     * @param pacing            real time or as fast as possible
     * @param width             frame width
     * @param height            frame height
     * @param frameIntervalNs   ns between frames (0.5 s)
     * @param startEpochNs      UTC time stamp of the first frame
     * @param sourceQueueFrames frames a sensor may hold unsent before new ones are deferred
     * @param renderThreads     threads rendering frames
     * @param sendBatchBlocks   row blocks sent to one sensor per turn of the sending agent
     * @param notConnectedTimeoutNs at MAX pacing, how long a sensor with no receiver waits before its
     *                          frames are deferred
     * @param sensorDiesAfter   sensor index -> last frame sequence it reads out before it fails and goes
     *                          silent (no more frames, no end-of-stream), as a broken sensor would; empty
     *                          for a healthy camera
     * @param fields            visits cycle through this many survey fields (visit v points at field v mod fields)
     */
    public record Plan(List<SensorPlacement> placements, int visits, SurveyMode mode, int framesPerVisit, Pacing pacing, int width,
                       int height, long frameIntervalNs, long startEpochNs, int sourceQueueFrames,
                       int renderThreads, int sendBatchBlocks, long notConnectedTimeoutNs,
                       java.util.Map<Integer, Long> sensorDiesAfter, int fields) {
        public long framesPerSensor() {
            return (long) visits * framesPerVisit;
        }
    }

    /** Per-sensor counters, written by the camera's threads and read by anyone. */
    public static final class SensorStats {
        public final AtomicLong produced = new AtomicLong();
        public final AtomicLong sent = new AtomicLong();
        public final AtomicLong deferred = new AtomicLong();
        public final AtomicLong backPressured = new AtomicLong();
        public final AtomicLong notConnected = new AtomicLong();
    }

    private final Plan plan;
    private final FrameSource source;
    private final FrameRecorder recorder;
    private final SensorChannel[] channels;
    private final List<Thread> renderers = new ArrayList<>();
    private final AgentRunner sendRunner;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile long startNanoTime;
    private volatile long senderCpuNanos = -1;

    public FramePublisher(Plan plan, AeronTransport transport, FrameSource source, FrameRecorder recorder) {
        this.plan = plan;
        this.source = source;
        this.recorder = recorder;
        this.channels = new SensorChannel[plan.placements().size()];
        for (int i = 0; i < channels.length; i++) {
            SensorPlacement p = plan.placements().get(i);
            channels[i] = new SensorChannel(p, new FrameSender(transport.addPublication(p.sensor()), plan.width(),
                plan.height()), plan.sourceQueueFrames() + 2, plan.width(), plan.height(),
                plan.sensorDiesAfter().getOrDefault(p.sensor().index(), Long.MAX_VALUE));
        }
        this.sendRunner = new AgentRunner(new BackoffIdleStrategy(1, 1, 1_000, 200_000),
            this::fail, null, new SendAgent());
    }

    /** Starts rendering and sending; returns at once. */
    public void start() {
        startNanoTime = System.nanoTime();
        int t = Math.max(1, Math.min(plan.renderThreads(), channels.length));
        for (int r = 0; r < t; r++) {
            int index = r;
            Thread th = new Thread(() -> render(index, t), "camera-render-" + r);
            th.setDaemon(true);
            renderers.add(th);
            th.start();
        }
        AgentRunner.startOnThread(sendRunner);
    }

    /** Waits for every sensor to have sent (or deferred) all its frames and its end-of-stream. */
    public boolean awaitCompletion(long timeout, TimeUnit unit) throws InterruptedException {
        boolean ok = done.await(timeout, unit);
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("simulated camera failed: " + t.getMessage(), t);
        }
        return ok;
    }

    private long sum(java.util.function.Function<SensorStats, java.util.concurrent.atomic.AtomicLong> counter) {
        long n = 0;
        for (SensorChannel c : channels) {
            n += counter.apply(c.stats).get();
        }
        return n;
    }

    /** Whether every sensor's stream has a receiver. */
    public boolean allConnected() {
        for (SensorChannel c : channels) {
            if (!c.sender.isConnected()) {
                return false;
            }
        }
        return true;
    }

    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** Stops producing frames; sensors send what they hold, then their end-of-stream. */
    public void stop() {
        stopping = true;
    }

    public Plan plan() {
        return plan;
    }

    public SensorStats stats(int channelIndex) {
        return channels[channelIndex].stats;
    }

    public int sensors() {
        return channels.length;
    }

    public long framesProduced() {
        return sum(st -> st.produced);
    }

    public long framesDeferred() {
        return sum(st -> st.deferred);
    }

    public long backPressuredOffers() {
        return sum(st -> st.backPressured);
    }

    /** CPU time the sending thread used, once it has finished (-1 before). */
    public long senderCpuNanos() {
        return senderCpuNanos;
    }

    /** Seconds since {@link #start()}. */
    public double elapsedSeconds() {
        return (System.nanoTime() - startNanoTime) / 1e9;
    }

    private void fail(Throwable t) {
        if (t instanceof org.agrona.concurrent.AgentTerminationException) {
            return; // how the sending agent ends once every stream has ended; its runner reports it here too
        }
        failure.compareAndSet(null, t);
        stopping = true;
        done.countDown();
    }

    // ---------------------------------------------------------------- render threads

    private void render(int index, int stride) {
        IdleStrategy idle = new BackoffIdleStrategy(10, 10, 10_000, 1_000_000);
        short[] scratch = new short[plan.width() * plan.height()];
        long frames = 0;
        long[] limit = new long[channels.length];
        for (int c = index; c < channels.length; c += stride) {
            limit[c] = source.frames(plan, channels[c].placement);
            frames = Math.max(frames, limit[c]);
        }
        try {
            for (long seq = 0; seq < frames && !stopping; seq++) {
                for (int c = index; c < channels.length && !stopping; c += stride) {
                    SensorChannel ch = channels[c];
                    if (seq < limit[c]) {
                        source.beforeFrame(plan, ch.placement, seq); // a recorded night may leave a damaged visit out here
                        limit[c] = source.frames(plan, ch.placement);
                    }
                    if (seq >= limit[c]) {
                        ch.renderDone = true; // this sensor's frames are all rendered: it ends its stream
                        continue;
                    }
                    if (seq > ch.diesAfter) {
                        ch.dead = true;
                        continue; // the sensor has failed: it reads out nothing more
                    }
                    FrameSlot slot;
                    while ((slot = ch.free.poll()) == null) {
                        if (stopping) {
                            return;
                        }
                        idle.idle();
                    }
                    idle.reset();
                    FrameHeader h = source.header(plan, ch.placement, seq);
                    short[] px = source.fill(h, slot, scratch);
                    if (px != null) {
                        recorder.record(h, px);
                    }
                    slot.header = h;
                    slot.dueNs = seq * plan.frameIntervalNs();
                    ch.rendered.offer(slot);
                }
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            for (int c = index; c < channels.length; c += stride) {
                channels[c].renderDone = true;
            }
        }
    }

    // ---------------------------------------------------------------- sending agent

    /** Per-sensor state of the camera: its slots, its queues and its sender. */
    private static final class SensorChannel {
        final SensorPlacement placement;
        final FrameSender sender;
        final OneToOneConcurrentArrayQueue<FrameSlot> free;
        final OneToOneConcurrentArrayQueue<FrameSlot> rendered;
        /** Frames due and waiting to be sent (agent thread only). */
        final ArrayDeque<FrameSlot> due = new ArrayDeque<>();
        final SensorStats stats = new SensorStats();
        volatile boolean renderDone;
        final long diesAfter;
        volatile boolean dead;
        FrameSlot sending;
        long deferFirst = -1;
        long deferLast = -1;
        long notConnectedSinceNs = -1;
        boolean endSent;

        SensorChannel(SensorPlacement placement, FrameSender sender, int slots, int width, int height, long diesAfter) {
            this.placement = placement;
            this.diesAfter = diesAfter;
            this.sender = sender;
            this.free = new OneToOneConcurrentArrayQueue<>(slots);
            this.rendered = new OneToOneConcurrentArrayQueue<>(slots);
            for (int i = 0; i < slots; i++) {
                free.offer(new FrameSlot(width, height));
            }
        }
    }

    private final class SendAgent implements Agent {
        private int finished;

        @Override
        public int doWork() {
            long now = System.nanoTime() - startNanoTime;
            int work = 0;
            for (SensorChannel ch : channels) {
                if (!ch.endSent) {
                    work += step(ch, now);
                }
            }
            if (finished == channels.length) {
                done.countDown();
                throw new AgentTerminationException();
            }
            return work;
        }

        private int step(SensorChannel ch, long now) {
            int work = 0;
            // frames come due on the clock; one that finds the queue full is deferred
            FrameSlot next;
            while ((next = ch.rendered.peek()) != null && (plan.pacing() == Pacing.MAX || next.dueNs <= now)) {
                ch.rendered.poll();
                ch.stats.produced.incrementAndGet();
                int waiting = ch.due.size() + (ch.sending != null ? 1 : 0);
                if (mustDefer(ch, now, waiting)) {
                    defer(ch, next);
                } else {
                    ch.due.add(next);
                }
                work++;
            }
            if (ch.sending == null && !ch.due.isEmpty()) {
                ch.sending = ch.due.poll();
                ch.sender.begin(ch.sending.header(), ch.sending.pixels());
            }
            if (ch.sending != null) {
                long bp = ch.sender.backPressured();
                long nc = ch.sender.notConnected();
                int sent = ch.sender.sendSome(plan.sendBatchBlocks());
                ch.stats.backPressured.addAndGet(ch.sender.backPressured() - bp);
                ch.stats.notConnected.addAndGet(ch.sender.notConnected() - nc);
                ch.notConnectedSinceNs = ch.sender.isConnected() ? -1 : (ch.notConnectedSinceNs < 0 ? now : ch.notConnectedSinceNs);
                work += sent;
                if (!ch.sender.busy()) {
                    ch.stats.sent.incrementAndGet();
                    ch.free.offer(ch.sending);
                    ch.sending = null;
                } else if (plan.pacing() == Pacing.MAX && ch.notConnectedSinceNs >= 0
                    && now - ch.notConnectedSinceNs > plan.notConnectedTimeoutNs() && ch.sender.current() != null) {
                    // nobody is listening: the frame cannot reach the real-time path
                    ch.sender.abandon();
                    FrameSlot s = ch.sending;
                    ch.sending = null;
                    defer(ch, s);
                }
            }
            if (ch.deferFirst >= 0 && ch.sending == null
                && ch.sender.sendDeferred(ch.placement.sensor().index(), ch.deferFirst, ch.deferLast, FrameFate.DEFERRED_AT_SOURCE)) {
                ch.deferFirst = -1;
                ch.deferLast = -1;
                work++;
            }
            if (ch.renderDone && ch.rendered.isEmpty() && ch.due.isEmpty() && ch.sending == null && ch.deferFirst < 0) {
                if (ch.dead) {
                    ch.endSent = true; // a failed sensor says nothing more
                    finished++;
                    return work;
                }
                long produced = ch.stats.produced.get();
                if (ch.sender.sendEndOfStream(ch.placement.sensor().index(), produced, produced - 1)) {
                    ch.endSent = true;
                    finished++;
                    work++;
                } else if (plan.pacing() == Pacing.MAX && ch.notConnectedSinceNs >= 0
                    && now - ch.notConnectedSinceNs > plan.notConnectedTimeoutNs()) {
                    ch.endSent = true; // no receiver will ever read it
                    finished++;
                }
            }
            return work;
        }

        private boolean mustDefer(SensorChannel ch, long now, int waiting) {
            if (plan.pacing() == Pacing.REALTIME) {
                return waiting >= plan.sourceQueueFrames();
            }
            return ch.notConnectedSinceNs >= 0 && now - ch.notConnectedSinceNs > plan.notConnectedTimeoutNs();
        }

        private void defer(SensorChannel ch, FrameSlot slot) {
            long seq = slot.header().frameSequence();
            ch.stats.deferred.incrementAndGet();
            if (ch.deferFirst >= 0 && seq == ch.deferLast + 1) {
                ch.deferLast = seq;
            } else {
                if (ch.deferFirst >= 0) {
                    // a non-contiguous range is pending: send it now, or keep the older one and extend
                    if (!ch.sender.sendDeferred(ch.placement.sensor().index(), ch.deferFirst, ch.deferLast, FrameFate.DEFERRED_AT_SOURCE)) {
                        // cannot announce yet; keep the wider range: receivers ignore sequences they have seen
                        ch.deferLast = seq;
                        ch.free.offer(slot);
                        return;
                    }
                }
                ch.deferFirst = seq;
                ch.deferLast = seq;
            }
            ch.free.offer(slot);
        }

        @Override
        public void onClose() {
            senderCpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (SensorChannel ch : channels) {
                ch.sender.close();
            }
        }

        @Override
        public String roleName() {
            return "camera-sender";
        }
    }

    @Override
    public void close() {
        stopping = true;
        sendRunner.close();
        for (Thread t : renderers) {
            t.interrupt();
        }
        recorder.close();
    }
}
