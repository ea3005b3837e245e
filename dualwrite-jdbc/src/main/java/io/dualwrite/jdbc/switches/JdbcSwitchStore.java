package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.switches.SwitchChange;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SwitchStore} on the table {@code dualwrite_switch}, shared by every instance of the
 * application. Each row is one switch: the system phase ({@code scope_kind = 'SYSTEM'}), a merchant or an
 * order phase (the id in {@code subject_id}), or a rule ({@code rule_kind}, {@code rule_value} — the
 * percentage or the id threshold — and {@code rule_position}), so rules read back exactly as written.
 *
 * <p>{@link #load} reads a migration in one query. Setting a phase is one upsert, clearing one delete;
 * {@link #setRules} replaces the rules in one transaction.
 *
 * <p>Every change carries its time in {@code updated_at}, from the database's clock (UTC), never the JVM's, so
 * that {@link #lastChange} can say how long ago a switch changed whichever instance changed it and whichever asks.
 * A change that leaves no switch behind keeps its time in a row of its own: clearing a merchant or order switch in a
 * {@code MERCHANT_CLEARED} or {@code ORDER_CLEARED} row under the same id, replacing the rules in a
 * {@code RULES_SET} row (phase {@code '-'}); {@link #load} skips those rows. Create the table first (see
 * {@link io.dualwrite.jdbc.schema.DualWriteSchema}); a failed statement throws {@link IllegalStateException}
 * ("could not …" with the driver's message), which says how to create the table when it is missing.
 * Thread-safe.
 */
public final class JdbcSwitchStore implements SwitchStore {

    /** How often a bad row is named again while it stays bad: {@link SwitchStores#DEFAULT_REFRESH_INTERVAL}. */
    public static final Duration DEFAULT_BAD_ROW_WARNING_INTERVAL = SwitchStores.DEFAULT_REFRESH_INTERVAL;

    private static final Logger log = LoggerFactory.getLogger(JdbcSwitchStore.class);
    private static final String SUBJECT_COLUMN = "dualwrite_switch.subject_id";
    private static final String SYSTEM = SwitchRows.SYSTEM;
    private static final String MERCHANT = SwitchRows.MERCHANT;
    private static final String ORDER = SwitchRows.ORDER;
    private static final String RULE = SwitchRows.RULE;
    private static final String MERCHANT_PERCENTAGE = SwitchRows.MERCHANT_PERCENTAGE;
    private static final String ID_THRESHOLD = SwitchRows.ID_THRESHOLD;
    private static final String COLUMNS =
            "migration, scope_kind, subject_id, phase, rule_kind, rule_value, rule_position, updated_at";
    private static final int TRIES = 5;

    /**
     * Held while this JVM replaces rules, whatever the store: an embedded H2 database, opened by one JVM only, has
     * the race of {@link #replaceRules} too (its DELETE does not see the rows another transaction inserted), and
     * replacing rules is an operator's rare action, so serialising them all costs nothing.
     */
    private static final Object RULE_REPLACEMENTS = new Object();

    private final SqlSupport sql;
    private final Duration badRowWarningInterval;
    private final LogThrottle badRowWarnings;

    private JdbcSwitchStore(DataSource dataSource, Clock clock, Duration badRowWarningInterval) {
        this.sql = new SqlSupport(dataSource, DualWriteSchema.SWITCH_TABLE);
        Checks.requireNonNull("clock", clock);
        if (badRowWarningInterval == null || badRowWarningInterval.isNegative()) {
            throw new IllegalArgumentException("badRowWarningInterval must be zero or positive, but was "
                    + badRowWarningInterval);
        }
        this.badRowWarningInterval = badRowWarningInterval;
        this.badRowWarnings = new LogThrottle(badRowWarningInterval, () -> clock.millis() * 1_000_000L);
    }

    /**
     * A session offered to this thread's reads of the switches and pins of {@code dataSource} ({@link #offer}); whether
     * it reads the latest committed rows is asked once, at the first read that could use it.
     */
    private static final class Offered {
        final DataSource dataSource;
        final Connection session;
        private final SessionCheck readsLatest;
        /** The offer this one was made inside of, still in force for the other pools (a sync's source and target). */
        final @Nullable Offered outer;
        private @Nullable Boolean latest;

        Offered(DataSource dataSource, Connection session, SessionCheck readsLatest, @Nullable Offered outer) {
            this.dataSource = dataSource;
            this.session = session;
            this.readsLatest = readsLatest;
            this.outer = outer;
        }

        boolean readsLatest() throws SQLException {
            Boolean known = latest;
            if (known == null) {
                known = readsLatest.readsLatest();
                latest = known;
            }
            return known;
        }
    }

    /** Whether an offered session reads the latest committed rows ({@link #offer}); may ask its database. */
    @FunctionalInterface
    public interface SessionCheck {
        /**
         * @return whether a plain {@code SELECT} on the session reads the latest committed rows (read committed)
         * @throws SQLException when the session cannot be asked
         */
        boolean readsLatest() throws SQLException;
    }

    private static final ThreadLocal<Offered> OFFERED = new ThreadLocal<>();

    /**
     * An offer made by {@link #offer}: closing it withdraws the session from this thread's reads (and puts back an
     * offer it replaced). Not thread-safe: it belongs to the thread that made it.
     */
    public static final class Offer implements AutoCloseable {
        private final @Nullable Offered before;

        private Offer(@Nullable Offered before) {
            this.before = before;
        }

        @Override
        public void close() {
            if (before == null) {
                OFFERED.remove();
            } else {
                OFFERED.set(before);
            }
        }
    }

    /**
     * Offers {@code session} to every read this thread makes, until the offer is closed, of the switches
     * ({@link #load}) or the order pins ({@link JdbcOrderPinStore#find}) of a store over {@code dataSource} (the same
     * instance): when {@code readsLatest} answers yes (asked once per offer, at the first such read), the read runs
     * on that session instead of taking one from the pool, and leaves it open. For reads made while the caller holds
     * {@code session} in a transaction of the same database — a copier's resolution of its rows and its check of the
     * authority before its commit — where a second session of the pool may never come (every session held by a sync
     * waiting for one more: rounds 25c and 26, {@code docs/decisions.md}). Writes of the stores never use it. Offers
     * nest: one made inside another stays in force for its own {@code DataSource}, the outer one for the others (a
     * sync holds a session of its source and one of its target).
     *
     * @return the offer; close it (try-with-resources) on this thread
     */
    public static Offer offer(DataSource dataSource, Connection session, SessionCheck readsLatest) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(readsLatest, "readsLatest");
        Offered before = OFFERED.get();
        OFFERED.set(new Offered(dataSource, session, readsLatest, before));
        return new Offer(before);
    }

    /**
     * The session offered to this thread for reads of {@code dataSource}, when one is and it reads the latest
     * committed rows; else null (the read takes its own session).
     */
    static @Nullable Connection offeredSession(DataSource dataSource) throws SQLException {
        for (Offered offered = OFFERED.get(); offered != null; offered = offered.outer) {
            if (offered.dataSource == dataSource) {
                return offered.readsLatest() ? offered.session : null;
            }
        }
        return null;
    }

    /** The database whose {@code dualwrite_switch} table this store reads and writes (for start-up checks). */
    public DataSource dataSource() {
        return sql.dataSource();
    }

    /** A store on the {@code dualwrite_switch} table of {@code dataSource}. */
    public static JdbcSwitchStore create(DataSource dataSource) {
        return create(dataSource, Clock.systemUTC());
    }

    /**
     * A store whose bad-row warning intervals are timed by {@code clock}. The {@code updated_at} times of the switches
     * always come from the database's clock.
     */
    public static JdbcSwitchStore create(DataSource dataSource, Clock clock) {
        return create(dataSource, clock, DEFAULT_BAD_ROW_WARNING_INTERVAL);
    }

    /**
     * A store that names each bad row of the table at most once per {@code badRowWarningInterval} while it
     * stays bad; pass the refresh interval of the cache in front of the store ({@code SwitchStores.cached}),
     * so that a bad row is named once per refresh, never per call. {@link Duration#ZERO} names it on every load.
     *
     * @throws IllegalArgumentException when {@code badRowWarningInterval} is null or negative
     */
    public static JdbcSwitchStore create(DataSource dataSource, Clock clock, Duration badRowWarningInterval) {
        return new JdbcSwitchStore(dataSource, clock, badRowWarningInterval);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A row that cannot be read — an unknown phase or scope, a merchant or order switch without an id, a
     * malformed rule — is skipped with a WARN naming its migration, scope, id and value (at most once per
     * row per {@code badRowWarningInterval}), and every other switch stays in force.
     *
     * @throws IllegalStateException when the table cannot be read; when it is missing, the message says how
     *                               to create it
     */
    @Override
    public SwitchSettings load(String migration) {
        Checks.requireMigration("migration", migration);
        return load(migration, "", List.of(), List.of());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query, by the ids, of the rows that are neither merchant nor order switches and of the merchant and
     * order switches of these ids; more than {@value #MOST_IDS_PER_LOAD} ids in all read every switch
     * ({@link #load(String)}). Bad rows as {@link #load(String)}.
     *
     * @throws IllegalStateException when the table cannot be read; when it is missing, the message says how
     *                               to create it
     */
    @Override
    public SwitchSettings load(String migration, Set<String> merchantIds, Set<String> orderIds) {
        Checks.requireMigration("migration", migration);
        if (merchantIds.size() + orderIds.size() > MOST_IDS_PER_LOAD) {
            return load(migration);
        }
        List<String> merchants = List.copyOf(merchantIds);
        List<String> orders = List.copyOf(orderIds);
        // a cleared switch's row keeps its count of authority moves (round 27): read by the ids as the switch is
        StringBuilder where = new StringBuilder(" AND (scope_kind NOT IN ('").append(MERCHANT).append("', '")
                .append(ORDER).append("', '").append(SwitchRows.MERCHANT_CLEARED).append("', '")
                .append(SwitchRows.ORDER_CLEARED).append("')");
        if (!merchants.isEmpty()) {
            where.append(" OR scope_kind IN ('").append(MERCHANT).append("', '").append(SwitchRows.MERCHANT_CLEARED)
                    .append("') AND subject_id IN (").append(placeholders(merchants.size())).append(')');
        }
        if (!orders.isEmpty()) {
            where.append(" OR scope_kind IN ('").append(ORDER).append("', '").append(SwitchRows.ORDER_CLEARED)
                    .append("') AND subject_id IN (").append(placeholders(orders.size())).append(')');
        }
        return load(migration, where.append(')').toString(), merchants, orders);
    }

    /** The most merchant and order ids {@link #load(String, Set, Set)} names in its query. */
    static final int MOST_IDS_PER_LOAD = 1_000;

    private static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private SwitchSettings load(String migration, String where, List<String> merchants, List<String> orders) {
        SwitchRows rows = new SwitchRows(migration);
        Connection offered;
        try {
            offered = offeredSession(sql.dataSource());
        } catch (SQLException e) {
            throw sql.failure("load switches of migration " + migration, e);
        }
        try (Connection owned = offered == null ? sql.connection() : null;
             PreparedStatement select = (offered == null ? owned : offered).prepareStatement("SELECT scope_kind, subject_id, phase, rule_kind,"
                     + " rule_value, rule_position, updated_at FROM dualwrite_switch WHERE migration = ?" + where
                     + " ORDER BY scope_kind, subject_id")) {
            int index = 1;
            select.setString(index++, migration);
            for (String merchant : merchants) {
                select.setString(index++, merchant);
            }
            for (String order : orders) {
                select.setString(index++, order);
            }
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1), result.getString(2), result.getString(3), result.getString(4),
                            (Number) result.getObject(5), (Number) result.getObject(6),
                            result.getObject(7, LocalDateTime.class));
                }
            }
        } catch (SQLException e) {
            throw sql.failure("load switches of migration " + migration, e);
        }
        rows.badRows().forEach(this::warn);
        return rows.settings();
    }

    private void warn(SwitchRows.BadRow row) {
        long suppressed = badRowWarnings.tryAcquire(row.key());
        if (suppressed == LogThrottle.SUPPRESS) {
            return;
        }
        log.warn("Skipping a row of dualwrite_switch: migration '{}', scope {}, id {}, {}: {}; the other switches"
                        + " stay in force (logged at most once per {} per row{})", row.migration(), row.scope(),
                row.subject() == null ? "null" : "'" + row.subject() + "'", row.value(), row.problem(),
                badRowWarningInterval, suppressed > 0 ? ", " + suppressed + " loads skipped it silently since" : "");
    }

    @Override
    public void setSystemPhase(String migration, MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        Objects.requireNonNull(phase, "phase");
        set(migration, SYSTEM, "", phase);
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        set(migration, MERCHANT, Checks.requireStoredId("merchantId", merchantId, SUBJECT_COLUMN), phase);
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        Checks.requireMigration("migration", migration);
        set(migration, ORDER, Checks.requireStoredId("orderId", orderId, SUBJECT_COLUMN), phase);
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        Checks.requireMigration("migration", migration);
        List<SwitchRule> copy = List.copyOf(rules);
        synchronized (RULE_REPLACEMENTS) {
            replaceRules(migration, copy);
        }
    }

    private void replaceRules(String migration, List<SwitchRule> copy) {
        inTransaction("set the rules of migration " + migration, connection -> {
            if (sql.dialect(connection) == Dialect.POSTGRESQL) {
                // two replacements at once: under READ COMMITTED the second DELETE skips the rows the first one
                // deleted and cannot see those it inserted, so its INSERT met them ("duplicate key"), again on every
                // retry while writers kept coming; a lock per migration, held to the commit, puts them in a row.
                // MySQL/MariaDB's locking DELETE reads the committed rows and waits; H2 is held by RULE_REPLACEMENTS
                try (PreparedStatement lock = connection.prepareStatement(
                        "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    lock.setString(1, "dualwrite_switch rules " + migration);
                    lock.executeQuery().close();
                }
            }
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM dualwrite_switch WHERE migration = ? AND scope_kind = ?")) {
                delete.setString(1, migration);
                delete.setString(2, RULE);
                delete.executeUpdate();
            }
            // the replacement's time, kept even when no rule is left (removing a rule may start mirroring), and its
            // count of authority moves: every replacement counts (a rule decides by merchant or order id)
            long moves = authorityMoves(connection, migration, SwitchRows.RULES_SET, null, "", null) + 1;
            upsert(connection, migration, SwitchRows.RULES_SET, "", SwitchRows.NO_PHASE, moves);
            witness(connection, migration, SwitchRows.RULES_SET, "", SwitchRows.NO_PHASE, moves);
            if (copy.isEmpty()) {
                return;
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO dualwrite_switch (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, "
                            + now(sql.dialect(connection)) + ")")) {
                for (int position = 0; position < copy.size(); position++) {
                    SwitchRule rule = copy.get(position);
                    insert.setString(1, migration);
                    insert.setString(2, RULE);
                    insert.setString(3, Integer.toString(position));
                    insert.setString(4, rule.phase().name());
                    if (rule instanceof SwitchRule.MerchantPercentage percentage) {
                        insert.setString(5, MERCHANT_PERCENTAGE);
                        insert.setLong(6, percentage.percent());
                    } else if (rule instanceof SwitchRule.IdThreshold threshold) {
                        insert.setString(5, ID_THRESHOLD);
                        insert.setLong(6, threshold.threshold());
                    } else {
                        throw new IllegalArgumentException("unsupported rule " + rule);
                    }
                    insert.setInt(7, position);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
    }

    private void set(String migration, String kind, String subject, @Nullable MigrationPhase phase) {
        String what = "set the " + kind + " switch of migration " + migration;
        String cleared = SYSTEM.equals(kind) ? null
                : MERCHANT.equals(kind) ? SwitchRows.MERCHANT_CLEARED : SwitchRows.ORDER_CLEARED;
        inTransaction(what, connection -> {
            // the switch's count of authority moves, carried from its row (set or cleared) and one more when this
            // change may move its scope's authoritative store (round 27): a copier compares the count with the one it
            // resolved under, so that a move and its return while it ran are seen
            MigrationPhase[] before = new MigrationPhase[1];
            long counted = authorityMoves(connection, migration, kind, cleared, subject, before);
            long moves = before[0] == null || phase == null || before[0].authoritative() != phase.authoritative()
                    ? counted + 1 : counted;
            if (phase == null) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM dualwrite_switch WHERE migration = ? AND scope_kind = ? AND subject_id = ?")) {
                    delete.setString(1, migration);
                    delete.setString(2, kind);
                    delete.setString(3, subject);
                    delete.executeUpdate();
                }
                // clearing a switch may start mirroring (the merchant or order falls to a mirroring phase): its time
                upsert(connection, migration, cleared, subject, SwitchRows.NO_PHASE, moves);
                witness(connection, migration, cleared, subject, SwitchRows.NO_PHASE, moves);
                return;
            }
            upsert(connection, migration, kind, subject, phase.name(), moves);
            witness(connection, migration, kind, subject, phase.name(), moves);
            if (!SYSTEM.equals(kind)) {
                // the switch is back: its cleared row's time is older than this one's, so it only takes room
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM dualwrite_switch WHERE migration = ? AND scope_kind = ? AND subject_id = ?")) {
                    delete.setString(1, migration);
                    delete.setString(2, MERCHANT.equals(kind) ? SwitchRows.MERCHANT_CLEARED : SwitchRows.ORDER_CLEARED);
                    delete.setString(3, subject);
                    delete.executeUpdate();
                }
            }
        });
    }

    private void upsert(Connection connection, String migration, String kind, String subject, String phase,
                        @Nullable Long moves) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(upsertSql(sql.dialect(connection)))) {
            upsert.setString(1, migration);
            upsert.setString(2, kind);
            upsert.setString(3, subject);
            upsert.setString(4, phase);
            if (moves == null) {
                upsert.setNull(5, Types.BIGINT);
            } else {
                upsert.setLong(5, moves);
            }
            upsert.executeUpdate();
        }
    }

    /**
     * Writes the row's {@link SwitchRows#witness} into its {@code rule_position}: its time as the database keeps it
     * (read back, whatever precision the column rounds to), its phase and its count. A load takes the count as it
     * stands only while the witness matches; a writer that keeps no count (an older version of the library, an
     * operator's statement) changes the row's time or phase and not the witness (round 27b). Two statements more per
     * switch change, in its transaction.
     */
    private static void witness(Connection connection, String migration, String kind, String subject, String phase,
                                long moves) throws SQLException {
        LocalDateTime updatedAt;
        try (PreparedStatement select = connection.prepareStatement("SELECT updated_at FROM dualwrite_switch"
                + " WHERE migration = ? AND scope_kind = ? AND subject_id = ?")) {
            select.setString(1, migration);
            select.setString(2, kind);
            select.setString(3, subject);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new SQLException("the " + kind + " row '" + subject + "' just written is not there");
                }
                updatedAt = row.getObject(1, LocalDateTime.class);
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE dualwrite_switch SET rule_position = ?"
                + " WHERE migration = ? AND scope_kind = ? AND subject_id = ?")) {
            update.setInt(1, SwitchRows.witness(updatedAt, phase, moves));
            update.setString(2, migration);
            update.setString(3, kind);
            update.setString(4, subject);
            update.executeUpdate();
        }
    }

    /**
     * The count of authority moves a switch carries (the largest {@code rule_value} of its row and its cleared row;
     * 0 for a switch never counted, as one set before round 27), read with the rows locked until the change commits,
     * so that two changes of one switch count one after the other. {@code phase[0]}, when given, is set to the phase
     * the switch holds (null when cleared, absent or unreadable).
     */
    private static long authorityMoves(Connection connection, String migration, String kind, @Nullable String cleared,
                                       String subject, MigrationPhase @Nullable [] phase) throws SQLException {
        long moves = 0;
        try (PreparedStatement select = connection.prepareStatement("SELECT scope_kind, phase, rule_value FROM"
                + " dualwrite_switch WHERE migration = ? AND scope_kind IN (?, ?) AND subject_id = ? FOR UPDATE")) {
            select.setString(1, migration);
            select.setString(2, kind);
            select.setString(3, cleared == null ? kind : cleared);
            select.setString(4, subject);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (rows.getObject(3) instanceof Number counted) {
                        moves = Math.max(moves, counted.longValue());
                    }
                    if (phase != null && kind.equals(rows.getString(1))) {
                        try {
                            phase[0] = MigrationPhase.parse("phase", rows.getString(2));
                        } catch (IllegalArgumentException | NullPointerException unreadable) {
                            phase[0] = null; // counted as a move: what it held is not known
                        }
                    }
                }
            }
        }
        return moves;
    }

    private static String upsertSql(Dialect dialect) {
        String now = now(dialect);
        return switch (dialect) {
            case POSTGRESQL -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase, rule_value,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, " + now + ") ON CONFLICT (migration, scope_kind, subject_id)"
                    + " DO UPDATE SET phase = EXCLUDED.phase, rule_value = EXCLUDED.rule_value,"
                    + " updated_at = EXCLUDED.updated_at";
            case MYSQL -> "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase, rule_value,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, " + now + ") ON DUPLICATE KEY UPDATE phase = VALUES(phase),"
                    + " rule_value = VALUES(rule_value), updated_at = VALUES(updated_at)";
            case H2 -> "MERGE INTO dualwrite_switch (migration, scope_kind, subject_id, phase, rule_value, updated_at)"
                    + " KEY (migration, scope_kind, subject_id) VALUES (?, ?, ?, ?, ?, " + now + ")";
        };
    }

    /**
     * The database's time now, in UTC, as a {@code TIMESTAMP} without zone (the column's type): the time of the
     * statement on PostgreSQL and MariaDB (not of the transaction's start), the transaction's on H2.
     */
    static String now(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "CAST(clock_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP(6))";
            case MYSQL -> "UTC_TIMESTAMP(6)";
            // H2 casts a zoned time to TIMESTAMP in the session's zone: take the zone's offset off its local time
            case H2 -> "DATEADD(MINUTE, -(EXTRACT(TIMEZONE_HOUR FROM CURRENT_TIMESTAMP) * 60"
                    + " + EXTRACT(TIMEZONE_MINUTE FROM CURRENT_TIMESTAMP)), LOCALTIMESTAMP)";
        };
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query: the newest {@code updated_at} among the system switch, the rules (and their replacement), every
     * order switch (set or cleared) and the merchant's switch (set or cleared; every merchant's with {@code null}),
     * with the database's time now. A switch set before this version of the library carries the JVM time of the
     * instance that set it.
     *
     * @throws IllegalStateException when the table cannot be read
     */
    @Override
    public Optional<SwitchChange> lastChange(String migration, @Nullable String merchantId) {
        Checks.requireMigration("migration", migration);
        String merchant = merchantId == null ? null : Checks.requireStoredId("merchantId", merchantId, SUBJECT_COLUMN);
        try (Connection connection = sql.connection()) {
            Dialect dialect = sql.dialect(connection);
            String kinds = "scope_kind IN ('" + MERCHANT + "', '" + SwitchRows.MERCHANT_CLEARED + "', '"
                    + SwitchRows.PINS_MOVED + "')";
            String merchants = merchant == null ? kinds : kinds + " AND subject_id = ?";
            try (PreparedStatement select = connection.prepareStatement("SELECT scope_kind, subject_id, updated_at, "
                    + now(dialect) + " FROM dualwrite_switch WHERE migration = ? AND (scope_kind IN ('" + SYSTEM
                    + "', '" + RULE + "', '" + SwitchRows.RULES_SET + "', '" + ORDER + "', '" + SwitchRows.ORDER_CLEARED
                    + "', '" + SwitchRows.PIN_MOVED + "') OR (scope_kind = '" + SwitchRows.PINS_MOVED + "' AND subject_id"
                    + " = '') OR (" + merchants + ")) ORDER BY updated_at DESC, scope_kind, subject_id LIMIT 1")) {
                select.setString(1, migration);
                if (merchant != null) {
                    select.setString(2, merchant);
                }
                try (ResultSet result = select.executeQuery()) {
                    if (!result.next()) {
                        return Optional.empty();
                    }
                    LocalDateTime changed = result.getObject(3, LocalDateTime.class);
                    LocalDateTime now = result.getObject(4, LocalDateTime.class);
                    return Optional.of(new SwitchChange(switchName(result.getString(1), result.getString(2)),
                            changed.toInstant(ZoneOffset.UTC), now.toInstant(ZoneOffset.UTC)));
                }
            }
        } catch (SQLException e) {
            throw sql.failure("read when the switches of migration " + migration + " last changed", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One row of its own per scope ({@code PINS_MOVED} for a merchant's pins or, under {@code ''}, every pin;
     * {@code PIN_MOVED} for one order's), stamped by the database's clock as a switch is; {@link #load} skips them.
     *
     * @throws IllegalStateException when the table cannot be written
     */
    @Override
    public void pinsMoved(String migration, @Nullable String merchantId, @Nullable String orderId) {
        Checks.requireMigration("migration", migration);
        String kind = orderId != null ? SwitchRows.PIN_MOVED : SwitchRows.PINS_MOVED;
        String subject = orderId != null ? Checks.requireStoredId("orderId", orderId, SUBJECT_COLUMN)
                : merchantId != null ? Checks.requireStoredId("merchantId", merchantId, SUBJECT_COLUMN) : "";
        inTransaction("keep the time pins of migration " + migration + " moved",
                connection -> upsert(connection, migration, kind, subject, SwitchRows.NO_PHASE, null));
    }

    private static String switchName(String kind, String subject) {
        return switch (kind) {
            case SYSTEM -> "SYSTEM switch";
            case RULE, SwitchRows.RULES_SET -> "rules";
            case SwitchRows.MERCHANT_CLEARED -> "MERCHANT switch '" + subject + "' (cleared)";
            case SwitchRows.ORDER_CLEARED -> "ORDER switch '" + subject + "' (cleared)";
            case SwitchRows.PINS_MOVED -> subject.isEmpty() ? "pins of every order (moved)"
                    : "pins of merchant '" + subject + "' (moved)";
            case SwitchRows.PIN_MOVED -> "pin of order '" + subject + "' (moved or removed)";
            default -> kind + " switch '" + subject + "'";
        };
    }

    private void inTransaction(String what, SqlWork work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = sql.connection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    work.run(connection);
                    connection.commit();
                    return;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                if (attempt >= TRIES || !SqlSupport.isRetryable(e)) {
                    throw sql.failure(what, e);
                }
                SqlSupport.pauseBeforeRetry(attempt); // a concurrent writer won a key or a deadlock; try again
            }
        }
    }

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    interface SqlWork {
        void run(Connection connection) throws SQLException;
    }
}
