package org.nightwatch.night;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.nightwatch.actors.diff.ReferenceLibrary;
import org.nightwatch.actors.ingest.SensorLedger;
import org.nightwatch.camera.aeron.AeronTransport;
import org.nightwatch.camera.fits.NightLayout;
import org.nightwatch.camera.fits.RecordedNight;
import org.nightwatch.camera.fits.VisitMetadata;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;

/**
 * Where a night's frames come from, as the rest of the night sees it: the sensors it observes, the references it
 * brings, and how far the camera has got. In this process ({@link FrameSourceRole}: a simulated camera or a replay) or
 * in another ({@link ExternalCamera}: {@code nightwatch observe}, the telescope's acquisition computers).
 */
interface NightSource extends AutoCloseable {
    /** The sensors this night observes, in the focal plane's layout. */
    List<SensorPlacement> placements();

    default List<SensorId> sensors() {
        return placements().stream().map(SensorPlacement::sensor).toList();
    }

    /** How many fields each sensor visits, so how many references each needs before the night. */
    int fields();

    /** The recorded night being replayed (null: none). */
    RecordedNight recorded();

    /** Whether what is observed was simulated: its VOEvents are tests. */
    boolean simulated();

    /**
     * Writes the references this night's source makes into {@code sky} (a simulated sky's) before its first frame, and
     * returns how a reference missing later is made (one that makes none: a replay, a live camera).
     */
    ReferenceLibrary.Maker writeReferences(NightLayout sky);

    /** A visit's own header values (GAIN, SATURATE, WCS); null: the configuration's. */
    BiFunction<SensorId, Long, VisitMetadata> visitHeaders();

    /**
     * Connects the source to the frame transport; the first frame is due at {@code first}. {@code ledgers}: each sensor's
     * books, for a source that learns what was published from the streams themselves.
     */
    void connect(AeronTransport transport, Instant first, long notConnectedTimeoutNs, Function<SensorId, SensorLedger> ledgers);

    /** The night starts (the observatory's call). */
    void start();

    /** The operator's stop: the streams end after what was sent. */
    void stop();

    /** Whether every sensor's stream has its subscriber, so that the camera may start. */
    boolean allConnected();

    /** Whether every sensor's stream has ended. */
    boolean isDone();

    /** Frames published so far (sent or deferred at the camera). */
    long framesPublished();

    /** Seconds since the night started. */
    double elapsedSeconds();

    /** Offers the camera found back-pressured (as far as this process knows them). */
    long backPressuredOffers();

    /** Whether the night's frames are recorded as they are published (--record). */
    boolean records();

    long framesRecorded();

    /** How the frames are paced, as the summary says it. */
    String pacing();

    @Override
    void close();
}
