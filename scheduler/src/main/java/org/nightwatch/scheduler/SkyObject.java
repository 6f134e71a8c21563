package org.nightwatch.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.PastDetection;

/**
 * An astrophysical object as the scheduler knows it: the detections associated with it across visits,
 * its position (the S/N-weighted mean of its detections), what it is taken for, and its alert state.
 * Owned by one {@link Scheduler}; not thread-safe.
 */
public final class SkyObject {
    /** What the scheduler takes an object for. */
    public enum Kind {
        /** New light: no point source in the reference at its position, not moving. */
        TRANSIENT,
        /** Varies about a point source of the reference, or fades below it: most likely a variable star. */
        VARIABLE,
        /** Within the association radius of an entry in the user's catalogue of known variables: set aside. */
        KNOWN_VARIABLE,
        /** Its detections move consistently from visit to visit: a solar-system body. */
        MOVING;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static Kind ofWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    private final String id;
    private final int sensor;
    private final int field;
    private final List<PastDetection> detections = new ArrayList<>();
    private double ra;
    private double dec;
    private double weight;
    private Kind kind = Kind.TRANSIENT;
    private String host = HostContext.NONE;
    private double hostSnr;
    private String knownAs;
    private Candidate latest;
    private boolean alerted;
    private boolean retracted;
    private Alert lastAlert;

    public SkyObject(String id, int sensor, int field, double ra, double dec) {
        this.id = id;
        this.sensor = sensor;
        this.field = field;
        this.ra = ra;
        this.dec = dec;
    }

    /** The stable id of the object first seen as {@code firstCandidateId}. */
    public static String idOf(String firstCandidateId) {
        return "NW-" + firstCandidateId;
    }

    void add(Candidate c) {
        latest = c;
        restore(PastDetection.of(c));
    }

    /** Adds a detection without its cutout (as read back from the database). */
    void restore(PastDetection d) {
        detections.add(d);
        double w = Math.max(1, d.snr() * d.snr());
        if (weight == 0) {
            ra = d.ra();
            dec = d.dec();
        } else {
            // a weighted mean on the sphere; positions within arcseconds, so RA can be averaged once wrapped to ours
            double dra = d.ra() - ra;
            dra = dra > 180 ? dra - 360 : dra < -180 ? dra + 360 : dra;
            ra = ((ra + dra * w / (weight + w)) % 360 + 360) % 360;
            dec = dec + (d.dec() - dec) * w / (weight + w);
        }
        weight += w;
    }

    public String id() {
        return id;
    }

    public int sensor() {
        return sensor;
    }

    public int field() {
        return field;
    }

    public double ra() {
        return ra;
    }

    public double dec() {
        return dec;
    }

    public List<PastDetection> detections() {
        return Collections.unmodifiableList(detections);
    }

    public PastDetection first() {
        return detections.get(0);
    }

    public PastDetection last() {
        return detections.get(detections.size() - 1);
    }

    /** The latest candidate with its cutout (null for an object restored from the database until it is seen again). */
    public Candidate latest() {
        return latest;
    }

    public Kind kind() {
        return kind;
    }

    void kind(Kind k) {
        kind = k;
    }

    public String host() {
        return host;
    }

    /**
     * Takes the host reading of detection {@code c} when it is the most significant positive detection
     * with a cutout so far (the reading of a faint detection is the least sure).
     */
    void readHost(Candidate c, HostContext context) {
        if (c.sign() > 0 && c.cutout() != null && Math.abs(c.snr()) >= hostSnr) {
            host = context.run(c.cutout(), c.fwhm()).host();
            hostSnr = Math.abs(c.snr());
        }
    }

    void host(String h) {
        host = h;
    }

    /** The catalogue name of the known variable it matched, or null. */
    public String knownAs() {
        return knownAs;
    }

    void knownAs(String name) {
        knownAs = name;
    }

    public boolean alerted() {
        return alerted;
    }

    public boolean retracted() {
        return retracted;
    }

    public Alert lastAlert() {
        return lastAlert;
    }

    void published(Alert a) {
        lastAlert = a;
        alerted = a.state() != Alert.State.RETRACTED;
        retracted = a.state() == Alert.State.RETRACTED;
    }

    /** The highest real/bogus score among its detections. */
    public double bestScore() {
        double b = 0;
        for (PastDetection d : detections) {
            b = Math.max(b, Double.isNaN(d.score()) ? 0 : d.score());
        }
        return b;
    }

    /** The highest |S/N| among its detections. */
    public double bestSnr() {
        double b = 0;
        for (PastDetection d : detections) {
            b = Math.max(b, Math.abs(d.snr()));
        }
        return b;
    }
}
