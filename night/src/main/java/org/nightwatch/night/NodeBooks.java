package org.nightwatch.night;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nightwatch.actors.cluster.NodeReport;

/**
 * What the worker nodes of a cluster night last said of themselves ({@link NodeReport}, about once a second), as the
 * camera's node keeps it: whether the scheduler has confirmed every visit each node handed over, whether each node has
 * caught up what it spooled, and the night's catch-up totals summed over the nodes. A lost node's last word stands for
 * what it had when it was lost.
 */
final class NodeBooks {
    private record Said(NodeReport report, long atNanos) {
    }

    private final Map<String, Said> last = new ConcurrentHashMap<>();

    /** {@code r} arrived at {@code nowNanos}. */
    void accept(NodeReport r, long nowNanos) {
        last.put(r.node(), new Said(r, nowNanos));
    }

    /** What {@code node} said last (null: nothing yet). */
    NodeReport of(String node) {
        Said s = last.get(node);
        return s == null ? null : s.report();
    }

    /**
     * Visits the nodes not in {@code lost} handed over that the scheduler has not confirmed, as they said last; a node's
     * visits handed over are the larger of what it said and what its sensors' books say ({@code bySensors}, by node), so
     * that a report older than the sensors' last word does not pass for all.
     */
    long unconfirmed(Set<String> lost, Map<String, Long> bySensors) {
        long n = 0;
        for (String node : nodes(bySensors)) {
            if (!lost.contains(node)) {
                n += missing(node, bySensors);
            }
        }
        return n;
    }

    /**
     * Whether every node not in {@code lost} has said, at or after {@code sinceNanos}, that the scheduler confirmed all it
     * handed over.
     */
    boolean schedulerHasAll(long sinceNanos, Set<String> lost, Map<String, Long> bySensors) {
        for (String node : nodes(bySensors)) {
            if (lost.contains(node)) {
                continue;
            }
            Said s = last.get(node);
            if (s == null || s.atNanos() < sinceNanos || missing(node, bySensors) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Visits the nodes in {@code lost} handed over that the scheduler never confirmed: lost with them. */
    long lostWith(Set<String> lost, Map<String, Long> bySensors) {
        long n = 0;
        for (String node : lost) {
            n += missing(node, bySensors);
        }
        return n;
    }

    private long missing(String node, Map<String, Long> bySensors) {
        Said s = last.get(node);
        long handed = Math.max(bySensors.getOrDefault(node, 0L), s == null ? 0 : s.report().visitsHandedOver());
        return Math.max(0, handed - (s == null ? 0 : s.report().visitsConfirmed()));
    }

    private Set<String> nodes(Map<String, Long> bySensors) {
        Set<String> all = new java.util.TreeSet<>(last.keySet());
        all.addAll(bySensors.keySet());
        return all;
    }

    /**
     * Whether every node not in {@code lost} has said, at or after {@code sinceNanos}, that its spool holds nothing left
     * to catch up (or that it spools nothing).
     */
    boolean caughtUp(long sinceNanos, Set<String> lost) {
        for (var e : last.entrySet()) {
            if (lost.contains(e.getKey())) {
                continue;
            }
            Said s = e.getValue();
            if (s.atNanos() < sinceNanos || s.report().catchUp() != null && s.report().catchUp().pending() > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The night's spools and catch-up, summed over the nodes (null: no node spools): the lateness median is the largest
     * node's median (the nodes' medians cannot be combined), the largest lateness the largest, the bytes summed (the
     * peak: each node's peak, summed).
     */
    NightSummary.CatchUpTotals catchUpTotals() {
        List<NodeReport.CatchUp> all = new ArrayList<>();
        for (Said s : last.values()) {
            if (s.report().catchUp() != null) {
                all.add(s.report().catchUp());
            }
        }
        if (all.isEmpty()) {
            return null;
        }
        long spooled = 0;
        long caught = 0;
        long failed = 0;
        long pending = 0;
        long notSpooled = 0;
        long peak = 0;
        long onDisk = 0;
        long max = 0;
        double p50 = 0;
        double worst = 0;
        List<String> problems = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (NodeReport.CatchUp c : all) {
            spooled += c.visitsSpooled();
            caught += c.caughtUp();
            failed += c.failed();
            pending += c.pending();
            notSpooled += c.notSpooled();
            peak += c.bytesPeak();
            onDisk += c.bytesOnDisk();
            max += c.maxBytes();
            p50 = Math.max(p50, c.latenessMsP50());
            worst = Math.max(worst, c.latenessMsMax());
            problems.addAll(c.problems());
            where.add(c.spool());
        }
        return new NightSummary.CatchUpTotals("the worker nodes' spools " + where, spooled, caught, failed, pending, p50, worst, notSpooled,
            peak, onDisk, max, problems);
    }
}
