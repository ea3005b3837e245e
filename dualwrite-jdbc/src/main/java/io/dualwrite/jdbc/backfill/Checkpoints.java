package io.dualwrite.jdbc.backfill;

import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.schema.OwnTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The rows of {@value DualWriteSchema#BACKFILL_CHECKPOINT_TABLE}: per job a head row (chunk 0: the last key
 * planned, the number of chunks planned, {@code PLANNING} or {@code PLANNED}) and a row per planned chunk
 * ({@code PENDING}, then {@code DONE}).
 *
 * <p>Claims are {@code SELECT … FOR UPDATE SKIP LOCKED} in a transaction the worker keeps open while it copies
 * the chunk and that marks the chunk {@code DONE} before it commits: a chunk being copied is locked, so no other
 * worker (thread or instance) takes it, and a worker that dies (its connection closed, its transaction rolled
 * back) leaves its chunk {@code PENDING} and claimable at once. Every database dualwrite supports has
 * {@code SKIP LOCKED}: PostgreSQL 9.5+, MySQL 8, MariaDB 10.6+, H2 2.x. On MySQL/MariaDB the transactions run
 * in {@code READ COMMITTED}, so that a locking read takes no gap locks.
 */
final class Checkpoints {

    /**
     * The key columns' width in the scripts before round 22, and the width assumed where the database declares none;
     * a table created by a later script holds {@link #KEY_TEXT_CAP} (read from the table, {@link #keyCapacity}).
     */
    static final int MAX_KEY_TEXT = 4000;
    /** The most characters a key text may take: past any key a database indexes (MariaDB's 3,072 bytes, as hex). */
    static final int KEY_TEXT_CAP = 1_000_000;
    static final String TABLE = DualWriteSchema.BACKFILL_CHECKPOINT_TABLE;
    static final String PENDING = "PENDING";
    static final String DONE = "DONE";
    static final String PLANNING = "PLANNING";
    static final String PLANNED = "PLANNED";

    private final DataSource dataSource;
    private final Clock clock;
    private volatile @Nullable Dialect dialect;
    /** How many characters the key columns hold, once read ({@link #keyCapacity}); 0 until then. */
    private volatile int keyCapacity;

