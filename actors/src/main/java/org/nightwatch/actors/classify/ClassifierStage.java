package org.nightwatch.actors.classify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.workers.classify.RealBogusModel;

/**
 * Scores candidates of all sensors with one model, in batches: candidates wait in a bounded queue,
 * {@code groupedWithin(batch, maxWait)} forms batches across sensors (a full batch goes at once, a
 * partial one after at most {@code maxWait}), and one batch at a time is scored on the classifier's
 * executor. Each visit gets its candidates back scored, with the model's version.
 *
 * <p>A candidate that finds the queue full is scored on the caller's thread instead (counted): the
 * night is never held up and nothing goes unscored.
 *
 * <p>Or, made with {@link #onCallersThreads}, it scores each visit's candidates at once on the thread that
 * hands them in (a difference imager), with a model of that thread's own: no queue and no batch across
 * sensors, and no thread of its own competing with the imagers for the cores.
 *
 * <p>Every candidate handed in gets an answer: its score, or the failure of its batch (whatever the
 * scorer threw, an {@link Error} such as the native allocator's OutOfMemoryError included). The batching
 * stream never fails on a batch, and candidates still waiting when it ends are failed, not forgotten: a
 * visit waiting on an answer that never comes would hold its sensor for the rest of the night.
 */
public final class ClassifierStage implements AutoCloseable {
    private record Pending(Candidate candidate, CompletableFuture<Candidate> result) {
    }

    /** What scores a batch of cutouts: the model, in a night (tests of failure put a failing one in its place). */
    @FunctionalInterface
    public interface Scorer {
        float[] score(List<float[]> cutouts);

        /** Scores made-up cutouts before the night, answering nothing: a scorer that counts the night's batches leaves these out. */
        default void warm(List<float[]> cutouts) {
            score(cutouts);
        }
    }

    private final Scorer model;
    /** Makes a scorer for a caller when none is free (scoring on the callers' threads), or null (batched on the stage's thread). */
    private final java.util.function.Supplier<Scorer> perThread;
    /** Scorers not in use: a caller takes one and gives it back (threads come and go in a pool; models stay). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Scorer> idleScorers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /**
     * The scorer each thread used last, which it takes again when that one is free: a model keeps a session (its
     * arrays) for each thread that used it, and a model new to a thread scored its first batch at twice the cost.
     */
    private final ThreadLocal<Scorer> lastUsed = new ThreadLocal<>();
    private final AtomicLong models = new AtomicLong();
    private final String version;
    private final java.util.Set<Pending> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong failedBatches = new AtomicLong();
    private final int batch;
    private final Duration maxWait;
    private final int queueSize;
    private volatile BoundedSourceQueue<Pending> queue;
    private volatile CompletionStage<Done> done;
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong inline = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    public ClassifierStage(RealBogusModel model, int batch, Duration maxWait, int queueSize) {
        this(model.version(), model::scoreCutouts, batch, maxWait, queueSize);
    }

    /** Scores with {@code scorer}, which answers for the model {@code version}. */
    public ClassifierStage(String version, Scorer scorer, int batch, Duration maxWait, int queueSize) {
        this(version, scorer, null, batch, maxWait, queueSize);
    }

    private ClassifierStage(String version, Scorer scorer, java.util.function.Supplier<Scorer> perThread, int batch, Duration maxWait,
                            int queueSize) {
        this.model = scorer;
        this.perThread = perThread;
        this.version = version;
        this.batch = batch;
        this.maxWait = maxWait;
        this.queueSize = queueSize;
    }

    /**
     * Scores on the threads that hand candidates in, each with a scorer to itself while it scores: a model is
     * not shared between threads. Scorers are made by {@code scorers} when every one made so far is in use (as
     * many as threads score at once: one an imager), and kept.
     */
    public static ClassifierStage onCallersThreads(String version, java.util.function.Supplier<Scorer> scorers) {
        return new ClassifierStage(version, null, scorers, 1, Duration.ZERO, 1);
    }

