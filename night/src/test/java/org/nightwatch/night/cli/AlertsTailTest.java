package org.nightwatch.night.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.LiveAlerts;
import org.nightwatch.scheduler.TestAlerts;

/** {@code nightwatch alerts tail}'s file feed and table. */
class AlertsTailTest {
    @TempDir
    Path dir;

    private static List<Alert> alerts(int objects) {
        return TestAlerts.night(objects);
    }

    @Test
    void theFileFeedReadsCompleteLinesOnlyAndTheListRanksLikeTheScheduler() throws Exception {
        List<Alert> alerts = alerts(4);
        Path file = dir.resolve("alerts.jsonl");
        String all = String.join("\n", alerts.stream().map(x -> AlertJson.write(x, true)).toList()) + "\n";
        int cut = all.indexOf('\n', all.indexOf('\n') + 1) + 40; // two lines and part of the third
        Files.writeString(file, all.substring(0, cut), StandardCharsets.UTF_8);
        try (AlertsTailAccess.Feed f = AlertsTailAccess.file(file)) {
            assertEquals(alerts.subList(0, 2).stream().map(Alert::id).toList(), f.poll().stream().map(Alert::id).toList());
            assertTrue(f.poll().isEmpty(), "the line being written waits");
            Files.writeString(file, all.substring(cut), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            LiveAlerts live = new LiveAlerts();
            alerts.subList(0, 2).forEach(live::apply);
            f.poll().forEach(live::apply);
            assertEquals(alerts.size(), live.applied());
            assertEquals(4, live.size(), "four objects, each with its latest alert");
            List<Alert> ranked = live.ranked();
            for (int i = 1; i < ranked.size(); i++) {
                assertTrue(ranked.get(i - 1).rankScore() >= ranked.get(i).rankScore());
            }
            String table = AlertsTailAccess.render(live, 3);
            assertTrue(table.contains("4 live"), table);
            assertTrue(table.contains(ranked.get(0).objectId()) && !table.contains(ranked.get(3).objectId() + " "), table);
            assertTrue(table.contains("... 1 more"), table);
        }
    }
}
