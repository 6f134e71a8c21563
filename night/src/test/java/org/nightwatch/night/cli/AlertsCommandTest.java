package org.nightwatch.night.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nightwatch.protocol.Alert;
import org.nightwatch.scheduler.AlertJson;
import org.nightwatch.scheduler.TestAlerts;

/** {@code nightwatch alerts tail} as a user runs it. */
class AlertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void tailOncePrintsTheRankedListOfANightsAlertFile() throws Exception {
        List<Alert> alerts = TestAlerts.night(5);
        Files.writeString(dir.resolve("alerts.jsonl"),
            String.join("\n", alerts.stream().map(a -> AlertJson.write(a, true)).toList()) + "\n", StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream before = System.out;
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = NightwatchCli.commandLine().execute("alerts", "tail", "--once", "--top", "3", "--out", dir.toString());
        } finally {
            System.setOut(before);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("5 live, " + alerts.size() + " changes"), out);
        List<String> rows = out.lines().filter(l -> l.matches("\\s+\\d+\\s+NW-.*")).toList();
        assertEquals(3, rows.size(), out);
        assertTrue(rows.get(0).trim().startsWith("1 "), out);
        assertTrue(out.contains("... 2 more"), out);
    }

    @Test
    void aDirectoryWithoutAnAlertFileIsNamed() {
        StringWriter err = new StringWriter();
        int code = NightwatchCli.commandLine().setErr(new PrintWriter(err))
            .execute("alerts", "tail", "--once", "--out", dir.resolve("nowhere").toString());
        assertTrue(code != 0);
        assertTrue(err.toString().contains(dir.resolve("nowhere").resolve("alerts.jsonl").toString()), err.toString());
    }

    @Test
    void aStreamAddressWithoutAPortIsRefusedNamingIt() {
        StringWriter err = new StringWriter();
        int code = NightwatchCli.commandLine().setErr(new PrintWriter(err))
            .execute("alerts", "tail", "--stream", "localhost", "--exit-after", "1");
        assertTrue(code != 0);
        assertTrue(err.toString().contains("'localhost'") && err.toString().contains("HOST:PORT"), err.toString());
    }
}
