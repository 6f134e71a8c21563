package org.nightwatch.night;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.source.FramePublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nightwatch camera}: the frame source alone, in a process of its own, as the telescope's acquisition computers
 * are: a simulated survey (whose references it writes for the observers first) or a recorded night, published on the
 * frame channel for {@code nightwatch observe} (or a cluster's workers) to take. It waits for every sensor's stream to
 * have a receiver, sends, ends each stream with its end-of-stream, and says what it sent.
 */
public final class StandaloneCamera implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCamera.class);

    /** What the camera did: frames published (sent or deferred at the camera), and of them deferred. */
    public record Sent(int sensors, long published, long deferred, long backPressured, double seconds) {
    }

    private final FrameSourceRole source;
    private final AeronTransport transport;
    private final NightOptions options;

    public StandaloneCamera(DeploymentConfig config, NightOptions options) {
        if (config.camera().aeron().channel().startsWith("aeron:ipc")) {
            throw new IllegalArgumentException("nightwatch camera sends to other processes: nightwatch.camera.aeron.channel must be a "
                + "UDP channel (aeron:udp?control=HOST:PORT|control-mode=dynamic), not " + config.camera().aeron().channel());
        }
        this.options = options;
        this.source = new FrameSourceRole(config, options);
        if (options.recordDir() == null && options.replayDir() == null && options.skyDir() != null) {
            // a simulated sky's references, for the observers (a telescope's reference library is prepared the same way)
            source.writeReferences(new NightLayout(options.skyDir()));
        }
        this.transport = AeronTransport.start(config.camera().aeron());
        source.connect(transport, options.nightStart() != null ? options.nightStart() : Instant.now(),
            config.actors().notConnectedTimeout().toNanos(), s -> null);
        LOG.info("camera: {} sensors on {}", source.placements().size(), transport.describe());
    }

    /** Where a simulated camera wrote its references (null: a replay, whose references are in the recorded night). */
    public java.nio.file.Path references() {
        return options.replayDir() != null ? options.replayDir() : options.skyDir();
    }

    /**
     * Waits up to {@code receivers} for every sensor's stream to have a receiver, then sends the night, calling
     * {@code progress} about every second; returns what was sent.
     */
    public Sent run(Duration receivers, Consumer<String> progress) throws InterruptedException {
        long until = System.nanoTime() + receivers.toNanos();
        while (!source.allConnected()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no receiver for every sensor's stream within " + receivers + " on "
                    + transport.describe() + ": start nightwatch observe (or the cluster's workers) with the same channel");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        source.start();
        FramePublisher p = source.publisher();
        while (!p.awaitCompletion(1, TimeUnit.SECONDS)) {
            if (progress != null) {
                progress.accept(String.format(java.util.Locale.ROOT, "[%6.1f s] camera: %d frames published, %d deferred at the camera",
                    p.elapsedSeconds(), p.framesProduced(), p.framesDeferred()));
            }
        }
        return new Sent(source.placements().size(), p.framesProduced(), p.framesDeferred(), p.backPressuredOffers(), p.elapsedSeconds());
    }

    @Override
    public void close() {
        source.close();
        transport.close();
    }
}
