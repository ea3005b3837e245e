package io.dualwrite.jdbc.copy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The time zone a target pool's sessions start in: the zone in which the application's own write of a value without
 * zone (a {@code DATE}, a {@code DATETIME} or {@code timestamp}) into a column of instants (MariaDB {@code TIMESTAMP},
 * PostgreSQL {@code timestamptz}, H2 {@code TIMESTAMP WITH TIME ZONE}) takes it, and so the zone the copier takes such
 * a value in ({@link #instants}). Before round 28 the copier took it in UTC (MariaDB: the copier's session is in UTC
 * for every table with a {@code TIMESTAMP}, see {@link CopierSession}; PostgreSQL and H2: {@link Values#bind}'s UTC
 * rule for a date-time) or in the zone of whatever session it had: a pool that puts its zone on every session (by its
 * init SQL, by MariaDB's {@code sessionVariables} in the URL or the driver's properties, or the server's global zone)
 * had the copy 9 hours off the application's own write, nothing recorded.
 *
 * <p>The start is learnt once per pool (per store of a copier): on MariaDB by replaying what a fresh session of the pool gets
 * before any borrower has it (the server's global zone, the driver's {@code sessionVariables}, the pool's init SQL,
 * {@link RowSecurity#initSql}) on a session taken for the copier, before the copier's own settings, and putting the
 * session's zone back; on PostgreSQL and H2 read from a session taken by {@link RowSecurity#asLoggedIn}, which is put
 * back to the pool's start (the server's or driver's start value, or what the pool's init SQL sets). An earlier
 * borrower's {@code SET} is no start value. A zone the library cannot name in Java (a MariaDB {@code SYSTEM} zone
 * spelt as an abbreviation, a PostgreSQL POSIX zone with daylight rules) is {@link Zone#unknown}: such a value is
 * refused by name ({@link UnholdableValueException}) and its row recorded, never written in a guessed zone.
 *
 * <p>Public for verification only (round 28b): the verifier compares such a pair by this same rule, learnt here
 * ({@link #of}), so that a copy the copier made reads as equal and a zone the copier refuses is reported.
 */
public final class StartZone {

    /**
     * A pool's start zone: {@code zone} null when the server's zone ({@code name}) has no Java zone the copier trusts.
     * {@code name} is the server's own spelling (MariaDB's {@code time_zone}, which it reads back in its own
     * functions; PostgreSQL's {@code TimeZone}; H2's zone id).
     */
    public record Zone(@Nullable ZoneId zone, String name) {
        /** Whether the copier refuses a value without zone for this pool: the server's zone has no trusted Java zone. */
        public boolean unknown() {
            return zone == null;
        }

        /** Whether the copier takes a value without zone as it did before round 28: the zone is UTC. */
        public boolean utc() {
            return zone != null && zone.normalized().equals(ZoneOffset.UTC);
        }
    }

    private StartZone() {
    }

    /**
     * The start zone of {@code pool} by the copier's own learning ({@link #learn}), for the verifier: {@code session}
     * is one of the pool's sessions as {@link RowSecurity#asLoggedIn} gives it, before the verifier's own settings.
     */
    public static Zone of(DataSource pool, Connection session) throws SQLException {
        return learn(pool, session, CopyDialect.of(io.dualwrite.jdbc.Dialect.detect(session)));
    }

    /**
     * The start zone of {@code pool}, learnt on {@code session} (one of its sessions, before the copier's own
     * settings on MariaDB). One query (PostgreSQL, H2) or four statements (MariaDB); the copier asks once per store
     * and keeps it (not in a map keyed by the data source: a data source's own {@code hashCode} may be anything).
     */
    static Zone learn(DataSource pool, Connection session, CopyDialect dialect) throws SQLException {
        return switch (dialect) {
            case MYSQL -> mariaDb(pool, session);
            case POSTGRESQL -> postgres(session);
            case H2 -> h2(session);
        };
    }

    /**
     * MariaDB/MySQL: a fresh session of the pool starts at the server's global zone, then the driver runs its {@code
     * sessionVariables} (from the URL or the properties the pool gives the driver; the driver's URL of the session
     * names both), then the pool runs its init SQL. The same on this session, its own zone put back after.
     */
    private static Zone mariaDb(DataSource pool, Connection session) throws SQLException {
        @Nullable String variables = parameter(session.getMetaData().getURL(), "sessionVariables");
        @Nullable List<String> initSql = RowSecurity.initSql(pool);
        String name;
        String system;
        try (Statement statement = session.createStatement()) {
            statement.execute("SET @__dualwrite_start_zone = @@session.time_zone, time_zone = DEFAULT");
            try {
                if (variables != null) {
                    statement.execute("SET " + variables);
                }
                if (initSql != null) {
                    for (String sql : initSql) {
                        statement.execute(sql);
                    }
                }
                try (ResultSet rows = statement.executeQuery("SELECT @@session.time_zone, @@system_time_zone")) {
                    rows.next();
                    name = rows.getString(1);
                    system = rows.getString(2);
                }
            } finally {
                statement.execute("SET time_zone = @__dualwrite_start_zone, @__dualwrite_start_zone = NULL");
            }
        }
        String zone = "SYSTEM".equalsIgnoreCase(name) ? system : name;
        try {
            return new Zone(ZoneId.of(zone), name); // '+09:00' east of UTC, as MariaDB reads it; IANA names
        } catch (DateTimeException notJava) {
            return new Zone(null, zone);
        }
    }

    /**
     * PostgreSQL: the session's {@code TimeZone} ({@link RowSecurity#asLoggedIn} put it at the pool's start). A region
     * name is taken when Java's rules give the server's offsets; otherwise a zone whose offset is the same in January
     * and July is that fixed offset (a POSIX {@code '+09:00'} is 9 hours west in PostgreSQL, so the server's offset is
     * asked, never the name parsed); anything else is unknown.
     */
    private static Zone postgres(Connection session) throws SQLException {
        String name;
        int winter;
        int summer;
        try (Statement statement = session.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_setting('TimeZone'),"
                     + " extract(timezone FROM timestamptz '2026-01-15 12:00:00+00')::int,"
                     + " extract(timezone FROM timestamptz '2026-07-15 12:00:00+00')::int")) {
            rows.next();
            name = rows.getString(1);
            winter = rows.getInt(2);
            summer = rows.getInt(3);
        }
        if (!session.getAutoCommit()) {
            session.rollback(); // a read only
        }
        try {
            ZoneId region = ZoneId.of(name);
            if (!(region instanceof ZoneOffset)
                    && region.getRules().getOffset(Instant.parse("2026-01-15T12:00:00Z")).getTotalSeconds() == winter
                    && region.getRules().getOffset(Instant.parse("2026-07-15T12:00:00Z")).getTotalSeconds() == summer) {
                return new Zone(region, name);
            }
        } catch (DateTimeException notJava) {
            // asked by its offsets below
        }
        return winter == summer ? new Zone(ZoneOffset.ofTotalSeconds(winter), name) : new Zone(null, name);
    }

    /** H2: the session's zone ({@link RowSecurity#asLoggedIn} put it at the pool's start), a Java zone id. */
    private static Zone h2(Connection session) throws SQLException {
        String name;
        try (Statement statement = session.createStatement();
             ResultSet rows = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                     + " WHERE SETTING_NAME = 'TIME ZONE'")) {
            name = rows.next() ? rows.getString(1) : ZoneId.systemDefault().getId();
        }
        try {
            return new Zone(ZoneId.of(name), name);
        } catch (DateTimeException notJava) {
            return new Zone(null, name);
        }
    }

    /** Whether {@code column} holds instants: MariaDB's {@code TIMESTAMP}, a column with a time zone elsewhere. */
    static boolean instants(TableColumns.Column column, CopyDialect dialect) {
        return dialect == CopyDialect.MYSQL ? column.typeNamed("timestamp") : column.timeZone();
    }

    /** Whether one of {@code tables} has a column of instants ({@link #instants(TableColumns.Column, CopyDialect)}). */
    static boolean anyInstants(List<TableColumns> tables, CopyDialect dialect) {
        for (TableColumns table : tables) {
            for (TableColumns.Column column : table.all()) {
                if (instants(column, dialect)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The value of the URL parameter {@code name} ({@code ?a=1&name=v}), decoded, or null. */
    private static @Nullable String parameter(@Nullable String url, String name) {
        if (url == null || url.indexOf('?') < 0) {
            return null;
        }
        for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equalsIgnoreCase(name)) {
                String value = pair.substring(equals + 1);
                return value.isBlank() ? null : URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * Takes each value without zone of {@code rows} bound for a column of instants of {@code columns} (not a key
     * column: key texts of such columns name UTC instants everywhere) in {@code zone}: a date as its midnight there, a
     * date-time as that local time there, as the instant that the application's own write through the pool stores.
     * A value for a pool whose zone is unknown is refused by name. Nothing changes for a pool in UTC (the copier's
     * rule before), nor for the products' infinities (the largest and smallest dates).
     *
     * @throws UnholdableValueException when the zone is unknown and a row holds such a value
     */
    static void instants(List<Map<String, @Nullable Object>> rows, TableColumns columns, CopyDialect dialect,
            List<String> keyNames, Zone zone) throws UnholdableValueException {
        if (zone.utc()) {
            return;
        }
        for (TableColumns.Column column : columns.all()) {
            if (!instants(column, dialect) || keyNames.stream().anyMatch(key -> key.equalsIgnoreCase(column.name()))) {
                continue;
            }
            for (Map<String, @Nullable Object> row : rows) {
                for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
                    if (!entry.getKey().equalsIgnoreCase(column.name())) {
                        continue;
                    }
                    Object value = entry.getValue();
                    if (!(value instanceof LocalDate) && !(value instanceof LocalDateTime) 
                            || value.equals(LocalDate.MAX) || value.equals(LocalDate.MIN)
                            || value.equals(LocalDateTime.MAX) || value.equals(LocalDateTime.MIN)) {
                        continue;
                    }
                    if (zone.unknown()) {
                        throw UnholdableValueException.of(column.name(), value.toString(), column.typeName()
                                + " column holds instants, and a value without zone is taken in the zone the pool's"
                                + " sessions start in, " + zone.name() + ", which has no Java zone; set the pool's"
                                + " zone by a region name or an offset");
                    }
                    ZoneId in = Objects.requireNonNull(zone.zone());
                    OffsetDateTime instant = value instanceof LocalDate date ? date.atStartOfDay(in).toOffsetDateTime()
                            : ((LocalDateTime) value).atZone(in).toOffsetDateTime();
                    entry.setValue(instant);
                }
            }
        }
    }
}
