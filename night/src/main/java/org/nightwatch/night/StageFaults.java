package org.nightwatch.night;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a night puts into its own stages on purpose: drills of what the night does when the classifier
 * (a native library that can run out of memory or hang) or the scheduler (a database that hangs) fails or
 * stalls mid-night, and the system tests that the night survives them. A night without drills has
 * {@link #NONE}.
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
     * The drills {@code config} asks for, each {@code "fail after N"} or {@code "stall after N"} (the stage's first N calls
     * are normal), so that a drill reaches the nodes of a cluster, which read the site's file; {@link #NONE} when it asks
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
        if (!m.matches()) {
            throw new DeploymentConfig.InvalidConfigException(config.source(), key + " = '" + v
                + "': a drill is \"fail after N\" or \"stall after N\" (N calls of the stage go normally first)");
        }
        return new Fault(m.group(1).equals("fail") ? Kind.FAIL : Kind.STALL, Integer.parseInt(m.group(2)));
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
        STALL
    }

    /** One stage's fault: {@link #strike()} at the start of each of its calls. */
    public static final class Fault {
        private final Kind kind;
        private final int after;
        private final AtomicInteger calls = new AtomicInteger();
        private final CountDownLatch released = new CountDownLatch(1);

        public Fault(Kind kind, int after) {
            this.kind = kind;
            this.after = after;
        }

        public Kind kind() {
            return kind;
        }

        /** Called where the stage's work begins: returns (a normal call), throws, or blocks. */
        public void strike() {
            if (calls.incrementAndGet() <= after) {
                return;
            }
            if (kind == Kind.FAIL) {
                throw new IllegalStateException("drill: this stage fails after " + after + " calls");
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

        /** Calls that found the fault (failed or stalled). */
        public int struck() {
            return Math.max(0, calls.get() - after);
        }
    }
}
