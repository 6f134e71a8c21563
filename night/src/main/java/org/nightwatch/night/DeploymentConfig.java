package org.nightwatch.night;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nightwatch.actors.ActorsSettings;
import org.nightwatch.camera.CameraSettings;
import org.nightwatch.protocol.SensorId;
import org.nightwatch.protocol.SensorPlacement;
import org.nightwatch.protocol.SurveyMode;

/**
 * The deployment configuration (a file of {@code config/}, normally {@code config/nightwatch.conf})
 * over every module's reference.conf: the sensor layout, the survey modes and the site, checked when
 * loaded. An invalid file is refused with a {@link InvalidConfigException} naming the file and the
 * setting at fault, before anything starts.
 */
public final class DeploymentConfig {
    private final Path source;
    private final Config config;
    /** What the site set itself (its file, system properties, the command line's options), unresolved, before the defaults. */
    private final Config site;
    private final List<SensorPlacement> layout;
    private final double pixelScaleArcsec;

    /** Where the imagers' threads are sized: one a difference imager. */
    static final String DIFF_THREADS = "nightwatch.diff-dispatcher.thread-pool-executor.fixed-pool-size";

    private DeploymentConfig(Path source, Config site, Config config) {
        this.source = source;
        this.site = site;
        try {
            this.config = imagerThreads(site, config);
            this.pixelScaleArcsec = config.getDouble("nightwatch.layout.pixel-scale-arcsec");
            this.layout = parseLayout(config);
            for (SurveyMode m : SurveyMode.values()) {
                int fpv = framesPerVisit(m);
                if (fpv < 1 || fpv > 256) {
                    throw new InvalidConfigException(source, "nightwatch.survey.modes." + m.cliName() + ".frames-per-visit = "
                        + fpv + " (must be 1..256)");
                }
            }
            CameraSettings.from(config);
            ActorsSettings.from(config);
        } catch (ConfigException e) {
            throw new InvalidConfigException(source, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(source, e.getMessage());
        }
    }

    /**
     * {@code config} with the difference-imaging dispatcher sized to {@code nightwatch.actors.diff.workers} when that is set
     * (and the site did not size the dispatcher itself): a thread an imager, so that no run waits for an imager and no
     * imager waits for a thread. Unset, both are one a core.
     */
    private static Config imagerThreads(Config site, Config config) {
        int workers = config.getInt("nightwatch.actors.diff.workers");
        if (workers <= 0 || site.hasPath(DIFF_THREADS)) {
            return config;
        }
        return config.withValue(DIFF_THREADS, com.typesafe.config.ConfigValueFactory.fromAnyRef(workers));
    }

    /** This configuration with {@code path} set to {@code value} (a command-line option over the files). */
    public DeploymentConfig with(String path, Object value) {
        Config set = com.typesafe.config.ConfigValueFactory.fromAnyRef(value).atPath(path);
        return new DeploymentConfig(source, set.withFallback(site), set.withFallback(config));
    }

    /** Loads {@code file} (HOCON, includes resolved beside it) over the modules' defaults. */
    public static DeploymentConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidConfigException(file, "no such configuration file");
        }
        try {
            Config parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            Config site = ConfigFactory.defaultOverrides().withFallback(parsed);
            Config all = site.withFallback(ConfigFactory.defaultReference()).resolve();
            return new DeploymentConfig(file, site, all);
        } catch (ConfigException e) {
            throw new InvalidConfigException(file, e.getMessage());
        }
    }

    private List<SensorPlacement> parseLayout(Config c) {
        List<SensorPlacement> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        Set<String> cells = new HashSet<>();
        List<? extends Config> sensors = c.getConfigList("nightwatch.layout.sensors");
        for (int i = 0; i < sensors.size(); i++) {
            Config s = sensors.get(i);
            String where = "nightwatch.layout.sensors[" + i + "]";
            int index;
            try {
                index = s.getInt("index");
                SensorId id = SensorId.of(index);
                if (!seen.add(index)) {
                    throw new InvalidConfigException(source, where + ": sensor index " + index + " appears twice");
                }
                int row = s.getInt("row");
                int column = s.getInt("column");
                if (!cells.add(row + "," + column)) {
                    throw new InvalidConfigException(source, where + ": mosaic cell row " + row + ", column " + column + " is taken twice");
                }
                out.add(new SensorPlacement(id, s.getDouble("x"), s.getDouble("y"), row, column));
            } catch (ConfigException e) {
                throw new InvalidConfigException(source, where + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                if (e instanceof InvalidConfigException) {
                    throw e;
                }
                throw new InvalidConfigException(source, where + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new InvalidConfigException(source, "nightwatch.layout.sensors is empty");
        }
        out.sort((a, b) -> a.sensor().compareTo(b.sensor()));
        return List.copyOf(out);
    }

    public Config config() {
        return config;
    }

    /**
     * This configuration with {@code layer} between what the site set and the modules' defaults: the site's own settings
     * still win over it (a site that sets the Split Brain Resolver's stable-after keeps its value on a cluster).
     */
    public Config layered(Config layer) {
        return site.withFallback(layer).withFallback(config).resolve();
    }

    public Path source() {
        return source;
    }

    /** Every sensor of the focal plane, by index. */
    public List<SensorPlacement> layout() {
        return layout;
    }

    /** The first {@code n} sensors of the layout (by index). */
    public List<SensorPlacement> sensors(int n) {
        if (n < 1 || n > layout.size()) {
            throw new IllegalArgumentException("--sensors " + n + ": the layout in " + source + " has 1.." + layout.size());
        }
        return layout.subList(0, n);
    }

    /** The layout's placements of these sensor indexes, in index order. */
    public List<SensorPlacement> sensorsByIndex(java.util.Collection<Integer> indexes) {
        List<SensorPlacement> out = new java.util.ArrayList<>();
        for (SensorPlacement p : layout) {
            if (indexes.contains(p.sensor().index())) {
                out.add(p);
            }
        }
        if (out.size() != new java.util.HashSet<>(indexes).size()) {
            throw new IllegalArgumentException("sensors " + indexes + ": the layout in " + source + " has indexes 0.." + (layout.size() - 1));
        }
        return out;
    }

    public int framesPerVisit(SurveyMode mode) {
        return config.getInt("nightwatch.survey.modes." + mode.cliName() + ".frames-per-visit");
    }

    public double frameRateHz() {
        return config.getDouble("nightwatch.camera.frame-rate-hz");
    }

    public double pixelScaleArcsec() {
        return pixelScaleArcsec;
    }

    public CameraSettings camera() {
        return CameraSettings.from(config);
    }

    public ActorsSettings actors() {
        return ActorsSettings.from(config);
    }

    /** A configuration file that cannot be used; the message names the file and the setting. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidConfigException(Path file, String problem) {
            super(file + ": " + problem);
        }
    }
}
