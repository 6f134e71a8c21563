package org.nightwatch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.nightwatch.night.cli.NightwatchCli;
import picocli.CommandLine;

/** {@code bench pipeline} on a cluster is asked for as {@code simulate --cluster} is, and a request that cannot work is said by name. */
class PipelineBenchOptionsTest {
    private static String refused(String... args) {
        CommandLine cli = NightwatchCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        assertNotEquals(0, code, "refused: " + String.join(" ", args));
        return err.toString();
    }

    @Test
    void aClusterWithoutSeedNodesIsRefusedBeforeAnythingIsPrepared() {
        String err = refused("bench", "pipeline", "--cluster", "--sensors", "2");
        assertTrue(err.contains("--cluster needs --seed-nodes"), err);
    }

    @Test
    void seedNodesWithoutAClusterAreRefused() {
        String err = refused("bench", "pipeline", "--seed-nodes", "127.0.0.1:25520", "--sensors", "2");
        assertTrue(err.contains("--seed-nodes is for a night on a cluster: add --cluster"), err);
    }
}
