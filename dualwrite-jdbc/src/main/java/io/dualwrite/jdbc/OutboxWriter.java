package io.dualwrite.jdbc;

import io.dualwrite.changelog.ChangeRecord;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes a change-log entry on the authoritative store's own connection, inside the application's
 * transaction: what {@link io.dualwrite.changelog.ChangeLogMode#ALWAYS} needs to be crash-safe. The JDBC
 * change log provides one.
 *
 * <p>Called on the application's thread, before the authoritative commit; it may block on the database.
 * An exception fails the application's commit (the entry belongs to the authoritative write).
 *
 * <p>The application may read the session's last generated key after its insert ({@code LAST_INSERT_ID()},
 * {@code lastval()}); a writer whose insert takes a generated id would change it. The library's
 * {@link io.dualwrite.jdbc.changelog.JdbcChangeLog}, passed itself (not as a method reference), names its ids
 * and leaves the key alone. Around any other writer the data source reads the key before and sets it back after
 * on MySQL/MariaDB (two round trips per commit) and on H2; on PostgreSQL {@code lastval()} cannot be set back, so
 * a writer there should not take {@code nextval} (see docs/decisions.md).
 */
@FunctionalInterface
public interface OutboxWriter {

    /** Records {@code record} using {@code authoritativeConnection} and returns the entry's id. */
    long record(Connection authoritativeConnection, ChangeRecord record) throws SQLException;
}
