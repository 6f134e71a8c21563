package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The night's alert files: Avro packets valid against the schema in protocol that read back to the same
 * alert, VOEvent documents valid against IVOA's VOEvent 2.0 schema (from org.javastro.ivoa:ivoa-schema),
 * and files that a resumed night writes again when a crash left them out.
 */
class AlertFormatsTest {
    @TempDir
    Path dir;

    private final List<Alert> alerts = new ArrayList<>();
    private final SchedulerSettings settings = SchedulerTest.settings("nightwatch.scheduler.alert-min-detections = 1");

    /** A transient alerted, then updated; a second object alerted and then retracted as moving. */
    @BeforeEach
    void night() {
        Scheduler s = new Scheduler(settings, KnownVariables.none(2));
        double t = Cands.MJD;
        double arcsec = 1 / 3600.0;
        alerts.addAll(s.run(List.of(Cands.at("S1-V1-0", 1, 1, t, 10, 20, 30, 17, 0.97, HostContext.GALAXY),
            Cands.at("S3-V1-0", 3, 1, t, 11, 20, 20, 17.5, 0.95, HostContext.NONE))).alerts());
        // the second object's next two detections (scored below the alert score: not alerted themselves) line up
        // with it at a steady rate: a moving object, and its alert is retracted
        alerts.addAll(s.run(List.of(Cands.at("S1-V5-0", 1, 5, t + 0.01, 10, 20, 45, 16.6, 0.98, HostContext.GALAXY),
            Cands.at("S3-V5-0", 3, 5, t + 0.01, 11, 20 + 10 * arcsec, 20, 17.6, 0.6, HostContext.NONE))).alerts());
        alerts.addAll(s.run(List.of(Cands.at("S3-V9-0", 3, 9, t + 0.02, 11, 20 + 20 * arcsec, 20, 17.6, 0.6, HostContext.NONE)))
            .alerts());
        assertEquals(List.of(Alert.State.NEW, Alert.State.NEW, Alert.State.UPDATED, Alert.State.RETRACTED),
            alerts.stream().map(Alert::state).toList());
    }

    private AlertOutputs outputs() {
        return new AlertOutputs(dir, new AlertOutputs.Formats(true, settings.voEvent(true)));
    }

