package org.nightwatch.scheduler;

import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.PastDetection;

/**
 * An alert as a VOEvent 2.0 document (IVOA Recommendation, 2011), the form GCN and the VOEvent brokers
 * carry: Who (author, date), What (the alert's fields as Params, the rank score's parts and the follow-up
 * window as Groups, the object's history as a Table), WhereWhen (ICRS position and UTC time at the
 * site), How, Why (what the scheduler takes the object for, with the classifier's score as its
 * probability) and Citations (an update supersedes the object's previous alert; a retraction retracts it).
 *
 * <p>Dates are the detection's time, not the time of writing, so the same night gives the same files.
 */
public final class VoEvent {
    public static final String NAMESPACE = "http://www.ivoa.net/xml/VOEvent/v2.0";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

    private final String authority;
    private final String role;
    private final String site;
    private final double pixelScaleArcsec;
    private final double floorArcsec;

    /**
     * @param authority the IVORN stem of this publisher, e.g. {@code ivo://nightwatch.kiso}
     * @param role      {@code observation} for a live night, {@code test} for simulated ones
     */
    public VoEvent(String authority, String role, String site, double pixelScaleArcsec, double floorArcsec) {
        if (!authority.startsWith("ivo://") || authority.contains("#")) {
            throw new IllegalArgumentException("voevent authority '" + authority + "': must be ivo://AUTHORITY[/PATH] without '#'");
        }
        if (!java.util.Set.of("observation", "prediction", "utility", "test").contains(role)) {
            throw new IllegalArgumentException("voevent role '" + role + "': must be observation, prediction, utility or test");
        }
        this.authority = authority;
        this.role = role;
        this.site = site;
        this.pixelScaleArcsec = pixelScaleArcsec;
        this.floorArcsec = floorArcsec;
    }

    /** The IVORN of an alert: the authority, '#', the alert's id. */
    public String ivorn(String alertId) {
        return authority + "#" + alertId;
    }

