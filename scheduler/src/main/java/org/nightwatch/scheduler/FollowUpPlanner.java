package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nightwatch.protocol.Alert;

/**
 * Tonight's follow-up plan: the live alerts, best rank first, each booked on the first telescope that
 * can observe it inside its window at the earliest free time, then listed in time order. An object whose
 * window has no room left on any telescope is not planned (it still shows in the ranked list).
 */
public final class FollowUpPlanner {
    /**
     * A follow-up telescope.
     *
     * @param exposureSeconds time on target per object
     * @param overheadSeconds slew and set-up per object
     */
    public record Telescope(String name, double exposureSeconds, double overheadSeconds) {
        double slotDays() {
            return (exposureSeconds + overheadSeconds) / 86400;
        }
    }

    /** One booked observation. */
    public record Entry(String telescope, String objectId, double startMjd, double endMjd, double rankScore, double ra, double dec) {
    }

    private final List<Telescope> telescopes;

    public FollowUpPlanner(List<Telescope> telescopes) {
        this.telescopes = List.copyOf(telescopes);
    }

    public List<Telescope> telescopes() {
        return telescopes;
    }

    /** Plans {@code alerts} (the live ones, retracted left out) from {@code nowMjd}. */
    public List<Entry> plan(List<Alert> alerts, double nowMjd) {
        List<Alert> byRank = new ArrayList<>(alerts);
        byRank.removeIf(a -> a.state() == Alert.State.RETRACTED || a.window() == null);
        byRank.sort(Comparator.comparingDouble(Alert::rankScore).reversed().thenComparing(Alert::objectId));
        List<List<double[]>> booked = new ArrayList<>();
        for (int t = 0; t < telescopes.size(); t++) {
            booked.add(new ArrayList<>());
        }
        List<Entry> out = new ArrayList<>();
        for (Alert a : byRank) {
            Alert.Window w = a.window();
            for (int t = 0; t < telescopes.size(); t++) {
                double len = telescopes.get(t).slotDays();
                double start = earliest(booked.get(t), Math.max(nowMjd, w.startMjd()), len);
                if (start + len <= w.endMjd() + 1e-9) {
                    booked.get(t).add(new double[] {start, start + len});
                    booked.get(t).sort(Comparator.comparingDouble(s -> s[0]));
                    out.add(new Entry(telescopes.get(t).name(), a.objectId(), start, start + len, a.rankScore(),
                        a.candidate().ra(), a.candidate().dec()));
                    break;
                }
            }
        }
        out.sort(Comparator.comparingDouble(Entry::startMjd).thenComparing(Entry::telescope));
        return out;
    }

    /** The earliest start at or after {@code from} where a slot of {@code len} fits between the booked ones. */
    private static double earliest(List<double[]> booked, double from, double len) {
        double t = from;
        for (double[] b : booked) {
            if (t + len <= b[0] + 1e-12) {
                return t;
            }
            t = Math.max(t, b[1]);
        }
        return t;
    }
}
