package org.nightwatch.tools;

import java.util.List;
import org.nightwatch.night.cli.NightwatchCli;
import org.nightwatch.tools.bench.BenchCommand;
import org.nightwatch.tools.evaluate.EvaluateNightCommand;
import org.nightwatch.tools.train.EvaluateCommand;
import org.nightwatch.tools.train.LabelsCommand;
import org.nightwatch.tools.train.TrainCommand;
import org.nightwatch.tools.train.TrainDataCommand;

/** The tools' subcommands of {@code nightwatch}, registered through {@code META-INF/services}. */
public final class ToolCommands implements NightwatchCli.Tools {
    @Override
    public List<Object> commands() {
        return List.of(new EvaluateNightCommand(), new TrainDataCommand(), new TrainCommand(), new EvaluateCommand(),
            new LabelsCommand(), new BenchCommand());
    }
}