    /**
     * The document for {@code a}; {@code previous} is the object's earlier alert this one supersedes or
     * retracts (null for the first).
     */
    public String write(Alert a, String previousAlertId) {
        StringWriter out = new StringWriter(8192);
        try {
            XMLStreamWriter x = XML.createXMLStreamWriter(out);
            Candidate c = a.candidate();
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.setPrefix("voe", NAMESPACE);
            x.writeStartElement("voe", "VOEvent", NAMESPACE);
            x.writeNamespace("voe", NAMESPACE);
            x.writeNamespace("xsi", XSI);
            x.writeAttribute(XSI, "schemaLocation", NAMESPACE + " http://www.ivoa.net/xml/VOEvent/VOEvent-v2.0.xsd");
            x.writeAttribute("version", "2.0");
            x.writeAttribute("role", role);
            x.writeAttribute("ivorn", ivorn(a.id()));

            x.writeStartElement("Who");
            text(x, "AuthorIVORN", authority);
            text(x, "Date", iso(c.mjd()));
            x.writeStartElement("Author");
            text(x, "shortName", "nightwatch");
            text(x, "title", "nightwatch transient alerts, " + site);
            x.writeEndElement();
            x.writeEndElement();

            x.writeStartElement("What");
            param(x, "alert_id", a.id(), null, "meta.id", "string");
            param(x, "object_id", a.objectId(), null, "meta.id;src", "string");
            param(x, "state", a.state().wire(), null, "meta.code.status", "string");
            param(x, "kind", a.kind(), null, "src.class", "string");
            if (a.reason() != null) {
                param(x, "reason", a.reason(), null, "meta.note", "string");
            }
            param(x, "schema_version", Integer.toString(Alert.SCHEMA_VERSION), null, "meta.version", "int");
            param(x, "rank", Integer.toString(a.rank()), null, "meta.number", "int");
            param(x, "rank_score", num(a.rankScore()), null, "meta.code.qual", "float");
            param(x, "real_bogus", num(c.score()), null, "stat.probability", "float");
            param(x, "model", c.modelVersion() == null ? "" : c.modelVersion(), null, "meta.id", "string");
            param(x, "host", a.host(), null, "src.class", "string");
            // a caught-up visit's alert says how late it is (0: processed live)
            param(x, "late_s", num(a.lateS()), "s", "time.interval", "float");
            param(x, "candidate_id", c.id(), null, "meta.id", "string");
            param(x, "sensor", Integer.toString(c.sensor()), null, "meta.id;instr.det", "int");
            param(x, "visit", Long.toString(c.visit()), null, "meta.id;obs", "int");
            param(x, "field", Integer.toString(c.field()), null, "meta.id;obs.field", "int");
            param(x, "mag", num(c.mag()), "mag", "phot.mag", "float");
            param(x, "mag_err", num(c.magErr()), "mag", "stat.error;phot.mag", "float");
            param(x, "flux", num(c.flux()), "adu", "phot.flux", "float");
            param(x, "flux_err", num(c.fluxErr()), "adu", "stat.error;phot.flux", "float");
            param(x, "snr", num(c.snr()), null, "stat.snr", "float");
            param(x, "fwhm", num(c.fwhm()), "pix", "phys.size", "float");
            param(x, "sign", Integer.toString(c.sign()), null, "meta.code", "int");

            x.writeStartElement("Group");
            x.writeAttribute("name", "rank_score_parts");
            x.writeAttribute("type", "score_parts");
            for (java.util.Map.Entry<String, Double> p : a.parts().entrySet()) {
                x.writeStartElement("Param");
                x.writeAttribute("name", p.getKey());
                x.writeAttribute("value", num(p.getValue()));
                x.writeAttribute("dataType", "float");
                text(x, "Description", "weight " + num(a.weights().getOrDefault(p.getKey(), Double.NaN)));
                x.writeEndElement();
            }
            x.writeEndElement();

            if (a.window() != null) {
                Alert.Window w = a.window();
                x.writeStartElement("Group");
                x.writeAttribute("name", "follow_up_window");
                x.writeAttribute("type", "observability");
                param(x, "start", iso(w.startMjd()), null, "time.start", "string");
                param(x, "end", iso(w.endMjd()), null, "time.end", "string");
                param(x, "best", iso(w.bestMjd()), null, "time", "string");
                param(x, "min_airmass", num(w.minAirmass()), null, "obs.airMass", "float");
                param(x, "moon_separation", num(w.moonSepDeg()), "deg", "pos.angDistance", "float");
                x.writeEndElement();
            }

            x.writeStartElement("Table");
            x.writeAttribute("name", "history");
            x.writeAttribute("type", "light_curve");
            field(x, "mjd", "d", "time.epoch");
            field(x, "mag", "mag", "phot.mag");
            field(x, "mag_err", "mag", "stat.error;phot.mag");
            field(x, "flux", "adu", "phot.flux");
            field(x, "snr", null, "stat.snr");
            field(x, "real_bogus", null, "stat.probability");
            field(x, "candidate_id", null, "meta.id");
            x.writeStartElement("Data");
            for (PastDetection d : a.history()) {
                x.writeStartElement("TR");
                text(x, "TD", num(d.mjd()));
                text(x, "TD", num(d.mag()));
                text(x, "TD", num(d.magErr()));
                text(x, "TD", num(d.flux()));
                text(x, "TD", num(d.snr()));
                text(x, "TD", num(d.score()));
                text(x, "TD", d.candidateId());
                x.writeEndElement();
            }
            x.writeEndElement();
            x.writeEndElement();
            x.writeEndElement(); // What

            x.writeStartElement("WhereWhen");
            x.writeStartElement("ObsDataLocation");
            x.writeStartElement("ObservatoryLocation");
            x.writeAttribute("id", site);
            x.writeEndElement();
            x.writeStartElement("ObservationLocation");
            x.writeStartElement("AstroCoordSystem");
            x.writeAttribute("id", "UTC-ICRS-TOPO");
            x.writeEndElement();
            x.writeStartElement("AstroCoords");
            x.writeAttribute("coord_system_id", "UTC-ICRS-TOPO");
            x.writeStartElement("Time");
            x.writeAttribute("unit", "s");
            x.writeStartElement("TimeInstant");
            text(x, "ISOTime", iso(c.mjd()));
            x.writeEndElement();
            x.writeEndElement();
            x.writeStartElement("Position2D");
            x.writeAttribute("unit", "deg");
            text(x, "Name1", "RA");
            text(x, "Name2", "Dec");
            x.writeStartElement("Value2");
            text(x, "C1", num(c.ra()));
            text(x, "C2", num(c.dec()));
            x.writeEndElement();
            text(x, "Error2Radius", num(errorRadiusDeg(c)));
            x.writeEndElement();
            x.writeEndElement(); // AstroCoords
            x.writeEndElement(); // ObservationLocation
            x.writeEndElement(); // ObsDataLocation
            x.writeEndElement(); // WhereWhen

            x.writeStartElement("How");
            text(x, "Description", "Wide-field CMOS survey images stacked per visit, PSF-matched difference against a reference, "
                + "candidates scored by a convolutional real/bogus classifier, associated into objects and ranked by nightwatch.");
            x.writeEndElement();

            x.writeStartElement("Why");
            x.writeAttribute("importance", num(Math.max(0, Math.min(1, a.rankScore()))));
            x.writeStartElement("Inference");
            if (Double.isFinite(c.score())) {
                x.writeAttribute("probability", num(Math.max(0, Math.min(1, c.score()))));
            }
            x.writeAttribute("relation", "identified");
            text(x, "Name", a.objectId());
            text(x, "Concept", concept(a.kind()));
            x.writeEndElement();
            x.writeEndElement();

            if (previousAlertId != null) {
                x.writeStartElement("Citations");
                x.writeStartElement("EventIVORN");
                x.writeAttribute("cite", a.state() == Alert.State.RETRACTED ? "retraction" : "supersedes");
                x.writeCharacters(ivorn(previousAlertId));
                x.writeEndElement();
                if (a.reason() != null) {
                    text(x, "Description", a.reason());
                }
                x.writeEndElement();
            }

            x.writeEndElement(); // VOEvent
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("alert " + a.id() + " cannot be written as a VOEvent: " + e.getMessage(), e);
        }
        return out.append('\n').toString();
    }

