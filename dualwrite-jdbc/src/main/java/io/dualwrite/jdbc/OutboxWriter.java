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
 */
@FunctionalInterface
public interface OutboxWriter {

    /** Records {@code record} using {@code authoritativeConnection} and returns the entry's id. */
    long record(Connection authoritativeConnection, ChangeRecord record) throws SQLException;
}
