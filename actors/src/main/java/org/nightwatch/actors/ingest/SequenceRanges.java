package org.nightwatch.actors.ingest;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of frame sequence numbers kept as disjoint inclusive ranges: the frames of a sensor that are
 * missing so far. A gap of a million frames costs one entry. Single-threaded.
 */
final class SequenceRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long count;

    /** Adds first..last (inclusive; nothing if last < first). Ranges added must not overlap present ones. */
    void add(long first, long last) {
        if (last < first) {
            return;
        }
        ranges.put(first, last);
        count += last - first + 1;
    }

    boolean contains(long seq) {
        Map.Entry<Long, Long> e = ranges.floorEntry(seq);
        return e != null && e.getValue() >= seq;
    }

    /** Removes first..last and returns how many of those were present. */
    long remove(long first, long last) {
        if (last < first) {
            return 0;
        }
        long removed = 0;
        Map.Entry<Long, Long> floor = ranges.floorEntry(first);
        Long start = floor != null && floor.getValue() >= first ? floor.getKey() : ranges.ceilingKey(first);
        while (start != null && start <= last) {
            long end = ranges.get(start);
            ranges.remove(start);
            long cutFirst = Math.max(start, first);
            long cutLast = Math.min(end, last);
            removed += cutLast - cutFirst + 1;
            if (start < cutFirst) {
                ranges.put(start, cutFirst - 1);
            }
            if (end > cutLast) {
                ranges.put(cutLast + 1, end);
            }
            start = ranges.ceilingKey(cutLast + 1);
        }
        count -= removed;
        return removed;
    }

    void clear() {
        ranges.clear();
        count = 0;
    }

    long count() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Removes everything and returns the ranges removed, for reporting. */
    Iterator<Map.Entry<Long, Long>> drain() {
        TreeMap<Long, Long> copy = new TreeMap<>(ranges);
        ranges.clear();
        count = 0;
        return copy.entrySet().iterator();
    }
}
