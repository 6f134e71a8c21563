package org.nightwatch.scheduler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.nightwatch.protocol.Alert;
import org.nightwatch.protocol.Candidate;
import org.nightwatch.protocol.PastDetection;

/**
 * The night's database: candidates, objects, alerts and operator labels. An embedded H2 file in the
 * night's output directory by default, PostgreSQL (or any database Flyway and a JDBC driver support) by
 * URL; the schema is created and upgraded by Flyway migrations ({@code db/migration}). Each scheduler
 * batch is committed in one transaction, so after a crash an alert is either wholly there or not at all,
 * and re-delivered alerts (same id) are ignored. Used by one thread at a time.
 */
public final class AlertStore implements AutoCloseable {
    /** The embedded database's file name in the output directory (H2 adds {@code .mv.db}). */
    public static final String EMBEDDED_NAME = "nightwatch";

    private final String url;
    private final Connection db;

    private AlertStore(String url, Connection db) {
        this.url = url;
        this.db = db;
    }

    /** The JDBC URL of the embedded database in {@code dir}. */
    public static String embeddedUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve(EMBEDDED_NAME) + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0";
    }

    /**
     * Opens (and migrates) the database at {@code url}, or the embedded one in {@code dir} when the URL is
     * blank. A database that cannot be reached fails here, with the URL (never the password) in the message.
     */
    public static AlertStore open(String url, String user, String password, Path dir) {
        String u = url == null || url.isBlank() ? embeddedUrl(dir) : url;
        try {
            if (url == null || url.isBlank()) {
                Files.createDirectories(dir);
            }
            Flyway.configure().dataSource(u, user, password).locations("classpath:db/migration").load().migrate();
            Connection c = DriverManager.getConnection(u, user, password);
            c.setAutoCommit(false);
            return new AlertStore(u, c);
        } catch (FlywayException | SQLException | java.io.IOException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new StoreException("cannot open the night database at " + u + ": " + root.getMessage(), e);
        }
    }

    /**
     * How a night's database was opened.
     *
     * @param resumed    it already held this night, unfinished: its objects and alerts carry on
     * @param archivedTo where an earlier night's database and files were moved, or null
     */
    public record Opened(AlertStore store, boolean resumed, Path archivedTo) {
    }

    /**
     * Opens the database for night {@code key}. An unfinished run of the same night is resumed. In the
     * embedded case, a database holding another night, or this night completed, is moved with the
     * night's other files ({@code nightFiles}, names in {@code dir}) into {@code dir/previous-<time>/}
     * and a new one is started: nothing is deleted. A shared database (URL) holding another night is
     * refused.
     */
    public static Opened openNight(String url, String user, String password, Path dir, String key, List<String> nightFiles) {
        AlertStore s = open(url, user, password, dir);
        Night n = s.night();
        if (n == null) {
            s.begin(key);
            return new Opened(s, false, null);
        }
        if (n.key().equals(key) && !n.completed()) {
            return new Opened(s, true, null);
        }
        boolean embedded = url == null || url.isBlank();
        if (!embedded) {
            s.close();
            throw new StoreException("the database at " + s.url() + " holds night '" + n.key() + "'" + (n.completed() ? " (completed)" : "")
                + "; this is night '" + key + "': use another database", null);
        }
        s.close();
        Path to = dir.resolve("previous-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(java.time.ZoneOffset.UTC).format(Instant.now()));
        try {
            Files.createDirectories(to);
            List<String> names = new ArrayList<>(nightFiles);
            names.add(EMBEDDED_NAME + ".mv.db");
            names.add(EMBEDDED_NAME + ".trace.db");
            for (String name : names) {
                Path f = dir.resolve(name);
                if (Files.exists(f)) {
                    Files.move(f, to.resolve(name));
                }
            }
        } catch (java.io.IOException e) {
            throw new StoreException("cannot move the previous night's files from " + dir + " to " + to + ": " + e.getMessage(), e);
        }
        AlertStore fresh = open(url, user, password, dir);
        fresh.begin(key);
        return new Opened(fresh, false, to);
    }

    public String url() {
        return url;
    }

    /**
     * Commits one scheduler batch: every candidate (the cutout kept for those that joined an object), the
     * objects it changed, and its alerts, in one transaction.
     */
    public void commit(Scheduler.Result r) {
        commit(r, -1, -1);
    }

    /**
     * Commits one visit's scheduler result in one transaction, with the visit itself marked done
     * ({@link #visitsDone}); {@code sensor} -1 commits the result alone.
     */
    public void commit(Scheduler.Result r, int sensor, long visit) {
        try {
            if (sensor >= 0) {
                try (PreparedStatement ins = db.prepareStatement("INSERT INTO visits (sensor, visit, candidates) VALUES (?, ?, ?) "
                    + "ON CONFLICT DO NOTHING")) {
                    ins.setInt(1, sensor);
                    ins.setLong(2, visit);
                    ins.setInt(3, r.candidates().size());
                    ins.executeUpdate();
                }
            }
            try (PreparedStatement ins = db.prepareStatement("INSERT INTO candidates (id, object_id, sensor, visit, field, mjd, x, y, ra, dec, "
                + "flux, flux_err, snr, mag, mag_err, fwhm, elongation, sign, flags, score, model, cutout) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Candidate c : r.candidates()) {
                    String obj = r.objectOf().get(c.id());
                    int i = 1;
                    ins.setString(i++, c.id());
                    ins.setString(i++, obj);
                    ins.setInt(i++, c.sensor());
                    ins.setLong(i++, c.visit());
                    ins.setInt(i++, c.field());
                    ins.setDouble(i++, c.mjd());
                    ins.setDouble(i++, c.x());
                    ins.setDouble(i++, c.y());
                    ins.setDouble(i++, c.ra());
                    ins.setDouble(i++, c.dec());
                    ins.setDouble(i++, c.flux());
                    ins.setDouble(i++, c.fluxErr());
                    ins.setDouble(i++, c.snr());
                    nullable(ins, i++, c.mag());
                    nullable(ins, i++, c.magErr());
                    nullable(ins, i++, c.fwhm());
                    nullable(ins, i++, c.elongation());
                    ins.setInt(i++, c.sign());
                    ins.setInt(i++, c.flags());
                    nullable(ins, i++, c.score());
                    ins.setString(i++, c.modelVersion());
                    ins.setBytes(i, obj != null && c.cutout() != null ? AlertJson.cutoutBytes(c.cutout()) : null);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            try (PreparedStatement up = db.prepareStatement("UPDATE objects SET ra = ?, dec = ?, kind = ?, host = ?, known_as = ?, "
                + "detections = ?, first_mjd = ?, last_mjd = ?, best_score = ? WHERE id = ?");
                 PreparedStatement ins = db.prepareStatement("INSERT INTO objects (ra, dec, kind, host, known_as, detections, first_mjd, "
                     + "last_mjd, best_score, id, sensor, field) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (SkyObject o : r.changed()) {
                    objectValues(up, o);
                    if (up.executeUpdate() == 0) {
                        objectValues(ins, o);
                        ins.setInt(11, o.sensor());
                        ins.setInt(12, o.field());
                        ins.executeUpdate();
                    }
                }
            }
            try (PreparedStatement ins = db.prepareStatement("INSERT INTO alerts (id, object_id, state, kind, mjd, rank_score, body) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (Alert a : r.alerts()) {
                    ins.setString(1, a.id());
                    ins.setString(2, a.objectId());
                    ins.setString(3, a.state().wire());
                    ins.setString(4, a.kind());
                    ins.setDouble(5, a.candidate().mjd());
                    ins.setDouble(6, a.rankScore());
                    ins.setString(7, AlertJson.write(a, false));
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the connection is gone; the error below says why
            }
            throw new StoreException("cannot commit to " + url + ": " + e.getMessage(), e);
        }
    }

    /** The sensor-visits committed so far: sensor index -> visits. */
    public java.util.Map<Integer, java.util.Set<Long>> visitsDone() {
        java.util.Map<Integer, java.util.Set<Long>> m = new java.util.TreeMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT sensor, visit FROM visits"); ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                m.computeIfAbsent(rs.getInt(1), k -> new java.util.TreeSet<>()).add(rs.getLong(2));
            }
            return m;
        } catch (SQLException e) {
            throw new StoreException("cannot read the visits done from " + url + ": " + e.getMessage(), e);
        }
    }

    private static void objectValues(PreparedStatement p, SkyObject o) throws SQLException {
        p.setDouble(1, o.ra());
        p.setDouble(2, o.dec());
        p.setString(3, o.kind().wire());
        p.setString(4, o.host());
        p.setString(5, o.knownAs());
        p.setInt(6, o.detections().size());
        p.setDouble(7, o.first().mjd());
        p.setDouble(8, o.last().mjd());
        p.setDouble(9, o.bestScore());
        p.setString(10, o.id());
    }

    private static void nullable(PreparedStatement p, int i, double v) throws SQLException {
        if (Double.isFinite(v)) {
            p.setDouble(i, v);
        } else {
            p.setNull(i, java.sql.Types.DOUBLE);
        }
    }

    /** Puts the night's objects, their detections and their alerts back into {@code s}; returns the objects restored. */
    public int restoreInto(Scheduler s) {
        try (Statement st = db.createStatement()) {
            Map<String, List<PastDetection>> det = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT id, object_id, sensor, visit, mjd, ra, dec, flux, flux_err, snr, mag, mag_err, "
                + "sign, flags, score FROM candidates WHERE object_id IS NOT NULL ORDER BY mjd, id")) {
                while (rs.next()) {
                    det.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(new PastDetection(rs.getString(1), rs.getInt(3),
                        rs.getLong(4), rs.getDouble(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9),
                        rs.getDouble(10), orNaN(rs, 11), orNaN(rs, 12), rs.getInt(13), rs.getInt(14), orNaN(rs, 15)));
                }
            }
            Map<String, Alert> last = new HashMap<>();
            Map<String, List<String>> ids = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT object_id, id, body FROM alerts ORDER BY seq")) {
                while (rs.next()) {
                    ids.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                    last.put(rs.getString(1), AlertJson.read(rs.getString(3)));
                }
            }
            int n = 0;
            try (ResultSet rs = st.executeQuery("SELECT id, sensor, field, kind, host FROM objects ORDER BY first_mjd, id")) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    List<PastDetection> d = det.get(id);
                    if (d == null || d.isEmpty()) {
                        continue;
                    }
                    s.restore(id, rs.getInt(2), rs.getInt(3), d, SkyObject.Kind.ofWire(rs.getString(4)), rs.getString(5), last.get(id),
                        ids.getOrDefault(id, List.of()));
                    n++;
                }
            }
            db.commit();
            return n;
        } catch (SQLException e) {
            throw new StoreException("cannot read the night back from " + url + ": " + e.getMessage(), e);
        }
    }

    private static double orNaN(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Double.NaN : v;
    }

    /** A committed alert with its place in the commit order. */
    public record Stored(long seq, Alert alert) {
    }

    /** Committed alerts after {@code seq}, in commit order, at most {@code limit}. */
    public List<Stored> alertsAfter(long seq, int limit) {
        try (PreparedStatement p = db.prepareStatement("SELECT seq, body FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?")) {
            p.setLong(1, seq);
            p.setInt(2, limit);
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getLong(1), AlertJson.read(rs.getString(2))));
                }
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read alerts from " + url + ": " + e.getMessage(), e);
        }
    }

    /** The cutout stored with a candidate, or null. */
    public float[] cutout(String candidateId) {
        try (PreparedStatement p = db.prepareStatement("SELECT cutout FROM candidates WHERE id = ?")) {
            p.setString(1, candidateId);
            try (ResultSet rs = p.executeQuery()) {
                float[] f = rs.next() ? AlertJson.cutoutOf(rs.getBytes(1)) : null;
                db.commit();
                return f;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read candidate " + candidateId + " from " + url + ": " + e.getMessage(), e);
        }
    }

    /** The night this database holds: its key and whether it was completed; null when it holds none yet. */
    public record Night(String key, boolean completed) {
    }

    public Night night() {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT night_key, completed_utc FROM night")) {
            Night n = rs.next() ? new Night(rs.getString(1), rs.getTimestamp(2) != null) : null;
            db.commit();
            return n;
        } catch (SQLException e) {
            throw new StoreException("cannot read the night from " + url + ": " + e.getMessage(), e);
        }
    }

    /** Records that this database holds the night {@code key} (once; a resumed night keeps its row). */
    public void begin(String key) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO night (night_key, started_utc) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, key);
            p.setTimestamp(2, Timestamp.from(Instant.now()));
            p.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot record the night in " + url + ": " + e.getMessage(), e);
        }
    }

    /** Marks the night complete: a later run of the same night starts afresh instead of resuming. */
    public void complete() {
        try (PreparedStatement p = db.prepareStatement("UPDATE night SET completed_utc = ?")) {
            p.setTimestamp(1, Timestamp.from(Instant.now()));
            p.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot mark the night complete in " + url + ": " + e.getMessage(), e);
        }
    }

    /** An operator's label for an object (real, bogus, moving, variable). */
    public void label(String objectId, String candidateId, String label, String operator) {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO labels (object_id, candidate_id, label, operator, at_utc) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, objectId);
            p.setString(2, candidateId);
            p.setString(3, label);
            p.setString(4, operator);
            p.setTimestamp(5, Timestamp.from(Instant.now()));
            p.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            throw new StoreException("cannot store the label of " + objectId + " in " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * A candidate of an object an operator labelled, with that object's latest label (an operator may
     * change their mind: the last word counts) and the cutout stored with the candidate.
     */
    public record LabelledCandidate(String objectId, String candidateId, String label, String operator, Instant labelledAt,
                                    int sensor, long visit, double x, double y, double snr, int flags, float[] cutout) {
    }

    /**
     * Every candidate with a stored cutout of every labelled object, each with its object's latest label,
     * in object then visit order. A label is about the object (the same source at every visit), so all of
     * its detections carry it; the candidate the operator looked at is among them.
     */
    public List<LabelledCandidate> labelledCandidates() {
        String sql = "SELECT l.object_id, c.id, l.label, l.operator, l.at_utc, c.sensor, c.visit, c.x, c.y, c.snr, c.flags, c.cutout "
            + "FROM labels l JOIN candidates c ON c.object_id = l.object_id "
            + "WHERE l.seq = (SELECT MAX(m.seq) FROM labels m WHERE m.object_id = l.object_id) AND c.cutout IS NOT NULL "
            + "ORDER BY l.object_id, c.visit, c.id";
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<LabelledCandidate> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new LabelledCandidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getTimestamp(5).toInstant(), rs.getInt(6), rs.getLong(7), rs.getDouble(8), rs.getDouble(9), rs.getDouble(10),
                    rs.getInt(11), AlertJson.cutoutOf(rs.getBytes(12))));
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the labels from " + url + ": " + e.getMessage(), e);
        }
    }

    /** Rows in each table, for summaries and tests. */
    public Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        try (Statement st = db.createStatement()) {
            for (String t : new String[] {"candidates", "objects", "alerts", "labels"}) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t)) {
                    rs.next();
                    m.put(t, rs.getLong(1));
                }
            }
            db.commit();
            return m;
        } catch (SQLException e) {
            throw new StoreException("cannot count rows in " + url + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close " + url + ": " + e.getMessage(), e);
        }
    }

    /** The database cannot be opened, written or read; the message names its URL. */
    public static final class StoreException extends RuntimeException {
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
