package org.nightwatch.night.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Standard output without SameDiff's "Added differentiated op ..." lines (ND4J 1.0.0-M2.1 prints one per op,
 * to stdout, whenever it builds a gradient graph), so that what commands print stays readable.
 */
final class QuietStdout extends java.io.PrintStream {
    private static final byte[] NOISE = "Added differentiated op".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(256);
    private final java.io.PrintStream out;

    QuietStdout(java.io.PrintStream out) {
        super(out, true);
        this.out = out;
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) {
        for (int i = 0; i < len; i++) {
            write(buf[off + i]);
        }
    }

    @Override
    public synchronized void flush() {
        emit(); // a partial line (a progress line) goes out now
        out.flush();
    }

    private void emit() {
        byte[] b = line.toByteArray();
        line.reset();
        if (b.length >= NOISE.length && java.util.Arrays.equals(b, 0, NOISE.length, NOISE, 0, NOISE.length)) {
            return;
        }
        out.write(b, 0, b.length);
    }
}

/** {@code nightwatch}: the command line. Run through the {@code ./nightwatch} launcher at the repository root. */
@Command(name = "nightwatch", mixinStandardHelpOptions = true, version = "nightwatch 0.1.0",
    description = "Real-time transient control room for wide-field CMOS sky surveys.",
    subcommands = {SimulateCommand.class, ReplayCommand.class, ObserveCommand.class, CameraCommand.class, NodeCommand.class, SubtractCommand.class,
        AlertsCommand.class})
public final class NightwatchCli {

    /**
     * Commands that live outside the runtime jar (benchmarks, training, evaluation: the {@code tools} module), found
     * on the class path through {@link java.util.ServiceLoader}. A deployment that runs only nights leaves them out.
     */
    public interface Tools {
        /** The commands, as picocli command objects. */
        java.util.List<Object> commands();
    }

    /** Options every command shares. */
    public static final class Common {
        @Option(names = "--config", paramLabel = "FILE",
            description = "deployment configuration (default: config/nightwatch.conf of the installation)")
        Path config;

        public Path configFile() {
            if (config != null) {
                return config;
            }
            String home = System.getProperty("nightwatch.home");
            Path p = home != null ? Path.of(home, "config", "nightwatch.conf") : Path.of("config", "nightwatch.conf");
            return Files.exists(p) ? p : Path.of("config", "nightwatch.conf");
        }
    }

    /**
     * nom-tam-fits reports a damaged header through java.util.logging with a stack trace, before the reader's
     * own one-line error says the same: silenced unless {@code --debug}. Held here, since java.util.logging
     * keeps its loggers only weakly.
     */
    private static final java.util.logging.Logger FITS_LOG = java.util.logging.Logger.getLogger("nom.tam");

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
        description = "print stack traces and library warnings with errors (same as -Dnightwatch.debug=true)")
    void debug(boolean on) {
        if (on) {
            System.setProperty("nightwatch.debug", "true");
        }
        quietLibraries();
    }

    static void quietLibraries() {
        FITS_LOG.setLevel(Boolean.getBoolean("nightwatch.debug") ? java.util.logging.Level.ALL : java.util.logging.Level.OFF);
    }

    /** The command line: the runtime commands, the tools found on the class path, and help. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new NightwatchCli());
        for (Tools t : java.util.ServiceLoader.load(Tools.class)) {
            t.commands().forEach(cli::addSubcommand);
        }
        return cli.addSubcommand(new CommandLine.HelpCommand());
    }

    public static void main(String[] args) {
        System.setOut(new QuietStdout(System.out));
        quietLibraries();
        int code = commandLine()
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
