package org.nightwatch.scheduler;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's postgresql package (installed by
 * {@code scripts/install-test-tools}): a fresh cluster in a temporary directory, listening on 127.0.0.1 at
 * a free port, with password authentication for its one user. PostgreSQL refuses to run as root, so as
 * root the server runs as the package's {@code postgres} user.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "nightwatch";
    public static final String PASSWORD = "night-sky-42";

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean root;

    private PostgresServer(Path bin, Path data, int port, boolean root) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.root = root;
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                .orElseThrow(() -> new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: run scripts/install-test-tools"));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("no PostgreSQL server under /usr/lib/postgresql: run scripts/install-test-tools", e);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = Files.createTempDirectory("nightwatch-pg");
        Path pw = data.resolve("pwfile");
        Files.writeString(pw, PASSWORD + "\n", StandardCharsets.UTF_8);
        Path cluster = data.resolve("cluster");
        if (root) {
            run(List.of("chown", "-R", "postgres", data.toString()), false);
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, cluster, port, root);
        server.pg(List.of(bin.resolve("initdb").toString(), "-D", cluster.toString(), "-U", USER, "--pwfile=" + pw,
            "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"));
        server.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", cluster.toString(), "-w", "-t", "60", "-l", data.resolve("log").toString(),
            "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + data + " -c fsync=off", "start"));
        try (Connection c = DriverManager.getConnection(server.url("postgres"), USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE nightwatch");
        } catch (SQLException e) {
            server.close();
            throw new IllegalStateException("the test PostgreSQL server did not take a database: " + e.getMessage(), e);
        }
        return server;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String url() {
        return url("nightwatch");
    }

    private void pg(List<String> cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        run(full, true);
    }

    private static void run(List<String> cmd, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + ": did not finish");
        }
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    @Override
    public void close() {
        try {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("test PostgreSQL server: " + e.getMessage());
        }
        try (Stream<Path> w = Files.walk(data.getParent())) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("test PostgreSQL server: " + e.getMessage());
        }
    }
}
