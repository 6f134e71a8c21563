package org.nightwatch.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nightwatch.night.cli.NightwatchCli;
import picocli.CommandLine;

/** Every command's --help reads as written: picocli formats descriptions, so a bare '%' garbles them. */
class HelpTextTest {
    @Test
    void everyCommandsHelpIsFormattedWithoutLeftoverFormatCodes() {
        List<String> bad = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(NightwatchCli.commandLine()));
        int seen = 0;
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli warns here when a description will not format
        try {
            while (!todo.isEmpty()) {
                CommandLine c = todo.remove(todo.size() - 1);
                todo.addAll(c.getSubcommands().values());
                int before = warnings.size();
                String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                seen++;
                if (warnings.size() > before || usage.contains("%%") || usage.contains("%n")) {
                    bad.add(c.getCommandName());
                }
            }
        } finally {
            System.setErr(err);
        }
        assertTrue(seen > 10, "walked " + seen + " commands");
        assertTrue(bad.isEmpty(), "help text not formatted (a bare '%' in a description?): " + bad + "\n" + warnings);
        String evaluate = NightwatchCli.commandLine().getSubcommands().get("evaluate").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(evaluate.contains("95% interval"), evaluate);
    }
}
