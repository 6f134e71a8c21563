package org.nightwatch.night;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a night puts into its own stages on purpose: drills of what the night does when the classifier
 * (a native library that can run out of memory or hang) or the scheduler (a database that hangs) fails or
 * stalls mid-night, or when a stage is slower than the camera's pace (a node whose cores are taken by something
 * else), and the system tests that the night survives them. A night without drills has {@link #NONE}.
 *
 * @param diff       what befalls difference imaging, visit by visit (null: nothing)
 * @param classifier what befalls the real/bogus scorer's batches (null: nothing)
 * @param scheduler  what befalls the scheduler's visits (null: nothing)
 */
public record StageFaults(Fault diff, Fault classifier, Fault scheduler) {
    public static final StageFaults NONE = new StageFaults(null, null, null);

    /** Where a site's configuration asks for drills: {@code nightwatch.drills.diff}, {@code .classifier}, {@code .scheduler}. */
    static final String DRILLS = "nightwatch.drills";

    /**
     * The drills {@code config} asks for, each {@code "fail after N"}, {@code "stall after N"} or {@code "slow M ms after N"}
     * (the stage's first N calls are normal), so that a drill reaches the nodes of a cluster, which read the site's file; {@link #NONE} when it asks
     * for none. A value of another form is refused, naming its key and the file.
     */
    public static StageFaults from(DeploymentConfig config) {
        try {
            return drills(config);
        } catch (com.typesafe.config.ConfigException e) {
            throw new DeploymentConfig.InvalidConfigException(config.source(), DRILLS + ": " + e.getMessage());
        }
    }

    private static StageFaults drills(DeploymentConfig config) {
        com.typesafe.config.Config c = config.config();
        if (!c.hasPath(DRILLS)) {
            return NONE;
        }
        for (String stage : c.getConfig(DRILLS).root().keySet()) {
            if (!java.util.Set.of("diff", "classifier", "scheduler").contains(stage)) {
                throw new DeploymentConfig.InvalidConfigException(config.source(), DRILLS + "." + stage
                    + ": no such stage to drill (diff, classifier, scheduler)");
            }
        }
        return new StageFaults(parse(config, "diff"), parse(config, "classifier"), parse(config, "scheduler"));
    }

    private static Fault parse(DeploymentConfig config, String stage) {
        String key = DRILLS + "." + stage;
        if (!config.config().hasPath(key)) {
            return null;
        }
        String v = config.config().getString(key).trim().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(fail|stall) after (\\d{1,9})").matcher(v);
        if (m.matches()) {
            return new Fault(m.group(1).equals("fail") ? Kind.FAIL : Kind.STALL, Integer.parseInt(m.group(2)));
        }
        java.util.regex.Matcher slow = java.util.regex.Pattern.compile("slow (\\d{1,7}) ms after (\\d{1,9})").matcher(v);
        if (slow.matches()) {
            return Fault.slow(java.time.Duration.ofMillis(Long.parseLong(slow.group(1))), Integer.parseInt(slow.group(2)));
        }
        throw new DeploymentConfig.InvalidConfigException(config.source(), key + " = '" + v
            + "': a drill is \"fail after N\", \"stall after N\" or \"slow M ms after N\" (N calls of the stage go normally first)");
    }

    /** Every fault of the drill (for releasing them when the night closes). */
    public java.util.List<Fault> all() {
        return java.util.stream.Stream.of(diff, classifier, scheduler).filter(java.util.Objects::nonNull).toList();
    }

    /** What a faulty stage does once it has handled {@code after} calls normally. */
    public enum Kind {
        /** Throws on every later call. */
        FAIL,
        /** Blocks every later call until the night is closed, as a hung native call or database would. */
        STALL,
        /**
         * Holds every later call for a set time, then lets it do its work: a stage slower than the camera's pace, as on a
         * node whose cores something else has taken (the night falls behind, spools and catches up).
         */
        SLOW
    }

    /** One stage's fault: {@link #strike()} at the start of each of its calls. */
    public static final class Fault {
        private final Kind kind;
        private final int after;
        private final java.time.Duration slowBy;
        private final AtomicInteger calls = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);

        /** A fault that fails or stalls ({@link #slow} for one that slows). */
        public Fault(Kind kind, int after) {
            this(kind, after, java.time.Duration.ZERO);
            if (kind == Kind.SLOW) {
                throw new IllegalArgumentException("a slow stage says by how much: Fault.slow");
            }
        }

        private Fault(Kind kind, int after, java.time.Duration slowBy) {
            this.kind = kind;
            this.after = after;
            this.slowBy = slowBy;
        }

        /** A stage whose calls after the first {@code after} each take {@code by} longer (released at the close). */
        public static Fault slow(java.time.Duration by, int after) {
            if (by.isNegative() || by.isZero()) {
                throw new IllegalArgumentException("a slow stage is slower by a positive time, not " + by);
            }
            return new Fault(Kind.SLOW, after, by);
        }

        public Kind kind() {
            return kind;
        }

        /** What the drill does, as the night's log says it: "stall after 2 calls", "take 800 ms longer after 0 calls". */
        @Override
        public String toString() {
            String what = kind == Kind.SLOW ? "take " + slowBy.toMillis() + " ms longer" : kind.name().toLowerCase(java.util.Locale.ROOT);
            return what + " after " + after + " calls";
        }

        /** Called where the stage's work begins: returns (a normal call, or a slowed one once held), throws, or blocks. */
        public void strike() {
            if (calls.incrementAndGet() <= after) {
                return;
            }
            if (kind == Kind.FAIL) {
                throw new IllegalStateException("drill: this stage fails after " + after + " calls");
            }
            if (kind == Kind.SLOW) {
                try {
                    released.await(slowBy.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS); // the close cuts it short
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("drill: this stage stalled after " + after + " calls and was let go at the close");
        }

        /** Lets blocked calls go (the night is closing). */
        public void release() {
            released.countDown();
        }

        /** Calls that found the fault (failed, stalled or slowed). */
        public int struck() {
            return Math.max(0, calls.get() - after);
        }
    }
}
