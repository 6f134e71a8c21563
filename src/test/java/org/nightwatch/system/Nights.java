package org.nightwatch.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.nightwatch.actors.Guardian;
import org.nightwatch.actors.SensorActor;
import org.nightwatch.actors.pipeline.StackedVisit;
import org.nightwatch.actors.pipeline.VisitSink;
import org.nightwatch.night.DeploymentConfig;
import org.nightwatch.night.NightLobby;
import org.nightwatch.night.NightOptions;
import org.nightwatch.night.NightRunner;
import org.nightwatch.night.NightSummary;
import org.nightwatch.protocol.SensorId;

/** Helpers of the system tests: the shipped deployment with overrides, nights run in the background. */
final class Nights {
    /** config/nightwatch.conf of this checkout (tests run in src/test/). */
    static final Path DEPLOYMENT = Path.of("..", "..", "config", "nightwatch.conf").toAbsolutePath().normalize();
    /** The committed real/bogus model of this checkout. */
    static final Path DEFAULT_MODEL = DEPLOYMENT.getParent().getParent().resolve("models").resolve("default.nwmodel");

    private Nights() {
    }

    /**
     * The shipped deployment with {@code overrides} (HOCON) on top. The Aeron alert stream gets a free
     * port, so that a test night never competes for the default one with a night running on this machine.
     */
    static DeploymentConfig config(Path dir, String overrides) {
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0)) {
            Path f = dir.resolve("test-site.conf");
            Files.writeString(f, "include file(\"" + DEPLOYMENT + "\")\n"
                + "nightwatch.scheduler.outputs.aeron.channel = \"aeron:udp?control=127.0.0.1:" + free.getLocalPort() + "|control-mode=dynamic\"\n"
                + overrides + "\n");
            return DeploymentConfig.load(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code nightwatch ARGS} as a user runs it, in a JVM of its own with this JVM's module options, heap
     * and class path, and {@code jvmOptions}; output and errors together, run in {@code workDir}.
     */
    static ProcessBuilder cli(Path workDir, java.util.List<String> jvmOptions, java.util.List<String> args) {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dorg.bytedeco") || a.startsWith("-Xmx") || a.startsWith("-XX:+Use")) {
                cmd.add(a);
            }
        }
        cmd.add("-Dnightwatch.home=" + DEPLOYMENT.getParent().getParent());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.nightwatch.night.cli.NightwatchCli");
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).directory(workDir.toFile());
    }

    /**
     * Runs {@code src/test/resources/astropy/SCRIPT} with Debian's python3 (astropy and numpy, installed by
     * scripts/install-test-tools) and {@code args}, and fails the test with its output unless it ends well
     * within {@code seconds}: the nights and pairs another tool writes.
     */
    static void astropy(String script, int seconds, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add("/usr/bin/python3");
        cmd.add(Path.of(Nights.class.getResource("/astropy/" + script).toURI()).toString());
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), script + " finished");
        org.junit.jupiter.api.Assertions.assertEquals(0, p.exitValue(), script + ": " + said);
    }

    /**
     * A night's alerts as they are compared between nights that must agree: each alert change's id, state, kind, rank score,
     * score, position and time, sorted.
     */
    static java.util.List<String> alertLines(Path out) throws IOException {
        java.util.List<String> a = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(out.resolve(org.nightwatch.scheduler.AlertJsonLines.FILE))) {
            com.fasterxml.jackson.databind.JsonNode n = org.nightwatch.scheduler.AlertJson.mapper().readTree(line);
            com.fasterxml.jackson.databind.JsonNode c = n.get("candidate");
            a.add(String.join(" ", n.get("id").asText(), n.get("state").asText(), n.get("kind").asText(), n.get("rank_score").asText(),
                c.get("score").asText(), c.get("ra").asText(), c.get("dec").asText(), c.get("mjd").asText()));
        }
        a.sort(null);
        return a;
    }

    /**
     * A small simulated night (3 sensors x 10 high-cadence visits at full speed unless the operator picks
     * another mode, the committed model, an October evening) that waits in its control room (a free port,
     * operator token {@code token}) for the operator's start, writing into {@code out}: what the control
     * room's tests watch.
     */
    static NightLobby controlRoomNight(Path dir, Path out, String token) {
        DeploymentConfig cfg = config(dir, """
            nightwatch.camera.sim.survey { fields = 2, transients = 12, variables = 6, moving = 2 }
            nightwatch.actors.classifier.model = "%s"
            nightwatch.control-room.token = "%s"
            """.formatted(DEFAULT_MODEL, token));
        return new NightLobby(cfg, NightOptions.simulate(3, 10, org.nightwatch.protocol.SurveyMode.HIGH_CADENCE,
            org.nightwatch.camera.source.Pacing.MAX).withDiff(out).withNightStart(AlertStreamSystemTest.NIGHT).withControlRoom(0).build());
    }

    /** Waits for the operator's start in the background, then runs the night prepared in the chosen mode. */
    static CompletableFuture<NightSummary> runWhenStarted(NightLobby lobby) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lobby.awaitStart().run(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    static CompletableFuture<NightSummary> runInBackground(NightRunner runner) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** The actor of {@code sensor} in a running night. */
    static ActorRef<SensorActor.Command> sensorActor(NightRunner runner, SensorId sensor) throws Exception {
        return AskPattern.<Guardian.Command, ActorRef<SensorActor.Command>>ask(runner.system(),
                r -> new Guardian.GetSensor(sensor, r), Duration.ofSeconds(10), runner.system().scheduler())
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A consumer that holds every visit until the test opens it: the slowest possible consumer. */
    static final class GatedSink implements VisitSink {
        private final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger waiting = new AtomicInteger();
        final AtomicInteger passed = new AtomicInteger();

        @Override
        public void accept(StackedVisit visit) {
            waiting.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            } finally {
                waiting.decrementAndGet();
            }
            passed.incrementAndGet();
        }

        void open() {
            gate.countDown();
        }
    }

    /** A TCP port free on the loopback address now. */
    static int freeTcpPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A UDP port free on the loopback address now. */
    static int freeUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
