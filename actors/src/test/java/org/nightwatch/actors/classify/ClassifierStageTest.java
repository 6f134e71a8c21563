package org.nightwatch.actors.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nightwatch.protocol.Candidate;

/**
 * Scoring on the difference imagers' own threads: a visit's candidates are scored on the thread that hands
 * them in, no scorer (a model, which is not thread-safe) is ever used by two threads at once, scorers are
 * kept and reused rather than made per thread, and a scorer that fails costs the visit it was scoring only.
 */
class ClassifierStageTest {
    private static List<Candidate> candidates(int n, float brightness) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] cut = new float[3 * Candidate.CUTOUT * Candidate.CUTOUT];
            cut[0] = brightness + i;
            out.add(new Candidate("c" + i, 1, 2, 0, 61328.5, 10, 20, 150, 20, 100, 10, 10, 17, 0.1, 2.5, 1.1, 1, 0, cut, Double.NaN, null));
        }
        return out;
    }

    /** A scorer that says which thread used it, fails when told to, and checks that it is never used by two threads at once. */
    private static final class Probe implements ClassifierStage.Scorer {
        final AtomicBoolean inUse = new AtomicBoolean();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        volatile boolean overlapped;
        volatile CyclicBarrier meet;

        @Override
        public float[] score(List<float[]> cutouts) {
            if (!inUse.compareAndSet(false, true)) {
                overlapped = true;
            }
            try {
                threads.add(Thread.currentThread());
                CyclicBarrier b = meet;
                if (b != null) {
                    try {
                        b.await(10, TimeUnit.SECONDS); // both callers inside a scorer at the same time
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (Float.isNaN(cutouts.get(0)[0])) { // the drill's mark (a warm-up's made-up cutouts are noise, signed)
                    throw new IllegalStateException("drill: a cutout this scorer cannot take");
                }
                float[] s = new float[cutouts.size()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = cutouts.get(i)[0] / 100f;
                }
                return s;
            } finally {
                inUse.set(false);
            }
        }
    }

    /** A stage on the callers' threads whose scorers, kept in {@code made}, each wait inside for a second caller. */
    private static ClassifierStage meetingInPairs(List<Probe> made) {
        CyclicBarrier together = new CyclicBarrier(2);
        return ClassifierStage.onCallersThreads("v1", () -> {
            Probe p = new Probe();
            p.meet = together;
            synchronized (made) {
                made.add(p);
            }
            return p;
        });
    }

    @Test
    @Timeout(60)
    void eachCallerScoresOnItsOwnThreadWithAScorerNoOtherThreadHoldsMeanwhile() throws Exception {
        List<Probe> made = new ArrayList<>();
        ClassifierStage stage = meetingInPairs(made);
        assertTrue(stage.scoresOnCallersThreads());
        List<List<Candidate>> results = new ArrayList<>(List.of(List.of(), List.of()));
        Thread[] callers = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int me = t;
            callers[t] = new Thread(() -> results.set(me, stage.score(candidates(5, 10 * me)).toCompletableFuture().join()), "imager-" + t);
            callers[t].start();
        }
        for (Thread c : callers) {
            c.join();
        }
        assertEquals(2, stage.threadModels(), "two imagers scoring at once need two scorers");
        for (Probe p : made) {
            assertFalse(p.overlapped, "a scorer was used by two threads at once");
            assertEquals(1, p.threads.size());
            assertTrue(p.threads.iterator().next().getName().startsWith("imager-"), "scored on the caller's thread");
        }
        assertEquals(0.10f, results.get(1).get(0).score(), 1e-6);
        assertEquals("v1", results.get(1).get(0).modelVersion());

        // later visits, from any thread, reuse the scorers already made
        for (Probe p : made) {
            p.meet = null;
        }
        for (int i = 0; i < 5; i++) {
            stage.score(candidates(3, 1)).toCompletableFuture().join();
        }
        assertEquals(2, stage.threadModels());
        assertEquals(10 + 15, stage.stats().scored());
    }

    @Test
    @Timeout(60)
    void eachImagerThreadScoresTheNightWithTheScorerItWarmed() throws Exception {
        // a model keeps a session for each thread that used it: a thread that moved between scorers would meet
        // cold sessions all night
        List<Probe> made = new ArrayList<>();
        ClassifierStage stage = meetingInPairs(made);
        stage.prepare();
        stage.prepare();
        java.util.concurrent.ExecutorService[] imagers = {java.util.concurrent.Executors.newSingleThreadExecutor(),
            java.util.concurrent.Executors.newSingleThreadExecutor()};
        try {
            List<java.util.concurrent.Future<?>> warm = new ArrayList<>();
            for (var imager : imagers) {
                warm.add(imager.submit(() -> stage.warmHere(2, 16, 48)));
            }
            for (var w : warm) {
                w.get(); // both inside a scorer at once: each warmed its own
            }
            for (Probe p : made) {
                p.meet = null;
            }
            // visits one after another, taking turns and unevenly, so that each thread finds both scorers free
            for (int i = 0; i < 12; i++) {
                var imager = imagers[i % 3 == 0 ? 0 : 1];
                assertEquals(4, imager.submit(() -> stage.score(candidates(4, 1)).toCompletableFuture().join()).get().size());
            }
        } finally {
            for (var imager : imagers) {
                imager.shutdownNow();
            }
        }
        assertEquals(2, made.size(), "the two scorers made before the night served it");
        for (Probe p : made) {
            assertEquals(1, p.threads.size(), "a scorer was used by " + p.threads.size() + " threads");
        }
        assertFalse(made.get(0).threads.equals(made.get(1).threads), "each thread with a scorer of its own");
        assertEquals(48, stage.stats().scored(), "warming is not scoring: only the visits' candidates are counted");
    }

    @Test
    @Timeout(60)
    void aScorerThatFailsCostsTheVisitItWasScoringOnly() {
        AtomicInteger made = new AtomicInteger();
        ClassifierStage stage = ClassifierStage.onCallersThreads("v1", () -> {
            made.incrementAndGet();
            return new Probe();
        });
        stage.prepare();
        CompletionException e = assertThrows(CompletionException.class,
            () -> stage.score(candidates(4, Float.NaN)).toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("drill"), e.getCause().getMessage());
        assertEquals(4, stage.score(candidates(4, 3)).toCompletableFuture().join().size(), "the next visit is scored");
        assertEquals(1, stage.stats().failedBatches());
        assertEquals(1, made.get(), "the scorer made before the night served both visits");
        assertTrue(stage.score(List.of()).toCompletableFuture().join().isEmpty());
    }
}
