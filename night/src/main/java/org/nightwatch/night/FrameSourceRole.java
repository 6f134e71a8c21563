package org.nightwatch.night;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.NightManifest;
import org.nightwatch.camera.fits.NightRecorder;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.camera.sim.PreparedFrames;
import org.nightwatch.camera.sim.PreparedSky;
import org.nightwatch.camera.sim.SimulatedSky;
import org.nightwatch.camera.sim.SimulatedSurvey;
import org.nightwatch.camera.sim.SkySimulator;
import org.nightwatch.camera.source.FramePublisher;
import org.nightwatch.camera.source.FrameRecorder;
import org.nightwatch.camera.source.FrameSource;
import org.nightwatch.camera.source.Pacing;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The night's frame source: what the sensors will see, and the publisher that sends it over Aeron, one stream a
 * sensor. A simulated night renders its sky (truth, darks, references on demand) and its frames; a replay reads a
 * recorded night's files, with their times, pointings and headers. What crosses to the sensor workers is the frame
 * streams and files on disk (references, visit headers), nothing shared in memory.
 */
public final class FrameSourceRole implements NightSource {
    private static final Logger LOG = LoggerFactory.getLogger(FrameSourceRole.class);

    private final NightOptions options;
    private final DeploymentConfig config;
    private final CameraSettings camera;
    private final RecordedNight recorded;
    private final List<SensorPlacement> placements;
    private final int framesPerVisit;
    private final SkySimulator sim;
    private final SimulatedSurvey survey;
    private final PreparedSky preparedSky;
    private NightRecorder recorder;
    private FramePublisher publisher;

    /** Opens a replay's files, or sets up a simulated survey; a simulated night's truth is written now. */
    FrameSourceRole(DeploymentConfig config, NightOptions options) {
        this.config = config;
        this.options = options;
        this.camera = config.camera();
        this.recorded = options.replayDir() != null
            ? RecordedNight.open(options.replayDir(), options.replaySensors(), options.replayFrom()) : null;
        if (recorded != null) {
            recorded.problems().forEach(p -> LOG.error("replay: {}: skipped", p));
            if (recorded.manifest().width() != camera.width() || recorded.manifest().height() != camera.height()) {
                String why = recorded.layout().manifest() + ": frames of " + recorded.manifest().width() + "x" + recorded.manifest().height()
                    + ", this deployment's sensors are " + camera.width() + "x" + camera.height();
                recorded.close();
                throw new IllegalArgumentException(why);
            }
        }
        this.placements = recorded != null ? config.sensorsByIndex(recorded.sensors()) : config.sensors(options.sensors());
        this.framesPerVisit = recorded != null ? recorded.manifest().framesPerVisit() : config.framesPerVisit(options.mode());
        this.sim = new SkySimulator(camera.width(), camera.height(), camera.gain(), camera.readNoise(), camera.saturate(), options.seed());
        this.survey = new SimulatedSurvey(sim, SimulatedSurvey.Settings.from(config.config()), camera.seeingFwhmPx(),
            options.starsPerSensor(), framesPerVisit, camera.frameIntervalNs() / 1e9, options.visits(), config.pixelScaleArcsec(),
            options.seed());
        this.preparedSky = options.preparedSky() > 0 ? PreparedSky.render(survey, sim, placements, options.preparedSky(), framesPerVisit,
            Runtime.getRuntime().availableProcessors()) : null;
        Path skyDir = options.skyDir();
        if (skyDir != null && options.preparedFrames() == 0 && recorded == null && preparedSky == null) {
            survey.writeTruth(new NightLayout(skyDir).truth(), placements);
        }
    }

    @Override
    public List<SensorPlacement> placements() {
        return placements;
    }

    public int framesPerVisit() {
        return framesPerVisit;
    }

    @Override
    public RecordedNight recorded() {
        return recorded;
    }

    /** Whether what is observed was simulated (now, or recorded from a simulation): its VOEvents are tests. */
    @Override
    public boolean simulated() {
        return recorded == null || recorded.manifest().simulated();
    }

    @Override
    public int fields() {
        return preparedSky != null ? 1 : Math.min(survey.settings().fields(), options.visits());
    }

