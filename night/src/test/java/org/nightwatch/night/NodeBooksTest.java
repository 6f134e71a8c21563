package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nightwatch.actors.cluster.NodeReport;

/**
 * The camera's node ends a cluster night only when every worker still up has said, after its sensors drained, that it
 * caught up what it spooled and that the scheduler confirmed what it handed over; a lost node's last word is what it
 * lost.
 */
class NodeBooksTest {
    private static final String A = "nightwatch@10.0.0.2:25520";
    private static final String B = "nightwatch@10.0.0.3:25520";

    private static NodeReport said(String node, long handed, long confirmed, NodeReport.CatchUp c) {
        return new NodeReport(node, List.of("worker"), 0.5, 900, List.of("sensor-00"), handed, confirmed, c);
    }

    private static NodeReport.CatchUp spool(String dir, long spooled, long caught, long pending, double p50, double max) {
        return new NodeReport.CatchUp(dir, spooled, caught, 0, pending, p50, max, 0, 2L << 30, pending << 20, 50L << 30, List.of());
    }

    @Test
    void theSchedulerHasAllOnlyOnceEachNodeSaysSoAfterItsSensorsDrained() {
        NodeBooks b = new NodeBooks();
        b.accept(said(A, 10, 10, null), 100);
        b.accept(said(B, 8, 6, null), 100);
        Map<String, Long> bySensors = Map.of(A, 10L, B, 8L);
        assertFalse(b.schedulerHasAll(50, Set.of(), bySensors), "B's scheduler has 6 of 8");
        assertEquals(2, b.unconfirmed(Set.of(), bySensors));
        b.accept(said(B, 8, 8, null), 200);
        assertFalse(b.schedulerHasAll(150, Set.of(), bySensors), "A said nothing since the sensors drained");
        b.accept(said(A, 10, 10, null), 210);
        assertTrue(b.schedulerHasAll(150, Set.of(), bySensors));
        // a sensor's last books say more than the node's report did: the report is older than the sensor's last visit
        assertFalse(b.schedulerHasAll(150, Set.of(), Map.of(A, 11L, B, 8L)));
        assertEquals(1, b.unconfirmed(Set.of(), Map.of(A, 11L, B, 8L)));
    }

    @Test
    void aLostNodesUnconfirmedVisitsAreLostWithItAndItIsNotWaitedFor() {
        NodeBooks b = new NodeBooks();
        b.accept(said(A, 12, 9, spool("/a/spool", 3, 1, 2, 0, 0)), 100);
        b.accept(said(B, 8, 8, null), 300);
        Map<String, Long> bySensors = Map.of(A, 12L, B, 8L);
        assertTrue(b.schedulerHasAll(200, Set.of(A), bySensors), "A was lost: nothing more comes from it");
        assertEquals(3, b.lostWith(Set.of(A), bySensors));
        assertEquals(0, b.unconfirmed(Set.of(A), bySensors));
        assertTrue(b.caughtUp(200, Set.of(A)), "nor is its spool waited for");
        assertFalse(b.caughtUp(200, Set.of()));
    }

    @Test
    void theNightWaitsForEveryNodesCatchUpAndSumsTheirSpools() {
        NodeBooks b = new NodeBooks();
        assertNull(b.catchUpTotals(), "no node spools");
        b.accept(said(A, 5, 5, spool("/a/spool", 4, 2, 2, 3000, 9000)), 100);
        b.accept(said(B, 5, 5, spool("/b/spool", 1, 1, 0, 5000, 5000)), 100);
        assertFalse(b.caughtUp(50, Set.of()), "A has 2 visits to catch up");
        b.accept(said(A, 7, 7, spool("/a/spool", 4, 4, 0, 3500, 11000)), 200);
        assertFalse(b.caughtUp(150, Set.of()), "B has not spoken since");
        b.accept(said(B, 5, 5, spool("/b/spool", 1, 1, 0, 5000, 5000)), 210);
        assertTrue(b.caughtUp(150, Set.of()));
        NightSummary.CatchUpTotals t = b.catchUpTotals();
        assertEquals(5, t.visitsSpooled());
        assertEquals(5, t.caughtUp());
        assertEquals(0, t.pending());
        assertEquals(5000, t.latenessMsP50(), "the largest node's median");
        assertEquals(11000, t.latenessMsMax());
        assertTrue(t.spool().contains("/a/spool") && t.spool().contains("/b/spool"), t.spool());
    }
}
