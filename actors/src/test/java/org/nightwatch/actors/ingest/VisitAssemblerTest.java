package org.nightwatch.actors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.nightwatch.actors.pipeline.StackStage;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.protocol.FrameCodec;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.FrameHeader;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.workers.stack.StackKernel;

/**
 * Visit assembly and frame accounting on crafted streams: out-of-order, duplicated, missing, late,
 * incomplete and invalid frames, deferral notices, a full buffer pool and an actor restart.
 */
class VisitAssemblerTest {
    static final int W = 64;
    static final int H = 40;
    static final int ROWS_PER_BLOCK = 16;
    static final int FPV = 4;
    static final SensorId SENSOR = SensorId.of(3);

    final UnsafeBuffer buf = new UnsafeBuffer(new byte[FrameCodec.FrameBlock.messageLength(W, ROWS_PER_BLOCK) + 64]);
    final FrameCodec.FrameBlock codec = new FrameCodec.FrameBlock();
    final List<ClosedVisit> handed = new ArrayList<>();
    final SensorLedger ledger = new SensorLedger(SENSOR);
    StackBufferPool pool = new StackBufferPool(W, H, 4);
    long now = 1_000;
    boolean completed;

    final VisitHandoff handoff = spooling(null);

    VisitAssembler assembler(VisitAssembler.WhenFull whenFull) {
        return new VisitAssembler(SENSOR, W, H, pool, StackKernel.best(), ledger, whenFull, handoff, 5_000_000_000L, () -> now);
    }

    static int pixel(long seq, int i) {
        return (int) (1000 + seq * 10 + i % 7);
    }

    FrameHeader header(long seq, int width) {
        return new FrameHeader(SENSOR.index(), seq, seq / FPV, (int) (seq % FPV), FPV, seq * 500_000_000L, 500_000_000L,
            width, H, 10, 20);
    }

    /** Sends blocks [fromBlock, toBlock) of frame seq; returns false if a block was refused. */
    boolean send(VisitAssembler a, FrameHeader h, int fromBlock, int toBlock) {
        for (int blk = fromBlock; blk < toBlock; blk++) {
            int first = blk * ROWS_PER_BLOCK;
            int rows = Math.min(ROWS_PER_BLOCK, H - first);
            codec.wrapForEncode(buf, 0).header(h).rows(first, rows);
            for (int i = 0; i < rows * h.width(); i++) {
                buf.putShort(FrameCodec.FrameBlock.HEADER_LENGTH + 2 * i, (short) pixel(h.frameSequence(), first * W + i),
                    ByteOrder.LITTLE_ENDIAN);
            }
            if (!a.onBlock(codec.wrap(buf, 0), buf)) {
                return false;
            }
        }
        return true;
    }

    void frame(VisitAssembler a, long seq) {
        assertTrue(send(a, header(seq, W), 0, 3));
    }

    long stackedFrames() {
        return handed.stream().mapToLong(ClosedVisit::framesStacked).sum();
    }

    void assertAccounted(long published) {
        long accounted = stackedFrames() + ledger.count(FrameFate.Kind.LOST) + ledger.count(FrameFate.Kind.DEFERRED);
        assertEquals(published, accounted, "published = stacked + lost + deferred");
    }

