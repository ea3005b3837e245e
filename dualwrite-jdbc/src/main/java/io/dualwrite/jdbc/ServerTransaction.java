package io.dualwrite.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import org.jspecify.annotations.Nullable;

/**
 * Whether a MariaDB or PostgreSQL session is in a transaction, as the server last said in its status flags
 * ({@code SERVER_STATUS_IN_TRANS}), which the driver keeps from every reply; and whether it reads a backslash as a
 * character ({@code SERVER_STATUS_NO_BACKSLASH_ESCAPES}, for {@link SessionLexing}). A plain {@code COMMIT} or {@code
 * ROLLBACK} chains the next transaction while the session's {@code completion_type} is {@code CHAIN}, a setting
 * that may come from the server's configuration and that no statement in sight shows; the status tells without a
 * statement of its own (one would change what {@code FOUND_ROWS()} or {@code SHOW WARNINGS} answer the caller).
 *
 * <p>The driver does not say this through JDBC and is no dependency of this module: it is read by reflection, as
 * {@link AffectedRows} reads the driver's settings; {@code null} when it cannot be read (another driver).
 */
final class ServerTransaction {

    private static final int IN_TRANSACTION = 1;

    private ServerTransaction() {
    }

    /**
     * Whether the server said {@code physical}'s session is in a transaction; null when unknown. MariaDB's status
     * flags, or pgjdbc's transaction state (from PostgreSQL's last {@code ReadyForQuery}: idle, or in a transaction,
     * failed or not).
     */
    static @Nullable Boolean open(Connection physical) {
        Integer flags = status(physical);
        return flags != null ? (Boolean) ((flags & IN_TRANSACTION) != 0) : postgresOpen(physical);
    }

    /** pgjdbc's transaction state: false when idle; null under another driver. */
    private static @Nullable Boolean postgresOpen(Connection physical) {
        Object state = pgjdbc(physical, "getTransactionState");
        return state instanceof Enum<?> value ? (Boolean) !"IDLE".equals(value.name()) : null;
    }

    /**
     * What a getter of pgjdbc's {@code BaseConnection} answers for {@code physical}, read by reflection (the driver
     * is no dependency of this module) from what the server last reported; null under another driver or when it
     * cannot be read.
     */
    static @Nullable Object pgjdbc(Connection physical, String getter) {
        try {
            Class<?> base = Class.forName("org.postgresql.core.BaseConnection", false,
                    physical.getClass().getClassLoader());
            if (!physical.isWrapperFor(base)) {
                return null;
            }
            return base.getMethod(getter).invoke(physical.unwrap(base));
        } catch (ReflectiveOperationException | java.sql.SQLException | RuntimeException | LinkageError unknown) {
            return null;
        }
    }

    private static final int NO_BACKSLASH_ESCAPES = 512;

    /**
     * Whether the server said {@code physical}'s session runs with {@code NO_BACKSLASH_ESCAPES} in its {@code
     * sql_mode} ({@code SERVER_STATUS_NO_BACKSLASH_ESCAPES}, in every reply since the mode was set, however it was:
     * {@code SET}, the server's default, the driver's session variables); null when unknown.
     */
    static @Nullable Boolean noBackslashEscapes(Connection physical) {
        Integer flags = status(physical);
        return flags == null ? null : (flags & NO_BACKSLASH_ESCAPES) != 0;
    }

    /** The server status flags of {@code physical}'s last reply; null when they cannot be read. */
    private static @Nullable Integer status(Connection physical) {
        try {
            Class<?> driverConnection = Class.forName("org.mariadb.jdbc.Connection", false,
                    physical.getClass().getClassLoader());
            if (!physical.isWrapperFor(driverConnection)) {
                return null;
            }
            Method getContext = driverConnection.getMethod("getContext");
            Object context = getContext.invoke(physical.unwrap(driverConnection));
            if (context == null) {
                return null;
            }
            // looked up on the public interface the getter declares (the implementation class may not be public)
            Object status = getContext.getReturnType().getMethod("getServerStatus").invoke(context);
            return status instanceof Integer flags ? flags : null;
        } catch (ReflectiveOperationException | java.sql.SQLException | RuntimeException | LinkageError unknown) {
            return null;
        }
    }
}
