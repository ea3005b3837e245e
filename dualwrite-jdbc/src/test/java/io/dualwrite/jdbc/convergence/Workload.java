package io.dualwrite.jdbc.convergence;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import javax.sql.DataSource;

/**
 * Plain JDBC application code writing table {@code orders (id, qty, note, amount, touched_at)} of the OLD store's
 * dialect: a seeded random sequence of transactions over a small set of overlapping keys (half of the rows
 * written are among a few hot ones). Each transaction is
 * one statement in auto-commit, or several in an explicit transaction that commits or (sometimes) rolls back;
 * statements are inserts (one or two rows), relative updates ({@code qty = qty + 1}), absolute updates (with the
 * database's own clock), deletes and upserts in the dialect's syntax. An insert inside a transaction runs under a
 * savepoint, so a duplicate key rolls back to it and the transaction goes on; any other error (a deadlock) rolls
 * the transaction back, as an application would. The statements of one thread depend only on the seed; their
 * interleaving with other threads does not.
 */
final class Workload {

    /** The old store's SQL dialect, for upserts and the database clock. */
    enum Dialect {
        POSTGRES("INSERT INTO orders (id, qty, note, amount, touched_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET qty = orders.qty + EXCLUDED.qty, note = EXCLUDED.note", "LOCALTIMESTAMP"),
        MARIADB("INSERT INTO orders (id, qty, note, amount, touched_at) VALUES (?, ?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE qty = qty + VALUES(qty), note = VALUES(note)", "NOW(6)");

        final String upsert;
        final String now;

        Dialect(String upsert, String now) {
            this.upsert = upsert;
            this.now = now;
        }
    }

    enum Kind { INSERT, INSERT_TWO, INCREMENT, INCREMENT_LITERAL, SET_NOTE, DELETE, UPSERT }

    /** What the workload did, for the report and the assertions. */
    static final class Stats {
        final AtomicInteger committed = new AtomicInteger();
        final AtomicInteger rolledBack = new AtomicInteger();
        final AtomicInteger aborted = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger statements = new AtomicInteger();
        /** Commits that threw: the authoritative store has no reason to, so it would be the mirror reaching the caller. */
        final Queue<Throwable> commitFailures = new ConcurrentLinkedQueue<>();
        /** Anything but an SQLException from the old store's driver. */
        final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

        @Override
        public String toString() {
            return "transactions committed=" + committed + " rolledBack=" + rolledBack + " aborted(deadlock etc.)="
                    + aborted + ", statements=" + statements + ", duplicate inserts=" + duplicates;
        }
    }

    private record Op(Kind kind, long key, long otherKey, int qty, String note, BigDecimal amount) {
    }

    private final Dialect dialect;
    private final int keys;
    private final int hotKeys;
    private final Stats stats;
    private final IntConsumer afterTransaction;
    private final AtomicInteger transactions = new AtomicInteger();

    /**
     * @param keys             the keys written are 1 to {@code keys}
     * @param hotKeys          half of them are 1 to {@code hotKeys}
     * @param afterTransaction told the running count of transactions ended (any outcome), e.g. to open and
     *                         close a window in which the new store is down
     */
    Workload(Dialect dialect, int keys, int hotKeys, Stats stats, IntConsumer afterTransaction) {
        this.dialect = dialect;
        this.keys = keys;
        this.hotKeys = hotKeys;
        this.stats = stats;
        this.afterTransaction = afterTransaction;
    }

    /** One thread's sequence of transactions, from its seed; {@link #run} continues where the last call ended. */
    final class Sequence {
        private final long seed;
        private final Random random;
        private int next;

        Sequence(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** Runs the next {@code count} transactions of the sequence on {@code dataSource}, on the calling thread. */
        void run(DataSource dataSource, int count) {
            for (int end = next + count; next < end; next++) {
                transaction(dataSource, random, seed, next);
            }
        }
    }

    Sequence sequence(long seed) {
        return new Sequence(seed);
    }

    private void transaction(DataSource dataSource, Random random, long seed, int t) {
        boolean single = random.nextInt(100) < 35;
        int size = single ? 1 : 2 + random.nextInt(3);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ops.add(op(random, "s" + seed + "-" + t + "-" + i));
        }
        ops.sort(Comparator.comparingLong(Op::key)); // one lock order across threads: fewer deadlocks
        boolean rollback = !single && random.nextInt(100) < 20;
        try (Connection connection = dataSource.getConnection()) {
            if (single) {
                runSingle(connection, ops.get(0));
            } else {
                runTransaction(connection, ops, rollback);
            }
        } catch (SQLException e) {
            stats.aborted.incrementAndGet(); // e.g. the old store's pool timed out
        } catch (RuntimeException | Error e) {
            stats.unexpected.add(e);
        }
        afterTransaction.accept(transactions.incrementAndGet());
    }

