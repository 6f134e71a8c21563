package org.nightwatch.night;

import java.nio.file.Path;
import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.actors.classify.ClassifierStage;
import org.nightwatch.workers.classify.RealBogusModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the night's real/bogus scorer from the configured model file, warmed before the first visit. */
public final class ClassifierModels {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierModels.class);

    private ClassifierModels() {
    }

    /** The night's real/bogus scorer from its model file; null (said) when none is configured or the file is missing. */
    public static ClassifierStage open(ActorsSettings.Classifier c, Runnable fault, int imagers) {
        if (c.model().isBlank()) {
            LOG.info("no classifier model configured: candidates stay unscored");
            return null;
        }
        Path file = Path.of(c.model());
        if (!file.isAbsolute()) {
            String home = System.getProperty("nightwatch.home");
            file = home != null ? Path.of(home).resolve(file) : file;
        }
        if (!java.nio.file.Files.exists(file)) {
            LOG.warn("classifier model {} not found: candidates stay unscored", file);
            return null;
        }
        if (c.onImagers()) {
            // each imager scores with a model of its own, on one native thread: two imagers on two cores each
            // scored more (about 3,200 cutouts/s at a visit's 54) than one model on two native threads (about 4,500)
            org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxThreads(1);
            org.nd4j.linalg.factory.Nd4j.getEnvironment().setMaxMasterThreads(1);
        }
        RealBogusModel model = RealBogusModel.load(file, null);
        LOG.info("real/bogus model {} ({}, {} parameters) from {}", model.version(), model.architecture(), model.parameters(), file);
        if (c.onImagers()) {
            Path from = file;
            // one model an imager, made before the first frame and warmed on its imager's thread when the night starts
            // (ClassifierStage.warmHere: a model's session is per thread); one made in the night is warmed where it is made
            java.util.concurrent.ConcurrentLinkedQueue<RealBogusModel> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();
            ready.add(model);
            for (int i = 1; i < imagers; i++) {
                ready.add(RealBogusModel.load(from, null));
            }
            ClassifierStage stage = ClassifierStage.onCallersThreads(model.version(), () -> {
                RealBogusModel m = ready.poll();
                RealBogusModel mine = m != null ? m : warm(RealBogusModel.load(from, null), 64);
                return fault == null ? mine::scoreCutouts : new ClassifierStage.Scorer() {
                    @Override
                    public float[] score(java.util.List<float[]> cutouts) {
                        fault.run();
                        return mine.scoreCutouts(cutouts);
                    }

                    @Override
                    public void warm(java.util.List<float[]> cutouts) {
                        mine.scoreCutouts(cutouts); // not a batch of the night: the drill's strike does not move
                    }
                };
            });
            for (int i = 0; i < imagers; i++) {
                stage.prepare();
            }
            return stage;
        }
        if (fault != null) {
            return new ClassifierStage(model.version(), cutouts -> {
                fault.run();
                return model.scoreCutouts(cutouts);
            }, c.batch(), c.maxWait(), c.queue());
        }
        return new ClassifierStage(warm(model, c.batch()), c.batch(), c.maxWait(), c.queue());
    }

    /**
     * Scores throw-away batches of the sizes a night makes, so that the first visit's candidates do not pay for
     * the native kernels' set-up and the JIT (the first real batch took seconds without it).
     */
    private static RealBogusModel warm(RealBogusModel model, int largest) {
        long t0 = System.nanoTime();
        java.util.List<float[]> cutouts = RealBogusModel.warmUpCutouts(Math.max(64, largest));
        for (int n : new int[] {1, 16, 64, Math.max(1, largest)}) {
            model.scoreCutouts(cutouts.subList(0, n));
        }
        LOG.info("real/bogus model warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return model;
    }
}