    /** Makes one more scorer now, before the night (scoring on the callers' threads): the first visits do not wait for one. */
    public void prepare() {
        if (perThread != null) {
            models.incrementAndGet();
            idleScorers.offer(perThread.get());
        }
    }

    /**
     * Scores {@code batches} made-up batches, their sizes taken in turn from {@code sizes}
     * ({@link org.nightwatch.workers.classify.RealBogusModel#warmUpCutouts}), on this thread, with the scorer it will take in
     * the night (scoring on the callers' threads; nothing otherwise): a thread's first batches pay for its session with
     * the model, and the model's graph is run by Java code that the JIT compiles after some hundreds of batches.
     */
    public void warmHere(int batches, int... sizes) {
        if (perThread == null || sizes.length == 0) {
            return;
        }
        int largest = java.util.Arrays.stream(sizes).max().orElse(0);
        List<float[]> cutouts = org.nightwatch.workers.classify.RealBogusModel.warmUpCutouts(largest);
        Scorer mine = take();
        try {
            for (int b = 0; b < batches; b++) {
                mine.warm(cutouts.subList(0, sizes[b % sizes.length]));
            }
        } finally {
            idleScorers.offer(mine);
        }
    }

    /** A free scorer for this thread: the one it used last when that is free, else any free one, else a new one. */
    private Scorer take() {
        Scorer last = lastUsed.get();
        if (last != null && idleScorers.remove(last)) {
            return last;
        }
        Scorer any = idleScorers.poll();
        if (any == null) {
            models.incrementAndGet();
            any = perThread.get();
        }
        lastUsed.set(any);
        return any;
    }

    /** Whether candidates are scored on the threads that hand them in ({@link #onCallersThreads}). */
    public boolean scoresOnCallersThreads() {
        return perThread != null;
    }

    /** Scorers made: the most threads that scored at once (scoring on the callers' threads). */
    public long threadModels() {
        return models.get();
    }

    /** Starts the batching stream; until then (and after {@link #close}) candidates are scored on the caller's thread. */
    public void start(Materializer mat, Executor executor) {
        if (perThread != null) {
            return; // nothing to start: each caller scores its own
        }
        Pair<BoundedSourceQueue<Pending>, CompletionStage<Done>> m = Source.<Pending>queue(queueSize)
            .groupedWithin(batch, maxWait)
            .mapAsync(1, group -> CompletableFuture.supplyAsync(() -> {
                scoreBatch(group);
                return Done.getInstance();
            }, executor))
            .toMat(Sink.ignore(), Keep.both())
            .run(mat);
        this.queue = m.first();
        this.done = m.second();
        // the stream ended (closed, or its materializer went): what still waits in it gets an answer
        done.whenComplete((d, e) -> failWaiting("the classifier's batching stream ended" + (e != null ? ": " + e : "")));
    }

    public String modelVersion() {
        return version;
    }

