package io.dualwrite.jdbc.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The script that creates dualwrite's own tables on one kind of database, as it ships in the
 * {@code dualwrite-jdbc} jar under {@link #resourcePath()}. Hand it to a DBA or a migration tool (Flyway,
 * Liquibase), or let {@link DualWriteSchema#create} run it.
 *
 * <p>MySQL and MariaDB get one script each: the tables compare ids exactly (case, accents and trailing
 * spaces count) through a binary NO PAD collation, and no such collation exists under one name in both
 * ({@code utf8mb4_0900_bin} on MySQL 8.0.17+, {@code utf8mb4_nopad_bin} on MariaDB 10.2+; in MariaDB
 * 11.4.5+ {@code utf8mb4_0900_bin} is an alias of the PAD SPACE {@code utf8mb4_bin}).
 */
public enum SchemaScript {
    /** H2 2.x. */
    H2("h2.sql", Set.of()),
    /** PostgreSQL 12+. */
    POSTGRESQL("postgresql.sql", Set.of()),
    /** MySQL 8.0.17+ (text columns {@code COLLATE utf8mb4_0900_bin}). */
    MYSQL("mysql.sql", Set.of("utf8mb4_0900_bin")),
    /** MariaDB 10.2+ (text columns {@code COLLATE utf8mb4_nopad_bin}). */
    MARIADB("mariadb.sql", Set.of("utf8mb4_nopad_bin"));

    private static final String DIRECTORY = "io/dualwrite/jdbc/schema/";

    private final String fileName;
    private final Set<String> exactCollations;

    SchemaScript(String fileName, Set<String> exactCollations) {
        this.fileName = fileName;
        this.exactCollations = exactCollations;
    }

    /**
     * The script for the database of a connection.
     *
     * @throws SQLException when the metadata cannot be read, or the database is none of H2, PostgreSQL,
     *                      MySQL or MariaDB
     */
    public static SchemaScript of(Connection connection) throws SQLException {
        return of(connection.getMetaData());
    }

    /**
     * The script for a database, from its product name and version (MySQL's driver reports a MariaDB server
     * as "MySQL" with "MariaDB" in the version).
     *
     * @throws SQLException when the metadata cannot be read, or the database is none of H2, PostgreSQL,
     *                      MySQL or MariaDB
     */
    public static SchemaScript of(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return H2;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("mariadb") || metaData.getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb")) {
            return MARIADB;
        }
        if (product.contains("mysql")) {
            return MYSQL;
        }
        throw new SQLException("unsupported database product '" + metaData.getDatabaseProductName()
                + "'; dualwrite's tables have scripts for H2, PostgreSQL, MySQL and MariaDB");
    }

    /** Where the script is on the class path (in the {@code dualwrite-jdbc} jar), e.g. {@code io/dualwrite/jdbc/schema/mariadb.sql}. */
    public String resourcePath() {
        return DIRECTORY + fileName;
    }

    /**
     * The whole script, with its comments.
     *
     * @throws IllegalStateException when the script is missing from the class path
     * @throws UncheckedIOException  when it cannot be read
     */
    public String text() {
        try (InputStream in = SchemaScript.class.getClassLoader().getResourceAsStream(resourcePath())) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resourcePath() + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema script " + resourcePath(), e);
        }
    }

    /** The script split into single statements, without comments or trailing semicolons. */
    public List<String> statements() {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text().split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    /**
     * What an operator does when dualwrite's tables are missing from a database of this kind, as a sentence
     * for an error message: call {@link DualWriteSchema#create} or run this script.
     */
    public String fix() {
        return "create dualwrite's tables: call DualWriteSchema.create(dataSource) at start-up, or run the script "
                + resourcePath() + " from the dualwrite-jdbc jar on this database";
    }

    /** {@link #fix()} for when the kind of database is not known: names every script. */
    public static String fixForUnknownDatabase() {
        StringBuilder scripts = new StringBuilder();
        for (SchemaScript script : values()) {
            scripts.append(scripts.length() == 0 ? "" : ", ").append(script.resourcePath());
        }
        return "create dualwrite's tables: call DualWriteSchema.create(dataSource) at start-up, or run the script"
                + " for your database from the dualwrite-jdbc jar (" + scripts + ")";
    }

    /** The collations under which a text column compares exactly; empty where any text column does. */
    Set<String> exactCollations() {
        return exactCollations;
    }
}
