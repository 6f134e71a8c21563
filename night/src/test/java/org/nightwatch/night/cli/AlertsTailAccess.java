package org.nightwatch.night.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.LiveAlerts;

/** {@code nightwatch alerts tail}'s feeds and table, for tests in other packages. */
public final class AlertsTailAccess {
    private AlertsTailAccess() {
    }

    public interface Feed extends AutoCloseable {
        List<Alert> poll() throws IOException;

        @Override
        void close();
    }

    private static Feed wrap(AlertsCommand.Feed f) {
        return new Feed() {
            @Override
            public List<Alert> poll() throws IOException {
                return f.poll();
            }

            @Override
            public void close() {
                f.close();
            }
        };
    }

    public static Feed file(Path file) {
        return wrap(new AlertsCommand.FileFeed(file));
    }

    public static String render(LiveAlerts live, int top) {
        return AlertsCommand.render(live, top, "test", false);
    }
}