    /** The candidates of one visit, scored (in their order). */
    public CompletionStage<List<Candidate>> score(List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        if (perThread != null) {
            return scoreHere(candidates);
        }
        List<CompletableFuture<Candidate>> fs = new ArrayList<>(candidates.size());
        List<Pending> overflow = new ArrayList<>();
        BoundedSourceQueue<Pending> q = queue;
        for (Candidate c : candidates) {
            Pending p = new Pending(c, new CompletableFuture<>());
            fs.add(p.result());
            waiting.add(p);
            QueueOfferResult r;
            try {
                r = q != null ? q.offer(p) : QueueOfferResult.dropped();
            } catch (RuntimeException e) {
                r = QueueOfferResult.dropped();
            }
            if (r != QueueOfferResult.enqueued()) {
                overflow.add(p);
            }
        }
        if (!overflow.isEmpty()) {
            inline.addAndGet(overflow.size());
            synchronized (this) {
                scoreBatch(overflow);
            }
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
            .thenApply(v -> fs.stream().map(CompletableFuture::join).toList());
    }

    /** One visit's candidates, scored now on this thread with its own model; a failure fails this visit only. */
    private CompletionStage<List<Candidate>> scoreHere(List<Candidate> candidates) {
        try {
            long t0 = System.nanoTime();
            List<float[]> cut = new ArrayList<>(candidates.size());
            for (Candidate c : candidates) {
                cut.add(c.cutout());
            }
            Scorer mine = take();
            float[] s;
            try {
                s = mine.score(cut);
            } finally {
                idleScorers.offer(mine);
            }
            checkAnswer(s, candidates.size());
            nanos.addAndGet(System.nanoTime() - t0);
            batches.incrementAndGet();
            scored.addAndGet(candidates.size());
            List<Candidate> out = new ArrayList<>(candidates.size());
            for (int i = 0; i < s.length; i++) {
                out.add(candidates.get(i).scored(s[i], version));
            }
            return CompletableFuture.completedFuture(out);
        } catch (Throwable e) { // an Error too (native OutOfMemoryError): the visit hears of it
            failedBatches.incrementAndGet();
            return CompletableFuture.failedFuture(e instanceof RuntimeException r ? r : new IllegalStateException("scoring failed: " + e, e));
        }
    }

    /** A scorer's answer must be one score a cutout. */
    private static void checkAnswer(float[] s, int cutouts) {
        if (s == null || s.length != cutouts) {
            throw new IllegalStateException("the model answered " + (s == null ? "nothing" : s.length + " scores") + " for " + cutouts
                + " cutouts");
        }
    }

    private void scoreBatch(List<Pending> group) {
        try {
            long t0 = System.nanoTime();
            List<float[]> cut = new ArrayList<>(group.size());
            for (Pending p : group) {
                cut.add(p.candidate().cutout());
            }
            float[] s;
            synchronized (model) {
                s = model.score(cut);
            }
            checkAnswer(s, group.size());
            nanos.addAndGet(System.nanoTime() - t0);
            batches.incrementAndGet();
            scored.addAndGet(group.size());
            for (int i = 0; i < group.size(); i++) {
                Pending p = group.get(i);
                waiting.remove(p);
                p.result().complete(p.candidate().scored(s[i], version));
            }
        } catch (Throwable e) { // an Error too (native OutOfMemoryError): each waiting visit must hear of it
            failedBatches.incrementAndGet();
            RuntimeException failure = e instanceof RuntimeException r ? r
                : new IllegalStateException("scoring failed: " + e, e);
            for (Pending p : group) {
                waiting.remove(p);
                p.result().completeExceptionally(failure);
            }
        }
    }

    private void failWaiting(String why) {
        IllegalStateException e = new IllegalStateException(why);
        for (Pending p : waiting) {
            waiting.remove(p);
            p.result().completeExceptionally(e);
        }
    }

    /** Candidates scored, batches run, candidates scored inline because the queue was full, and the time scoring took. */
    public Stats stats() {
        return new Stats(scored.get(), batches.get(), inline.get(), nanos.get() / 1e9, failedBatches.get());
    }

    /**
     * @param scoreSeconds  time inside the model
     * @param failedBatches batches the model failed on (their visits are lost, with the reason)
     */
    public record Stats(long scored, long batches, long inline, double scoreSeconds, long failedBatches) {
        public double meanBatch() {
            return batches == 0 ? 0 : scored / (double) batches;
        }

        public double cutoutsPerSecond() {
            return scoreSeconds == 0 ? 0 : scored / scoreSeconds;
        }
    }

    @Override
    public void close() {
        BoundedSourceQueue<Pending> q = queue;
        if (q != null) {
            queue = null;
            try {
                q.complete();
                done.toCompletableFuture().join();
            } catch (RuntimeException e) {
                // the stream is already gone (its materializer shut down): nothing is left waiting in it
            }
        }
    }
}
