package org.nightwatch.night;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.SurveyMode;

/** The deployment files of config/ load, and broken ones are refused naming the file and the setting. */
class DeploymentConfigTest {
    static final Path DEPLOYMENT = Path.of("..", "config", "nightwatch.conf").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theShippedDeploymentHasTheFullFocalPlaneAndBothModes() {
        DeploymentConfig c = DeploymentConfig.load(DEPLOYMENT);
        assertEquals(84, c.layout().size());
        assertEquals(83, c.layout().get(83).sensor().index());
        assertEquals(18, c.framesPerVisit(SurveyMode.ALL_SKY));
        assertEquals(12, c.framesPerVisit(SurveyMode.HIGH_CADENCE));
        assertEquals(2000, c.camera().width());
        assertEquals(1128, c.camera().height());
        assertEquals(8, c.sensors(8).size());
    }

    @Test
    void theImagersThreadsFollowTheImagers() throws IOException {
        DeploymentConfig shipped = DeploymentConfig.load(DEPLOYMENT);
        assertEquals("off", shipped.config().getString(DeploymentConfig.DIFF_THREADS), "unset: one a core, as the imagers");
        assertEquals(3, DeploymentConfig.load(override("nightwatch.actors.diff.workers = 3")).config().getInt(DeploymentConfig.DIFF_THREADS));
        assertEquals(5, shipped.with("nightwatch.actors.diff.workers", 5).config().getInt(DeploymentConfig.DIFF_THREADS),
            "a command-line setting over the file");
        DeploymentConfig own = DeploymentConfig.load(override("nightwatch.actors.diff.workers = 3\n" + DeploymentConfig.DIFF_THREADS + " = 4"));
        assertEquals(4, own.config().getInt(DeploymentConfig.DIFF_THREADS), "a site that sizes the dispatcher keeps its size");
        assertEquals(4, own.with("nightwatch.actors.diff.workers", 2).config().getInt(DeploymentConfig.DIFF_THREADS));
    }

    private Path override(String text) throws IOException {
        Path f = dir.resolve("site.conf");
        Files.writeString(f, "include file(\"" + DEPLOYMENT + "\")\n" + text);
        return f;
    }

    @Test
    void aDrillInTheSitesFileReachesTheStagesAndABadOneIsNamed() throws IOException {
        assertEquals(StageFaults.NONE, StageFaults.from(DeploymentConfig.load(DEPLOYMENT)), "the shipped file drills nothing");
        StageFaults f = StageFaults.from(DeploymentConfig.load(override("nightwatch.drills { diff = \"stall after 2\", scheduler = \"Fail after 0\" }")));
        assertEquals(StageFaults.Kind.STALL, f.diff().kind());
        assertEquals(StageFaults.Kind.FAIL, f.scheduler().kind());
        assertEquals(null, f.classifier());
        f.diff().strike();
        f.diff().strike(); // the first two calls go normally
        assertThrows(IllegalStateException.class, f.scheduler()::strike, "the scheduler fails from its first call");
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class,
            () -> StageFaults.from(DeploymentConfig.load(override("nightwatch.drills.classifier = \"hang\""))));
        assertTrue(e.getMessage().contains("site.conf") && e.getMessage().contains("nightwatch.drills.classifier = 'hang'"), e.getMessage());
        var typo = assertThrows(DeploymentConfig.InvalidConfigException.class,
            () -> StageFaults.from(DeploymentConfig.load(override("nightwatch.drills.difff = \"stall after 1\""))));
        assertTrue(typo.getMessage().contains("nightwatch.drills.difff: no such stage"), typo.getMessage());
    }

    @Test
    void aDuplicatedSensorIsNamed() throws IOException {
        Path f = override("nightwatch.layout.sensors = ${nightwatch.layout.sensors} [{ index = 5, x = 0, y = 0, row = 9, column = 9 }]");
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(f));
        assertTrue(e.getMessage().contains("site.conf") && e.getMessage().contains("sensor index 5 appears twice"), e.getMessage());
    }

    @Test
    void aSensorWithoutItsPositionIsNamed() throws IOException {
        Path f = override("nightwatch.layout.sensors = [{ index = 0, x = 0, row = 0, column = 0 }]");
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(f));
        assertTrue(e.getMessage().contains("nightwatch.layout.sensors[0]") && e.getMessage().contains("y"), e.getMessage());
    }

    @Test
    void impossibleValuesAreRefused() throws IOException {
        Path f = override("nightwatch.survey.modes.all-sky.frames-per-visit = 0");
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(f));
        assertTrue(e.getMessage().contains("all-sky.frames-per-visit"), e.getMessage());

        Path g = override("nightwatch.actors.ingest-threads = 0");
        e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(g));
        assertTrue(e.getMessage().contains("ingest-threads"), e.getMessage());

        Path h = override("nightwatch.layout.sensors = [{ index = 140, x = 0, y = 0, row = 0, column = 0 }]");
        e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(h));
        assertTrue(e.getMessage().contains("sensor index 140"), e.getMessage());
    }

    @Test
    void unparsableAndMissingFilesAreNamed() throws IOException {
        Path bad = dir.resolve("bad.conf");
        Files.writeString(bad, "nightwatch { layout = [ unclosed");
        var e = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(bad));
        assertTrue(e.getMessage().contains("bad.conf"), e.getMessage());
        var m = assertThrows(DeploymentConfig.InvalidConfigException.class, () -> DeploymentConfig.load(dir.resolve("none.conf")));
        assertTrue(m.getMessage().contains("none.conf"), m.getMessage());
    }

    @Test
    void aClusterNodeTakesNightwatchsClusterSettingsUnlessTheSiteSetsItsOwn() throws IOException {
        ClusterSettings node = new ClusterSettings(java.util.Set.of("worker"), "127.0.0.1", 25520,
            ClusterSettings.parseSeeds("127.0.0.1:25520"), java.time.Duration.ofSeconds(5), 0);
        var plain = node.over(DeploymentConfig.load(override("")));
        assertEquals(java.time.Duration.ofSeconds(7), plain.getDuration("pekko.cluster.split-brain-resolver.stable-after"),
            "nightwatch's cluster settings over Pekko's defaults (20 s)");
        assertEquals("keep-oldest", plain.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        var site = node.over(DeploymentConfig.load(override("pekko.cluster.split-brain-resolver.stable-after = 15s\n"))
            .with("nightwatch.scheduler.store.url", "jdbc:postgresql://db:5432/nightwatch"));
        assertEquals(java.time.Duration.ofSeconds(15), site.getDuration("pekko.cluster.split-brain-resolver.stable-after"),
            "a site's own value wins over nightwatch's");
        assertEquals("keep-oldest", site.getString("pekko.cluster.split-brain-resolver.active-strategy"));
        assertEquals("jdbc:postgresql://db:5432/nightwatch", site.getString("nightwatch.scheduler.store.url"));
        assertEquals(java.util.List.of("worker"), site.getStringList("pekko.cluster.roles"), "the node's own roles, from its command line");
    }
}
