package org.nightwatch.actors;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed view of {@code nightwatch.actors} (each field documented in this module's reference.conf).
 */
public record ActorsSettings(int ingestThreads, int fragmentLimit, int spareStackBuffers, int visitQueue,
                             Duration visitTimeout, Duration stallAfter, Duration restartMinBackoff,
                             Duration restartMaxBackoff, Duration notConnectedTimeout, Duration visitDeadline,
                             Diff diff, Classifier classifier) {
    /** {@code nightwatch.actors.classifier}; {@code model} empty: no scoring. */
    /**
     * @param onImagers score each visit's candidates on the difference imager that made them, with a model of
     *                  that thread's own, instead of batching them across sensors on a thread of the classifier's
     */
    public record Classifier(String model, int batch, Duration maxWait, int queue, boolean onImagers) {
    }

    /** {@code nightwatch.actors.diff}. */
    public record Diff(int workers, int referenceCache, double zeroPointMag, double darkHotSigma, boolean subtractDark, int warmUpRuns) {
        /** Imagers to create: the configured number, or one per core. */
        public int workerCount() {
            return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        }
    }

    private static boolean parseWhere(String v) {
        return switch (v) {
            case "difference-imagers" -> true;
            case "own" -> false;
            default -> throw new IllegalArgumentException("nightwatch.actors.classifier.threads = " + v
                + ": expected difference-imagers or own");
        };
    }

    public static ActorsSettings from(Config root) {
        Config c = root.getConfig("nightwatch.actors");
        ActorsSettings s = new ActorsSettings(c.getInt("ingest-threads"), c.getInt("fragment-limit"),
            c.getInt("spare-stack-buffers"), c.getInt("visit-queue"), c.getDuration("visit-timeout"),
            c.getDuration("stall-after"), c.getDuration("restart-min-backoff"), c.getDuration("restart-max-backoff"),
            c.getDuration("not-connected-timeout"), c.getDuration("visit-deadline"), new Diff(c.getInt("diff.workers"), c.getInt("diff.reference-cache"),
                c.getDouble("diff.zero-point-mag"), c.getDouble("diff.dark-hot-sigma"),
                c.getBoolean("diff.subtract-dark"), c.getInt("diff.warm-up-runs")),
            new Classifier(c.getString("classifier.model"), c.getInt("classifier.batch"), c.getDuration("classifier.max-wait"),
                c.getInt("classifier.queue"), parseWhere(c.getString("classifier.threads"))));
        if (s.ingestThreads < 1 || s.fragmentLimit < 1 || s.spareStackBuffers < 0 || s.visitQueue < 1) {
            throw new IllegalArgumentException("nightwatch.actors: ingest-threads, fragment-limit and visit-queue must be"
                + " >= 1 and spare-stack-buffers >= 0, got " + s);
        }
        if (s.visitDeadline.isNegative() || s.visitDeadline.isZero()) {
            throw new IllegalArgumentException("nightwatch.actors.visit-deadline must be positive, got " + s.visitDeadline);
        }
        return s;
    }
}
