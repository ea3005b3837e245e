package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Shared plumbing of the two stores: the data source, its dialect (detected once), UTC times. */
final class SqlSupport {

    private final DataSource dataSource;
    private volatile @Nullable Dialect dialect;

    SqlSupport(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
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