    /**
     * Writes the references of a simulated night into {@code sky} before its first frame (a replay brings its own).
     * Returns how a reference missing later is made: rendered on demand for a simulated night, none for a replay.
     */
    @Override
    public ReferenceLibrary.Maker writeReferences(NightLayout sky) {
        long t0 = System.nanoTime();
        if (preparedSky != null) {
            preparedSky.writeReferences(sky, placements);
            LOG.info("prepared sky: {} sensor skies shown by {} sensors, references written into {} in {} s", preparedSky.templates(),
                placements.size(), sky.root(), seconds(t0));
        } else if (recorded == null) {
            survey.writeSky(sky, placements, Runtime.getRuntime().availableProcessors());
            LOG.info("simulated references of {} sensors x {} fields rendered into {} in {} s", placements.size(), fields(), sky.root(),
                seconds(t0));
        }
        if (recorded != null || preparedSky != null) {
            return (sensor, field) -> null; // a replayed night has the references it recorded, and no others
        }
        Map<Integer, SensorPlacement> byIndex = new LinkedHashMap<>();
        placements.forEach(p -> byIndex.put(p.sensor().index(), p));
        return (sensor, field) -> {
            survey.writeDark(sky.root(), sensor);
            return byIndex.containsKey(sensor.index()) ? survey.writeReference(sky, byIndex.get(sensor.index()), field) : null;
        };
    }

    /** A replayed visit's own header values (GAIN, SATURATE, WCS); null for a simulated night, which has the configuration's. */
    @Override
    public java.util.function.BiFunction<SensorId, Long, VisitMetadata> visitHeaders() {
        RecordedNight rn = recorded;
        return rn == null ? null : (sensor, visit) -> rn.metadata(sensor.index(), visit);
    }

    /**
     * Makes the publisher of the night's frames on {@code transport} (a recording too, when the night is recorded); it
     * sends when {@link #start} is called. The first frame is due at {@code first}.
     */
    @Override
    public void connect(AeronTransport transport, Instant first, long notConnectedTimeoutNs,
                        java.util.function.Function<SensorId, org.nightwatch.actors.ingest.SensorLedger> ledgers) {
        FrameSource source = recorded != null ? recorded : preparedSky != null ? preparedSky : options.preparedFrames() > 0
            ? PreparedFrames.render(sim, options.preparedFrames(), camera.seeingFwhmPx(), options.starsPerSensor())
            : new SimulatedSky(sim, survey).warmUp().prepare(placements.stream().map(p -> p.sensor().index()).toList(), 0);
        if (options.recordDir() != null && recorded == null) {
            NightManifest manifest = new NightManifest(NightManifest.FORMAT_VERSION, NightManifest.Site.KISO,
                LocalDate.ofInstant(first, ZoneOffset.ofHours(9)).toString(), options.mode().cliName(), framesPerVisit,
                camera.frameRateHz(), camera.width(), camera.height(), placements.stream().map(p -> p.sensor().index()).toList(), true);
            this.recorder = new NightRecorder(new NightLayout(options.recordDir()), manifest, camera.gain(), camera.readNoise(),
                camera.saturate(), config.pixelScaleArcsec());
        }
        this.publisher = new FramePublisher(new FramePublisher.Plan(placements, options.visits(), options.mode(), framesPerVisit,
            options.pacing(), camera.width(), camera.height(), Math.round(camera.frameIntervalNs() / options.speedFactor()),
            first.toEpochMilli() * 1_000_000L, camera.sourceQueueFrames(), options.renderThreads(), camera.sendBatchBlocks(),
            notConnectedTimeoutNs, options.sensorDiesAfter(), survey.settings().fields()), transport, source,
            recorder != null ? recorder : FrameRecorder.NONE);
    }

    /** Starts sending (the observatory's call, when the night starts). */
    @Override
    public void start() {
        publisher.start();
    }

    /** Stops sending: each stream ends after what was sent. */
    @Override
    public void stop() {
        publisher.stop();
    }

    /** Whether every sensor's stream has a subscriber. */
    @Override
    public boolean allConnected() {
        return publisher.allConnected();
    }

    /** What the publisher has done so far: frames, back-pressure, its threads' CPU time. */
    public FramePublisher publisher() {
        return publisher;
    }

    @Override
    public boolean isDone() {
        return publisher.isDone();
    }

    @Override
    public long framesPublished() {
        return publisher.framesProduced();
    }

    @Override
    public double elapsedSeconds() {
        return publisher.elapsedSeconds();
    }

    @Override
    public long backPressuredOffers() {
        return publisher.backPressuredOffers();
    }

    @Override
    public boolean records() {
        return recorder != null;
    }

    @Override
    public long framesRecorded() {
        return recorder != null ? recorder.framesRecorded() : 0;
    }

    @Override
    public String pacing() {
        return options.pacing().name().toLowerCase(Locale.ROOT)
            + (options.pacing() == Pacing.REALTIME && options.speedFactor() != 1 ? " x" + options.speedFactor() : "");
    }

    private static String seconds(long t0) {
        return String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() {
        if (publisher != null) {
            publisher.close();
        }
        if (recorded != null) {
            recorded.close();
        }
    }
}