    /** 1-sigma position error: the centroid's (FWHM / (2.355 S/N)) and the astrometric floor, in quadrature. */
    private double errorRadiusDeg(Candidate c) {
        double fwhm = Double.isFinite(c.fwhm()) ? c.fwhm() : 2.5;
        double centroid = Math.abs(c.snr()) > 0 ? fwhm / (2.355 * Math.abs(c.snr())) * pixelScaleArcsec : pixelScaleArcsec;
        return Math.hypot(centroid, floorArcsec) / 3600;
    }

    private static String concept(String kind) {
        return switch (kind) {
            case "transient" -> "Transient source (supernova, nova, or other explosive or eruptive event)";
            case "variable", "known_variable" -> "Variable star";
            case "moving" -> "Solar system object";
            default -> kind;
        };
    }

    static String iso(double mjd) {
        long millis = Math.round((mjd - 40587.0) * 86_400_000.0);
        return ISO.format(Instant.ofEpochMilli(millis));
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "NaN";
    }

    private static void text(XMLStreamWriter x, String element, String value) throws XMLStreamException {
        x.writeStartElement(element);
        x.writeCharacters(value);
        x.writeEndElement();
    }

    private static void param(XMLStreamWriter x, String name, String value, String unit, String ucd, String type) throws XMLStreamException {
        x.writeStartElement("Param");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value);
        if (unit != null) {
            x.writeAttribute("unit", unit);
        }
        x.writeAttribute("ucd", ucd);
        x.writeAttribute("dataType", type);
        x.writeEndElement();
    }

    private static void field(XMLStreamWriter x, String name, String unit, String ucd) throws XMLStreamException {
        x.writeStartElement("Field");
        x.writeAttribute("name", name);
        if (unit != null) {
            x.writeAttribute("unit", unit);
        }
        x.writeAttribute("ucd", ucd);
        x.writeEndElement();
    }
}
