package org.nightwatch.night;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.FrameFate;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

/**
 * The camera of a live night ({@code nightwatch observe}): another process, on this machine or another, that publishes
 * the sensors' frames on the frame channel (the telescope's acquisition computers, or {@code nightwatch camera}). This
 * side knows only what the streams say: what was published comes from each sensor's end-of-stream (and, before it,
 * from the frames seen), and a stream's end is the camera's word that the sensor is done. The references are read
 * from a directory in the recorded-night layout; none is made.
 */
final class ExternalCamera implements NightSource {
    private final List<SensorPlacement> placements;
    private final Path references;
    private final String channel;
    private Function<SensorId, SensorLedger> ledgers;
    private volatile long startedNanos;
    private volatile boolean stopped;

    ExternalCamera(DeploymentConfig config, NightOptions options) {
        this.references = options.observeReferences();
        this.placements = options.observeSensors() != null ? config.sensorsByIndex(options.observeSensors())
            : config.sensors(options.sensors());
        this.channel = config.camera().aeron().channel();
        if (channel.startsWith("aeron:ipc")) {
            throw new IllegalArgumentException("nightwatch observe takes frames from another process: nightwatch.camera.aeron.channel "
                + "must be a UDP channel (aeron:udp?control=CAMERA_HOST:PORT|control-mode=dynamic), not " + channel);
        }
        if (!Files.isDirectory(references.resolve("references"))) {
            throw new IllegalArgumentException(references + ": no references/ directory (the recorded-night layout: "
                + "references/sensor-NN/field-FFFFF.fits, calibration/sensor-NN/dark.fits)");
        }
    }

    @Override
    public List<SensorPlacement> placements() {
        return placements;
    }

    /** The fields the reference library has for the first sensor, so that their references are prepared before the night. */
    @Override
    public int fields() {
        Path dir = new NightLayout(references).referenceFile(placements.get(0).sensor(), 0).getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(f -> f.getFileName().toString().matches("field-\\d{5}\\.fits")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RecordedNight recorded() {
        return null;
    }

    /** A live night's alerts are real: its VOEvents are observations. */
    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public ReferenceLibrary.Maker writeReferences(NightLayout sky) {
        return (sensor, field) -> null;
    }

    @Override
    public BiFunction<SensorId, Long, VisitMetadata> visitHeaders() {
        return null;
    }

    @Override
    public void connect(AeronTransport transport, Instant first, long notConnectedTimeoutNs, Function<SensorId, SensorLedger> ledgers) {
        this.ledgers = ledgers;
    }

    @Override
    public void start() {
        startedNanos = System.nanoTime();
    }

    /** The camera is not ours to stop: the night stops listening ({@link NightRunner} ends the sensors' streams). */
    @Override
    public void stop() {
        stopped = true;
    }

    /** The sensors subscribe as their actors start; the camera sends when it sees them. */
    @Override
    public boolean allConnected() {
        return true;
    }

    /** Every sensor's stream has ended (its end-of-stream came), or the operator stopped the night. */
    @Override
    public boolean isDone() {
        if (stopped) {
            return true;
        }
        for (SensorPlacement p : placements) {
            if (!ledgers.apply(p.sensor()).ended()) {
                return false;
            }
        }
        return true;
    }

    /**
     * What the camera published: a sensor's end-of-stream says it; before that, at least every frame seen or accounted
     * (received, lost on the way, deferred at the camera).
     */
    @Override
    public long framesPublished() {
        long n = 0;
        for (SensorPlacement p : placements) {
            SensorLedger l = ledgers.apply(p.sensor());
            long said = l.published();
            n += said >= 0 ? said : Math.max(l.accounted(), l.framesReceived().get() + l.count(FrameFate.DEFERRED_AT_SOURCE));
        }
        return n;
    }

    @Override
    public double elapsedSeconds() {
        long t = startedNanos;
        return t == 0 ? 0 : (System.nanoTime() - t) / 1e9;
    }

    /** The camera's back-pressure is its own, in its process. */
    @Override
    public long backPressuredOffers() {
        return 0;
    }

    @Override
    public boolean records() {
        return false;
    }

    @Override
    public long framesRecorded() {
        return 0;
    }

    @Override
    public String pacing() {
        return "live from " + channel;
    }

    /** Where the night's references are, for its database's key. */
    String key() {
        return "observe " + references.toAbsolutePath().normalize() + " sensors="
            + placements.stream().map(p -> String.valueOf(p.sensor().index())).toList();
    }

    @Override
    public void close() {
        // nothing held: the streams are the sensors'
    }
}
