package io.dualwrite.jdbc.copy;

import io.dualwrite.internal.KeyFold;
import io.dualwrite.jdbc.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * What the copier writes differently per database: identifier quoting, the upsert statement, and the
 * per-key lock on the target store. One constant per database, so that no other class branches on it.
 */
enum CopyDialect {

    H2 {
        @Override
        String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }

        @Override
        String fold(String identifier) {
            return identifier.toUpperCase(Locale.ROOT);
        }

        /**
         * H2 looks each key of an {@code IN (…)} list up in the index, then checks every row it found against
         * the whole list again: a read of n keys costs n² comparisons, so reads stay small.
         */
        @Override
        int readChunk(int chunk) {
            return Math.min(chunk, 64);
        }

        /**
         * {@code MERGE … KEY} where it can; with {@code overriding} (an identity column {@code GENERATED ALWAYS},
         * which {@code MERGE … KEY} refuses to assign) the standard {@code MERGE … USING}, whose insert branch takes
         * {@code OVERRIDING SYSTEM VALUE} and whose update branch leaves that column alone.
         */
        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updated, int rows,
                      boolean overriding) {
            if (!overriding) {
                return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY ("
                        + String.join(", ", keyColumns) + ") VALUES " + tuples(columns.size(), rows);
            }
            List<String> source = new java.util.ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                source.add("C" + i);
            }
            java.util.function.IntFunction<String> from = i -> "S.C" + i;
            String on = keyColumns.stream().map(k -> "T." + k + " = " + from.apply(columns.indexOf(k)))
                    .collect(Collectors.joining(" AND "));
            String update = updated.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + updated.stream()
                    .map(c -> c + " = " + from.apply(columns.indexOf(c))).collect(Collectors.joining(", "));
            return "MERGE INTO " + table + " T USING (VALUES " + tuples(columns.size(), rows) + ") S ("
                    + String.join(", ", source) + ") ON " + on + update + " WHEN NOT MATCHED THEN INSERT ("
                    + String.join(", ", columns) + ") OVERRIDING SYSTEM VALUE VALUES ("
                    + java.util.stream.IntStream.range(0, columns.size()).mapToObj(from).collect(Collectors.joining(", "))
                    + ")";
        }

        /**
         * An embedded or in-memory H2 database is opened by one JVM only, so a lock in this JVM serialises
         * every sync that can reach it. Striped: two keys may share a stripe, which only serialises them.
         */
        @Override
        void lock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            int previous = -1;
            for (int stripe : stripes(sortedLockIds)) {
                if (stripe == previous) {
                    continue;
                }
                previous = stripe;
                try {
                    long left = deadline - System.nanoTime();
                    if (STRIPES[stripe].tryLock(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        HELD.get().add(STRIPES[stripe]);
                    } else {
                        unlock(target);
                        throw new SQLException("timed out after " + timeoutMillis + " ms waiting for a key lock");
                    }
                } catch (InterruptedException e) {
                    unlock(target);
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for a key lock", e);
                }
            }
        }

        @Override
        void unlock(Connection target) {
            java.util.List<ReentrantLock> held = HELD.get();
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
            held.clear();
        }
    },

    POSTGRESQL {
        @Override
        String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }

        @Override
        String fold(String identifier) {
            return identifier.toLowerCase(Locale.ROOT);
        }

        /**
         * {@code numeric} holds 1.5 and 1.50 as one key but writes each as given; {@code interval} holds
         * {@code '1 day'} and {@code '24 hours'} as one; a float holds -0 and 0 as one.
         */
        @Override
        boolean keyFormsDiffer(TableColumns.Column column) {
            return column.typeNamed("numeric") || column.typeNamed("interval") || column.typeNamed("float8")
                    || column.typeNamed("float4");
        }

        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updated, int rows,
                      boolean overriding) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ")"
                    + (overriding ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES " + tuples(columns.size(), rows)
                    + " ON CONFLICT (" + String.join(", ", keyColumns) + ") " + (updated.isEmpty() ? "DO NOTHING"
                    : "DO UPDATE SET " + updated.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", ")));
        }

        /**
         * Transaction-scoped advisory locks, taken in the order of the (sorted) array: no deadlock between
         * syncs. The lock timeout and the locks go in one round trip (the driver sends both statements of the
         * text together), and the text is the same for every sync of this copier, so it is prepared once per
         * connection.
         */
        @Override
        void lock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
            lock(target, "", sortedLockIds, timeoutMillis);
        }

        /**
         * PostgreSQL's driver sends the {@code BEGIN} of a JDBC transaction as a write of its own ahead of the first
         * statement, and {@code commit()} as a round trip of its own. A sync is three round trips (lock, read,
         * write) with both riding along: on a loopback or virtualised network each write to the socket costs
         * about as much as the server's work for a single-row statement.
         */
        @Override
        boolean textTransaction() {
            return true;
        }

        @Override
        void beginAndLock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
            lock(target, "BEGIN; ", sortedLockIds, timeoutMillis);
        }

        @Override
        String committing(String statement) {
            return statement + "; COMMIT";
        }

        @Override
        boolean commitsWithStatement() {
            return true;
        }

        private void lock(Connection target, String begin, List<Long> sortedLockIds, long timeoutMillis)
                throws SQLException {
            // PostgreSQL takes a lock_timeout of at most 2,147,483,647 ms (about 24.8 days): a longer one would fail
            // every sync, while that one already waits longer than anything waits for a key lock
            try (PreparedStatement lock = target.prepareStatement(begin + "SET LOCAL lock_timeout = "
                    + Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMillis))
                    + "; SELECT pg_advisory_xact_lock(k) FROM unnest(?::bigint[]) WITH ORDINALITY AS t(k, n) ORDER BY n")) {
                lock.setArray(1, target.createArrayOf("bigint", sortedLockIds.toArray(Long[]::new)));
                lock.execute(); // fails with the lock timeout's error when a lock is not granted in time
            }
        }

        @Override
        void unlock(Connection target) {
            // released by the commit or rollback of the target transaction
        }
    },

    MYSQL {
        @Override
        String quote(String identifier) {
            return '`' + identifier.replace("`", "``") + '`';
        }

        @Override
        String fold(String identifier) {
            return identifier;
        }

        /**
         * {@code ON DUPLICATE KEY UPDATE} fires on a conflict with <em>any</em> unique key: a row meeting another
         * row of the target on a secondary unique key would update that other row and never be written, and the
         * sync would report success. So the first assignment keeps the key when the conflicting row has the row's
         * key and otherwise evaluates a scalar subquery of two rows, which fails the statement whatever the column
         * (error 1242; {@link #upsertFailure} says why). Setting the key to {@code NULL} instead is not refused
         * by every column: a nullable unique column stores it, an {@code AUTO_INCREMENT} column turns it into 0 or
         * the next value, a {@code TIMESTAMP} column into the current time. The subquery's {@code NULL}s keep the
         * {@code IF}'s type the column's own, and the server evaluates it only for a row that takes that branch.
         */
        @Override
        String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updated, int rows,
                      boolean overriding) {
            String first = keyColumns.get(0);
            // a key column written too (keyFormsDiffer) takes the row's value where the guard keeps the key: one
            // assignment per column
            String kept = updated.contains(first) ? "VALUES(" + first + ")" : first;
            String guard = first + " = IF(" + keyColumns.stream().map(c -> c + " <=> VALUES(" + c + ")")
                    .collect(Collectors.joining(" AND ")) + ", " + kept + ", " + OTHER_ROW_MET + ")";
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES " + tuples(columns.size(), rows)
                    + " ON DUPLICATE KEY UPDATE " + guard + updated.stream().filter(c -> !c.equals(first))
                    .map(c -> ", " + c + " = VALUES(" + c + ")").collect(Collectors.joining());
        }

        /** A float holds -0 and 0 as one key (they compare equal), and stores each as given. */
        @Override
        boolean keyFormsDiffer(TableColumns.Column column) {
            return column.sqlType() == java.sql.Types.REAL || column.sqlType() == java.sql.Types.DOUBLE
                    || column.sqlType() == java.sql.Types.FLOAT;
        }

        @Override
        SQLException upsertFailure(String table, SQLException failure) {
            if (failure.getErrorCode() != SUBQUERY_ROWS) {
                return failure; // the upsert has no other subquery: 1242 can only be the guard's
            }
            return new SQLException("a row synced into " + table + " has the values of another row of that table on"
                    + " a unique key other than the primary key; that row was left as it was and the sync failed",
                    "23000", 1062, failure);
        }

        /**
         * Named user locks ({@code GET_LOCK}); their names are server-wide, so they carry the database's name
         * in the hash. Taken in sorted order, up to {@code LOCKS_PER_QUERY} in one query of {@code GET_LOCK(…) AND
         * GET_LOCK(…) …}, which the server evaluates left to right and stops at the first lock that times out (one
         * round trip per lock made a MariaDB backfill of 100,000 rows take 12 s); released explicitly after the
         * commit, since a pooled connection outlives the transaction.
         */
        @Override
        void lock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
            String database = lockDatabase(target);
            // at most a year (MariaDB's largest lock_wait_timeout), however long the caller asked
            double seconds = Math.min(31_536_000.0, Math.max(0.001, timeoutMillis / 1000.0));
            for (int start = 0; start < sortedLockIds.size(); start += LOCKS_PER_QUERY) {
                List<Long> part = sortedLockIds.subList(start, Math.min(sortedLockIds.size(), start + LOCKS_PER_QUERY));
                // AND stops at the first lock that times out (0), so the wait stays bounded by one timeout
                String sql = "SELECT " + String.join(" AND ", java.util.Collections.nCopies(part.size(), "GET_LOCK(?, ?)"));
                try (PreparedStatement lock = target.prepareStatement(sql)) {
                    int index = 1;
                    for (long id : part) {
                        lock.setString(index++, "dualwrite:" + Long.toHexString(lockId(database, Long.toString(id))));
                        lock.setDouble(index++, seconds);
                    }
                    try (ResultSet result = lock.executeQuery()) {
                        if (!result.next() || result.getInt(1) != 1) {
                            unlock(target, sortedLockIds); // the copier's own names: the session may be lent
                            throw new SQLException("timed out after " + timeoutMillis + " ms waiting for a key lock");
                        }
                    }
                } catch (SQLException e) {
                    unlock(target, sortedLockIds);
                    throw e;
                }
            }
        }

        /**
         * The database the lock names carry: the one the driver's URL names, where the mapped tables live ({@link
         * io.dualwrite.jdbc.schema.OwnTable#homeOf}), else the session's current one. Not the session's current one
         * whatever it is: a pooled session an earlier borrower left {@code USE}d in another database named every
         * lock otherwise, so a sync on it did not wait for a sync of the same key on a session left where it began.
         */
        private static String lockDatabase(Connection target) throws SQLException {
            @org.jspecify.annotations.Nullable String database =
                    io.dualwrite.jdbc.schema.OwnTable.urlDatabase(target.getMetaData().getURL());
            if (database == null) {
                database = target.getCatalog();
            }
            return database == null ? "" : database;
        }

        /**
         * MySQL's and MariaDB's drivers send each JDBC transaction method as a statement of its own: a sync took
         * eleven round trips and more besides its reads and writes (isolation read and set, auto-commit off and on,
         * commit, the locks' release). Here the session statement the copier sends anyway begins the transaction
         * ({@link CopierSession#enterMySqlTransaction}), {@code COMMIT} goes as text, and the statement that restores
         * the session also releases the locks: five round trips on the target (the server takes no several
         * statements in one text unless the pool's URL allows it, so {@code COMMIT} cannot ride with the upsert).
         */
        @Override
        boolean textTransaction() {
            return true;
        }

        /** The locks alone: {@link CopierSession#enterMySqlTransaction} began the transaction. */
        @Override
        void beginAndLock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
            lock(target, sortedLockIds, timeoutMillis);
        }

        @Override
        void unlock(Connection target) {
            try (Statement release = target.createStatement()) {
                release.execute("SELECT RELEASE_ALL_LOCKS()");
            } catch (SQLException e) {
                // the locks end with the session at the latest
            }
        }

        /**
         * {@code RELEASE_LOCK} of each of the copier's lock names of {@code sortedLockIds}: {@code RELEASE_ALL_LOCKS()}
         * would also release the named locks ({@code GET_LOCK}) an application holds on its session when that session
         * was lent to the sync. A name not held is released as nothing.
         */
        @Override
        void unlock(Connection target, List<Long> sortedLockIds) {
            try {
                String database = lockDatabase(target);
                for (int start = 0; start < sortedLockIds.size(); start += LOCKS_PER_QUERY) {
                    List<Long> part = sortedLockIds.subList(start, Math.min(sortedLockIds.size(),
                            start + LOCKS_PER_QUERY));
                    String sql = "SELECT " + String.join(", ",
                            java.util.Collections.nCopies(part.size(), "RELEASE_LOCK(?)"));
                    try (PreparedStatement release = target.prepareStatement(sql)) {
                        int index = 1;
                        for (long id : part) {
                            release.setString(index++, "dualwrite:" + Long.toHexString(lockId(database,
                                    Long.toString(id))));
                        }
                        release.execute();
                    }
                }
            } catch (SQLException e) {
                // the locks end with the session at the latest
            }
        }
    };

    /**
     * Named locks a MySQL/MariaDB sync takes in one query: as many as the keys of one sync's chunk, so that a
     * backfill's sync of 500 keys takes them in one round trip (100 a query cost it four more).
     */
    static final int LOCKS_PER_QUERY = 500;
    /** What a MySQL/MariaDB upsert evaluates for a row meeting another row on a secondary unique key: it fails. */
    static final String OTHER_ROW_MET = "(SELECT NULL UNION ALL SELECT NULL)";
    /** MySQL/MariaDB's "Subquery returns more than 1 row" (ER_SUBQUERY_NO_1_ROW). */
    static final int SUBQUERY_ROWS = 1242;

    private static final ReentrantLock[] STRIPES = new ReentrantLock[1024];

    /** The stripes the current thread holds for its sync, released together. */
    private static final ThreadLocal<java.util.List<ReentrantLock>> HELD =
            ThreadLocal.withInitial(java.util.ArrayList::new);

    static {
        for (int i = 0; i < STRIPES.length; i++) {
            STRIPES[i] = new ReentrantLock();
        }
    }

    static CopyDialect of(Dialect dialect) {
        return switch (dialect) {
            case H2 -> H2;
            case POSTGRESQL -> POSTGRESQL;
            case MYSQL -> MYSQL;
        };
    }

    /** An identifier quoted for this database (embedded quote characters doubled). */
    abstract String quote(String identifier);

    /** The most keys one {@code IN (…)} read binds, at most {@code chunk}. */
    int readChunk(int chunk) {
        return chunk;
    }

    /** How this database stores an unquoted identifier. */
    abstract String fold(String identifier);

    /**
     * Whether the key column stores values its equality calls one key in several forms: the upsert then writes
     * the key too ({@link #upsert}'s {@code updated}), so that the target's row holds the source's form.
     */
    boolean keyFormsDiffer(TableColumns.Column column) {
        return false;
    }

    /**
     * The upsert of {@code rows} rows in one statement (their parameters one row after another); {@code updated}
     * are the columns a row met by its key gets: the non-key columns, and the key columns whose forms differ
     * ({@link #keyFormsDiffer}; all lists already quoted). The rows must not share a key: PostgreSQL refuses to
     * update one row twice in one statement. With {@code overriding}, the insert takes the given values for
     * identity columns {@code GENERATED ALWAYS} ({@code OVERRIDING SYSTEM VALUE}; PostgreSQL and H2 report such
     * columns, see {@link TableColumns#identityAlways}).
     */
    abstract String upsert(String table, List<String> columns, List<String> keyColumns, List<String> updated, int rows,
                           boolean overriding);

    /**
     * The failure of an upsert statement as the copier reports it: the database's own, or one that says what a
     * refusal the upsert provokes on purpose means (MySQL/MariaDB, {@link #upsert}).
     */
    SQLException upsertFailure(String table, SQLException failure) {
        return failure;
    }

    /** Takes the per-key locks, in the given (ascending) order, on the target connection's open transaction. */
    abstract void lock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException;

    /** Releases what {@link #lock} took and a commit or rollback does not release. Never throws. */
    abstract void unlock(Connection target);

    /**
     * {@link #unlock(Connection)} of the locks of {@code sortedLockIds} alone, on a session that may hold locks of
     * its own besides the copier's (the application's session lent to a sync, {@link LentSession}). Never throws.
     */
    void unlock(Connection target, List<Long> sortedLockIds) {
        unlock(target);
    }

    /**
     * Whether a sync on this database runs its transaction on a connection in auto-commit mode, begun by text
     * sent together with the locks ({@link #beginAndLock}) or, on MySQL/MariaDB, with the copier's session
     * statement, and with {@code COMMIT} sent as text together with its last upsert ({@link #committing}, where
     * {@link #commitsWithStatement()}) or alone, instead of the JDBC transaction methods: fewer writes to the
     * socket and fewer round trips. A failed sync then ends with {@code ROLLBACK} sent as text.
     */
    boolean textTransaction() {
        return false;
    }

    /**
     * Begins a transaction and takes the locks of {@link #lock} in one round trip, on a connection in auto-commit
     * mode (on MySQL/MariaDB, where the session statement has begun it, takes the locks); only where {@link
     * #textTransaction()}.
     *
     * @throws UnsupportedOperationException on a database without {@link #textTransaction()}
     */
    void beginAndLock(Connection target, List<Long> sortedLockIds, long timeoutMillis) throws SQLException {
        throw new UnsupportedOperationException(this + " does not send transaction control as text");
    }

    /**
     * {@code statement} followed by the {@code COMMIT} of the transaction {@link #beginAndLock} began, to be sent
     * as one statement; only where {@link #textTransaction()}.
     *
     * @throws UnsupportedOperationException on a database without {@link #textTransaction()}
     */
    String committing(String statement) {
        throw new UnsupportedOperationException(this + " does not send COMMIT with another statement");
    }

    /** Whether {@link #committing} can send {@code COMMIT} in one text with the last upsert (only PostgreSQL). */
    boolean commitsWithStatement() {
        return false;
    }

    /**
     * The lock id of one key of one table: a 64-bit digest, stable across JVMs. Keys that a database may
     * consider equal ({@link #looseKey}: case, accents, trailing spaces) get one lock, so that syncs of
     * {@code 'ABC'}, {@code 'abc'} and {@code 'Àbc'} never overlap; two distinct keys sharing a lock only wait.
     */
    static long lockId(String table, String key) {
        byte[] bytes = (table.toLowerCase(Locale.ROOT) + '\u0000' + looseKey(key)).getBytes(StandardCharsets.UTF_8);
        // The most significant bits of UUID.nameUUIDFromBytes(bytes) (an MD5 with the version nibble set), as
        // every earlier version computed them: processes of two versions running side by side must agree.
        // The digest is kept per thread, since looking one up costs more than the hash.
        byte[] md5 = MD5.get().digest(bytes);
        md5[6] &= 0x0f;
        md5[6] |= 0x30;
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (md5[i] & 0xff);
        }
        return id;
    }

    private static final ThreadLocal<java.security.MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support MD5", e);
        }
    });

    /** A key text folded as any supported collation might compare it ({@link KeyFold#loose}). */
    static String looseKey(String key) {
        return KeyFold.loose(key);
    }

    private static int[] stripes(List<Long> sortedLockIds) {
        return sortedLockIds.stream().mapToInt(id -> Math.floorMod(Long.hashCode(id), STRIPES.length)).sorted().toArray();
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** {@code rows} tuples of {@code columns} parameter marks: {@code (?, ?), (?, ?)}. */
    private static String tuples(int columns, int rows) {
        return String.join(", ", java.util.Collections.nCopies(rows, "(" + marks(columns) + ")"));
    }
}
