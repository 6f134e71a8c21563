package org.nightwatch.actors.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;

/**
 * The spool of an over-capacity night: a visit goes to disk with everything its catch-up needs, its
 * frames are accounted deferred and its buffer comes back; it is read back exactly as it was; a night
 * killed with visits still spooled finds them again, except those its database says were done.
 */
class VisitSpoolTest {
    @TempDir
    Path dir;

    private static final int W = 64;
    private static final int H = 40;
    private static final VisitSpool.CameraKeywords CAMERA = new VisitSpool.CameraKeywords(1.7, 3.1, 60000, 1.19);

    private static ClosedVisit visit(StackBufferPool pool, SensorId sensor, long visitId, long seed) {
        StackBuffer b = pool.tryAcquire();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < b.sums.length; i++) {
            b.sums[i] = (float) (1000 + 30 * r.nextGaussian());
        }
        b.sums[17] = Float.NaN;
        for (int y = 0; y < H; y++) {
            b.rowCoverage[y] = (short) (y < 25 ? 18 : 17); // a frame that arrived part-way
        }
        BitSet frames = new BitSet();
        frames.set(0, 18);
        frames.clear(7);
        return new ClosedVisit(sensor, visitId, 18, frames, b, 1_700_000_000_123_456_789L, 500_000_000L, 151.25, 20.5, 3,
            EnumSet.of(VisitFlag.MISSING_FRAMES, VisitFlag.PARTIAL_ROWS), System.nanoTime() - TimeUnit.SECONDS.toNanos(2));
    }

    private static void awaitAccounted(SensorLedger ledger, long frames) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ledger.accounted() < frames && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(60)
    void aSpooledVisitComesBackAsItWentWithItsFramesDeferredAndItsBufferReturned() {
        StackBufferPool pool = new StackBufferPool(W, H, 2);
        SensorLedger ledger = new SensorLedger(SensorId.of(5));
        ClosedVisit v = visit(pool, SensorId.of(5), 42, 1);
        float[] sums = v.buffer().sums.clone();
        short[] cover = v.buffer().rowCoverage.clone();
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1L << 30, 10, W, H, CAMERA)) {
            assertTrue(spool.shouldSpill(pool, 1), "a visit that would wait while the pool runs low is spooled");
            assertFalse(spool.shouldSpill(pool, 0), "a visit its sensor can take at once is not");
            assertTrue(spool.spill(v, ledger, pool));
            awaitAccounted(ledger, 17);
            assertEquals(17, ledger.count(FrameFate.DEFERRED_SPOOLED), "the visit's frames are deferred, spooled");
            assertEquals(0, pool.inUse(), "its buffer went back");
            assertEquals(0, pool.promised());
            assertTrue(Files.exists(dir.resolve("spool/sensor-05/visit-000042.sums.fits")));
            assertEquals(1, spool.pendingCount());
            assertTrue(spool.bytesOnDisk() > W * H * 4);

            VisitSpool.Spooled s = spool.nextPending();
            ClosedVisit back = spool.restore(s, pool.tryAcquire());
            assertArrayEquals(sums, back.buffer().sums, "the sums, bit for bit (NaN included)");
            assertArrayEquals(cover, back.buffer().rowCoverage, "each row's coverage");
            assertEquals(42, back.visitId());
            assertEquals(SensorId.of(5), back.sensor());
            assertEquals(3, back.fieldId());
            assertEquals(v.frames(), back.frames());
            assertEquals(1_700_000_000_123_456_789L, back.firstFrameStartNs(), "nanosecond times survive");
            assertEquals(500_000_000L, back.exposureNs());
            assertEquals(151.25, back.raDeg());
            assertEquals(20.5, back.decDeg());
            assertEquals(EnumSet.of(VisitFlag.MISSING_FRAMES, VisitFlag.PARTIAL_ROWS, VisitFlag.CAUGHT_UP), back.flags());
            long age = System.nanoTime() - back.closedNanos();
            assertTrue(age >= TimeUnit.MILLISECONDS.toNanos(1900), "it closed when it really closed, for its lateness: " + age);
            spool.done(s);
            assertEquals(0, spool.bytesOnDisk());
            assertFalse(Files.exists(s.file()));
        }
    }

    @Test
    @Timeout(60)
    void aFullSpoolRefusesAndTheVisitWaitsInItsQueue() {
        StackBufferPool pool = new StackBufferPool(W, H, 2);
        SensorLedger ledger = new SensorLedger(SensorId.of(1));
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1000, 10, W, H, CAMERA)) {
            ClosedVisit v = visit(pool, SensorId.of(1), 1, 2);
            assertFalse(spool.spill(v, ledger, pool), "over max-bytes nothing is written");
            assertTrue(v.tryStart(), "the visit is still the stream's to take");
            assertEquals(1, spool.visitsNotSpooled());
            assertEquals(0, ledger.accounted());
        }
    }

    @Test
    @Timeout(60)
    void aResumedNightFindsItsPendingVisitsButNotThoseItsDatabaseHasDone() {
        StackBufferPool pool = new StackBufferPool(W, H, 4);
        SensorLedger ledger = new SensorLedger(SensorId.of(2));
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1L << 30, 10, W, H, CAMERA)) {
            spool.spill(visit(pool, SensorId.of(2), 7, 3), ledger, pool);
            spool.spill(visit(pool, SensorId.of(2), 8, 4), ledger, pool);
            awaitAccounted(ledger, 34);
            // a visit written frame by frame as it arrived (no buffer was free), and one killed while it was written
            VisitSpool.FramesOnDisk whole = spool.framesOnDisk(SensorId.of(5), 9, 2, 4, 10, 20, 0, 500_000_000L);
            VisitSpool.FramesOnDisk cut = spool.framesOnDisk(SensorId.of(5), 10, 2, 4, 10, 20, 0, 500_000_000L);
            org.agrona.concurrent.UnsafeBuffer rows = new org.agrona.concurrent.UnsafeBuffer(new byte[W * H * 2]);
            for (int f = 0; f < 2; f++) {
                whole.rows(rows, 0, 0, H);
                whole.frameDone(f);
            }
            cut.rows(rows, 0, 0, H);
            whole.close(EnumSet.noneOf(VisitFlag.class), System.nanoTime(), new SensorLedger(SensorId.of(5)));
        } // the night is killed here: nothing is caught up
        try (VisitSpool again = new VisitSpool(dir.resolve("spool"), 1L << 30, 10, W, H, CAMERA)) {
            int found = again.resume((sensor, visit) -> sensor.index() == 2 && visit == 7); // visit 7's alerts were committed
            assertEquals(2, found, "visit 8's sums and visit 9's frames; visit 10 was never finished");
            VisitSpool.Spooled s = again.nextPending();
            assertNotNull(s);
            assertEquals(8, s.visitId());
            VisitSpool.Spooled f = again.nextPending();
            assertEquals(9, f.visitId());
            assertTrue(f.frames());
            assertEquals(2, again.restore(f, pool.tryAcquire()).framesStacked());
            assertFalse(Files.exists(dir.resolve("spool/sensor-02/visit-000007.sums.fits")), "a visit done before is removed");
            assertFalse(Files.exists(dir.resolve("spool/sensor-05/visit-000010.frames.fits.part")), "a half-written visit is removed");
            assertTrue(again.bytesOnDisk() > 0);
        }
    }
}