    @Test
    void framesInOrderMakeWholeVisitsWithExactSums() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        for (long s = 0; s < 8; s++) {
            frame(a, s);
        }
        assertEquals(2, handed.size(), "each visit closes when its last frame arrives");
        ClosedVisit v0 = handed.get(0);
        assertEquals(4, v0.framesStacked());
        assertTrue(v0.flags().isEmpty());
        float expected = 0;
        for (long s = 0; s < 4; s++) {
            expected += pixel(s, 5);
        }
        assertEquals(expected, v0.buffer().pixels()[5]);
        StackedVisit st = new StackStage(StackKernel.best()).run(v0);
        assertEquals(expected / 4, st.image()[5], 1e-3);
        assertEquals(0, ledger.count(FrameFate.Kind.LOST));
        a.onEndOfStream(8, 7);
        assertTrue(completed);
        assertAccounted(8);
    }

    @Test
    void anOutOfOrderFrameFillsItsGapWhileTheVisitIsOpen() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 2);
        frame(a, 1);
        frame(a, 3);
        assertEquals(1, handed.size());
        assertEquals(4, handed.get(0).framesStacked());
        assertTrue(handed.get(0).flags().isEmpty());
        a.onEndOfStream(4, 3);
        assertEquals(0, ledger.count(FrameFate.Kind.LOST));
        assertAccounted(4);
    }

    @Test
    void aDuplicatedFrameIsCountedAndNeverStackedTwice() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 1);
        frame(a, 1); // sent again right away
        frame(a, 2);
        frame(a, 0); // and an old one much later
        frame(a, 3);
        assertEquals(2, ledger.duplicates().get());
        ClosedVisit v = handed.get(0);
        assertEquals(4, v.framesStacked());
        assertEquals(pixel(0, 9) + pixel(1, 9) + pixel(2, 9) + pixel(3, 9), v.buffer().pixels()[9]);
        a.onEndOfStream(4, 3);
        assertAccounted(4);
    }

    @Test
    void aMissingFrameIsStackedAroundFlaggedAndCountedAsLost() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 1);
        frame(a, 3);
        a.onEndOfStream(4, 3);
        ClosedVisit v = handed.get(0);
        assertEquals(3, v.framesStacked());
        assertTrue(v.flags().containsAll(EnumSet.of(VisitFlag.MISSING_FRAMES, VisitFlag.CLOSED_AT_END)), v.flags().toString());
        assertEquals(1, ledger.count(FrameFate.LOST_MISSING));
        assertTrue(ledger.gaps().stream().anyMatch(g -> g.firstSequence() == 2 && g.fate() == FrameFate.LOST_MISSING));
        // the mean keeps its units: three frames, divided by three
        StackedVisit st = new StackStage(StackKernel.best()).run(v);
        assertEquals((pixel(0, 0) + pixel(1, 0) + pixel(3, 0)) / 3.0, st.image()[0], 1e-3);
        assertAccounted(4);
    }

    @Test
    void framesMissingAtTheEndOfTheStreamAreLost() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 1);
        a.onEndOfStream(6, 5);
        assertEquals(4, ledger.count(FrameFate.LOST_MISSING));
        assertAccounted(6);
    }

    @Test
    void aSensorTakenOverMidNightCountsFromTheFirstFrameItReceivesNotTheFramesAnotherMachineHad() {
        ledger.joinMidStream();
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        // the node that had the sensor was lost after frame 9; this one joins the stream at frame 13 (visit 3, frame 1)
        a.onDeferred(13, 13, FrameFate.DEFERRED_AT_SOURCE);
        frame(a, 14);
        frame(a, 15);
        frame(a, 17); // 16 missing here
        a.onEndOfStream(20, 19);
        assertEquals(1, ledger.count(FrameFate.DEFERRED_AT_SOURCE));
        assertEquals(3, ledger.count(FrameFate.LOST_MISSING), "16, 18 and 19: never arrived here, after it joined");
        assertEquals(3, stackedFrames());
        // frames 0..12 are the other machine's to count: here 7 of the 20 published are accounted
        assertEquals(7, ledger.accounted() + stackedFrames());
        assertEquals(20, ledger.published());
    }

    @Test
    void aSensorTakenOverPartWayThroughAFrameLeavesThatFrameToTheMachineThatHadItsFirstRows() {
        ledger.joinMidStream();
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        // the sensor moved while frame 13 was on its way: the machine before had its first block (and counts it lost to the
        // handover); this one receives the rest, which it must not count again
        assertTrue(send(a, header(13, W), 1, 3));
        frame(a, 14);
        frame(a, 15);
        a.onEndOfStream(16, 15);
        assertEquals(0, ledger.count(FrameFate.LOST_INCOMPLETE), "frame 13 is not this machine's to count");
        assertEquals(0, ledger.count(FrameFate.LOST_MISSING), "nor missing here");
        assertEquals(2, stackedFrames());
        assertEquals(2, ledger.accounted() + stackedFrames());
    }

    @Test
    void aSensorTakenOverAfterItsLastFrameCountsNothingItNeverHad() {
        ledger.joinMidStream();
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        a.onEndOfStream(20, 19);
        assertEquals(0, ledger.accounted());
        assertTrue(a.ended());
    }

    @Test
    void aFrameArrivingAfterItsVisitClosedIsLostAsLate() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 1);
        frame(a, 3);
        frame(a, 4); // next visit begins: visit 0 closes without frame 2
        frame(a, 2);
        assertEquals(1, ledger.count(FrameFate.LOST_LATE));
        assertEquals(3, handed.get(0).framesStacked());
        for (long s = 5; s < 8; s++) {
            frame(a, s);
        }
        a.onEndOfStream(8, 7);
        assertEquals(0, ledger.count(FrameFate.LOST_MISSING), "frame 2 arrived (late), it is not missing");
        assertAccounted(8);
    }

    @Test
    void aFrameWhoseRowsDidNotAllArriveIsLostAndItsVisitFlagged() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        assertTrue(send(a, header(1, W), 0, 2)); // rows 0..31 of 40
        frame(a, 2);
        frame(a, 3);
        a.onEndOfStream(4, 3);
        assertEquals(1, ledger.count(FrameFate.LOST_INCOMPLETE));
        ClosedVisit v = handed.get(0);
        assertEquals(3, v.framesStacked());
        assertTrue(v.flags().contains(VisitFlag.PARTIAL_ROWS));
        StackedVisit st = new StackStage(StackKernel.best()).run(v);
        // row 0 had four contributions (three whole frames and the partial one), row 39 three
        assertEquals((pixel(0, 0) + pixel(1, 0) + pixel(2, 0) + pixel(3, 0)) / 4.0, st.image()[0], 1e-3);
        int last = 39 * W;
        assertEquals((pixel(0, last) + pixel(2, last) + pixel(3, last)) / 3.0, st.image()[last], 1e-3);
        assertAccounted(4);
    }

    @Test
    void anInvalidHeaderIsLostWithAnErrorNamingSensorAndFieldAndTheNightGoesOn() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        FrameHeader wrong = header(1, W - 1);
        codec.wrapForEncode(buf, 0).header(wrong).rows(0, 16);
        assertTrue(a.onBlock(codec.wrap(buf, 0), buf));
        assertEquals(1, ledger.count(FrameFate.LOST_INVALID));
        assertTrue(ledger.lastProblem().contains("sensor-03") && ledger.lastProblem().contains("63x40"), ledger.lastProblem());
        frame(a, 2);
        frame(a, 3);
        a.onEndOfStream(4, 3);
        assertEquals(3, handed.get(0).framesStacked());
        assertAccounted(4);
    }

    @Test
    void framesTheCameraDeferredAreAccountedAsDeferredNotLost() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 3);              // 1 and 2 look missing for now
        a.onDeferred(1, 2, FrameFate.DEFERRED_AT_SOURCE);
        a.onDeferred(4, 5, FrameFate.DEFERRED_AT_SOURCE); // announced before anything later arrived
        frame(a, 6);
        frame(a, 7);
        a.onEndOfStream(8, 7);
        assertEquals(4, ledger.count(FrameFate.DEFERRED_AT_SOURCE));
        assertEquals(0, ledger.count(FrameFate.Kind.LOST));
        assertAccounted(8);
    }

    @Test
    void withNoBufferFreeWaitingLeavesTheBlockInTheStream() {
        pool = new StackBufferPool(W, H, 1);
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        for (long s = 0; s < 4; s++) {
            frame(a, s);
        }
        assertFalse(send(a, header(4, W), 0, 1), "the next visit must wait for a buffer");
        assertFalse(send(a, header(4, W), 0, 1), "and keeps waiting, asked again");
        assertEquals(2, ledger.backPressuredPolls().get());
        pool.release(handed.get(0).buffer());
        assertTrue(send(a, header(4, W), 0, 3));
        assertEquals(0, ledger.count(FrameFate.Kind.LOST));
        assertEquals(0, ledger.duplicates().get(), "a refused block asked again is not a duplicate");
    }

    /**
     * The handoff of a sensor's stream (what VisitPipeline does), visits handed kept in {@link #handed}; with a spool
     * (not null), a visit that finds no buffer goes to it frame by frame.
     */
    VisitHandoff spooling(VisitSpool spool) {
        return new VisitHandoff() {
            @Override
            public boolean offer(ClosedVisit visit) {
                handed.add(visit);
                return true;
            }

            @Override
            public void complete() {
                completed = true;
            }

            @Override
            public VisitSpool.FramesOnDisk spoolFrames(SensorId sensor, long visitId, int framesPerVisit, int fieldId, double raDeg,
                                                       double decDeg, long firstStartNs, long exposureNs) {
                return spool == null ? null
                    : spool.framesOnDisk(sensor, visitId, framesPerVisit, fieldId, raDeg, decDeg, firstStartNs, exposureNs);
            }
        };
    }

    @Test
    void aVisitWaitsForABufferOnItsWayBackButNotLongerThanTheCameraCanHoldItsFrames(@org.junit.jupiter.api.io.TempDir
                                                                                     java.nio.file.Path dir) {
        pool = new StackBufferPool(W, H, 1);
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1L << 30, 2, W, H,
            new VisitSpool.CameraKeywords(1.7, 3.1, 60000, 1.19))) {
            VisitAssembler a = new VisitAssembler(SENSOR, W, H, pool, StackKernel.best(), ledger, VisitAssembler.WhenFull.DEFER,
                spooling(spool), 5_000_000_000L, () -> now);
            for (long s = 0; s < 4; s++) {
                frame(a, s);
            }
            pool.promise(); // visit 0 is being spooled: its buffer will be back shortly
            assertFalse(send(a, header(4, W), 0, 1), "visit 1 waits for the promised buffer");
            now += VisitAssembler.PROMISED_WAIT_NS / 2;
            assertFalse(send(a, header(4, W), 0, 1), "and still waits, within the bound");
            now += VisitAssembler.PROMISED_WAIT_NS;
            assertTrue(send(a, header(4, W), 0, 3), "past the bound its frames go to the spool rather than wait on");
            for (long s = 5; s < 8; s++) {
                frame(a, s);
            }
            assertEquals(4, ledger.count(FrameFate.DEFERRED_SPOOLED));
            assertEquals(1, spool.pendingCount());
            assertEquals(1, handed.size(), "only visit 0 took a buffer");
            assertAccounted(8);
        }
    }

    @Test
    void withNoBufferFreeAndASpoolTheVisitsFramesGoToDiskAsTheyArriveAndComeBackWithExactSums(@org.junit.jupiter.api.io.TempDir
                                                                                               java.nio.file.Path dir) {
        pool = new StackBufferPool(W, H, 1);
        try (VisitSpool spool = new VisitSpool(dir.resolve("spool"), 1L << 30, 2, W, H,
            new VisitSpool.CameraKeywords(1.7, 3.1, 60000, 1.19))) {
            VisitHandoff spooling = spooling(spool);
            VisitAssembler a = new VisitAssembler(SENSOR, W, H, pool, StackKernel.best(), ledger, VisitAssembler.WhenFull.DEFER, spooling,
                5_000_000_000L, () -> now);
            for (long s = 0; s < 4; s++) {
                frame(a, s); // visit 0 holds the only buffer
            }
            frame(a, 4);
            assertTrue(send(a, header(5, W), 0, 2)); // frame 5 never completes: lost, and not in the file
            frame(a, 7);
            frame(a, 6); // out of order, fills its gap
            frame(a, 6); // a duplicate: counted once
            frame(a, 8); // visit 2 begins: visit 1 closes and is on disk
            a.onEndOfStream(9, 8);

            assertEquals(0, ledger.count(FrameFate.DEFERRED_NO_BUFFER), "nothing the camera sent was refused");
            assertEquals(3 + 1, ledger.count(FrameFate.DEFERRED_SPOOLED), "visit 1's three whole frames and visit 2's one");
            assertEquals(1, ledger.count(FrameFate.LOST_INCOMPLETE));
            assertEquals(1, ledger.duplicates().get());
            assertAccounted(9);
            assertEquals(2, spool.pendingCount());
            assertEquals(java.util.Set.of(1L, 2L), spool.pendingVisits().get(SENSOR.index()));

            pool.release(handed.get(0).buffer());
            StackBuffer into = pool.tryAcquire();
            VisitSpool.Spooled s1 = spool.nextPending();
            assertEquals(1, s1.visitId());
            assertTrue(s1.frames(), "the visit's frames, not sums, are on disk: " + s1.file());
            ClosedVisit back = spool.restore(s1, into);
            assertEquals(3, back.framesStacked());
            assertEquals(EnumSet.of(VisitFlag.MISSING_FRAMES, VisitFlag.CAUGHT_UP), back.flags());
            assertTrue(back.frames().get(0) && !back.frames().get(1) && back.frames().get(2) && back.frames().get(3),
                "frames 4, 6 and 7 are indices 0, 2 and 3; frame 5 (index 1) never completed");
            for (int i : new int[] {0, 5, W * 17 + 3, W * H - 1}) {
                float expected = pixel(4, i) + pixel(6, i) + pixel(7, i);
                assertEquals(expected, back.buffer().pixels()[i], "sum of pixel " + i);
            }
            for (int y = 0; y < H; y++) {
                assertEquals(3, back.buffer().coverage(y));
            }
            assertEquals(10, back.raDeg(), 1e-12);
            assertEquals(4 * 500_000_000L, back.firstFrameStartNs());
        }
    }

    @Test
    void withNoBufferFreeDeferringCountsTheVisitsFrames() {
        pool = new StackBufferPool(W, H, 1);
        VisitAssembler a = assembler(VisitAssembler.WhenFull.DEFER);
        for (long s = 0; s < 8; s++) {
            frame(a, s);
        }
        assertEquals(4, ledger.count(FrameFate.DEFERRED_NO_BUFFER));
        assertEquals(1, ledger.visitsDeferred().get());
        pool.release(handed.get(0).buffer());
        for (long s = 8; s < 12; s++) {
            frame(a, s);
        }
        a.onEndOfStream(12, 11);
        assertEquals(2, handed.size());
        assertAccounted(12);
    }

    @Test
    void aRestartLosesTheVisitBeingAssembledAndTheNextIncarnationCarriesOn() {
        VisitAssembler first = assembler(VisitAssembler.WhenFull.WAIT);
        frame(first, 0);
        frame(first, 1);
        assertTrue(send(first, header(2, W), 0, 1)); // part of frame 2
        first.abandon();
        assertEquals(3, ledger.count(FrameFate.LOST_SENSOR_RESTART));
        assertEquals(0, pool.inUse(), "the abandoned visit's buffer is back in the pool");

        VisitAssembler second = assembler(VisitAssembler.WhenFull.WAIT);
        assertTrue(send(second, header(2, W), 1, 3)); // the rest of frame 2, already counted
        frame(second, 3);
        for (long s = 4; s < 8; s++) {
            frame(second, s);
        }
        second.onEndOfStream(8, 7);
        assertEquals(2, handed.size());
        assertEquals(1, handed.get(0).framesStacked());
        assertTrue(handed.get(0).flags().contains(VisitFlag.MISSING_FRAMES));
        assertEquals(4, handed.get(1).framesStacked());
        assertAccounted(8);
    }

    @Test
    void aQuietSensorsVisitIsClosedOnTimeout() {
        VisitAssembler a = assembler(VisitAssembler.WhenFull.WAIT);
        frame(a, 0);
        frame(a, 1);
        a.onIdle(now + 1_000_000_000L);
        assertTrue(handed.isEmpty());
        a.onIdle(now + 6_000_000_000L);
        assertEquals(1, handed.size());
        assertTrue(handed.get(0).flags().contains(VisitFlag.CLOSED_ON_TIMEOUT));
        a.finish();
        assertTrue(completed);
    }
}
