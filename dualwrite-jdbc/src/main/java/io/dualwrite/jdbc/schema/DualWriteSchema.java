package io.dualwrite.jdbc.schema;

import io.dualwrite.jdbc.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables dualwrite keeps for itself: {@value #SWITCH_TABLE}, {@value #ORDER_PIN_TABLE} and
 * {@value #CHANGE_LOG_TABLE}.
 *
 * <p>Either let the library create them at start-up with {@link #create(DataSource)} (idempotent: it
 * creates only what is missing), or run the script of {@link #script(Dialect)} yourself, e.g. through
 * Flyway or Liquibase. The scripts are also on the class path as
 * {@code io/dualwrite/jdbc/schema/{h2,postgresql,mysql}.sql}.
 */
public final class DualWriteSchema {

    /** The switches table. */
    public static final String SWITCH_TABLE = "dualwrite_switch";
    /** The order-pin table. */
    public static final String ORDER_PIN_TABLE = "dualwrite_order_pin";
    /** The change-log table; it lives in the authoritative store. */
    public static final String CHANGE_LOG_TABLE = "dualwrite_change_log";

    private static final Logger log = LoggerFactory.getLogger(DualWriteSchema.class);

    private DualWriteSchema() {
    }

    /**
     * Creates the tables and indexes that do not exist yet in the database of {@code dataSource}, whose
     * dialect is detected. Safe to call from several instances starting at once: a statement that loses a
     * creation race is retried once, and every statement is {@code IF NOT EXISTS}.
     *
     * @throws SQLException when the database cannot be reached or a statement fails twice
     */
    public static void create(DataSource dataSource) throws SQLException {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection()) {
            create(connection);
        }
    }

    /**
     * Creates the missing tables and indexes on a connection, in auto-commit. The connection's auto-commit
     * setting is restored afterwards; the connection is not closed.
     */
    public static void create(Connection connection) throws SQLException {
        Dialect dialect = Dialect.detect(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(dialect)) {
                try {
                    statement.execute(sql);
                } catch (SQLException raced) {
                    // another instance may have created the object between our check and our create
                    log.debug("schema statement failed once, retrying: {}", raced.getMessage());
                    statement.execute(sql);
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        log.debug("dualwrite tables present ({})", dialect);
    }

    /** The whole script for a dialect, as it is on the class path (with comments). */
    public static String script(Dialect dialect) {
        String resource = resourceName(dialect);
        try (InputStream in = DualWriteSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema script " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema script " + resource, e);
        }
    }

    /** The script for a dialect split into single statements, without comments or trailing semicolons. */
    public static List<String> statements(Dialect dialect) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script(dialect).split("\\R")) {
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

    private static String resourceName(Dialect dialect) {
        return switch (dialect) {
            case H2 -> "h2.sql";
            case POSTGRESQL -> "postgresql.sql";
            case MYSQL -> "mysql.sql";
        };
    }
}
