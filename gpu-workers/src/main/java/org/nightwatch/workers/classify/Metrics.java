package org.nightwatch.workers.classify;

import java.util.Arrays;

/**
 * What a real/bogus score achieves on a labelled set: ROC AUC (the probability that a random real scores
 * above a random bogus, ties counting half), the false-positive rate at a true-positive rate of 0.9, and
 * at a threshold the confusion matrix, precision, recall, F1, accuracy and the true skill statistic
 * (TSS = TPR - FPR). Pure functions of scores and labels (1 real, 0 bogus).
 */
public final class Metrics {
    private Metrics() {
    }

    /** Counts at a threshold: a score at or above it is called real. */
    public record Confusion(long tp, long fp, long tn, long fn) {
        public double precision() {
            return tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp);
        }

        public double recall() {
            return tp + fn == 0 ? Double.NaN : tp / (double) (tp + fn);
        }

        public double fpr() {
            return fp + tn == 0 ? Double.NaN : fp / (double) (fp + tn);
        }

        public double f1() {
            double p = precision();
            double r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        public double accuracy() {
            return (tp + tn) / (double) (tp + fp + tn + fn);
        }

        /** True skill statistic: TPR - FPR. */
        public double tss() {
            return recall() - fpr();
        }
    }

    public static Confusion confusion(float[] scores, int[] labels, double threshold) {
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean called = scores[i] >= threshold;
            if (labels[i] == 1) {
                if (called) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (called) {
                fp++;
            } else {
                tn++;
            }
        }
        return new Confusion(tp, fp, tn, fn);
    }

    /** ROC AUC by ranks (Mann-Whitney U), ties counted half. */
    public static double auc(float[] scores, int[] labels) {
        Integer[] idx = order(scores);
        long pos = Arrays.stream(labels).filter(l -> l == 1).count();
        long neg = labels.length - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        double rankSum = 0;
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && scores[idx[j + 1]] == scores[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // average rank of the tie group, 1-based
            for (int k = i; k <= j; k++) {
                if (labels[idx[k]] == 1) {
                    rankSum += rank;
                }
            }
            i = j + 1;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }

    /**
     * The lowest false-positive rate among thresholds that keep at least {@code tpr} of the reals: the
     * threshold is the score of the ceil(tpr x P)-th highest-scoring real.
     */
    public static double fprAtTpr(float[] scores, int[] labels, double tpr) {
        return confusion(scores, labels, thresholdAtTpr(scores, labels, tpr)).fpr();
    }

    /** The highest threshold at which at least {@code tpr} of the reals score at or above it. */
    public static double thresholdAtTpr(float[] scores, int[] labels, double tpr) {
        float[] real = new float[(int) Arrays.stream(labels).filter(l -> l == 1).count()];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] == 1) {
                real[n++] = scores[i];
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(real);
        int keep = (int) Math.ceil(tpr * n - 1e-9);
        return real[n - Math.max(1, keep)];
    }

    /**
     * ROC curve points (FPR, TPR), from the highest threshold down, one point per distinct score.
     *
     * @return {fpr[], tpr[]}
     */
    public static double[][] roc(float[] scores, int[] labels) {
        Integer[] idx = order(scores);
        long pos = Arrays.stream(labels).filter(l -> l == 1).count();
        long neg = labels.length - pos;
        double[] fpr = new double[idx.length + 1];
        double[] tpr = new double[idx.length + 1];
        int m = 1;
        long tp = 0;
        long fp = 0;
        for (int k = idx.length - 1; k >= 0; k--) {
            if (labels[idx[k]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (k == 0 || scores[idx[k - 1]] != scores[idx[k]]) {
                fpr[m] = neg == 0 ? 0 : fp / (double) neg;
                tpr[m] = pos == 0 ? 0 : tp / (double) pos;
                m++;
            }
        }
        return new double[][] {Arrays.copyOf(fpr, m), Arrays.copyOf(tpr, m)};
    }

    private static Integer[] order(float[] scores) {
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(scores[a], scores[b]));
        return idx;
    }
}
