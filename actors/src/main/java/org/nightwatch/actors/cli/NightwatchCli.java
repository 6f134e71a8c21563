package org.nightwatch.actors.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightwatch}: the command line. Run through the {@code ./nightwatch} launcher at the repository root. */
@Command(name = "nightwatch", mixinStandardHelpOptions = true, version = "nightwatch 0.1.0",
    description = "Real-time transient control room for wide-field CMOS sky surveys.",
    subcommands = {SimulateCommand.class, SubtractCommand.class, TrainDataCommand.class, TrainCommand.class,
        EvaluateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class NightwatchCli {

    /** Options every command shares. */
    static final class Common {
        @Option(names = "--config", paramLabel = "FILE",
            description = "deployment configuration (default: config/nightwatch.conf of the installation)")
        Path config;

        Path configFile() {
            if (config != null) {
                return config;
            }
            String home = System.getProperty("nightwatch.home");
            Path p = home != null ? Path.of(home, "config", "nightwatch.conf") : Path.of("config", "nightwatch.conf");
            return Files.exists(p) ? p : Path.of("config", "nightwatch.conf");
        }
    }

    public static void main(String[] args) {
        int code = new CommandLine(new NightwatchCli())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                cmd.getErr().println("nightwatch: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
                if (Boolean.getBoolean("nightwatch.debug")) {
                    ex.printStackTrace(cmd.getErr());
                }
                return 2;
            })
            .execute(args);
        System.exit(code);
    }
}
