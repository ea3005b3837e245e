package io.dualwrite.jdbc.changelog;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.OutboxWriter;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.schema.OwnTable;
import io.dualwrite.jdbc.schema.SchemaScript;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChangeLog} on the table {@code dualwrite_change_log}, which lives in the authoritative store.
 *
 * <p><b>Claiming.</b> A claim stamps an entry with a random claim token, sets {@code claimed_until} and
 * moves {@code due_at} to the end of the lease, so the one condition {@code due_at <= now} (served by an
 * index on {@code due_at}) finds entries that are due and entries whose claimer died. On PostgreSQL and
 * MySQL/MariaDB the candidates are selected {@code FOR UPDATE SKIP LOCKED} and stamped in the same short
 * transaction; on H2 each candidate is stamped by a conditional update and kept only when that update
 * changed exactly one row. Either way an entry goes to one claimer at a time, across processes.
 *
 * <p><b>Completing</b> deletes the entry. {@link #retryLater} counts an attempt, records the error
 * (truncated to {@value #MAX_ERROR_LENGTH} characters), releases the claim and sets the next due time; it
 * does nothing when the claim this instance made has since passed to another claimer.
 *
 * <p><b>Outbox.</b> {@link #record(Connection, ChangeRecord)} writes on the caller's connection, in the
 * caller's open transaction, so the entry commits or rolls back with the authoritative write. Such an entry
 * names its own id, a random negative number (an identity or {@code AUTO_INCREMENT} column counts up from 1, so
 * the two never meet; a clash with another entry's is retried with another number): an id taken from the table's
 * generator would become the session's last generated key, which the application reads as its own insert's
 * ({@code LAST_INSERT_ID()}, {@code @@identity}, {@code lastval()}). Pass the change log itself as the data
 * source's outbox writer ({@code outboxWriter(changeLog)}): the data source then knows that its entries leave
 * the session's last generated key alone. Entries written on a connection of the change log's own take the
 * next generated id.
 *
 * <p><b>Errors.</b> A failed statement throws {@link IllegalStateException} ("could not …" with the driver's
 * message); when the table is missing (SQLState {@code 42P01}, {@code 42S02}…) the message says how to create
 * it, naming the script for the database. Thread-safe.
 */
public final class JdbcChangeLog implements ChangeLog, OutboxWriter {

    /** The longest error text kept per entry; longer ones are cut. */
    public static final int MAX_ERROR_LENGTH = 1000;
    private static final int MAX_REASON_LENGTH = 255;
    private static final int MAX_TABLE_LENGTH = 128;
    private static final int MAX_KEY_LENGTH = 512;
    private static final Logger log = LoggerFactory.getLogger(JdbcChangeLog.class);
    private static final String PENDING = "PENDING";
    private static final String CLAIMED = "CLAIMED";
    private static final String INSERT = "INSERT INTO dualwrite_change_log (migration, table_name, row_key, operation,"
            + " reason, target_store, order_id, merchant_id, status, attempts, due_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";
    /** The insert of an entry written in the caller's transaction: its id named, not generated. */
    private static final String INSERT_NAMED = "INSERT INTO dualwrite_change_log (id, migration, table_name, row_key,"
            + " operation, reason, target_store, order_id, merchant_id, status, attempts, due_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)";
    /** How many random ids an entry tries before its insert fails (a clash is already one in 2^63 per entry held). */
    private static final int ID_ATTEMPTS = 3;
    private static final String ENTRY_COLUMNS = "id, migration, table_name, row_key, operation, reason, target_store,"
            + " order_id, merchant_id, attempts, due_at, created_at, last_error";

    private final DataSource dataSource;
    private final Clock clock;
    private static final int CLAIMS_KEPT_BEFORE_PURGE = 10_000;
    private static final int KEYS_PER_QUERY = 500;

    /** The claims this instance holds, so that a stale claimer cannot reschedule an entry claimed again since. */
    private final Map<Long, Claim> ownClaims = new ConcurrentHashMap<>();
    /** Where the table lives in the change log's own data source. */
    private final OwnTable ownTable = new OwnTable(DualWriteSchema.CHANGE_LOG_TABLE);
    /** Where it lives in the store of the callers' connections that outbox entries are written on. */
    private final OwnTable callersTable = new OwnTable(DualWriteSchema.CHANGE_LOG_TABLE);
    private volatile @Nullable Dialect dialect;
    private volatile @Nullable SchemaScript script;

    private JdbcChangeLog(DataSource dataSource, Clock clock) {
        this.dataSource = Checks.requireNonNull("dataSource", dataSource);
        this.clock = Checks.requireNonNull("clock", clock);
    }

    /** A change log on the {@code dualwrite_change_log} table of the authoritative {@code dataSource}. */
    public static JdbcChangeLog create(DataSource dataSource) {
        return new JdbcChangeLog(dataSource, Clock.systemUTC());
    }

    /** A change log whose {@code created_at}/{@code updated_at} times come from {@code clock}. */
    public static JdbcChangeLog create(DataSource dataSource, Clock clock) {
        return new JdbcChangeLog(dataSource, clock);
    }

    @Override
    public long record(ChangeRecord record) {
        try (Connection connection = connection()) {
            connection.setAutoCommit(true);
            return insert(connection, Objects.requireNonNull(record, "record"));
        } catch (SQLException e) {
            throw failure("record a change-log entry for " + record.table() + " key " + record.key(), e);
        }
    }

    /** Writes every entry in one batch and one transaction: all of them, or (on failure) none. */
    @Override
    public void recordAll(List<ChangeRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        try (Connection connection = connection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                LocalDateTime now = utc(clock.instant());
                for (ChangeRecord record : records) {
                    bind(insert, Objects.requireNonNull(record, "record"), now);
                    insert.addBatch();
                }
                insert.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("record " + records.size() + " change-log entries (none was written)", e);
        }
    }

    /**
     * Records an entry on the caller's connection, inside whatever transaction is open on it: the entry
     * commits or rolls back with the caller's work. Neither commits nor closes the connection. The entry's id is
     * a random negative number named by the insert, so that the session's last generated key
     * ({@code LAST_INSERT_ID()}, {@code lastval()}) stays what the caller's own statements left (H2 takes any
     * value inserted into an identity column as the session's; the data source restores it there).
     *
     * @return the new entry's id
     * @throws SQLException when the insert fails (the caller decides what that means for its transaction);
     *                      when the change-log table is missing, with the driver's SQLState and a message that
     *                      says how to create it
     */
    @Override
    public long record(Connection connection, ChangeRecord record) throws SQLException {
        Objects.requireNonNull(record, "record");
        try {
            return insertNamed(connection, record);
        } catch (SQLException e) {
            if (!DualWriteSchema.isMissingTable(e)) {
                throw e;
            }
            @Nullable SchemaScript callersStore = null;
            try {
                callersStore = SchemaScript.of(connection);
            } catch (SQLException unknown) {
                // name every script
            }
            throw new SQLException(withFix("could not record a change-log entry for " + record.table() + " key "
                    + record.key() + ": " + Credentials.mask(e.getMessage()), e, callersStore), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    private static void bind(PreparedStatement insert, ChangeRecord record, LocalDateTime now) throws SQLException {
        bind(insert, 0, record, now);
    }

    /** Binds the entry's columns after {@code before} parameters of the insert's own. */
    private static void bind(PreparedStatement insert, int before, ChangeRecord entry, LocalDateTime now)
            throws SQLException {
        ChangeRecord record = storable(entry);
        insert.setString(before + 1, record.migration());
        insert.setString(before + 2, record.table());
        insert.setString(before + 3, record.key());
        insert.setString(before + 4, record.operation().name());
        insert.setString(before + 5, truncate(record.reason(), MAX_REASON_LENGTH));
        insert.setString(before + 6, record.target().name());
        insert.setString(before + 7, record.orderId());
        insert.setString(before + 8, record.merchantId());
        insert.setString(before + 9, PENDING);
        insert.setObject(before + 10, utc(record.dueAt()));
        insert.setObject(before + 11, now);
        insert.setObject(before + 12, now);
    }

    /**
     * {@code record} as the table can hold it. A migration or table name longer than its column is refused (both are
     * configuration, checked at start-up by the builders); a key, order id or merchant id longer than its column
     * (MariaDB and MySQL in a non-strict {@code sql_mode} would cut it, so the entry would name another row, order or
     * merchant) turns the entry into a scoped resync of its whole table, without order and merchant, logged as an
     * error: the caller's write is repaired, each row under its own switches, and no entry is lost. So does one whose
     * key or ids hold NUL or half of a surrogate pair, which PostgreSQL refuses and MariaDB keeps as another text.
     *
     * @throws IllegalArgumentException naming the field, its length and the limit, for the migration or the table
     */
    static ChangeRecord storable(ChangeRecord record) {
        Checks.requireMigration("migration", record.migration());
        Checks.requireFits("table", record.table(), MAX_TABLE_LENGTH, "dualwrite_change_log.table_name");
        String tooLong = tooLong("key", record.key(), MAX_KEY_LENGTH, "row_key");
        if (tooLong == null) {
            tooLong = tooLong("orderId", record.orderId(), Checks.MAX_STORED_ID_LENGTH, "order_id");
        }
        if (tooLong == null) {
            tooLong = tooLong("merchantId", record.merchantId(), Checks.MAX_STORED_ID_LENGTH, "merchant_id");
        }
        if (tooLong == null) {
            tooLong = inexact("key", record.key(), "row_key");
        }
        if (tooLong == null) {
            tooLong = inexact("orderId", record.orderId(), "order_id");
        }
        if (tooLong == null) {
            tooLong = inexact("merchantId", record.merchantId(), "merchant_id");
        }
        if (tooLong == null) {
            return record;
        }
        log.error("change-log entry of migration {} table {} ({} into the {} store): {}; recorded as a scoped resync of"
                + " the whole table instead", record.migration(), record.table(), record.operation(), record.target(),
                tooLong);
        return new ChangeRecord(record.migration(), record.table(), ChangeRecord.WHOLE_TABLE, Operation.RESYNC,
                record.reason() + "; " + tooLong + ": whole table resynced", record.target(), null, null,
                record.dueAt());
    }

    /**
     * What keeps a text from being stored exactly, or null when nothing does: NUL, which PostgreSQL refuses in text
     * (the insert would fail and the entry be lost), and half of a surrogate pair, which MariaDB keeps as another text
     * (the entry would name another key). Refused on every database, so an entry means the same wherever it is kept.
     */
    private static @Nullable String inexact(String field, @Nullable String value, String column) {
        int i = Checks.inexactCharAt(value);
        return i < 0 ? null : field + " holds U+" + String.format("%04X", (int) value.charAt(i)) + " at index " + i
                + ", which dualwrite_change_log." + column + " cannot hold exactly";
    }

    /** What is wrong with a value too long for its column, or null when it fits. */
    private static @Nullable String tooLong(String field, @Nullable String value, int max, String column) {
        int length = value == null ? 0 : value.codePointCount(0, value.length());
        return length <= max ? null
                : field + " of " + length + " characters does not fit " + column + " (at most " + max + ")";
    }

    /**
     * Inserts an entry under a random negative id of its own, drawn again when another entry holds it: on
     * PostgreSQL the insert does nothing then ({@code ON CONFLICT (id) DO NOTHING}: a failed statement would abort
     * the caller's transaction), elsewhere the duplicate key fails the statement alone.
     */
    private long insertNamed(Connection connection, ChangeRecord record) throws SQLException {
        Dialect dialect = Dialect.detect(connection); // the caller's store, maybe not ours
        String sql = dialect == Dialect.POSTGRESQL ? INSERT_NAMED + " ON CONFLICT (id) DO NOTHING" : INSERT_NAMED;
        LocalDateTime now = utc(clock.instant());
        try (PreparedStatement insert = connection.prepareStatement(callersTable.in(connection, sql))) {
            for (int attempt = 1; ; attempt++) {
                long id = java.util.concurrent.ThreadLocalRandom.current().nextLong(Long.MIN_VALUE, 0);
                insert.setLong(1, id);
                bind(insert, 1, record, now);
                try {
                    if (insert.executeUpdate() == 1) {
                        return id;
                    }
                } catch (SQLException e) {
                    if (!duplicateKey(e) || attempt >= ID_ATTEMPTS) {
                        throw e;
                    }
                    continue;
                }
                if (attempt >= ID_ATTEMPTS) {
                    throw new SQLException("could not find a free id for a change-log entry in " + ID_ATTEMPTS
                            + " random draws", "23505");
                }
            }
        }
    }

    /** A duplicate key: MySQL/MariaDB's error 1062, SQLState 23505 elsewhere. */
    private static boolean duplicateKey(SQLException e) {
        return e.getErrorCode() == 1062 || "23505".equals(e.getSQLState());
    }

    private long insert(Connection connection, ChangeRecord record) throws SQLException {
        boolean postgres = Dialect.detect(connection) == Dialect.POSTGRESQL; // the caller's store, maybe not ours
        try (PreparedStatement insert = postgres
                ? connection.prepareStatement(INSERT, new String[] {"id"})
                : connection.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            bind(insert, record, utc(clock.instant()));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the database returned no id for the new change-log entry");
                }
                return keys.getLong(1);
            }
        }
    }

    @Override
    public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, false, null);
    }

    /** Claims the due entries of {@code migration} only, as {@link #claim(int, Instant, Duration)} claims them all. */
    @Override
    public List<ChangeEntry> claim(String migration, int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, false, Checks.requireId("migration", migration));
    }

    /** Claims due scoped resyncs ({@link Operation#RESYNC}) only, as {@link #claim} claims the other entries. */
    @Override
    public List<ChangeEntry> claimScoped(int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, true, null);
    }

    /** Claims due scoped resyncs of {@code migration} only. */
    @Override
    public List<ChangeEntry> claimScoped(String migration, int limit, Instant now, Duration lease) {
        return claim(limit, now, lease, true, Checks.requireId("migration", migration));
    }

    /**
     * The keys of {@code table} (its name compared case-insensitively) with an entry other than a scoped resync,
     * read in chunks of {@value #KEYS_PER_QUERY} keys.
     */
    @Override
    public Set<String> pendingKeys(String migration, String table, Collection<String> keys) {
        Checks.requireId("migration", migration);
        Checks.requireText("table", table);
        Checks.requireNonNull("keys", keys);
        Set<String> pending = new HashSet<>();
        List<String> all = List.copyOf(new java.util.LinkedHashSet<>(keys));
        try (Connection connection = connection()) {
            for (int start = 0; start < all.size(); start += KEYS_PER_QUERY) {
                List<String> chunk = all.subList(start, Math.min(all.size(), start + KEYS_PER_QUERY));
                try (PreparedStatement select = connection.prepareStatement("SELECT DISTINCT row_key FROM"
                        + " dualwrite_change_log WHERE migration = ? AND LOWER(table_name) = ? AND operation <> 'RESYNC'"
                        + " AND row_key IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    select.setString(1, migration);
                    select.setString(2, table.toLowerCase(Locale.ROOT));
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 3, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            pending.add(rows.getString(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("read the pending keys of " + table, e);
        }
        return pending;
    }

    /** {@code migration}: only that migration's entries; null for every migration's. */
    private List<ChangeEntry> claim(int limit, Instant now, Duration lease, boolean scoped,
                                    @Nullable String migration) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, but was " + limit);
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, but was " + lease);
        }
        String token = UUID.randomUUID().toString();
        Instant until = now.plus(lease);
        try (Connection connection = connection()) {
            List<ChangeEntry> claimed = dialect(connection) == Dialect.H2
                    ? claimOneByOne(connection, limit, now, until, token, scoped, migration)
                    : claimSkippingLocked(connection, limit, now, until, token, scoped, migration);
            if (ownClaims.size() > CLAIMS_KEPT_BEFORE_PURGE) {
                // claims never completed nor rescheduled (their claimer gave up) are forgotten after their lease
                ownClaims.values().removeIf(claim -> claim.until().isBefore(now));
            }
            claimed.forEach(entry -> ownClaims.put(entry.id(), new Claim(token, until)));
            return claimed;
        } catch (SQLException e) {
            throw failure("claim change-log entries", e);
        }
    }

    @Override
    public void complete(long id) {
        ownClaims.remove(id);
        try (Connection connection = connection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM dualwrite_change_log WHERE id = ?")) {
            connection.setAutoCommit(true);
            delete.setLong(1, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw failure("complete change-log entry " + id, e);
        }
    }

    @Override
    public void retryLater(long id, Instant dueAt, String error) {
        Claim claim = ownClaims.remove(id);
        String token = claim == null ? null : claim.token();
        String sql = "UPDATE dualwrite_change_log SET attempts = attempts + 1, due_at = ?, last_error = ?,"
                + " status = ?, claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ?"
                + (token == null ? "" : " AND claim_token = ?");
        try (Connection connection = connection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            connection.setAutoCommit(true);
            update.setObject(1, utc(dueAt));
            update.setString(2, truncate(Credentials.mask(error), MAX_ERROR_LENGTH));
            update.setString(3, PENDING);
            update.setObject(4, utc(clock.instant()));
            update.setLong(5, id);
            if (token != null) {
                update.setString(6, token);
            }
            update.executeUpdate();
        } catch (SQLException e) {
            throw failure("reschedule change-log entry " + id, e);
        }
    }

    @Override
    public long pendingCount(String migration) {
        Checks.requireId("migration", migration);
        try (Connection connection = connection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT COUNT(*) FROM dualwrite_change_log WHERE migration = ?")) {
            count.setString(1, migration);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("count the change-log backlog of migration " + migration, e);
        }
    }

    /** One {@code GROUP BY reason} query on the change-log table. */
    @Override
    public Map<String, Long> pendingCountByReason(String migration) {
        Checks.requireId("migration", migration);
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection connection = connection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT reason, COUNT(*) FROM dualwrite_change_log WHERE migration = ? GROUP BY reason")) {
            count.setString(1, migration);
            try (ResultSet rows = count.executeQuery()) {
                while (rows.next()) {
                    counts.merge(rows.getString(1), rows.getLong(2), Long::sum);
                }
            }
        } catch (SQLException e) {
            throw failure("count the change-log backlog of migration " + migration + " by reason", e);
        }
        return counts;
    }

    private List<ChangeEntry> claimSkippingLocked(Connection connection, int limit, Instant now, Instant until,
                                                  String token, boolean scoped, @Nullable String migration)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        connection.setAutoCommit(false);
        // read committed: MySQL's default repeatable read would lock gaps and hold up concurrent inserts
        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try {
            List<ChangeEntry> candidates = new ArrayList<>();
            Map<Long, String> unreadable = new java.util.LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + ENTRY_COLUMNS
                    + " FROM dualwrite_change_log WHERE due_at <= ? AND " + operationCondition(scoped, migration)
                    + " ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
                bindClaim(select, now, migration, limit);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        readEntry(rows, candidates, unreadable);
                    }
                }
            }
            setAside(connection, unreadable, until, false, now);
            if (!candidates.isEmpty()) {
                try (PreparedStatement stamp = connection.prepareStatement(stampSql(false))) {
                    for (ChangeEntry candidate : candidates) {
                        bindStamp(stamp, candidate.id(), until, token);
                        stamp.addBatch();
                    }
                    stamp.executeBatch();
                }
            }
            connection.commit();
            return candidates;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setTransactionIsolation(isolation);
            connection.setAutoCommit(autoCommit);
        }
    }

    private List<ChangeEntry> claimOneByOne(Connection connection, int limit, Instant now, Instant until,
                                            String token, boolean scoped, @Nullable String migration)
            throws SQLException {
        connection.setAutoCommit(true);
        List<ChangeEntry> candidates = new ArrayList<>();
        Map<Long, String> unreadable = new java.util.LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT " + ENTRY_COLUMNS
                + " FROM dualwrite_change_log WHERE due_at <= ? AND " + operationCondition(scoped, migration)
                + " ORDER BY due_at LIMIT ?")) {
            bindClaim(select, now, migration, limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    readEntry(rows, candidates, unreadable);
                }
            }
        }
        setAside(connection, unreadable, until, true, now);
        List<ChangeEntry> claimed = new ArrayList<>(candidates.size());
        try (PreparedStatement stamp = connection.prepareStatement(stampSql(true))) {
            for (ChangeEntry candidate : candidates) {
                bindStamp(stamp, candidate.id(), until, token);
                stamp.setObject(6, utc(now));
                if (stamp.executeUpdate() == 1) {
                    claimed.add(candidate); // 0 rows: another claimer stamped it first (or it was completed)
                }
            }
        }
        return claimed;
    }

    private static String operationCondition(boolean scoped, @Nullable String migration) {
        return (scoped ? "operation = 'RESYNC'" : "operation <> 'RESYNC'") + (migration == null ? "" : " AND migration = ?");
    }

    /** Binds the due time, the migration (when the condition names one) and the limit of a claim's select. */
    private static void bindClaim(PreparedStatement select, Instant now, @Nullable String migration, int limit)
            throws SQLException {
        int index = 1;
        select.setObject(index++, utc(now));
        if (migration != null) {
            select.setString(index++, migration);
        }
        select.setInt(index, limit);
    }

    private static String stampSql(boolean conditional) {
        return "UPDATE dualwrite_change_log SET status = ?, claim_token = ?, claimed_until = ?, due_at = ?"
                + " WHERE id = ?" + (conditional ? " AND due_at <= ?" : "");
    }

    private static void bindStamp(PreparedStatement stamp, long id, Instant until, String token) throws SQLException {
        stamp.setString(1, CLAIMED);
        stamp.setString(2, token);
        stamp.setObject(3, utc(until));
        stamp.setObject(4, utc(until));
        stamp.setLong(5, id);
    }

    /**
     * Adds the entry of the current row to {@code entries}, or, when the row holds what no entry can (a row edited by
     * hand: an operation or store of no such name, a blank migration or table), its id and why to {@code unreadable}:
     * one such row, due first again and again, made every claim fail, so the reconciler stopped for every entry.
     */
    private static void readEntry(ResultSet rows, List<ChangeEntry> entries, Map<Long, String> unreadable)
            throws SQLException {
        try {
            entries.add(entry(rows));
        } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            long id = rows.getLong("id");
            String problem = "change-log entry " + id + " cannot be read, so it is never claimed: " + e.getMessage()
                    + " (operation '" + rows.getString("operation") + "', target_store '"
                    + rows.getString("target_store") + "'); correct the row (operation one of "
                    + java.util.Arrays.toString(Operation.values()) + ", target_store one of "
                    + java.util.Arrays.toString(Store.values()) + ") or delete it";
            unreadable.put(id, problem);
        }
    }

    /**
     * Leaves each unreadable entry ({@link #readEntry}) in the table, counted in the backlog, with its problem as its
     * error and due again at {@code until} (the lease's end), so that the claims go on with the readable entries and
     * the row is looked at again after a correction; a WARN names it. {@code conditional}: only while it is still
     * due at {@code now} (H2's claims, which lock nothing).
     */
    private static void setAside(Connection connection, Map<Long, String> unreadable, Instant until,
                                 boolean conditional, Instant now) throws SQLException {
        if (unreadable.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE dualwrite_change_log SET attempts ="
                + " attempts + 1, due_at = ?, last_error = ?, claim_token = NULL, claimed_until = NULL WHERE id = ?"
                + (conditional ? " AND due_at <= ?" : ""))) {
            for (Map.Entry<Long, String> row : unreadable.entrySet()) {
                log.warn("{}", Credentials.mask(row.getValue()));
                update.setObject(1, utc(until));
                update.setString(2, truncate(Credentials.mask(row.getValue()), MAX_ERROR_LENGTH));
                update.setLong(3, row.getKey());
                if (conditional) {
                    update.setObject(4, utc(now));
                }
                update.executeUpdate();
            }
        }
    }

    private static ChangeEntry entry(ResultSet rows) throws SQLException {
        ChangeRecord record = new ChangeRecord(
                rows.getString("migration"),
                rows.getString("table_name"),
                rows.getString("row_key"),
                Operation.valueOf(rows.getString("operation")),
                rows.getString("reason"),
                Store.valueOf(rows.getString("target_store")),
                rows.getString("order_id"),
                rows.getString("merchant_id"),
                instant(rows.getObject("due_at", LocalDateTime.class)));
        return new ChangeEntry(rows.getLong("id"), record, rows.getInt("attempts"),
                instant(rows.getObject("created_at", LocalDateTime.class)), rows.getString("last_error"));
    }

    private Dialect dialect(Connection connection) throws SQLException {
        Dialect known = dialect;
        if (known == null) {
            known = Dialect.detect(connection);
            dialect = known;
        }
        return known;
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    private static @Nullable String truncate(@Nullable String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    /**
     * A session of the change log's data source whose prepared statements name the table in its home schema or
     * database ({@link OwnTable}), whatever {@code search_path} or current database the pool's last borrower left.
     */
    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (script == null) {
            try {
                script = SchemaScript.of(connection);
            } catch (SQLException unsupported) {
                // an unknown product: a missing-table failure then names every script
            }
        }
        return ownTable.naming(connection);
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException(withFix("could not " + what + ": " + Credentials.mask(e.getMessage()), e, script), e);
    }

    /** {@code message}, followed by how to create dualwrite's tables when {@code e} says that one is missing. */
    private static String withFix(String message, SQLException e, @Nullable SchemaScript script) {
        if (!DualWriteSchema.isMissingTable(e)) {
            return message;
        }
        return message + " (dualwrite's table is missing; to fix, "
                + (script == null ? SchemaScript.fixForUnknownDatabase() : script.fix()) + ")";
    }

    private record Claim(String token, Instant until) {
    }
}
