package io.dualwrite.jdbc;

import io.dualwrite.internal.Credentials;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's last generated key ({@code LAST_INSERT_ID()}, {@code @@identity}; in H2's compatibility modes
 * also {@code IDENTITY()}, {@code SCOPE_IDENTITY()}, {@code IDENTITY_VAL_LOCAL()}, {@code LASTVAL()}), kept
 * across the outbox entries the library writes on the application's session: the application reads it after
 * its insert (MyBatis's {@code selectKey order="AFTER"}) and must get its own row's key, not an entry's.
 *
 * <p>{@link #keep} reads it before the entries are written and {@link #restore} sets it back after them:
 * <ul>
 *   <li>MySQL/MariaDB: with {@code LAST_INSERT_ID(expr)}, which sets what {@code LAST_INSERT_ID()} answers. Not
 *       needed for the library's own change log ({@link io.dualwrite.jdbc.changelog.JdbcChangeLog} as the writer),
 *       whose entries name their ids and so leave it alone: two round trips spared per commit.</li>
 *   <li>H2: any value inserted into an identity column becomes the session's, named or generated, so always. In
 *       the MySQL and MariaDB modes with {@code LAST_INSERT_ID(expr)}; in the others by inserting the value into
 *       an identity column of a local temporary table of the session's ({@value #H2_TABLE}, created in the
 *       transaction, which it does not commit), and deleting the row. REGULAR and STRICT modes have no such
 *       function: nothing is read.</li>
 *   <li>PostgreSQL: {@code lastval()} answers the sequence the session's last {@code nextval} used, and only
 *       {@code nextval} sets it (a {@code setval} would change the sequence for every session). The library's own
 *       change log names its ids and takes no {@code nextval}; an outbox writer of the application's own that
 *       does leaves {@code lastval()} answering its sequence (a limit, see docs/decisions.md).</li>
 * </ul>
 * The value is per session, so concurrent sessions never see each other's. A failure to read or restore it is
 * logged at DEBUG and never reaches the application, whose commit goes ahead.
 */
final class SessionIdentity {

    private static final Logger log = LoggerFactory.getLogger(SessionIdentity.class);
    private static final SessionIdentity NOTHING = new SessionIdentity(null, Kind.NONE, null);
    /** H2's local temporary table whose identity column restores the session's identity in modes without a setter. */
    static final String H2_TABLE = "dualwrite_session_identity";
    private static final Set<String> H2_SETTER_MODES = Set.of("MYSQL", "MARIADB");

    private enum Kind { NONE, LAST_INSERT_ID, H2_TABLE }

    private final @Nullable Connection connection;
    private final Kind kind;
    private final @Nullable Object value;

    private SessionIdentity(@Nullable Connection connection, Kind kind, @Nullable Object value) {
        this.connection = connection;
        this.kind = kind;
        this.value = value;
    }

    /**
     * Reads the session's last generated key where the writer's inserts may change it.
     *
     * @param namesItsIds whether the writer is the library's change log, whose entries name their ids (they
     *                    change the key on H2 only)
     */
    static SessionIdentity keep(Connection connection, @Nullable Dialect dialect, boolean namesItsIds) {
        try {
            if (dialect == Dialect.MYSQL && !namesItsIds) {
                return new SessionIdentity(connection, Kind.LAST_INSERT_ID, single(connection, "SELECT LAST_INSERT_ID()"));
            }
            if (dialect == Dialect.H2) {
                String mode = single(connection, "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                        + " WHERE SETTING_NAME = 'MODE'") instanceof String name ? name.toUpperCase(Locale.ROOT) : "";
                String function = h2Function(mode);
                if (function == null) {
                    return NOTHING;
                }
                Object value = single(connection, "SELECT " + function);
                if (value == null) {
                    return NOTHING; // no insert yet: nothing of the application's to keep
                }
                if (H2_SETTER_MODES.contains(mode)) {
                    return new SessionIdentity(connection, Kind.LAST_INSERT_ID, value);
                }
                // an identity column of BIGINT holds it when it is a whole number of that range
                return value instanceof Number number && new java.math.BigDecimal(number.toString())
                        .compareTo(java.math.BigDecimal.valueOf(number.longValue())) == 0
                        ? new SessionIdentity(connection, Kind.H2_TABLE, number.longValue()) : NOTHING;
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not read the session's last generated key: {}", Credentials.mask(e.toString()));
        }
        return NOTHING;
    }

    /** The function an H2 mode answers the session's identity with; {@code null} where it has none. */
    private static @Nullable String h2Function(String mode) {
        return switch (mode) {
            case "MYSQL", "MARIADB" -> "LAST_INSERT_ID()";
            case "LEGACY", "MSSQLSERVER" -> "SCOPE_IDENTITY()";
            case "DB2", "DERBY" -> "IDENTITY_VAL_LOCAL()";
            case "POSTGRESQL" -> "LASTVAL()";
            default -> null;
        };
    }

    /** Sets the session's last generated key back to what {@link #keep} read. Never throws. */
    void restore() {
        if (connection == null || value == null) {
            return;
        }
        try {
            if (kind == Kind.LAST_INSERT_ID) {
                try (PreparedStatement set = connection.prepareStatement("SELECT LAST_INSERT_ID(?)")) {
                    set.setObject(1, value);
                    set.executeQuery().close();
                }
            } else if (kind == Kind.H2_TABLE) {
                try (Statement statement = connection.createStatement()) {
                    // TRANSACTIONAL: created in the open transaction, which H2's DDL would otherwise commit
                    statement.execute("CREATE LOCAL TEMPORARY TABLE IF NOT EXISTS " + H2_TABLE
                            + " (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY) TRANSACTIONAL");
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + H2_TABLE + " (id) VALUES (?)")) {
                    insert.setObject(1, value);
                    insert.executeUpdate();
                }
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM " + H2_TABLE);
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not restore the session's last generated key: {}", Credentials.mask(e.toString()));
        }
    }

    private static @Nullable Object single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            return result.next() ? result.getObject(1) : null;
        }
    }
}
