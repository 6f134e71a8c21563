package org.nightwatch.night.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.nightwatch.actors.alerts.AlertStreamSubscriber;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.AlertJsonLines;
import org.nightwatch.scheduler.LiveAlerts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nightwatch alerts}: the night's alerts outside the control room. */
@Command(name = "alerts", mixinStandardHelpOptions = true, description = "The night's alerts in a terminal.",
    subcommands = {AlertsCommand.Tail.class})
public final class AlertsCommand {

    /** {@code nightwatch alerts tail}: the ranked list of live alerts, redrawn as alert changes arrive. */
    @Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Watch the ranked list of live alerts in a terminal, as the night publishes them.",
            "By default follows DIR/alerts.jsonl of a running or finished night from its first alert; with --stream, "
                + "joins the Aeron alert stream instead (alerts from the moment it joins)."})
    static final class Tail implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "night-out",
            description = "the night's output directory (default ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--stream", paramLabel = "CONTROL",
            description = "join the Aeron alert stream whose publisher's control address is CONTROL (e.g. 127.0.0.1:40124)")
        String control;

        @Option(names = "--endpoint", paramLabel = "HOST",
            description = "this machine's address the publisher sends to (default: the control address's host, for the same machine)")
        String endpoint;

        @Option(names = "--stream-id", defaultValue = "4001", description = "the alert stream's id (default ${DEFAULT-VALUE})")
        int streamId;

        @Option(names = "--top", defaultValue = "20", description = "rows shown (default ${DEFAULT-VALUE})")
        int top;

        @Option(names = "--once", description = "print the list as it is now and exit (alerts.jsonl only)")
        boolean once;

        @Option(names = "--exit-after", paramLabel = "N", defaultValue = "0",
            description = "exit after N alert changes (0: run until interrupted)")
        long exitAfter;

        @Override
        public Integer call() throws Exception {
            Path file = out.resolve(AlertJsonLines.FILE);
            if (control == null && once && !Files.exists(file)) {
                throw new IllegalArgumentException(file + ": no such file; --out names a night's output directory");
            }
            LiveAlerts live = new LiveAlerts();
            PrintStream o = System.out;
            boolean ansi = System.console() != null;
            try (Feed feed = control != null ? new StreamFeed(control, endpoint, streamId) : new FileFeed(file)) {
                SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(100);
                long lastDraw = -1;
                while (true) {
                    List<Alert> got = feed.poll();
                    got.forEach(live::apply);
                    if (live.applied() != lastDraw && (!got.isEmpty() || lastDraw < 0)) {
                        lastDraw = live.applied();
                        if (!once) {
                            o.print(render(live, top, feed.describe(), ansi));
                            o.flush();
                        }
                    }
                    if (once && got.isEmpty()) {
                        o.print(render(live, top, feed.describe(), false));
                        return 0;
                    }
                    if (exitAfter > 0 && live.applied() >= exitAfter) {
                        return 0;
                    }
                    idle.idle(got.size());
                }
            }
        }
    }

    /** The ranked list as a table: rank, object, kind, rank score and its largest parts, and the latest detection. */
    static String render(LiveAlerts live, int top, String source, boolean clearScreen) {
        StringBuilder b = new StringBuilder();
        if (clearScreen) {
            b.append("\033[H\033[2J");
        }
        b.append(String.format(Locale.ROOT, "nightwatch alerts: %d live, %d changes, from %s%n", live.size(), live.applied(), source));
        b.append(String.format(Locale.ROOT, "%4s  %-16s %-10s %5s %5s %6s %6s %4s %-6s %-19s %s%n", "rank", "object", "kind", "score", "r/b",
            "mag", "S/N", "det", "host", "window (UTC)", "alert"));
        int n = 0;
        for (Alert a : live.ranked()) {
            if (n++ == top) {
                b.append(String.format(Locale.ROOT, "  ... %d more%n", live.size() - top));
                break;
            }
            String window = a.window() == null ? "not tonight"
                : hhmm(a.window().startMjd()) + "-" + hhmm(a.window().endMjd()) + String.format(Locale.ROOT, " X%.2f", a.window().minAirmass());
            b.append(String.format(Locale.ROOT, "%4d  %-16s %-10s %5.3f %5.3f %6.2f %6.1f %4d %-6s %-19s %s%n", n, a.objectId(), a.kind(),
                a.rankScore(), a.candidate().score(), a.candidate().mag(), a.candidate().snr(), a.history().size(), a.host(), window,
                a.state().wire()));
        }
        return b.toString();
    }

    private static String hhmm(double mjd) {
        double f = mjd - Math.floor(mjd);
        int minutes = (int) Math.round(f * 1440) % 1440;
        return String.format(Locale.ROOT, "%02d:%02d", minutes / 60, minutes % 60);
    }

    /** Where alert changes come from. */
    interface Feed extends AutoCloseable {
        /** The alert changes that arrived since the last call (none: empty). */
        List<Alert> poll() throws IOException;

        String describe();

        /** Whether alerts can arrive now (the stream's publisher is connected; a file always). */
        boolean connected();

        @Override
        void close();
    }

    /** Follows alerts.jsonl: complete lines only, from where the last poll stopped. */
    static final class FileFeed implements Feed {
        private final Path file;
        private long position;

        FileFeed(Path file) {
            this.file = file;
        }

        @Override
        public List<Alert> poll() throws IOException {
            List<Alert> got = new ArrayList<>();
            if (!Files.exists(file)) {
                return got;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long length = f.length();
                if (length < position) {
                    position = 0; // a new night started in this directory
                }
                if (length == position) {
                    return got;
                }
                byte[] bytes = new byte[(int) Math.min(length - position, 64L << 20)];
                f.seek(position);
                f.readFully(bytes);
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                        try {
                            got.add(AlertJson.read(line));
                        } catch (RuntimeException e) {
                            System.err.println("nightwatch alerts tail: " + file + " at byte " + (position + start) + ": " + e.getMessage());
                        }
                        start = i + 1;
                    }
                }
                position += start; // a line still being written is read next time
            }
            return got;
        }

        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public boolean connected() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Joins the Aeron alert stream. */
    static final class StreamFeed implements Feed {
        private final AlertStreamSubscriber subscriber;

        StreamFeed(String control, String endpoint, int streamId) {
            this.subscriber = new AlertStreamSubscriber(control, endpoint, streamId);
        }

        @Override
        public List<Alert> poll() {
            return subscriber.poll();
        }

        @Override
        public String describe() {
            return subscriber.channel() + (subscriber.isConnected() ? "" : " (waiting for the publisher)");
        }

        @Override
        public boolean connected() {
            return subscriber.isConnected();
        }

        @Override
        public void close() {
            subscriber.close();
        }
    }
}