    @Test
    void avroPacketsValidateAgainstTheSchemaAndReadBackToTheSameAlert() throws Exception {
        try (AlertOutputs out = outputs()) {
            out.write(alerts);
            assertEquals(4, out.avroFiles());
            for (Alert a : alerts) {
                List<GenericRecord> records = AlertAvro.readRecords(out.avroFile(a.id()));
                assertEquals(1, records.size());
                GenericRecord r = records.get(0);
                assertEquals(AlertAvro.schema(), r.getSchema(), "written with the schema in protocol, which the file carries");
                assertTrue(GenericData.get().validate(AlertAvro.schema(), r));
                Alert back = AlertAvro.alert(r);
                assertSame(a, back);
                assertArrayEquals(a.candidate().cutout(), back.candidate().cutout(), "float32 cutouts survive FITS exactly");

                // each cutout a gzip-compressed FITS file naming its candidate and channel; the three headers alike but
                // for the channel, card for card
                List<String> keys = null;
                for (int ch = 0; ch < 3; ch++) {
                    String channel = Candidate.CHANNELS[ch];
                    GenericRecord cut = (GenericRecord) r.get("cutout_" + channel);
                    ByteBuffer b = (ByteBuffer) cut.get("stamp_data");
                    byte[] gz = new byte[b.remaining()];
                    b.duplicate().get(gz);
                    assertEquals(0x1f, gz[0] & 0xff, "gzip magic");
                    try (Fits f = new Fits(new GZIPInputStream(new ByteArrayInputStream(gz)))) {
                        Header h = f.readHDU().getHeader();
                        assertEquals(29, h.getIntValue("NAXIS1"));
                        assertEquals(29, h.getIntValue("NAXIS2"));
                        assertEquals(-32, h.getIntValue("BITPIX"));
                        assertEquals(channel, h.getStringValue("CHANNEL"));
                        assertEquals(a.candidate().id(), h.getStringValue("CANDID"));
                        assertEquals(a.candidate().x() + 1, h.getDoubleValue("CENTERX"), 1e-9, "FITS 1-based, as every output");
                        List<String> these = new ArrayList<>();
                        h.iterator().forEachRemaining(card -> these.add(card.getKey()));
                        if (keys == null) {
                            keys = these;
                        }
                        assertEquals(keys, these, channel + ": the same cards in the same order as the reference's");
                    }
                    assertEquals(AlertAvro.fileSafe(a.candidate().id()) + "_" + channel + ".fits.gz", cut.get("file_name").toString());
                }
                GenericRecord c = (GenericRecord) r.get("candidate");
                assertEquals(a.candidate().x() + 1, (Double) c.get("x"), 1e-9, "x in the FITS convention (version 3)");
                assertEquals(a.candidate().y() + 1, (Double) c.get("y"), 1e-9);
            }
            // the single-object encoding of the alert stream: the same alert, and nothing else accepted
            Alert a = alerts.get(2);
            assertSame(a, AlertAvro.decode(AlertAvro.encode(a)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AlertAvro.decode("{\"id\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("not a nightwatch alert message"), e.getMessage());
        }
    }

    @Test
    void theFormatsWarmedUpBeforeTheNightLeaveNoMadeUpAlertInItsOutputs() throws Exception {
        try (AlertOutputs out = outputs()) {
            AlertOutputs.FormatsWarmUp warm = out.compilerBeforeTheNight();
            int made = WarmUp.scheduler(SchedulerTest.settings(""), Cands.MJD, 10, 30, false, warm);
            assertTrue(made > 0, "the scheduler's warm-up alerts");
            assertEquals(made, warm.alerts(), "each of them through the formats");
            assertTrue(warm.bytes() > made * 3L * 29 * 29, "every format made, cutouts included");
            assertEquals(0, out.size());
            out.write(alerts);
            assertEquals(4, out.size(), "the night's own alerts, and only those");
            assertEquals(4, out.avroFiles());
            assertEquals(4, out.voeventFiles());
            for (String sub : List.of(AlertOutputs.AVRO_DIR, AlertOutputs.VOEVENT_DIR)) {
                try (var files = Files.list(dir.resolve(sub))) {
                    assertEquals(4, files.count(), sub);
                }
            }
            String first = Files.readString(out.voeventFile(alerts.get(0).id()));
            assertFalse(first.contains("warm-up"), "a night's first VOEvent cites nothing made up before it");
            assertFalse(Files.readString(out.jsonLines()).contains("warm-up"));
        }
    }

    @Test
    void pixelPositionsAreOneBasedInEveryFormatAndOlderAlertsReadBackUnchanged() throws Exception {
        Alert a = alerts.get(0);
        com.fasterxml.jackson.databind.node.ObjectNode json = AlertJson.tree(a, false);
        assertEquals(3, json.get("schema_version").asInt());
        assertEquals(a.candidate().x() + 1, json.get("candidate").get("x").asDouble(), 1e-9, "as candidates.csv and truth.csv have it");
        assertEquals(a.candidate().x(), AlertJson.read(json).candidate().x(), 1e-9);
        // an alert of version 2 (0-based) written before: read back at the same place
        json.put("schema_version", 2);
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("candidate")).put("x", a.candidate().x());
        assertEquals(a.candidate().x(), AlertJson.read(json).candidate().x(), 1e-9);
        GenericRecord r = AlertAvro.record(a);
        r.put("schema_version", 2);
        ((GenericRecord) r.get("candidate")).put("x", a.candidate().x());
        assertEquals(a.candidate().x(), AlertAvro.alert(r).candidate().x(), 1e-9);
    }

    private static void assertSame(Alert a, Alert back) {
        assertEquals(a.id(), back.id());
        assertEquals(a.objectId(), back.objectId());
        assertEquals(a.state(), back.state());
        assertEquals(a.kind(), back.kind());
        assertEquals(a.reason(), back.reason());
        assertEquals(a.rank(), back.rank());
        assertEquals(a.rankScore(), back.rankScore());
        assertEquals(a.parts(), back.parts());
        assertEquals(a.weights(), back.weights());
        assertEquals(a.history(), back.history());
        assertEquals(a.window(), back.window());
        assertEquals(a.host(), back.host());
        Candidate c = a.candidate();
        Candidate d = back.candidate();
        assertEquals(List.of(c.id(), c.sensor(), c.visit(), c.field(), c.mjd(), c.x(), c.y(), c.ra(), c.dec(), c.flux(), c.fluxErr(),
                c.snr(), c.mag(), c.magErr(), c.fwhm(), c.elongation(), c.sign(), c.flags(), c.score(), c.modelVersion()),
            List.of(d.id(), d.sensor(), d.visit(), d.field(), d.mjd(), d.x(), d.y(), d.ra(), d.dec(), d.flux(), d.fluxErr(),
                d.snr(), d.mag(), d.magErr(), d.fwhm(), d.elongation(), d.sign(), d.flags(), d.score(), d.modelVersion()));
    }

    private static Validator voevent20() throws SAXException {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        Schema schema = f.newSchema(AlertFormatsTest.class.getResource("/schema/VOEvent-2.0.xsd"));
        return schema.newValidator();
    }

    @Test
    void voeventsValidateAgainstTheVoEvent20SchemaAndCiteWhatTheySupersedeOrRetract() throws Exception {
        Validator validator = voevent20();
        try (AlertOutputs out = outputs()) {
            out.write(alerts);
            assertEquals(4, out.voeventFiles());
            for (Alert a : alerts) {
                String xml = Files.readString(out.voeventFile(a.id()));
                validator.validate(new StreamSource(new StringReader(xml)));
                Document doc = DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
                Element root = doc.getDocumentElement();
                assertEquals("2.0", root.getAttribute("version"));
                assertEquals("test", root.getAttribute("role"), "a simulated night's events are tests");
                assertEquals("ivo://nightwatch.kiso/alerts#" + a.id(), root.getAttribute("ivorn"));
                String cites = doc.getElementsByTagName("EventIVORN").getLength() == 0 ? null
                    : ((Element) doc.getElementsByTagName("EventIVORN").item(0)).getAttribute("cite") + " "
                        + doc.getElementsByTagName("EventIVORN").item(0).getTextContent();
                switch (a.state()) {
                    case NEW -> assertNull(cites, a.id());
                    case UPDATED -> assertEquals("supersedes ivo://nightwatch.kiso/alerts#" + alerts.get(0).id(), cites);
                    case RETRACTED -> assertEquals("retraction ivo://nightwatch.kiso/alerts#" + alerts.get(1).id(), cites);
                }
                double ra = Double.parseDouble(doc.getElementsByTagName("C1").item(0).getTextContent());
                assertEquals(a.candidate().ra(), ra, 1e-9);
            }
            // the validator does refuse what is not VOEvent 2.0
            String wrong = Files.readString(out.voeventFile(alerts.get(0).id())).replace("version=\"2.0\"", "version=\"1.1\"");
            assertThrows(SAXException.class, () -> validator.validate(new StreamSource(new StringReader(wrong))));
        }
    }

    @Test
    void aResumedNightWritesTheFilesACrashLeftOutAndNothingTwice() throws IOException {
        try (AlertStore store = AlertStore.open("", "", "", dir)) {
            Scheduler s = new Scheduler(settings, KnownVariables.none(2));
            double t = Cands.MJD;
            Scheduler.Result first = s.run(List.of(Cands.at("S1-V1-0", 1, 1, t, 10, 20, 30, 17, 0.97, HostContext.GALAXY)));
            Scheduler.Result second = s.run(List.of(Cands.at("S1-V5-0", 1, 5, t + 0.01, 10, 20, 45, 16.6, 0.98, HostContext.GALAXY)));
            store.commit(first);
            store.commit(second);
            String updateXml;
            try (AlertOutputs out = outputs()) {
                out.write(first.alerts());
                out.write(second.alerts());
                updateXml = Files.readString(out.voeventFile(second.alerts().get(0).id()));
                // a crash between the commit and the files: the update's files are gone, the first's Avro file empty
                Files.delete(out.voeventFile(second.alerts().get(0).id()));
                Files.delete(out.avroFile(second.alerts().get(0).id()));
                Files.write(out.avroFile(first.alerts().get(0).id()), new byte[0]);
            }
            try (AlertOutputs out = outputs()) {
                assertEquals(2, out.catchUp(store), "two alerts needed writing");
                assertEquals(2, out.avroFiles());
                assertEquals(1, out.voeventFiles());
                assertEquals(updateXml, Files.readString(out.voeventFile(second.alerts().get(0).id())),
                    "written again the same, still citing the alert it supersedes");
                Alert back = AlertAvro.alert(AlertAvro.readRecords(out.avroFile(first.alerts().get(0).id())).get(0));
                assertNotNull(back.candidate().cutout(), "the cutout comes back from the database");
                assertEquals(2, out.size());
                assertEquals(0, out.catchUp(store), "nothing more to write");
                out.write(second.alerts());
                assertEquals(2, Files.readAllLines(out.jsonLines()).size(), "re-delivery writes nothing twice");
            }
            try (var files = Files.list(dir.resolve(AlertOutputs.AVRO_DIR))) {
                assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
            }
        }
    }
}
