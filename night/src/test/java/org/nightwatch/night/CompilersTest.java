package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A night paced in real time waits for the JIT's compilers to go quiet before its first frame, and never longer than
 * its bound: the compilers' accumulated time is what the night reads (here given, as the JVM would report it).
 */
class CompilersTest {
    @Test
    void aJitThatKeepsCompilingHoldsTheNightNoLongerThanTheBound() {
        AtomicLong compiledMs = new AtomicLong();
        long waited = Compilers.awaitQuiet(() -> compiledMs.addAndGet(100), Duration.ofMillis(800));
        assertTrue(waited >= 800, "waited to the bound: " + waited);
        assertTrue(waited < 10_000, "and then the night goes on: " + waited);
    }

    @Test
    void theNightWaitsUntilTheCompilersHaveBeenQuietForHalfASecond() {
        AtomicLong polls = new AtomicLong();
        // 20 polls compiling (the warm-ups' queue), then nothing
        long waited = Compilers.awaitQuiet(() -> 60 * Math.min(polls.incrementAndGet(), 20), Duration.ofSeconds(60));
        assertEquals(25, polls.get(), "five quiet polls after the last compilation");
        assertTrue(waited < 60_000, "not held to the bound: " + waited);
    }

    @Test
    void aQuietJitIsNotWaitedForBeyondTheFirstHalfSecond() {
        AtomicLong polls = new AtomicLong();
        Compilers.awaitQuiet(() -> {
            polls.incrementAndGet();
            return 1234;
        }, Duration.ofSeconds(60));
        assertEquals(6, polls.get(), "the first half second's samples decide");
    }
}
