package org.nightwatch.tools.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.scheduler.AlertStore;
import org.nightwatch.scheduler.SchedulerSettings;
import org.nightwatch.tools.train.LabelExport;
import org.nightwatch.tools.train.TrainingSetBuilder;
import org.nightwatch.tools.train.TrainingSetFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nightwatch labels}: what operators said about the night's objects. */
@Command(name = "labels", mixinStandardHelpOptions = true, description = "Operators' labels from the control room.",
    subcommands = {LabelsCommand.Export.class})
public final class LabelsCommand {

    /** {@code nightwatch labels export}: the labelled candidates as a training set for {@code nightwatch train}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write the candidates of every object an operator labelled as a real/bogus training set (cutouts.npy, "
            + "labels.csv, manifest.json, as train-data writes), for nightwatch train and evaluate.",
            "Each object's latest label counts and applies to all its detections; moving and variable are kept apart (label -1)."})
    static final class Export implements Callable<Integer> {
        @Mixin
        NightwatchCli.Common common = new NightwatchCli.Common();

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "night-out",
            description = "the night's output directory, whose embedded database holds the labels (default ${DEFAULT-VALUE})")
        Path night;

        @Option(names = "--db-url", paramLabel = "URL",
            description = "JDBC URL of the night database instead (user and password from nightwatch.scheduler.store)")
        String dbUrl;

        @Option(names = "--to", required = true, paramLabel = "DIR", description = "write the training set here")
        Path to;

        @Override
        public Integer call() {
            SchedulerSettings ss = SchedulerSettings.from(DeploymentConfig.load(common.configFile()).config());
            String url = dbUrl != null ? dbUrl : ss.storeUrl();
            if ((url == null || url.isBlank()) && !java.nio.file.Files.exists(night.resolve(AlertStore.EMBEDDED_NAME + ".mv.db"))) {
                throw new IllegalArgumentException(night + ": no night database (" + AlertStore.EMBEDDED_NAME
                    + ".mv.db); --out names a night's output directory, or give --db-url");
            }
            List<AlertStore.LabelledCandidate> labelled;
            String source;
            try (AlertStore store = AlertStore.open(url, ss.storeUser(), ss.storePassword(), night)) {
                labelled = store.labelledCandidates();
                source = store.url();
                AlertStore.Night n = store.night();
                if (n != null) {
                    source += " (night " + n.key() + ")";
                }
            }
            if (labelled.isEmpty()) {
                throw new IllegalArgumentException("no labelled candidates in " + source + ": nothing written to " + to
                    + " (operators label objects in the control room)");
            }
            List<TrainingSetBuilder.Sample> samples = LabelExport.run(labelled);
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("database", source);
            provenance.put("objects", labelled.stream().map(AlertStore.LabelledCandidate::objectId).distinct().count());
            provenance.put("operators", labelled.stream().map(AlertStore.LabelledCandidate::operator).distinct().sorted().toList());
            provenance.put("exported_utc", Instant.now().toString());
            provenance.put("rule", "each object's latest label, applied to all its candidates with a stored cutout");
            TrainingSetFiles.write(to, samples, "operator_labels", provenance);
            System.out.println("exported " + samples.size() + " cutouts of " + provenance.get("objects") + " labelled objects "
                + TrainingSetBuilder.counts(samples) + " to " + to);
            return 0;
        }
    }
}