    private Op op(Random random, String note) {
        int roll = random.nextInt(100);
        Kind kind = roll < 14 ? Kind.INSERT : roll < 19 ? Kind.INSERT_TWO : roll < 36 ? Kind.INCREMENT
                : roll < 48 ? Kind.INCREMENT_LITERAL : roll < 62 ? Kind.SET_NOTE : roll < 75 ? Kind.DELETE : Kind.UPSERT;
        long key = key(random);
        long other = key(random);
        if (other == key) {
            other = key % keys + 1;
        }
        return new Op(kind, key, other, 1 + random.nextInt(9), note,
                BigDecimal.valueOf(random.nextInt(100_000), 2));
    }

    /** Half the time one of the first few keys (hot rows, where syncs of one key overlap), else any key. */
    private long key(Random random) {
        return 1 + random.nextInt(random.nextBoolean() ? hotKeys : keys);
    }

    private void runSingle(Connection connection, Op op) throws SQLException {
        try {
            execute(connection, op);
            stats.committed.incrementAndGet();
        } catch (SQLException e) {
            if (isDuplicate(e)) {
                stats.duplicates.incrementAndGet();
            }
            stats.aborted.incrementAndGet();
        }
    }

    private void runTransaction(Connection connection, List<Op> ops, boolean rollback) throws SQLException {
        connection.setAutoCommit(false);
        try {
            for (Op op : ops) {
                if (op.kind == Kind.INSERT || op.kind == Kind.INSERT_TWO) {
                    Savepoint savepoint = connection.setSavepoint();
                    try {
                        execute(connection, op);
                        connection.releaseSavepoint(savepoint);
                    } catch (SQLException e) {
                        if (!isDuplicate(e)) {
                            throw e;
                        }
                        stats.duplicates.incrementAndGet();
                        connection.rollback(savepoint);
                    }
                } else {
                    execute(connection, op);
                }
            }
        } catch (SQLException e) {
            connection.rollback(); // a deadlock or lock timeout: the application gives up this transaction
            stats.aborted.incrementAndGet();
            return;
        }
        if (rollback) {
            connection.rollback();
            stats.rolledBack.incrementAndGet();
            return;
        }
        try {
            connection.commit();
            stats.committed.incrementAndGet();
        } catch (SQLException e) {
            stats.commitFailures.add(e);
        }
    }

    private void execute(Connection connection, Op op) throws SQLException {
        switch (op.kind) {
            case INSERT -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, qty, note, amount, touched_at) VALUES (?, ?, ?, ?, ?)")) {
                    bindRow(insert, 0, op.key, op);
                    insert.executeUpdate();
                }
            }
            case INSERT_TWO -> {
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO orders (id, qty, note, amount, touched_at) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)")) {
                    bindRow(insert, 0, op.key, op);
                    bindRow(insert, 5, op.otherKey, op);
                    insert.executeUpdate();
                }
            }
            case INCREMENT -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET qty = qty + 1, amount = amount + ? WHERE id = ?")) {
                    update.setBigDecimal(1, new BigDecimal("0.25"));
                    update.setLong(2, op.key);
                    update.executeUpdate();
                }
            }
            case INCREMENT_LITERAL -> {
                try (Statement update = connection.createStatement()) {
                    update.executeUpdate("UPDATE orders SET qty = qty + " + op.qty + " WHERE id = " + op.key);
                }
            }
            case SET_NOTE -> {
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET note = ?, touched_at = " + dialect.now + " WHERE id = ?")) {
                    update.setString(1, op.note);
                    update.setLong(2, op.key);
                    update.executeUpdate();
                }
            }
            case DELETE -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                    delete.setLong(1, op.key);
                    delete.executeUpdate();
                }
            }
            case UPSERT -> {
                try (PreparedStatement upsert = connection.prepareStatement(dialect.upsert)) {
                    bindRow(upsert, 0, op.key, op);
                    upsert.executeUpdate();
                }
            }
        }
        stats.statements.incrementAndGet();
    }

    private static void bindRow(PreparedStatement statement, int offset, long key, Op op) throws SQLException {
        statement.setLong(offset + 1, key);
        statement.setInt(offset + 2, op.qty);
        statement.setString(offset + 3, op.note);
        statement.setBigDecimal(offset + 4, op.amount);
        statement.setTimestamp(offset + 5, Timestamp.valueOf(LocalDateTime.of(2026, 1, 1 + (int) (key % 28), 12, 0, 0,
                (int) (key * 1_001_000))));
    }

    private static boolean isDuplicate(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("23");
    }
}
