package io.dualwrite.jdbc.schema;

import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables dualwrite keeps for itself: {@value #SWITCH_TABLE}, {@value #ORDER_PIN_TABLE},
 * {@value #CHANGE_LOG_TABLE}, {@value #VERIFICATION_TABLE}, {@value #BACKFILL_CHECKPOINT_TABLE} and
 * {@value #VERIFICATION_CHECKPOINT_TABLE}.
 *
 * <p>Either let the library create them at start-up with {@link #create(DataSource)} (idempotent: it
 * creates only what is missing), or run the {@link SchemaScript} of the database yourself, e.g. through
 * Flyway or Liquibase; the scripts are in the jar under {@code io/dualwrite/jdbc/schema/}
 * ({@code h2.sql}, {@code postgresql.sql}, {@code mysql.sql}, {@code mariadb.sql}).
 * {@link #verify(DataSource)} checks at start-up that they are there and compare ids exactly.
 */
public final class DualWriteSchema {

    /** The switches table. */
    public static final String SWITCH_TABLE = "dualwrite_switch";
    /** The order-pin table. */
    public static final String ORDER_PIN_TABLE = "dualwrite_order_pin";
    /** The change-log table; it lives in the authoritative store. */
    public static final String CHANGE_LOG_TABLE = "dualwrite_change_log";
    /**
     * The verification results: one row per table and verification run, read by the phase gate
     * ({@code io.dualwrite.jdbc.verify.JdbcVerificationProbe}); it lives where the verifier records (the old store
     * by default).
     */
    public static final String VERIFICATION_TABLE = "dualwrite_verification";
    /** The checkpoints of backfill jobs ({@code io.dualwrite.jdbc.backfill}); they live where the jobs keep them, the old store by default. */
    public static final String BACKFILL_CHECKPOINT_TABLE = "dualwrite_backfill_checkpoint";
    /**
     * The checkpoints of verification jobs that name one ({@code io.dualwrite.jdbc.verify}): how far a run got and
     * the rows it found different, so that a stopped run goes on where it stopped; they live with the results.
     */
    public static final String VERIFICATION_CHECKPOINT_TABLE = "dualwrite_verification_checkpoint";
    /** Every table of dualwrite's own, in creation order. */
    public static final List<String> TABLES = List.of(SWITCH_TABLE, ORDER_PIN_TABLE, CHANGE_LOG_TABLE,
            VERIFICATION_TABLE, BACKFILL_CHECKPOINT_TABLE, VERIFICATION_CHECKPOINT_TABLE);

    /**
     * The SQLStates by which databases say "no such table": PostgreSQL {@code 42P01}; MySQL, MariaDB and
     * H2 {@code 42S02}; H2 also {@code 42S03} (not found, with similar names listed) and {@code 42S04}
     * (not found, the database is empty).
     */
    private static final Set<String> MISSING_TABLE_STATES = Set.of("42P01", "42S02", "42S03", "42S04");

    /** The columns that hold ids, keys or names: they must compare exactly. */
    private static final Map<String, List<String>> ID_COLUMNS = Map.of(
            SWITCH_TABLE, List.of("migration", "scope_kind", "subject_id"),
            ORDER_PIN_TABLE, List.of("migration", "order_id", "merchant_id"),
            CHANGE_LOG_TABLE, List.of("migration", "table_name", "row_key", "order_id", "merchant_id", "claim_token"),
            VERIFICATION_TABLE, List.of("migration", "table_name", "scope_key", "merchant_id"),
            BACKFILL_CHECKPOINT_TABLE, List.of("job_id"),
            VERIFICATION_CHECKPOINT_TABLE, List.of("checkpoint_name", "table_name"));

    private static final Logger log = LoggerFactory.getLogger(DualWriteSchema.class);

    private DualWriteSchema() {
    }

    /**
     * Creates the tables and indexes that do not exist yet in the database of {@code dataSource}, whose kind
     * is detected ({@link SchemaScript#of}). Safe to call from several instances starting at once: a statement
     * that loses a creation race is retried once, and every statement is {@code IF NOT EXISTS}. Tables that
     * exist are left as they are (see {@link #verify(DataSource)}).
     *
     * @throws SQLException when the database cannot be reached or a statement fails twice
     */
    public static void create(DataSource dataSource) throws SQLException {
        Checks.requireNonNull("dataSource", dataSource);
        try (Connection connection = dataSource.getConnection()) {
            create(connection);
        }
    }

    /**
     * Creates the missing tables and indexes on a connection, in auto-commit. The connection's auto-commit
     * setting is restored afterwards; the connection is not closed.
     *
     * <p>On an H2 database opened with {@code IGNORECASE=TRUE}, which would make every new {@code VARCHAR} column
     * {@code VARCHAR_IGNORECASE}, the setting is turned off while the tables are created and on again afterwards,
     * so that ids that differ only in case stay distinct. The setting belongs to the database: a table another
     * session creates in the same instant is created case-sensitive too.
     *
     * @throws SQLException when a statement fails twice, or the database is of an unsupported kind
     */
    public static void create(Connection connection) throws SQLException {
        SchemaScript script = SchemaScript.of(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            boolean ignoringCase = script == SchemaScript.H2 && h2IgnoresCase(statement)
                    && caseSensitiveWhileCreating(statement);
            try {
                for (String sql : script.statements()) {
                    try {
                        statement.execute(sql);
                    } catch (SQLException raced) {
                        // another instance may have created the object between our check and our create
                        log.debug("schema statement failed once, retrying: {}", Credentials.mask(raced.getMessage()));
                        statement.execute(sql);
                    }
                }
            } finally {
                if (ignoringCase) {
                    statement.execute("SET IGNORECASE TRUE");
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        log.debug("dualwrite tables present ({})", script);
    }

    /**
     * Turns H2's {@code IGNORECASE} off for the tables about to be created: it turns every VARCHAR of a new table into
     * VARCHAR_IGNORECASE, so ids that differ in case would be one merchant, one order, one pin. A user without the
     * admin right cannot change it: the tables are then created as the database makes them, and
     * {@link #verify(DataSource)} names their columns with the fix.
     */
    private static boolean caseSensitiveWhileCreating(Statement statement) {
        try {
            statement.execute("SET IGNORECASE FALSE");
            return true;
        } catch (SQLException refused) {
            log.warn("dualwrite's tables are created under H2's IGNORECASE=TRUE, so their id columns ignore case: the"
                    + " setting could not be turned off ({}); create them as an admin, or from {} after SET IGNORECASE"
                    + " FALSE", Credentials.mask(refused.getMessage()), SchemaScript.H2.resourcePath());
            return false;
        }
    }

    /** Whether an H2 database runs with {@code IGNORECASE=TRUE} (new VARCHAR columns then ignore case). */
    private static boolean h2IgnoresCase(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'IGNORECASE'")) {
            // H2 2.x reports it as 1 or 0
            return rows.next() && ("1".equals(rows.getString(1)) || "TRUE".equalsIgnoreCase(rows.getString(1)));
        }
    }

    /**
     * Checks that all of dualwrite's tables ({@link #TABLES}) exist in the database of {@code dataSource} and
     * compare ids exactly. See {@link #verify(DataSource, List)}.
     *
     * @throws IllegalStateException naming every missing table and mis-collated column, and the fix
     * @throws SQLException          when the database cannot be reached or its metadata read
     */
    public static void verify(DataSource dataSource) throws SQLException {
        verify(dataSource, TABLES);
    }

    /**
     * Checks that the given tables of dualwrite's own exist in the database of {@code dataSource} (e.g. only
     * {@link #CHANGE_LOG_TABLE} where the switches live elsewhere), where the library's statements will name them
     * ({@link OwnTable}: their home schema, or on MySQL/MariaDB the URL's database, whatever schema or database the
     * session was left on), and that their id columns compare exactly there:
     * on MySQL/MariaDB under the binary NO PAD collation of {@link SchemaScript}, on H2 not as
     * {@code VARCHAR_IGNORECASE}. Call it at start-up, so that a missing table fails there and not at the
     * first mirror failure that needs the change log.
     *
     * @param tables names out of {@link #TABLES}
     * @throws IllegalArgumentException when {@code tables} is empty or names a table that is not dualwrite's
     * @throws IllegalStateException    naming every missing table and mis-collated column, and the fix
     *                                  ({@link #create(DataSource)}, or the script and its resource path)
     * @throws SQLException             when the database cannot be reached or its metadata read
     */
    public static void verify(DataSource dataSource, List<String> tables) throws SQLException {
        Checks.requireNonNull("dataSource", dataSource);
        if (tables.isEmpty() || !TABLES.containsAll(tables)) {
            throw new IllegalArgumentException("tables must name some of " + TABLES + ", but was " + tables);
        }
        try (Connection connection = dataSource.getConnection()) {
            SchemaScript script = SchemaScript.of(connection);
            Map<String, String> homes = new java.util.LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (String table : tables) {
                @Nullable String home = OwnTable.of(dataSource, table).homeNow(connection);
                if (home == null) {
                    missing.add(table);
                } else {
                    homes.put(table, home);
                }
            }
            List<String> inexact = inexactColumns(connection, script, homes);
            if (missing.isEmpty() && inexact.isEmpty()) {
                return;
            }
            StringBuilder message = new StringBuilder("dualwrite's tables are not ready in this database (")
                    .append(connection.getMetaData().getDatabaseProductName()).append("):");
            if (!missing.isEmpty()) {
                message.append("\n  - missing: ").append(String.join(", ", missing)).append("; to fix, ")
                        .append(script.fix());
            }
            for (String column : inexact) {
                message.append("\n  - ").append(column);
            }
            throw new IllegalStateException(message.toString());
        }
    }

    /**
     * How many characters a text column of one of dualwrite's own tables holds, as the database declares it (its
     * result set's precision), capped at {@code cap}; {@code fallback} when the database declares none. The scripts
     * before round 22 made the checkpoints' key columns {@code VARCHAR(4000)}, later ones wider: the library reads
     * what the installed table holds rather than assume either. For the library's use only.
     *
     * @throws SQLException when the table cannot be read
     */
    public static int textCapacity(Connection connection, String table, String column, int fallback, int cap)
            throws SQLException {
        // prepared: a session that names the library's tables in their home (OwnTable) qualifies prepared texts
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + column + " FROM " + table
                + " WHERE 1 = 0");
             ResultSet none = statement.executeQuery()) {
            int precision = none.getMetaData().getPrecision(1);
            String type = none.getMetaData().getColumnTypeName(1).toUpperCase(Locale.ROOT);
            if (precision <= 0) {
                return fallback;
            }
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (type.endsWith("TEXT") && (product.contains("mysql") || product.contains("mariadb"))) {
                precision /= 4; // a MySQL/MariaDB TEXT's size may be its bytes, and utf8mb4 takes up to four a character
            }
            return Math.min(precision, cap);
        }
    }

    /**
     * Whether an exception (or one chained to it) says that a table does not exist, by its SQLState:
     * {@code 42P01} (PostgreSQL), {@code 42S02} (MySQL, MariaDB, H2), {@code 42S03}/{@code 42S04} (H2).
     */
    public static boolean isMissingTable(SQLException e) {
        for (@Nullable Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && MISSING_TABLE_STATES.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** Id columns that would compare ids case-, accent- or trailing-space-insensitively, described with the fix. */
    private static List<String> inexactColumns(Connection connection, SchemaScript script, Map<String, String> homes)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        if (script == SchemaScript.MYSQL || script == SchemaScript.MARIADB) {
            String collation = script.exactCollations().iterator().next();
            try (PreparedStatement select = connection.prepareStatement("SELECT COLLATION_NAME FROM"
                    + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
                for (Map.Entry<String, String> home : homes.entrySet()) {
                    String table = home.getKey();
                    for (String column : ID_COLUMNS.get(table)) {
                        String actual = single(select, home.getValue(), table, column);
                        // a binary column (VARBINARY) has no collation and compares bytes: exact too
                        if (actual != null && !script.exactCollations().contains(actual)) {
                            problems.add(table + "." + column + " compares with collation " + actual
                                    + ", which can treat ids that differ in case, accents or trailing spaces as one; to fix,"
                                    + " run ALTER TABLE " + table + " CONVERT TO CHARACTER SET utf8mb4 COLLATE "
                                    + collation + " (the collation of " + script.resourcePath() + ")");
                        }
                    }
                }
            }
        } else if (script == SchemaScript.H2) {
            try (PreparedStatement select = connection.prepareStatement("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = UPPER(?) AND COLUMN_NAME = UPPER(?)")) {
                for (Map.Entry<String, String> home : homes.entrySet()) {
                    String table = home.getKey();
                    for (String column : ID_COLUMNS.get(table)) {
                        String type = single(select, home.getValue(), table, column);
                        if (type != null && type.toUpperCase(Locale.ROOT).contains("IGNORECASE")) {
                            problems.add(table + "." + column + " is " + type + " (the database runs with IGNORECASE=TRUE),"
                                    + " so ids that differ in case would be one; to fix, recreate the table with"
                                    + " IGNORECASE=FALSE from " + script.resourcePath());
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static @Nullable String single(PreparedStatement select, String schema, String table, String column)
            throws SQLException {
        select.setString(1, schema);
        select.setString(2, table);
        select.setString(3, column);
        try (ResultSet rows = select.executeQuery()) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