    Checkpoints(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The head of a job: how far its key ranges are planned. */
    record Head(@Nullable String cursor, long chunksPlanned, boolean planned) {
    }

    /** One planned chunk: the keys after {@code lower} (null: from the first) up to {@code upper}, inclusive. */
    record Chunk(long number, @Nullable String lower, String upper, long plannedRows) {
        String describe() {
            return "#" + number + " (" + (lower == null ? "start" : "'" + lower + "'") + ", '" + upper + "']";
        }
    }

    /** A job's state as its rows say. */
    record Totals(boolean exists, boolean planned, @Nullable String cursor, long chunksPlanned, long chunksDone,
                  long rowsDone, long rowsCopied, long chunksPending) {
        boolean complete() {
            return planned && chunksPending == 0;
        }
    }

    /** Work in one checkpoint transaction. */
    interface Work<T> {
        @Nullable T run(Connection connection) throws SQLException, InterruptedException;
    }

    /**
     * One checkpoint transaction on its own connection (auto-commit off; read committed on MySQL/MariaDB).
     * Closing it rolls back what was not committed, restores the connection's settings and closes it.
     */
    final class Tx implements AutoCloseable {
        private final Connection connection;
        private final boolean autoCommit;
        private final int isolation;
        private boolean ended;

        private Tx(Connection connection) throws SQLException {
            this.connection = connection;
            this.autoCommit = connection.getAutoCommit();
            this.isolation = connection.getTransactionIsolation();
            if (dialect(connection) == Dialect.MYSQL) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(false);
        }

        Connection connection() {
            return connection;
        }

        void commit() throws SQLException {
            connection.commit();
            ended = true;
        }

        @Override
        public void close() throws SQLException {
            try {
                if (!ended) {
                    connection.rollback();
                }
                connection.setTransactionIsolation(isolation);
                connection.setAutoCommit(autoCommit);
            } finally {
                connection.close();
            }
        }
    }

    /** Starts a checkpoint transaction. */
    Tx begin() throws SQLException {
        Connection connection = OwnTable.session(dataSource, TABLE);
        try {
            return new Tx(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** Runs {@code work} in its own transaction and commits it (rolls back when it throws). */
    <T> @Nullable T inTransaction(Work<T> work) throws SQLException, InterruptedException {
        try (Tx tx = begin()) {
            T result = work.run(tx.connection());
            tx.commit();
            return result;
        }
    }

    /** Creates the job's head row unless it exists (another instance may create it at the same time). */
    void ensureHead(String jobId, String settings) throws SQLException {
        ensureHead(jobId, settings, java.util.List.of());
    }

    /**
     * Creates the job's head row unless it exists; a head left by an earlier version, holding no settings or one of
     * {@code earlier} (the same job's settings as an earlier version wrote them: without the key's types, or without
     * their collations), takes {@code settings}, so that a key changed after this run is caught when a run resumes.
     * Whether this call made such a head take {@code settings} (false when it made the head, or found it current).
     */
    boolean ensureHead(String jobId, String settings, java.util.List<String> earlier) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE)) {
            connection.setAutoCommit(true);
            if (exists(connection, jobId)) {
                int adopted = 0;
                try (PreparedStatement adopt = connection.prepareStatement("UPDATE " + TABLE
                        + " SET lower_key = ? WHERE job_id = ? AND chunk_no = 0 AND lower_key IS NULL")) {
                    adopt.setString(1, fits("the job's settings", settings, "lower_key"));
                    adopt.setString(2, jobId);
                    adopted += adopt.executeUpdate();
                }
                for (String form : earlier) {
                    if (form.equals(settings)) {
                        continue;
                    }
                    try (PreparedStatement adopt = connection.prepareStatement("UPDATE " + TABLE
                            + " SET lower_key = ? WHERE job_id = ? AND chunk_no = 0 AND lower_key = ?")) {
                        adopt.setString(1, fits("the job's settings", settings, "lower_key"));
                        adopt.setString(2, jobId);
                        adopt.setString(3, form);
                        adopted += adopt.executeUpdate();
                    }
                }
                return adopted > 0;
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (job_id, chunk_no, status, lower_key, upper_key, row_count, rows_copied, claimed_by, updated_at)"
                    + " VALUES (?, 0, ?, ?, NULL, 0, 0, NULL, ?)")) {
                insert.setString(1, jobId);
                insert.setString(2, PLANNING);
                insert.setString(3, fits("the job's settings", settings, "lower_key"));
                insert.setObject(4, now());
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!isDuplicate(e) || !exists(connection, jobId)) {
                    throw e;
                }
                // another instance created it first
            }
            return false;
        }
    }

    /**
     * Sets every chunk of {@code jobId} marked done back to pending, to be copied again: done by a run whose head did
     * not say what decides which rows a chunk copied (a merchant run's head written before round 25 holds no merchant
     * column), so this run cannot take them as its own. The chunk plan stays (its ranges cover the key order without
     * gaps up to the head's cursor, whichever rows of them the earlier run copied), and planning goes on after the
     * cursor (the earlier run's last key of its merchant is not this run's). The number of chunks set back.
     */
    int copyDoneAgain(String jobId) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET status = ?,"
                     + " rows_copied = 0, claimed_by = NULL, updated_at = ? WHERE job_id = ? AND chunk_no > 0"
                     + " AND status = ?");
             PreparedStatement replan = connection.prepareStatement("UPDATE " + TABLE + " SET status = ?,"
                     + " updated_at = ? WHERE job_id = ? AND chunk_no = 0 AND status = ?")) {
            connection.setAutoCommit(false);
            try {
                update.setString(1, PENDING);
                update.setObject(2, now());
                update.setString(3, jobId);
                update.setString(4, DONE);
                int again = update.executeUpdate();
                replan.setString(1, PLANNING);
                replan.setObject(2, now());
                replan.setString(3, jobId);
                replan.setString(4, PLANNED);
                replan.executeUpdate();
                connection.commit();
                return again;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * The settings the head of {@code jobId} was written under (its {@code lower_key}, which a head does not use
     * otherwise): what the job's mapping writes. Empty when there is no head, or one left by an earlier version.
     */
    java.util.Optional<String> settings(String jobId) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT lower_key FROM " + TABLE + " WHERE job_id = ? AND chunk_no = 0")) {
            select.setString(1, jobId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? java.util.Optional.ofNullable(rows.getString(1)) : java.util.Optional.empty();
            }
        }
    }

    /**
     * What is wrong with the rows of {@code jobId}, as a backfill never leaves them, or null when nothing is: a
     * status other than the four the backfill writes (a chunk marked {@code SKIPPED} or {@code done} by hand was
     * never claimed nor counted done, and the run waited for it forever), chunks missing from or added to the
     * numbers the head planned ({@code 1..n}; a deleted chunk's keys were never copied, in a run that called itself
     * complete), a chunk whose lower key is not the previous one's upper key or whose upper key is missing (the keys
     * between them were never copied), a head whose planned key is not the last chunk's upper key (planning went
     * on from there, leaving out or copying again the keys between), a chunk's upper key that does not read as a key
     * of the table ({@code keyProblem} says why, or null when it reads; the claim of such a chunk failed on every
     * run, after the other chunks were copied). One query over the job's rows, at the start of a run.
     */
    @Nullable String damage(String jobId, java.util.function.Function<String, @Nullable String> keyProblem)
            throws SQLException {
        return damage(jobId, keyProblem, (left, right) -> null);
    }

    /**
     * As {@link #damage(String, java.util.function.Function)}, and also a chunk whose upper key is not after the
     * chunk before's in the table's key order now ({@code keyOrder}: negative, zero or positive as the first key
     * comes before, with or after the second, or null where it cannot say): the walk planned them in ascending order,
     * so bounds out of order were planned under another key type (a text key's '10' before '9', now an integer key),
     * and resumed, the keys of a chunk whose lower bound lies above its upper one are never copied. Java only, no
     * query more.
     */
    @Nullable String damage(String jobId, java.util.function.Function<String, @Nullable String> keyProblem,
                            java.util.function.BiFunction<String, String, @Nullable Integer> keyOrder)
            throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement select = connection.prepareStatement("SELECT chunk_no, status, lower_key, upper_key,"
                     + " row_count FROM " + TABLE + " WHERE job_id = ? ORDER BY chunk_no")) {
            select.setString(1, jobId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                if (rows.getLong(1) != 0) {
                    return "it has no head row (chunk 0), only chunks from #" + rows.getLong(1);
                }
                String headStatus = rows.getString(2);
                if (!PLANNING.equals(headStatus) && !PLANNED.equals(headStatus)) {
                    return "its head row (chunk 0) has status '" + headStatus + "', where the backfill writes "
                            + PLANNING + " or " + PLANNED;
                }
                String cursor = rows.getString(4);
                long planned = rows.getLong(5);
                long expected = 1;
                String previousUpper = null;
                while (rows.next()) {
                    long number = rows.getLong(1);
                    String where = "chunk #" + number;
                    if (number != expected) {
                        return number < 1 ? where + " is numbered below 1"
                                : "chunk #" + expected + " is missing (the next is #" + number + ")";
                    }
                    String status = rows.getString(2);
                    if (!PENDING.equals(status) && !DONE.equals(status)) {
                        return where + " has status '" + status + "', where the backfill writes " + PENDING + " or "
                                + DONE;
                    }
                    String lower = rows.getString(3);
                    String upper = rows.getString(4);
                    if (upper == null) {
                        return where + " has no upper key";
                    }
                    String unread = keyProblem.apply(upper);
                    if (unread != null) {
                        // (a lower key is the chunk before's upper key, checked below, or none)
                        return where + " ends at key '" + upper + "', which does not read as a key of the table: "
                                + unread;
                    }
                    if (!java.util.Objects.equals(lower, previousUpper)) {
                        return where + " starts after " + (lower == null ? "the first key" : "key '" + lower + "'")
                                + ", where the chunk before it ends at " + (previousUpper == null ? "no key (it is the"
                                + " first)" : "key '" + previousUpper + "'");
                    }
                    Integer order = previousUpper == null ? null : keyOrder.apply(previousUpper, upper);
                    if (order != null && order >= 0) {
                        return where + " ends at key '" + upper + "', which is not after key '" + previousUpper
                                + "', where the chunk before it ends, in the order of the table's key now: the chunks"
                                + " were planned in another order (the key's type changed since they were, as a text"
                                + " key's '10' before '9' against an integer's 9 before 10)";
                    }
                    previousUpper = upper;
                    expected++;
                }
                if (expected - 1 != planned) {
                    return "its head row says " + planned + " chunks were planned, and it has " + (expected - 1);
                }
                if (!java.util.Objects.equals(cursor, previousUpper)) {
                    return "its head row says keys were planned up to " + (cursor == null ? "none" : "key '" + cursor
                            + "'") + ", where the last chunk ends at " + (previousUpper == null ? "no key (there is"
                            + " none)" : "key '" + previousUpper + "'");
                }
                return null;
            }
        }
    }

    private static boolean exists(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM " + TABLE + " WHERE job_id = ? AND chunk_no = 0")) {
            select.setString(1, jobId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /** Locks the job's head row for the rest of the transaction ({@code FOR UPDATE}, waiting) and reads it. */
    Head lockHead(Connection connection, String jobId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT upper_key, row_count, status FROM " + TABLE
                + " WHERE job_id = ? AND chunk_no = 0 FOR UPDATE")) {
            select.setString(1, jobId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("backfill job '" + jobId + "' has no head row in " + TABLE
                            + " (was it reset while running?)");
                }
                return new Head(rows.getString(1), rows.getLong(2), PLANNED.equals(rows.getString(3)));
            }
        }
    }

    /** Records a planned chunk ({@code PENDING}) and moves the head past it, in the head's transaction. */
    void plan(Connection connection, String jobId, Chunk chunk, boolean last) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                + " (job_id, chunk_no, status, lower_key, upper_key, row_count, rows_copied, claimed_by, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?)")) {
            insert.setString(1, jobId);
            insert.setLong(2, chunk.number());
            insert.setString(3, PENDING);
            int capacity = keyCapacity(connection);
            insert.setString(4, keyFits("a chunk's lower key", chunk.lower(), capacity, "lower_key"));
            insert.setString(5, keyFits("a chunk's upper key", chunk.upper(), capacity, "upper_key"));
            insert.setLong(6, chunk.plannedRows());
            insert.setObject(7, now());
            insert.executeUpdate();
        }
        updateHead(connection, jobId, chunk.upper(), chunk.number(), last);
    }

    /** Marks the job planned to its end (no key after the head's), in the head's transaction. */
    void planningDone(Connection connection, String jobId, Head head) throws SQLException {
        updateHead(connection, jobId, head.cursor(), head.chunksPlanned(), true);
    }

    /**
     * {@code value} when it fits its column: a key text cut by MariaDB or MySQL in a non-strict {@code sql_mode}
     * would plan or resume the job at another key.
     */
    private static @Nullable String fits(String what, @Nullable String value, String column) {
        return fits(what, value, MAX_KEY_TEXT, column);
    }

    private static @Nullable String fits(String what, @Nullable String value, int capacity, String column) {
        return io.dualwrite.internal.Checks.requireFits(what, value, capacity, TABLE + "." + column);
    }

    /**
     * How many characters the key columns hold: {@code VARCHAR(4000)} in a table created by a script before round
     * 22, {@link #KEY_TEXT_CAP} in a later one. Read once, from the table's own declaration.
     */
    int keyCapacity(Connection connection) throws SQLException {
        int capacity = keyCapacity;
        if (capacity == 0) {
            capacity = DualWriteSchema.textCapacity(connection, TABLE, "upper_key", MAX_KEY_TEXT, KEY_TEXT_CAP);
            keyCapacity = capacity;
        }
        return capacity;
    }

    /** As {@link #fits}, for a key text: a {@link KeyTooLong} when it does not fit. */
    private static @Nullable String keyFits(String what, @Nullable String value, int capacity, String column) {
        try {
            return fits(what, value, capacity, column);
        } catch (IllegalArgumentException tooLong) {
            throw new KeyTooLong(tooLong.getMessage());
        }
    }

    /**
     * A key text longer than the checkpoint's key columns hold (in a table created before round 22, whose columns
     * hold 4,000 characters: a text key of more than 4,000 characters, a binary key of more than 2,000 bytes, whose
     * text is its hex): the chunk cannot be planned, on any run, until the columns are widened.
     */
    static final class KeyTooLong extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        KeyTooLong(String message) {
            super(message);
        }
    }

    private void updateHead(Connection connection, String jobId, @Nullable String cursor, long chunks, boolean planned)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                + " SET upper_key = ?, row_count = ?, status = ?, updated_at = ? WHERE job_id = ? AND chunk_no = 0")) {
            update.setString(1, keyFits("the planned key", cursor, keyCapacity(connection), "upper_key"));
            update.setLong(2, chunks);
            update.setString(3, planned ? PLANNED : PLANNING);
            update.setObject(4, now());
            update.setString(5, jobId);
            update.executeUpdate();
        }
    }

    /**
     * Claims the first {@code PENDING} chunk that no other transaction holds ({@code FOR UPDATE SKIP LOCKED});
     * the claim lasts as long as the connection's transaction.
     */
    @Nullable Chunk claimNext(Connection connection, String jobId) throws SQLException {
        return claimNext(connection, jobId, java.util.Set.of());
    }

    /**
     * Claims the first {@code PENDING} chunk that no other transaction holds, other than those numbered in {@code
     * passedOver} (chunks this run could not finish and leaves to the next).
     */
    @Nullable Chunk claimNext(Connection connection, String jobId, java.util.Set<Long> passedOver) throws SQLException {
        String others = passedOver.isEmpty() ? "" : " AND chunk_no NOT IN (" + passedOver.stream().sorted()
                .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")";
        return claim(connection, "SELECT chunk_no, lower_key, upper_key, row_count FROM " + TABLE
                + " WHERE job_id = ? AND status = ? AND chunk_no > 0" + others
                + " ORDER BY chunk_no LIMIT 1 FOR UPDATE SKIP LOCKED", jobId, null);
    }

    /** Claims one chunk if it is still {@code PENDING} and no other transaction holds it. */
    @Nullable Chunk claim(Connection connection, String jobId, long chunkNo) throws SQLException {
        return claim(connection, "SELECT chunk_no, lower_key, upper_key, row_count FROM " + TABLE
                + " WHERE job_id = ? AND status = ? AND chunk_no = ? FOR UPDATE SKIP LOCKED", jobId, chunkNo);
    }

    private @Nullable Chunk claim(Connection connection, String sql, String jobId, @Nullable Long chunkNo)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, jobId);
            select.setString(2, PENDING);
            if (chunkNo != null) {
                select.setLong(3, chunkNo);
            }
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                return new Chunk(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getLong(4));
            }
        }
    }

    /** Marks a claimed chunk {@code DONE}, in its claim's transaction (the caller commits). */
    void done(Connection connection, String jobId, long chunkNo, long rowsCopied, String worker) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE
                + " SET status = ?, rows_copied = ?, claimed_by = ?, updated_at = ? WHERE job_id = ? AND chunk_no = ?")) {
            update.setString(1, DONE);
            update.setLong(2, rowsCopied);
            update.setString(3, worker);
            update.setObject(4, now());
            update.setString(5, jobId);
            update.setLong(6, chunkNo);
            if (update.executeUpdate() != 1) {
                throw new SQLException("backfill chunk " + chunkNo + " of job '" + jobId + "' vanished while it was copied");
            }
        }
    }

    /** The job's state (no locks taken). */
    Totals totals(String jobId) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE)) {
            connection.setAutoCommit(true);
            boolean exists = false;
            boolean planned = false;
            String cursor = null;
            long chunksPlanned = 0;
            try (PreparedStatement head = connection.prepareStatement(
                    "SELECT upper_key, row_count, status FROM " + TABLE + " WHERE job_id = ? AND chunk_no = 0")) {
                head.setString(1, jobId);
                try (ResultSet rows = head.executeQuery()) {
                    if (rows.next()) {
                        exists = true;
                        cursor = rows.getString(1);
                        chunksPlanned = rows.getLong(2);
                        planned = PLANNED.equals(rows.getString(3));
                    }
                }
            }
            long chunksDone = 0;
            long rowsDone = 0;
            long rowsCopied = 0;
            long pending = 0;
            try (PreparedStatement chunks = connection.prepareStatement("SELECT status, COUNT(*), SUM(row_count),"
                    + " SUM(rows_copied) FROM " + TABLE + " WHERE job_id = ? AND chunk_no > 0 GROUP BY status")) {
                chunks.setString(1, jobId);
                try (ResultSet rows = chunks.executeQuery()) {
                    while (rows.next()) {
                        if (DONE.equals(rows.getString(1))) {
                            chunksDone = rows.getLong(2);
                            rowsDone = rows.getLong(3);
                            rowsCopied = rows.getLong(4);
                        } else {
                            pending += rows.getLong(2);
                        }
                    }
                }
            }
            return new Totals(exists, planned, cursor, chunksPlanned, chunksDone, rowsDone, rowsCopied, pending);
        }
    }

    /** Deletes every row of a job. */
    int reset(String jobId) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE job_id = ?")) {
            connection.setAutoCommit(true);
            delete.setString(1, jobId);
            return delete.executeUpdate();
        }
    }

    private Dialect dialect(Connection connection) throws SQLException {
        Dialect known = dialect;
        if (known == null) {
            known = Dialect.detect(connection);
            dialect = known;
        }
        return known;
    }

    private LocalDateTime now() {
        return LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** Integrity-constraint violations (SQLState class 23): a duplicate head row from a concurrent start. */
    private static boolean isDuplicate(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("23");
    }
}
