package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.schema.OwnTable;
import io.dualwrite.jdbc.schema.SchemaScript;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Shared plumbing of the two stores: the data source, its dialect and schema script (detected once), UTC
 * times, and failures that name the fix when dualwrite's table is missing.
 */
final class SqlSupport {

    private final DataSource dataSource;
    /** Where the store's table lives: its statements name it there, whatever a pooled session was left on. */
    private final OwnTable table;
    private volatile @Nullable Dialect dialect;
    private volatile @Nullable SchemaScript script;

    DataSource dataSource() {
        return dataSource;
    }

    SqlSupport(DataSource dataSource, String table) {
        this.dataSource = Checks.requireNonNull("dataSource", dataSource);
        this.table = new OwnTable(table);
    }

    /** A session of the data source whose prepared statements name the store's table in its home ({@link OwnTable}). */
    Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (script == null) {
            try {
                script = SchemaScript.of(connection);
            } catch (SQLException unsupported) {
                // an unknown product: a missing-table failure then names every script
            }
        }
        return table.naming(connection);
    }

    /**
     * The exception a store throws when a statement fails: "could not {@code what}: the driver's message",
     * and when the cause is a missing table, how to create dualwrite's tables on this database.
     */
    IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException(failureMessage("could not " + what + ": " + Credentials.mask(e.getMessage()), e, script), e);
    }

    /** {@code message}, followed by the fix when {@code e} says that a table is missing. */
    static String failureMessage(String message, SQLException e, @Nullable SchemaScript script) {
        if (!DualWriteSchema.isMissingTable(e)) {
            return message;
        }
        return message + " (dualwrite's table is missing; to fix, "
                + (script == null ? SchemaScript.fixForUnknownDatabase() : script.fix()) + ")";
    }

    Dialect dialect(Connection connection) throws SQLException {
        Dialect known = dialect;
        if (known == null) {
            known = Dialect.detect(connection);
            dialect = known;
        }
        return known;
    }

    static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    static MigrationPhase phase(String stored, String where) {
        try {
            return MigrationPhase.valueOf(stored);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown phase '" + stored + "' stored in " + where, e);
        }
    }

    /** Whether an exception is a duplicate key or a transaction conflict worth one more try. */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("23") || state.startsWith("40"));
    }

    /** A short random pause, growing with the attempt, so that two conflicting writers do not collide again. */
    static void pauseBeforeRetry(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
