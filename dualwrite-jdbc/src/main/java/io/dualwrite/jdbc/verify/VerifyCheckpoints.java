package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.schema.OwnTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The rows of {@value DualWriteSchema#VERIFICATION_CHECKPOINT_TABLE}: per checkpoint name and table a head row
 * (item 0: how far the run got, its counters, the job's settings), one row per row found different so far
 * (items 1..) and, once more rows differ than the verifier keeps, one row counting those beyond by kind (item -1,
 * state {@code OVERFLOW}: missing in new in {@code chunks_done}, extra in new in {@code chunks_compared},
 * different in {@code rows_compared}), so that a resumed run reports as many as a run never stopped. Each chunk's progress is written in one transaction, so a run stopped at any point leaves a head
 * that agrees with its suspects. One run at a time per checkpoint name: two runs under one name would take turns
 * overwriting the head and numbering suspects alike, so a run {@linkplain #claim claims} its name for as long as it
 * goes on; the claim holds in this JVM only (runs in other processes must use other names).
 */
final class VerifyCheckpoints {

    /** The width of key_text in the scripts before round 22, and where the database declares none. */
    private static final int MAX_KEY_TEXT = 4000;
    /** The most characters a key text may take in a table created by a later script. */
    private static final int KEY_TEXT_CAP = 1_000_000;
    private static final int MAX_JOB_TEXT = 1000;
    private static final String TABLE = DualWriteSchema.VERIFICATION_CHECKPOINT_TABLE;
    private static final String RUNNING = "RUNNING";
    private static final String DONE = "DONE";
    private static final String SUSPECT = "SUSPECT";
    private static final String OVERFLOW = "OVERFLOW";
    private static final long OVERFLOW_ITEM = -1;
    private static final String ORIGIN = "ORIGIN";
    /** The item of a table's origin row, after every suspect's: see {@link #origin}. */
    private static final long ORIGIN_ITEM = Long.MAX_VALUE;

    /**
     * How far a table's verification got.
     *
     * @param cursor   the lower key of the next chunk in the old store's key text (null: from the first key)
     * @param suspects the keys found different so far, in the change log's key form
     * @param beyond   the rows found different beyond the kept suspects, by {@link RowDifference.Kind} ordinal
     */
    record State(String settings, boolean done, @Nullable String cursor, long chunksDone, long chunksCompared,
                 long rowsCompared, long newRowsCompared, List<String> suspects, List<Long> beyond) {
    }

    /**
     * When the run that began a checkpoint started: the newest switch change of its scope it saw before reading any
     * row ({@code null} when it had no resolver), and its start by the verifier's clock. A resumed run records these,
     * not its own, since its checkpoint holds chunks compared by that first start (the phase gate counts a run only
     * when it started after the scope's switches last moved).
     */
    record Origin(@Nullable String switched, Instant started) {
    }

    /** No rows beyond the kept suspects. */
    static List<Long> noneBeyond() {
        return java.util.Collections.nCopies(RowDifference.Kind.values().length, 0L);
    }

    /** The checkpoint names of runs going on in this JVM, per store of the checkpoints. */
    private record Claim(DataSource dataSource, String name) {
    }

    private static final java.util.Set<Claim> CLAIMED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final DataSource dataSource;
    private final Clock clock;
    /** How many characters key_text holds, once read from the table's declaration; 0 until then. */
    private volatile int keyCapacity;

    VerifyCheckpoints(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Claims a checkpoint name for a run (nothing for a run without one); the returned action releases it.
     *
     * @throws IllegalStateException when a run in this JVM holds the name
     */
    Runnable claim(@Nullable String name) {
        if (name == null) {
            return () -> { };
        }
        Claim claim = new Claim(dataSource, name);
        if (!CLAIMED.add(claim)) {
            throw new IllegalStateException("checkpoint '" + name + "' is in use by a verification run that has not"
                    + " ended; stop that run (VerificationRun.stop) and await it before running or resetting the"
                    + " checkpoint again, or give this job another checkpoint name");
        }
        return () -> CLAIMED.remove(claim);
    }

    /** The state recorded for a table under a name, if any. */
    Optional<State> load(String name, String table) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement select = connection.prepareStatement("SELECT item_no, state, key_text, job,"
                     + " chunks_done, chunks_compared, rows_compared, new_rows_compared FROM " + TABLE
                     + " WHERE checkpoint_name = ? AND table_name = ? ORDER BY item_no")) {
            select.setString(1, name);
            select.setString(2, table);
            try (ResultSet rows = select.executeQuery()) {
                State head = null;
                List<String> suspects = new ArrayList<>();
                List<Long> beyond = noneBeyond();
                while (rows.next()) {
                    if (rows.getLong(1) == 0) {
                        head = new State(rows.getString(4), DONE.equals(rows.getString(2)), rows.getString(3),
                                rows.getLong(5), rows.getLong(6), rows.getLong(7), rows.getLong(8), List.of(),
                                List.of());
                    } else if (rows.getLong(1) == OVERFLOW_ITEM) {
                        beyond = beyondOf(rows.getLong(5), rows.getLong(6), rows.getLong(7));
                    } else if (rows.getLong(1) != ORIGIN_ITEM) {
                        suspects.add(rows.getString(3));
                    }
                }
                return head == null ? Optional.empty() : Optional.of(new State(head.settings(), head.done(),
                        head.cursor(), head.chunksDone(), head.chunksCompared(), head.rowsCompared(),
                        head.newRowsCompared(), List.copyOf(suspects), beyond));
            }
        } catch (SQLException e) {
            throw missingTable(e);
        }
    }

    /**
     * Records a table's progress after a chunk: the head, and the suspects found since the last save, numbered
     * from {@code firstItem}.
     */
    void save(String name, String table, State state, List<String> newSuspects, long firstItem) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE)) {
            int capacity = keyCapacity(connection);
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                LocalDateTime now = LocalDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
                int updated;
                try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET state = ?,"
                        + " key_text = ?, job = ?, chunks_done = ?, chunks_compared = ?, rows_compared = ?,"
                        + " new_rows_compared = ?, updated_at = ? WHERE checkpoint_name = ? AND table_name = ?"
                        + " AND item_no = 0")) {
                    bindHead(update, state, now, 1, capacity);
                    update.setString(9, name);
                    update.setString(10, table);
                    updated = update.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                        + " (checkpoint_name, table_name, item_no, state, key_text, job, chunks_done, chunks_compared,"
                        + " rows_compared, new_rows_compared, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    if (updated == 0) {
                        insert.setString(1, name);
                        insert.setString(2, table);
                        insert.setLong(3, 0);
                        bindHead(insert, state, now, 4, capacity);
                        insert.addBatch();
                    }
                    long item = firstItem;
                    for (String key : newSuspects) {
                        insert.setString(1, name);
                        insert.setString(2, table);
                        insert.setLong(3, item++);
                        insert.setString(4, SUSPECT);
                        insert.setString(5, fits("a suspect row's key", key, capacity, "key_text"));
                        insert.setString(6, null);
                        for (int i = 7; i <= 10; i++) {
                            insert.setLong(i, 0);
                        }
                        insert.setObject(11, now);
                        insert.addBatch();
                    }
                    if (updated == 0 || !newSuspects.isEmpty()) {
                        insert.executeBatch();
                    }
                }
                saveBeyond(connection, name, table, state.beyond(), now);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw missingTable(e);
        }
    }

    private static List<Long> beyondOf(long missing, long extra, long different) {
        Long[] counts = noneBeyond().toArray(new Long[0]);
        counts[RowDifference.Kind.MISSING_IN_NEW.ordinal()] = missing;
        counts[RowDifference.Kind.EXTRA_IN_NEW.ordinal()] = extra;
        counts[RowDifference.Kind.DIFFERENT.ordinal()] = different;
        return List.of(counts);
    }

    /** Records the counts of rows found different beyond the suspects kept, once there are any. */
    private static void saveBeyond(Connection connection, String name, String table, List<Long> beyond,
                                   LocalDateTime now) throws SQLException {
        if (beyond.stream().allMatch(count -> count == 0)) {
            return;
        }
        long missing = beyond.get(RowDifference.Kind.MISSING_IN_NEW.ordinal());
        long extra = beyond.get(RowDifference.Kind.EXTRA_IN_NEW.ordinal());
        long different = beyond.get(RowDifference.Kind.DIFFERENT.ordinal());
        int updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET chunks_done = ?,"
                + " chunks_compared = ?, rows_compared = ?, updated_at = ? WHERE checkpoint_name = ?"
                + " AND table_name = ? AND item_no = " + OVERFLOW_ITEM)) {
            update.setLong(1, missing);
            update.setLong(2, extra);
            update.setLong(3, different);
            update.setObject(4, now);
            update.setString(5, name);
            update.setString(6, table);
            updated = update.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (checkpoint_name, table_name, item_no, state, key_text, job, chunks_done, chunks_compared,"
                    + " rows_compared, new_rows_compared, updated_at) VALUES (?, ?, " + OVERFLOW_ITEM + ", ?, NULL,"
                    + " NULL, ?, ?, ?, 0, ?)")) {
                insert.setString(1, name);
                insert.setString(2, table);
                insert.setString(3, OVERFLOW);
                insert.setLong(4, missing);
                insert.setLong(5, extra);
                insert.setLong(6, different);
                insert.setObject(7, now);
                insert.executeUpdate();
            }
        }
    }

    /**
     * The origin of a run under a checkpoint name ({@link Origin}). A run that resumes a table's checkpoint
     * ({@code resuming}) takes the origin recorded by the run that began it, the earliest where tables hold
     * several; one that resumes nothing records {@code current} for each of {@code tables} (replacing what a run
     * that compared nothing left) and takes it. A checkpoint without an origin is not resumed ({@link #storedOrigin}).
     */
    Origin origin(String name, List<String> tables, Origin current, boolean resuming) throws SQLException {
        if (resuming) {
            java.util.Optional<Origin> stored = storedOrigin(name);
            if (stored.isPresent()) {
                return stored.get();
            }
        }
        return record(name, tables, current);
    }

    /**
     * The origin the run that began checkpoint {@code name} recorded, the earliest where its tables hold several;
     * empty when it holds none (written before round 25, or its origin rows lost): such a checkpoint's chunks say
     * nothing of when they were compared, and {@code Verifier} compares them again rather than resume it.
     */
    java.util.Optional<Origin> storedOrigin(String name) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE)) {
            Origin earliest = null;
            try (PreparedStatement select = connection.prepareStatement("SELECT key_text, job FROM " + TABLE
                    + " WHERE checkpoint_name = ? AND item_no = " + ORIGIN_ITEM)) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Origin origin = new Origin(rows.getString(1), Instant.parse(rows.getString(2)));
                        earliest = earliest == null || earlier(origin, earliest) ? origin : earliest;
                    }
                }
            } catch (java.time.format.DateTimeParseException unreadable) {
                throw new SQLException("checkpoint '" + name + "' holds an origin row (item " + ORIGIN_ITEM
                        + ") whose start is no instant: " + unreadable.getParsedString() + "; delete the"
                        + " checkpoint with Verifier.resetCheckpoint(\"" + name + "\") and run again");
            }
            return java.util.Optional.ofNullable(earliest);
        } catch (SQLException e) {
            throw missingTable(e);
        }
    }

    /** Records {@code current} as checkpoint {@code name}'s origin for each of {@code tables}, replacing any. */
    private Origin record(String name, List<String> tables, Origin current) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE)) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE
                        + " WHERE checkpoint_name = ? AND item_no = " + ORIGIN_ITEM)) {
                    delete.setString(1, name);
                    delete.executeUpdate();
                }
                LocalDateTime now = LocalDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.MICROS),
                        ZoneOffset.UTC);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE
                        + " (checkpoint_name, table_name, item_no, state, key_text, job, chunks_done, chunks_compared,"
                        + " rows_compared, new_rows_compared, updated_at) VALUES (?, ?, " + ORIGIN_ITEM + ", ?, ?, ?,"
                        + " 0, 0, 0, 0, ?)")) {
                    for (String table : new java.util.LinkedHashSet<>(tables)) {
                        insert.setString(1, name);
                        insert.setString(2, table);
                        insert.setString(3, ORIGIN);
                        insert.setString(4, current.switched());
                        insert.setString(5, current.started().toString());
                        insert.setObject(6, now);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return current;
        } catch (SQLException e) {
            throw missingTable(e);
        }
    }

    /**
     * Whether {@code a} is the older origin: a run that saw no switch change ({@link VerificationStore#NO_SWITCH_CHANGE})
     * before one that saw one, else by the switch change's time, else (no resolver) by start.
     */
    private static boolean earlier(Origin a, Origin b) {
        if (a.switched() != null && b.switched() != null) {
            if (a.switched().equals(b.switched())) {
                return a.started().isBefore(b.started());
            }
            if (a.switched().equals(VerificationStore.NO_SWITCH_CHANGE)) {
                return true;
            }
            if (b.switched().equals(VerificationStore.NO_SWITCH_CHANGE)) {
                return false;
            }
            try {
                return Instant.parse(a.switched()).isBefore(Instant.parse(b.switched()));
            } catch (java.time.format.DateTimeParseException unreadable) {
                return a.started().isBefore(b.started());
            }
        }
        return a.started().isBefore(b.started());
    }

    /** Deletes every row of a checkpoint name; returns how many there were. */
    int delete(String name) throws SQLException {
        try (Connection connection = OwnTable.session(dataSource, TABLE);
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE
                     + " WHERE checkpoint_name = ?")) {
            delete.setString(1, name);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw missingTable(e);
        }
    }

    /**
     * {@code value} when it fits its column: a key or settings text cut by MariaDB or MySQL in a non-strict
     * {@code sql_mode} would resume the run at another key or let another job resume it.
     */
    private static @Nullable String fits(String what, @Nullable String value, int max, String column) {
        return io.dualwrite.internal.Checks.requireFits(what, value, max, TABLE + "." + column);
    }

    /** How many characters key_text holds: 4,000 in a table created before round 22, more in a later one. */
    private int keyCapacity(Connection connection) throws SQLException {
        int capacity = keyCapacity;
        if (capacity == 0) {
            capacity = DualWriteSchema.textCapacity(connection, TABLE, "key_text", MAX_KEY_TEXT, KEY_TEXT_CAP);
            keyCapacity = capacity;
        }
        return capacity;
    }

    private static void bindHead(PreparedStatement statement, State state, LocalDateTime now, int first,
                                 int keyCapacity) throws SQLException {
        statement.setString(first, state.done() ? DONE : RUNNING);
        statement.setString(first + 1, fits("the checkpoint's key", state.cursor(), keyCapacity, "key_text"));
        statement.setString(first + 2, fits("the job's settings", state.settings(), MAX_JOB_TEXT, "job"));
        statement.setLong(first + 3, state.chunksDone());
        statement.setLong(first + 4, state.chunksCompared());
        statement.setLong(first + 5, state.rowsCompared());
        statement.setLong(first + 6, state.newRowsCompared());
        statement.setObject(first + 7, now);
    }

    private SQLException missingTable(SQLException e) {
        return DualWriteSchema.isMissingTable(e) ? VerificationStore.missing(dataSource, TABLE, e) : e;
    }
}
