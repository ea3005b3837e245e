package io.dualwrite.jdbc.copy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.internal.Credentials;
import io.dualwrite.internal.IdText;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** The {@link RowCopier} over JDBC: lock keys on the target, read the source by key, upsert or delete. */
final class JdbcRowCopier implements RowCopier {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JdbcRowCopier.class);


    /** Keys bound in one {@code IN (…)} read or one batch. */
    private static final int CHUNK = 500;
    /**
     * The sizes an {@code IN (…)} read is padded to (with its last key repeated): a handful of SQL texts per
     * table instead of one per key count, so that the drivers' statement caches (PostgreSQL's server-side
     * prepared statements, H2's per-session command cache) are reused.
     */
    private static final int[] READ_SIZES = {1, 4, 16, 64, 256, CHUNK};

    /**
     * The most parameters one multi-row upsert binds: well below the drivers' limits (PostgreSQL and MariaDB's
     * 65,535), so that a statement stays cheap to parse.
     */
    private static final int UPSERT_PARAMETERS = 8_000;
    /**
     * About the most bytes of values one multi-row upsert carries (estimated from the values), far below MySQL's
     * and MariaDB's default {@code max_allowed_packet} (16 MiB and more); a larger row goes alone, as before.
     */
    private static final long UPSERT_BYTES = 1L << 20;

    /** Runs of one sync when the database picks it as a deadlock victim. */
    static final int DEADLOCK_ATTEMPTS = 3;

    private final DataSource oldDataSource;
    private final DataSource newDataSource;
    private final @Nullable String migration;
    private final @Nullable PhaseResolver resolver;
    private final long lockTimeoutMillis;
    private final Map<Store, CopyDialect> dialects;
    /** Each table's columns as read, with when ({@link System#nanoTime()}): re-read after {@link #refreshNanos}. */
    private final Map<String, ReadColumns> tables;
    /** How long a read of a table's columns is trusted ({@link RowCopier.Builder#catalogRefresh}). */
    private final long refreshNanos;
    /** MySQL/MariaDB stores' {@code max_allowed_packet}, in bytes, read once. */
    private final Map<Store, Long> packets;
    /** The zone each store's pool starts its sessions in ({@link StartZone}), learnt once. */
    private final Map<Store, StartZone.Zone> startZones;

    JdbcRowCopier(DataSource oldDataSource, DataSource newDataSource, @Nullable String migration,
                  @Nullable PhaseResolver resolver, Duration lockTimeout, Duration catalogRefresh) {
        this.oldDataSource = oldDataSource;
        this.dialects = new ConcurrentHashMap<>();
        this.tables = new ConcurrentHashMap<>();
        this.packets = new ConcurrentHashMap<>();
        this.startZones = new ConcurrentHashMap<>();
        long refresh;
        try {
            refresh = catalogRefresh.toNanos();
        } catch (ArithmeticException overCenturies) {
            refresh = Long.MAX_VALUE;
        }
        this.refreshNanos = refresh;
        this.newDataSource = newDataSource;
        this.migration = migration;
        this.resolver = resolver;
        this.lockTimeoutMillis = lockTimeout.toMillis();
    }

    /**
     * A view of {@code shared} that resolves rows through {@code resolver} (one attempt's {@link Recording}); it
     * shares the caches of dialects, columns and packet sizes.
     */
    private JdbcRowCopier(JdbcRowCopier shared, PhaseResolver resolver) {
        this.oldDataSource = shared.oldDataSource;
        this.newDataSource = shared.newDataSource;
        this.migration = shared.migration;
        this.resolver = resolver;
        this.lockTimeoutMillis = shared.lockTimeoutMillis;
        this.refreshNanos = shared.refreshNanos;
        this.dialects = shared.dialects;
        this.tables = shared.tables;
        this.packets = shared.packets;
        this.startZones = shared.startZones;
    }

    @Override
    public Optional<String> migration() {
        return Optional.ofNullable(migration);
    }

    @Override
    public Optional<PhaseResolver> phaseResolver() {
        return Optional.ofNullable(resolver);
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> batches) throws SQLException {
        return sync(from, batches, null);
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> batches, @Nullable LentSession lent) throws SQLException {
        return sync(from, batches, lent, null);
    }

    @Override
    public SyncResult sync(Store from, List<TableKeys> batches, @Nullable LentSession lent,
                           @Nullable ToLongFunction<MigrationContext> countedAtWrite) throws SQLException {
        Store to = from.other();
        // one read and one write per table, however many transactions' keys were merged into this sync
        Map<TableMapping, List<TableKeys>> byTable = new LinkedHashMap<>();
        for (TableKeys batch : batches) {
            if (!batch.keys().isEmpty()) {
                byTable.computeIfAbsent(batch.mapping(), mapping -> new ArrayList<>()).add(batch);
            }
        }
        if (byTable.isEmpty()) {
            return new SyncResult(0, 0, 0);
        }
        boolean singleRows = false;
        // the switches as stored now, once a check found that a scope's authority moved under an attempt: the next
        // attempt resolves every row from them
        PhaseResolver current = null;
        Set<MigrationContext> moved = Set.of();
        Set<MigrationContext> returned = Set.of();
        int moves = 0;
        for (int attempt = 1; ; attempt++) {
            JdbcRowCopier resolving = resolver == null || migration == null ? this
                    : new JdbcRowCopier(this, new Recording(resolver, current != null ? current : resolver, migration,
                    moved, returned, countedAtWrite));
            try (DirectionGuard guard = DirectionGuard.take(this, from, byTable, lent)) {
                return resolving.syncOnce(from, to, byTable, singleRows, guard.connection, lent);
            } catch (AuthorityMoved authorityMoved) {
                // rolled back before its commit: nothing of the attempt stays; it runs again under the switches read
                if (++moves > AUTHORITY_MOVES) {
                    throw new SQLException("authority-moved: the switches of migration '" + migration + "' moved the"
                            + " authority of rows of this sync " + moves + " times while it ran; nothing of it was"
                            + " written, and its keys are recorded for the reconciler", authorityMoved);
                }
                log.debug("a switch of migration {} moved the authority of rows of a sync into the {} store while it"
                        + " ran; running it again under the switches as stored now", migration, to);
                current = authorityMoved.current;
                moved = authorityMoved.moved;
                returned = authorityMoved.returned;
                attempt--;
            } catch (RefusedWrite refused) {
                // the transaction is rolled back and its locks released: the refused row may be looked at now
                throw refused.named(dataSource(to));
            } catch (SQLException e) {
                if (!singleRows && isCardinalityViolation(e)) {
                    // two rows of one sync are one row to the target's key collation (a non-deterministic
                    // PostgreSQL collation folds what the grouping cannot know): write them one statement each,
                    // as the later of them lands last
                    log.debug("a multi-row upsert touched one target row twice, running the sync row by row: {}",
                            Credentials.mask(e.getMessage()));
                    singleRows = true;
                    attempt--;
                    continue;
                }
                if (attempt >= DEADLOCK_ATTEMPTS || !isDeadlock(e)) {
                    throw e;
                }
                // the database rolled the whole transaction back; nothing of it stays, so it is run again
                log.debug("sync of {} keys chosen as a deadlock victim (attempt {}), running it again: {}",
                        byTable.size(), attempt, Credentials.mask(e.getMessage()));
                pauseAfterDeadlock(attempt, e);
            }
        }
    }

    /**
     * The per-key locks of a sync into the old store taken in the new store too, for as long as the sync runs:
     * syncs of one key lock it in their target store, so a sync into the new store (an instance in a phase where the
     * old store is authoritative) and one into the old store (another instance, or this one's reconciler, already
     * under {@code NEW_PRIMARY}) did not exclude each other: each read its source before the other wrote it, and
     * the stores ended holding each other's value with nothing recorded. Both directions now hold the key's lock
     * in the new store (the sync into the old one first, then its own target's lock: one order, no deadlock
     * between them), so one waits for the other and reads what it wrote. The sync reads its source, the new store,
     * on this guard's session, inside the transaction that holds the locks: with a session of its own it held one
     * of the new store's pool while waiting for a second, and a pool of one session stalled every such sync for
     * its connection timeout ({@code TextTransactionBreakTest}). Taken on H2 too: its locks are this JVM's and
     * reentrant (when both stores are H2 the target's lock is the guard's again), but a new store on H2 beside an
     * old one on another database was left unguarded, and the two directions locked different stores.
     */
    private static final class DirectionGuard implements AutoCloseable {
        private final @Nullable Connection connection;
        private final @Nullable CopyDialect dialect;
        private final int isolation;
        private final boolean autoCommit;

        /** The loan {@link #connection} was borrowed from (given back, not closed), or null: a session of the pool. */
        private final @Nullable LentSession lent;
        /** The lock ids taken, released one by one on a lent session (which may hold locks of the application's). */
        private List<Long> lockIds = List.of();

        private DirectionGuard(@Nullable Connection connection, @Nullable CopyDialect dialect, int isolation,
                               boolean autoCommit, @Nullable LentSession lent) {
            this.connection = connection;
            this.dialect = dialect;
            this.isolation = isolation;
            this.autoCommit = autoCommit;
            this.lent = lent;
        }

        /**
         * {@code lent}: the application's idle session of the new store, lent while it waits for this sync; taken for
         * the guard when it can be borrowed, so that the sync needs no session of the new store's pool at all.
         */
        static DirectionGuard take(JdbcRowCopier copier, Store from, Map<TableMapping, List<TableKeys>> byTable,
                                   @Nullable LentSession lent) throws SQLException {
            if (from != Store.NEW) {
                return new DirectionGuard(null, null, Connection.TRANSACTION_NONE, true, null);
            }
            Connection borrowed = lent == null ? null : lent.borrow();
            if (borrowed != null && !namesAsAtStart(borrowed, copier.dialect(Store.NEW, borrowed), byTable.keySet()
                    .stream().map(mapping -> mapping.table(Store.NEW)).toList())) {
                lent.giveBack();
                borrowed = null;
            }
            Connection connection = borrowed != null ? borrowed : RowSecurity.asLoggedIn(copier.dataSource(Store.NEW));
            LentSession loan = borrowed != null ? lent : null;
            CopyDialect dialect = null;
            int isolation = Connection.TRANSACTION_NONE;
            boolean autoCommit = true;
            List<Long> lockIds = List.of();
            try {
                dialect = copier.dialect(Store.NEW, connection);
                // the source's columns before the locks: read later, inside the transaction that holds them, a failed
                // attempt at one spelling of the name would abort it on PostgreSQL (TableColumns#read)
                for (TableMapping mapping : byTable.keySet()) {
                    copier.table(Store.NEW, connection, dialect, mapping.table(Store.NEW), false);
                }
                autoCommit = connection.getAutoCommit();
                // read committed, so that the source read after the locks sees what their holders committed: MySQL's
                // default is repeatable read; a lent session may be at any level its application set, and a pooled
                // one at the level of its pool or its database's default_transaction_isolation (a PostgreSQL
                // repeatable read snapshot is taken by the statement that waits for the locks, before they are granted)
                isolation = KeyLocks.beginToRead(connection);
                TreeSet<Long> ids = new TreeSet<>();
                byTable.forEach((mapping, batches) -> batches.forEach(batch -> addLockIds(mapping, batch.keys(), ids)));
                lockIds = List.copyOf(ids);
                dialect.lock(connection, lockIds, copier.lockTimeoutMillis);
                DirectionGuard guard = new DirectionGuard(connection, dialect, isolation, autoCommit, loan);
                guard.lockIds = lockIds;
                return guard;
            } catch (SQLException | RuntimeException failed) {
                DirectionGuard guard = new DirectionGuard(connection, dialect, isolation, autoCommit, loan);
                guard.lockIds = lockIds;
                guard.release(failed);
                throw failed;
            }
        }

        private void giveBackOrClose() throws SQLException {
            if (lent != null) {
                lent.giveBack();
            } else if (connection != null) {
                connection.close();
            }
        }

        private void release(@Nullable Exception failure) {
            if (connection == null) {
                return;
            }
            KeyLocks.endRead(connection, dialect, lent != null ? lockIds : null, isolation, autoCommit, failure);
            try {
                giveBackOrClose();
            } catch (SQLException | RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }

        /**
         * Ends the guard after a sync that did not fail; a guard's session that cannot be ended cleanly fails the sync
         * ({@link KeyLocks#endReadAfterSync}): its locks may have gone with it before the sync wrote its target.
         */
        @Override
        public void close() throws SQLException {
            if (connection == null) {
                return;
            }
            SQLException lost = KeyLocks.lostSession();
            release(lost);
            KeyLocks.throwIfLost(lost);
        }
    }

    /** A short random pause, growing with each attempt, so that the two sides of a deadlock do not meet again at once. */
    static void pauseAfterDeadlock(int attempt, SQLException failure) throws SQLException {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 25) * attempt);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /**
     * Whether a failure is a deadlock or serialization failure, after which the database has rolled back the
     * whole transaction: SQLState {@code 40001} (MySQL/MariaDB error 1213, H2, PostgreSQL serialization) or
     * {@code 40P01} (PostgreSQL deadlock). A lock wait that timed out is not one: running it again would only
     * wait again; MySQL Connector/J reports InnoDB's lock wait timeout (error {@value #LOCK_WAIT_TIMEOUT}) under
     * {@code 40001} too, so that error code is told apart.
     */
    static boolean isDeadlock(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() != LOCK_WAIT_TIMEOUT
                    && ("40001".equals(sql.getSQLState()) || "40P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a failure is PostgreSQL's refusal of a statement that would change one row twice ({@code ON CONFLICT DO
     * UPDATE command cannot affect row a second time}, SQLState {@code 21000}); the transaction was rolled back.
     */
    static boolean isCardinalityViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "21000".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** MySQL's and MariaDB's error code of a lock wait that timed out ({@code ER_LOCK_WAIT_TIMEOUT}). */
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    /**
     * One attempt of a sync. {@code sourceSession}: the session of the source that already holds the keys' locks in
     * a transaction ({@link DirectionGuard}'s, when the source is the new store), on which the source is read, so that
     * a sync takes one session of each store's pool and never waits for a second one of a pool while holding its first
     * (a pool of one session, or one exhausted by such syncs, would stall them all until its connection timeout);
     * null to read on a session of the source's pool of its own.
     */
    private SyncResult syncOnce(Store from, Store to, Map<TableMapping, List<TableKeys>> byTable, boolean singleRows,
                                @Nullable Connection sourceSession, @Nullable LentSession lent) throws SQLException {
        try (Connection target = RowSecurity.asLoggedIn(dataSource(to))) {
            CopyDialect targetDialect = dialect(to, target);
            List<Side> sides = new ArrayList<>();
            for (Map.Entry<TableMapping, List<TableKeys>> table : byTable.entrySet()) {
                sides.add(new Side(table.getKey(), table.getValue(),
                        table(to, target, targetDialect, table.getKey().table(to), false)));
            }
            boolean mysql = targetDialect == CopyDialect.MYSQL;
            Limits limits = singleRows ? Limits.SINGLE_ROWS : limits(to, target, mysql);
            Throwable failure = null;
            boolean autoCommit = target.getAutoCommit();
            // BEGIN and COMMIT as text where that saves writes to the socket (CopyDialect#textTransaction); only on a
            // connection handed out in auto-commit mode, whose JDBC transaction state it leaves as it was, and not
            // read-only: the driver begins a JDBC transaction of such a connection read-only, which refuses the
            // sync's writes, and a BEGIN sent as text would not
            boolean textTransaction = targetDialect.textTransaction() && autoCommit && !target.isReadOnly();
            boolean utc = mysql && zoned(sides.stream().map(side -> side.target).toList());
            // the zone the application's own writes through this pool take a value without zone in, for a column of
            // instants (StartZone, round 28); learnt once per pool, on MariaDB before the copier's own settings
            StartZone.@Nullable Zone startZone = StartZone.anyInstants(sides.stream().map(side -> side.target).toList(),
                    targetDialect) ? startZone(to, target, targetDialect) : null;
            CopierSession session = !mysql ? null : textTransaction ? CopierSession.enterMySqlTransaction(target, utc)
                    : CopierSession.enterMySql(target, utc);
            int isolation = textTransaction ? Connection.TRANSACTION_NONE : KeyLocks.begin(target, mysql);
            // every read of the switches or order pins this attempt makes while it holds the target session (the
            // resolution of its rows, a refresh of the switch cache, the check of the authority before its commit)
            // runs on that session when the stores live in the target's pool and the session reads the latest
            // committed rows (read committed: set by this sync on MySQL/MariaDB; asked once per attempt elsewhere,
            // and only when such a read comes), never on a second session of the pool this sync holds one of: a
            // pool of one, or one whose sessions all hold such syncs, starved them all (rounds 25c and 26)
            // the same for the source's session when this sync holds one in a transaction (the direction guard's,
            // from the new store: read committed, set by the guard)
            JdbcSwitchStore.Offer sourceOffer = resolver == null || sourceSession == null
                    ? null : JdbcSwitchStore.offer(dataSource(from), sourceSession, () -> true);
            JdbcSwitchStore.Offer offer = resolver == null ? null
                    : JdbcSwitchStore.offer(dataSource(to), target,
                    () -> mysql || target.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED);
            try {
                List<Long> locked = lockIds(sides);
                if (textTransaction) {
                    targetDialect.beginAndLock(target, locked, lockTimeoutMillis);
                } else {
                    targetDialect.lock(target, locked, lockTimeoutMillis);
                }
                Map<TableMapping, TableColumns> sourceColumns = new HashMap<>();
                Map<TableMapping, Map<String, Map<String, @Nullable Object>>> sourceRows = readSource(from, sides,
                        sourceColumns, sourceSession, lent);
                Set<Long> held = new HashSet<>(locked);
                for (int round = 1; ; round++) {
                    // a row the source matched to a key spelt otherwise ('é' for row 'e', 'Mädchen' for
                    // 'maedchen' under a German collation) is written under its own key: its lock is taken too,
                    // and the source read again under it, so that every sync writing that row excludes the others
                    // whatever the lock ids' fold knows of the collation
                    List<Long> unheld = unheldLocks(from, sides, sourceRows, sourceColumns, held);
                    if (unheld.isEmpty()) {
                        break;
                    }
                    if (round == 3) {
                        throw new SQLException("rows matched to keys spelt otherwise kept changing while the sync"
                                + " read them; it runs again later");
                    }
                    targetDialect.lock(target, unheld, lockTimeoutMillis);
                    held.addAll(unheld);
                    sourceRows = readSource(from, sides, sourceColumns, sourceSession, lent);
                }
                SyncResult result = new SyncResult(0, 0, 0);
                boolean committed = false;
                // with switches, the commit waits for the check of the authority below (it must run after every
                // row is held, before the commit), so it never rides on the last upsert
                Recording recording = resolver instanceof Recording r ? r : null;
                boolean commitWithUpsert = textTransaction && targetDialect.commitsWithStatement() && recording == null;
                for (int i = 0; i < sides.size(); i++) {
                    Side side = sides.get(i);
                    boolean last = i == sides.size() - 1;
                    // not with a text key: the upsert is followed by the check of its spellings (respell), which
                    // may fail the sync or rewrite rows, inside the transaction
                    boolean rides = commitWithUpsert && last && keyColumns(side.target, side.mapping, to).stream()
                            .noneMatch(JdbcRowCopier::looseText)
                            && keysReadByTheTarget(side.mapping, keyColumns(sourceColumns.get(side.mapping),
                                    side.mapping, from), keyColumns(side.target, side.mapping, to)).isEmpty();
                    SyncResult applied = apply(from, to, target, targetDialect, limits, side,
                            sourceRows.get(side.mapping), sourceColumns, rides, startZone);
                    // the last side's upsert, when it wrote rows, carried the COMMIT (apply's commitWithUpsert)
                    committed = rides && applied.copied() > 0;
                    result = result.plus(applied);
                }
                if (recording != null && result.copied() + result.deleted() > 0) {
                    // on the target's own session when the switch and pin tables live in its pool (the offer above)
                    recording.requireAuthorityUnmoved();
                }
                if (!textTransaction) {
                    target.commit();
                } else if (!committed) {
                    execute(target, "COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                failure = e;
                if (textTransaction) {
                    rollbackTextQuietly(target, e);
                } else {
                    rollbackQuietly(target, e);
                }
                if (!(e instanceof AuthorityMoved)) {
                    forgetTables();
                }
                throw e;
            } catch (Throwable e) {
                // an Error, or a checked exception thrown where none is declared (a transformer written in another
                // JVM language): a JDBC transaction is rolled back by the pool that gets the connection back; one
                // begun as text is not, and on MySQL/MariaDB the session's restore (autocommit = 1) would commit it
                failure = e;
                if (textTransaction) {
                    rollbackTextQuietly(target, e);
                }
                throw e;
            } finally {
                if (offer != null) {
                    offer.close();
                }
                if (sourceOffer != null) {
                    sourceOffer.close();
                }
                try {
                    if (textTransaction && session != null) {
                        restoreAfterTransaction(target, targetDialect, session);
                    } else {
                        targetDialect.unlock(target);
                        KeyLocks.restore(target, isolation, autoCommit);
                        if (session != null) {
                            session.restore();
                        }
                    }
                } catch (SQLException | RuntimeException restoring) {
                    // a connection the failure broke cannot be restored: the failure is what the caller must see
                    if (failure == null) {
                        throw restoring;
                    }
                    failure.addSuppressed(restoring);
                }
            }
        }
    }

    /**
     * Ends a MySQL/MariaDB text transaction's session ({@link CopierSession#restoreAfterTransaction}); when that
     * fails, still releases the locks and puts auto-commit back where the connection lets it, before the failure
     * is thrown.
     */
    private static void restoreAfterTransaction(Connection target, CopyDialect dialect, CopierSession session)
            throws SQLException {
        try {
            session.restoreAfterTransaction();
        } catch (SQLException | RuntimeException e) {
            dialect.unlock(target);
            try {
                target.setAutoCommit(true);
            } catch (SQLException broken) {
                e.addSuppressed(broken);
            }
            throw e;
        }
    }

    /** The most times one sync runs again because a scope's authority moved under it ({@link AuthorityMoved}). */
    static final int AUTHORITY_MOVES = 3;

    /**
     * The resolver of one attempt of a sync: answers from {@code resolving} (the switchboard's cache, or the switches
     * read when an earlier attempt found a move) and keeps every answer, so that, with every row of the sync held in
     * its target transaction, {@link #requireAuthorityUnmoved} can ask the switches as stored now whether any of
     * them names another authoritative store. Two instances: B, its cache still before a move across the authority,
     * syncs a key it wrote in the old store into the new one; A, past the move, writes the key in the new store. When
     * A's write lands before B's upsert, B's copy would replace it with the older value, and A's sync would then copy
     * that back: A's write lost in both stores. The check runs after B's upsert (or delete) holds the target row:
     * either it sees the move (which committed before A read its switches, so before A's write), and the sync rolls
     * back and runs again under the switches as stored, recording the key as {@code authority-moved}; or the move
     * commits after the check, and A's write of the row, made after A read the move, waits for B's row lock and
     * lands after B's commit. One read of the switch store per attempt that wrote rows (with order pinning, one pin
     * read per distinct order as well). A move and its return before the check show the same phase at both ends; each
     * context's count of authority moves ({@link PhaseResolver#authorityMoves}, taken before its first answer) is
     * compared too, and a context whose count moved is run again as moved, its rows neither copied nor deleted but
     * recorded (round 27).
     */
    private static final class Recording implements PhaseResolver {
        private final PhaseResolver base;
        private final PhaseResolver resolving;
        private final String migration;
        private final Map<MigrationContext, MigrationPhase> answered = new HashMap<>();
        /** Each answered context's count of authority moves, taken before its first answer (round 27). */
        private final Map<MigrationContext, Long> counted = new HashMap<>();
        /** The contexts whose authority an earlier attempt of this sync saw move: run again only for a new move. */
        private final Set<MigrationContext> moved;
        /**
         * Of {@link #moved}, those whose authority moved and came back while an earlier attempt ran (the same phase at
         * both ends, another count of moves): answered as the other store's phase, so that their rows are neither
         * copied nor deleted but reported as moved and recorded.
         */
        private final Set<MigrationContext> returned;
        /**
         * The counts as the writing instance's switches answered them when the write committed (round 27b), or null
         * (a sync of a tool, or of a copier called directly): then each context's count is taken from
         * {@code resolving} before its first answer, as round 27 did.
         */
        private final @Nullable ToLongFunction<MigrationContext> countedAtWrite;

        Recording(PhaseResolver base, PhaseResolver resolving, String migration, Set<MigrationContext> moved,
                  Set<MigrationContext> returned, @Nullable ToLongFunction<MigrationContext> countedAtWrite) {
            this.countedAtWrite = countedAtWrite;
            this.base = base;
            this.resolving = resolving;
            this.migration = migration;
            this.moved = moved;
            this.returned = returned;
        }


        @Override
        public io.dualwrite.switches.Resolution resolveWrite(MigrationContext context) {
            return resolveRead(context);
        }

        @Override
        public io.dualwrite.switches.Resolution resolveRead(MigrationContext context) {
            if (!counted.containsKey(context)) {
                // before the answer: a cache that refreshes between the two can only make the count older than the
                // answer, which the check then finds moved (never a move and its return it misses)
                // (round 27b) or, better, as the write's instance counted when the write committed: its cache may have
                // refreshed past a move and its return while this sync waited in its queue
                counted.put(context, countedAtWrite != null ? countedAtWrite.applyAsLong(context)
                        : resolving.authorityMoves(context));
            }
            io.dualwrite.switches.Resolution resolution = resolving.resolveRead(context);
            if (returned.contains(context)) {
                // its authority was the other store for a while during an earlier attempt, and writes there may have
                // been made then: neither store can be said to hold the latest row, so none is copied over the other
                MigrationPhase away = resolution.phase().authoritative() == Store.OLD ? MigrationPhase.NEW_ONLY
                        : MigrationPhase.OLD_ONLY;
                resolution = new io.dualwrite.switches.Resolution(away, resolution.scope());
            }
            answered.putIfAbsent(context, resolution.phase());
            return resolution;
        }

        @Override
        public boolean mayVaryByMerchant(String name) {
            return base.mayVaryByMerchant(name) || resolving != base && resolving.mayVaryByMerchant(name);
        }

        @Override
        public boolean mayVaryByOrder(String name) {
            return base.mayVaryByOrder(name) || resolving != base && resolving.mayVaryByOrder(name);
        }

        /**
         * Reads the switches as stored now and throws {@link AuthorityMoved} when one of this attempt's answers names
         * another authoritative store under them. A switch or pin store over the sync's target pool reads on the
         * sync's target session (the offer {@code syncOnce} makes), not on a second session of that pool.
         *
         * @throws SQLException when the switch store cannot be read: whether the authority moved is not known, so the
         *                      sync fails (rolled back) and its keys are recorded
         */
        void requireAuthorityUnmoved() throws SQLException {
            if (answered.isEmpty()) {
                return;
            }
            PhaseResolver current;
            Set<MigrationContext> movedNow = new HashSet<>(moved);
            Set<MigrationContext> returnedNow = new HashSet<>(returned);
            try {
                Optional<PhaseResolver> read = base.current(migration, answered.keySet());
                if (read.isEmpty()) {
                    return;
                }
                current = read.get();
                // the answers read the order pins as well: a pin that cannot be read fails the check as the switches
                // do (round 25b), never an answer from below the pin, which cannot see the pin's move
                for (Map.Entry<MigrationContext, MigrationPhase> answer : answered.entrySet()) {
                    if (current.resolveRead(answer.getKey()).phase().authoritative()
                            != answer.getValue().authoritative()) {
                        movedNow.add(answer.getKey());
                    } else if (current.authorityMoves(answer.getKey()) != counted.get(answer.getKey())
                            && movedNow.add(answer.getKey())) {
                        // the same authority at both ends, but its switches moved it meanwhile (and back): a write
                        // made in the other store while it was authoritative may be under this sync's rows (round 27)
                        returnedNow.add(answer.getKey());
                    }
                }
            } catch (RuntimeException unread) {
                throw new SQLException("the switches of migration '" + migration + "' could not be read to check that"
                        + " no row's authority moved during this sync (" + Credentials.describe(unread) + "); nothing"
                        + " of it was written, and its keys are recorded for the reconciler", unread);
            }
            if (movedNow.size() > moved.size()) {
                throw new AuthorityMoved(current, movedNow, returnedNow);
            }
        }
    }

    /** Thrown inside an attempt whose rows' authority moved while it ran: rolled back, and run again. */
    private static final class AuthorityMoved extends SQLException {
        private static final long serialVersionUID = 1L;
        final transient PhaseResolver current;
        final transient Set<MigrationContext> moved;
        /** Of {@link #moved}, those whose authority moved and came back (the same at both ends; round 27). */
        final transient Set<MigrationContext> returned;

        AuthorityMoved(PhaseResolver current, Set<MigrationContext> moved, Set<MigrationContext> returned) {
            super("authority-moved");
            this.current = current;
            this.moved = moved;
            this.returned = returned;
        }
    }

    /** The keys of one table, from one or more batches (each with its write context), and the target table. */
    private static final class Side {
        final TableMapping mapping;
        final List<TableKeys> batches;
        final TableColumns target;
        /** The distinct keys of all batches, in their order: asked for by every step of a sync, so gathered once. */
        private final Set<String> keys;
        /** The key columns of the sync's source and target, and the target dialect, set by {@link #keysFrom}. */
        private List<TableColumns.Column> sourceKey = List.of();
        private List<TableColumns.Column> targetKey = List.of();
        private boolean mysql;
        /** Whether a key part's column changes kind from source to target, so that {@link #inTarget} respells. */
        private boolean converted;
        /**
         * Round 28, a sync into a text key from a {@code uuid} key: the target's own spelling of a key's UUID where it
         * is not the printed one ({@code 'ABC…'}, without hyphens, in braces), by the key's text in the printed form
         * ({@link #inTarget} before this); set by {@link JdbcRowCopier#uuidSpellingsInTarget}.
         */
        private Map<String, String> respelt = Map.of();
        /** The same spellings by the key's identity (its UUID parts printed), for the rows to upsert. */
        private Map<List<String>, List<String>> heldSpellings = Map.of();
        /** The key parts that are such UUIDs. */
        private List<Integer> uuidParts = List.of();

        Side(TableMapping mapping, List<TableKeys> batches, TableColumns target) {
            this.mapping = mapping;
            this.batches = batches;
            this.target = target;
            Set<String> distinct = new LinkedHashSet<>();
            batches.forEach(batch -> distinct.addAll(batch.keys()));
            this.keys = Collections.unmodifiableSet(distinct);
        }

        Set<String> keys() {
            return keys;
        }

        /**
         * Takes the sync's key columns, for {@link #inTarget}: the parts whose target column is of another kind (a
         * text for a number or date-time, bytes for a text) and is not transformed are respelt.
         */
        void keysFrom(List<TableColumns.Column> sourceKey, List<TableColumns.Column> targetKey, boolean mysql) {
            this.sourceKey = sourceKey;
            this.targetKey = targetKey;
            this.mysql = mysql;
            this.converted = false;
            for (int p = 0; p < targetKey.size() && p < sourceKey.size(); p++) {
                if (!mapping.transforms(mapping.primaryKey().get(p))
                        && Values.keyOfAnotherKind(sourceKey.get(p), targetKey.get(p))) {
                    converted = true;
                }
            }
        }

        /**
         * {@code key}, a key text naming the source's values, as the text that names in the target the row the copier
         * wrote for it ({@link Values#targetKeyText}); {@code key} itself where no part's column changes kind.
         */
        String inTarget(String key) {
            String printed = printedInTarget(key);
            return respelt.isEmpty() ? printed : respelt.getOrDefault(printed, printed);
        }

        /** {@link #inTarget} without the target's own spellings of UUIDs. */
        String printedInTarget(String key) {
            if (!converted || sourceKey.size() != targetKey.size()) {
                return key;
            }
            List<String> parts;
            try {
                parts = KeyCodec.decode(key, targetKey.size());
            } catch (IllegalArgumentException malformed) {
                return key; // named where it is bound
            }
            List<String> target = new ArrayList<>(parts.size());
            for (int p = 0; p < parts.size(); p++) {
                target.add(mapping.transforms(mapping.primaryKey().get(p)) ? parts.get(p)
                        : Values.targetKeyText(parts.get(p), sourceKey.get(p), targetKey.get(p), mysql));
            }
            return target.equals(parts) ? key : KeyCodec.encode(target);
        }

        /** Each of {@code keys} as {@link #inTarget(String)} spells it, in their order. */
        List<String> inTarget(Collection<String> keys) {
            if (!converted && respelt.isEmpty()) {
                return List.copyOf(keys);
            }
            List<String> target = new ArrayList<>(keys.size());
            keys.forEach(key -> target.add(inTarget(key)));
            return target;
        }

        /** Writes each row to upsert whose UUIDs the target holds spelt otherwise under the target's spelling. */
        void respellUuids(List<Map<String, @Nullable Object>> upserts) {
            for (Map<String, @Nullable Object> row : upserts) {
                List<String> parts = new ArrayList<>(targetKey.size());
                targetKey.forEach(column -> parts.add(Values.keyText(valueOf(row, column.name()))));
                List<String> held = heldSpellings.get(uuidIdentity(parts, uuidParts));
                if (held == null) {
                    continue;
                }
                for (int p : uuidParts) {
                    String name = targetKey.get(p).name();
                    for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
                        if (entry.getKey().equalsIgnoreCase(name)) {
                            entry.setValue(held.get(p));
                        }
                    }
                }
            }
        }
    }

    /**
     * The key parts of a table whose text column on one side is a {@code uuid} column on the other, not transformed:
     * {@code text} the side holding text, {@code uuid} the other.
     */
    private static List<Integer> uuidTextParts(TableMapping mapping, List<TableColumns.Column> text,
                                               List<TableColumns.Column> uuid) {
        List<Integer> parts = new ArrayList<>(0);
        for (int p = 0; p < text.size() && p < uuid.size(); p++) {
            if (isText(text.get(p)) && uuid.get(p).typeNamed("uuid")
                    && !mapping.transforms(mapping.primaryKey().get(p))) {
                parts.add(p);
            }
        }
        return parts;
    }

    /**
     * A key's texts with its UUID parts as the printed UUID ({@link java.util.UUID#toString}), or null when one of them
     * is no UUID: what one row of a {@code uuid} key is named by, whatever text spells it.
     */
    static @Nullable List<String> uuidIdentity(List<String> parts, List<Integer> uuidParts) {
        List<String> identity = new ArrayList<>(parts);
        for (int p : uuidParts) {
            try {
                identity.set(p, Uuids.parse(parts.get(p)).toString());
            } catch (RuntimeException noUuid) {
                return null;
            }
        }
        return identity;
    }

    /**
     * The rows a text key holds under any accepted spelling ({@link Uuids#spellings}) of the UUIDs of {@code keys}
     * (each a key's part texts, the other parts as that store spells them), by identity ({@link #uuidIdentity}), each
     * with its own texts. Asked as a read by key: the key condition ({@code id IN (…)}, or one branch per key of a
     * composite key) with every accepted spelling bound as a key, so that the key's index serves it (round 27b's first
     * attempt asked {@code LOWER(REPLACE(…))}, which scanned the table on every sync). A UUID in any other spelling is
     * found only under that spelling: such a key is refused where it is copied ({@link #refuseKeysStoredOtherwise}).
     */
    private static Map<List<String>, Set<List<String>>> uuidSpellingsHeld(Connection connection, CopyDialect dialect,
            TableColumns columns, TableMapping mapping, Store side, List<TableColumns.Column> key,
            List<Integer> uuidParts, Collection<List<String>> keys) throws SQLException {
        Set<String> asked = new LinkedHashSet<>();
        for (List<String> parts : keys) {
            List<List<String>> forms = new ArrayList<>();
            forms.add(parts);
            for (int p : uuidParts) {
                java.util.UUID uuid;
                try {
                    uuid = Uuids.parse(parts.get(p));
                } catch (RuntimeException noUuid) {
                    forms = List.of();
                    break;
                }
                List<List<String>> next = new ArrayList<>(forms.size() * 8);
                for (List<String> form : forms) {
                    for (String spelling : Uuids.spellings(uuid)) {
                        List<String> respelt = new ArrayList<>(form);
                        respelt.set(p, spelling);
                        next.add(respelt);
                    }
                }
                forms = next;
            }
            forms.forEach(form -> asked.add(KeyCodec.encode(form)));
        }
        Map<List<String>, Set<List<String>>> held = new HashMap<>();
        List<String> all = List.copyOf(asked);
        int chunkSize = dialect.readChunk(CHUNK);
        for (int start = 0; start < all.size(); start += chunkSize) {
            List<String> chunk = all.subList(start, Math.min(all.size(), start + chunkSize));
            try (PreparedStatement read = connection.prepareStatement("SELECT " + key.stream()
                    .map(c -> Values.selectExpression(dialect, c)).collect(Collectors.joining(", ")) + " FROM "
                    + columns.quotedTable() + " WHERE " + keyCondition(dialect, key, chunk.size()))) {
                bindKeys(read, 1, chunk, key, mapping, side, dialect);
                try (ResultSet result = read.executeQuery()) {
                    while (result.next()) {
                        List<String> texts = new ArrayList<>(key.size());
                        for (int i = 0; i < key.size(); i++) {
                            texts.add(padless(Values.keyText(Values.read(result, i + 1, key.get(i), dialect)),
                                    key.get(i)));
                        }
                        List<String> identity = uuidIdentity(texts, uuidParts);
                        if (identity != null) {
                            held.computeIfAbsent(identity, i -> new LinkedHashSet<>()).add(texts);
                        }
                    }
                }
            }
        }
        return held;
    }

    /**
     * Refuses, by name, a row to copy from a text key into a {@code uuid} key when the source holds another spelling of
     * its UUID (round 28): {@code 'ABC…'} and {@code 'abc…'} under a case-sensitive collation, or {@code 'abc…'} with and
     * without hyphens under any, are two source rows the target would hold as one, each synced on its own. Round 24
     * refused every spelling but the printed one, for ever (round 27 left it so); an accepted spelling
     * ({@link Uuids#accepted}) is now copied when it is the only one the source holds, and a second spelling is refused
     * whichever syncs second (the first's next sync is refused too), so the target never holds one source row's values
     * under another's key. Asked of every row of such a table, printed spelling or not ({@code 'abc…'} copied over the
     * copy of {@code 'ABC…'} merges them as well), by {@link #uuidSpellingsHeld}: one read by key of the source per
     * chunk, on a session of its own, for such tables only.
     */
    private void refuseUuidsSpeltTwice(Store from, Store to, TableMapping mapping, TableColumns sourceColumns,
                                       TableColumns targetColumns, List<Map<String, @Nullable Object>> upserts)
            throws SQLException {
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        List<TableColumns.Column> targetKey = keyColumns(targetColumns, mapping, to);
        List<Integer> uuids = uuidTextParts(mapping, sourceKey, targetKey);
        if (uuids.isEmpty()) {
            return;
        }
        List<List<String>> keys = new ArrayList<>(upserts.size());
        for (Map<String, @Nullable Object> row : upserts) {
            List<String> parts = new ArrayList<>(targetKey.size());
            for (int p = 0; p < targetKey.size(); p++) {
                parts.add(padless(Values.keyText(valueOf(row, targetKey.get(p).name())), sourceKey.get(p)));
            }
            keys.add(parts);
        }
        Map<List<String>, Set<List<String>>> held = heldInSource(from, mapping, sourceColumns, sourceKey, uuids, keys);
        for (List<String> parts : keys) {
            List<String> identity = uuidIdentity(parts, uuids);
            for (List<String> other : identity == null ? Set.<List<String>>of() : held.getOrDefault(identity, Set.of())) {
                if (!other.equals(parts)) {
                    throw mergedKey(mapping.table(to), targetKey, parts, identity, "the UUID of the " + from
                            + " store's row '" + String.join("|", other) + "' too, spelt otherwise, while the " + from
                            + " store holds them apart");
                }
            }
        }
    }

    /** {@link #uuidSpellingsHeld} asked of the source on a session of its own, as {@link #sourceHoldsExactly} asks. */
    private Map<List<String>, Set<List<String>>> heldInSource(Store from, TableMapping mapping,
            TableColumns sourceColumns, List<TableColumns.Column> sourceKey, List<Integer> uuids,
            Collection<List<String>> keys) throws SQLException {
        try (Connection source = RowSecurity.asLoggedIn(dataSource(from))) {
            source.setAutoCommit(true);
            CopyDialect dialect = dialect(from, source);
            if (dialect == CopyDialect.MYSQL) {
                TableColumns.refuseHidden(source, mapping.table(from), from.name().toLowerCase(Locale.ROOT),
                        refreshNanos);
            }
            CopierSession session = dialect == CopyDialect.MYSQL
                    ? CopierSession.enterMySql(source, zoned(List.of(sourceColumns))) : null;
            try {
                return uuidSpellingsHeld(source, dialect, sourceColumns, mapping, from, sourceKey, uuids, keys);
            } finally {
                if (session != null) {
                    session.restore();
                }
            }
        }
    }

    /**
     * Whether the source holds, under another spelling than {@code key}'s, a row of the UUIDs of the target's row
     * {@code heldTexts} (round 28): a delete by {@code 'abc…'} (inserted and deleted, or refused as a second spelling)
     * matches the target's row of that UUID, which is the copy of the source's {@code 'ABC…'}; deleted, the source's
     * row was gone from the target with nothing recorded.
     */
    private boolean sourceHoldsUuidSpeltOtherwise(Store from, Store to, TableMapping mapping,
                                                  TableColumns sourceColumns, TableColumns targetColumns, String key,
                                                  List<String> heldTexts) throws SQLException {
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        List<Integer> uuids = uuidTextParts(mapping, sourceKey, keyColumns(targetColumns, mapping, to));
        if (uuids.isEmpty()) {
            return false;
        }
        List<String> own = KeyCodec.decode(key, sourceKey.size());
        List<String> asked = new ArrayList<>(own);
        for (int p : uuids) {
            asked.set(p, heldTexts.get(p));
        }
        List<String> identity = uuidIdentity(asked, uuids);
        if (identity == null) {
            return false;
        }
        Set<List<String>> held = heldInSource(from, mapping, sourceColumns, sourceKey, uuids, List.of(asked))
                .getOrDefault(identity, Set.of());
        return held.stream().anyMatch(texts -> !texts.equals(own));
    }

    /**
     * Round 28, the way back: in a sync from a {@code uuid} key into a text key (after a move to {@code NEW_PRIMARY},
     * a repair from the new store, the reconciler then), the copy was written under the printed UUID, so an old row kept
     * as {@code 'ABC…'} under a case-sensitive collation, or without hyphens or in braces under any, got a second old
     * row beside it, nothing recorded. The target is asked, in the sync's transaction and under its locks, for every
     * accepted spelling of each key's UUIDs ({@link #uuidSpellingsHeld}, a read by key); a row found under another
     * spelling is the row the sync writes and deletes ({@link Side#inTarget}, {@link Side#respellUuids}); two rows found
     * for one key are refused by name (the sync fails and its keys are recorded): the new row cannot be both.
     */
    private static void uuidSpellingsInTarget(Connection target, CopyDialect dialect, Side side, Store to)
            throws SQLException {
        List<Integer> uuids = uuidTextParts(side.mapping, side.targetKey, side.sourceKey);
        if (uuids.isEmpty()) {
            return;
        }
        Map<String, List<String>> printed = new LinkedHashMap<>();
        for (String key : side.keys()) {
            String inTarget = side.printedInTarget(key);
            try {
                printed.put(inTarget, KeyCodec.decode(inTarget, side.targetKey.size()));
            } catch (IllegalArgumentException malformed) {
                // named where it is bound
            }
        }
        Map<List<String>, Set<List<String>>> held = uuidSpellingsHeld(target, dialect, side.target, side.mapping, to,
                side.targetKey, uuids, printed.values());
        Map<String, String> respelt = new HashMap<>();
        Map<List<String>, List<String>> byIdentity = new HashMap<>();
        for (Map.Entry<String, List<String>> key : printed.entrySet()) {
            List<String> identity = uuidIdentity(key.getValue(), uuids);
            Set<List<String>> rows = identity == null ? Set.of() : held.getOrDefault(identity, Set.of());
            if (rows.size() > 1) {
                Iterator<List<String>> two = rows.iterator();
                List<String> first = two.next();
                throw mergedKey(side.mapping.table(to), side.targetKey, key.getValue(), first, "and as '"
                        + String.join("|", two.next()) + "': the " + to + " store holds two rows spelling the UUID"
                        + " of this row, and a sync into it cannot tell which one the row is");
            }
            if (rows.size() == 1) {
                List<String> own = rows.iterator().next();
                byIdentity.put(identity, own);
                if (!own.equals(key.getValue())) {
                    respelt.put(key.getKey(), KeyCodec.encode(own));
                }
            }
        }
        side.uuidParts = uuids;
        side.respelt = respelt;
        // every row found, also one asked by its own spelling (a repair names the old key): the row to upsert holds
        // the printed UUID whatever key it was asked by
        side.heldSpellings = byIdentity;
    }

    private static List<Long> lockIds(List<Side> sides) {
        TreeSet<Long> ids = new TreeSet<>();
        for (Side side : sides) {
            addLockIds(side.mapping, side.keys(), ids);
        }
        return List.copyOf(ids);
    }

    /** Adds the lock ids of {@code keys} of {@code mapping}'s table (named by its old side in both stores). */
    private static void addLockIds(TableMapping mapping, Iterable<String> keys, Set<Long> into) {
        String table = mapping.oldTable();
        int parts = mapping.primaryKey().size();
        keys.forEach(key -> into.add(KeyLocks.lockId(table, key, parts)));
    }

    /**
     * The lock ids, sorted, of the source rows whose own key's lock is not in {@code held}: rows a loosely
     * comparing key matched to another spelling, or whose key was asked for in another text form of the same
     * value (a timestamp as {@code '10:00:00'} and as {@code '10:00:00.0'}).
     */
    private static List<Long> unheldLocks(Store from, List<Side> sides,
                                          Map<TableMapping, Map<String, Map<String, @Nullable Object>>> sourceRows,
                                          Map<TableMapping, TableColumns> sourceColumns, Set<Long> held)
            throws SQLException {
        TreeSet<Long> unheld = new TreeSet<>();
        for (Side side : sides) {
            Map<String, Map<String, @Nullable Object>> rows = sourceRows.get(side.mapping);
            if (rows == null || rows.isEmpty()) {
                continue;
            }
            TableMapping mapping = side.mapping;
            Set<String> asked = side.keys();
            // the key columns as the rows spell them ('ID' on H2 for a mapping's 'id'), found once per table
            List<String> keyNames = null;
            for (Map.Entry<String, Map<String, @Nullable Object>> row : rows.entrySet()) {
                Map<String, @Nullable Object> oldRow = from == Store.OLD ? row.getValue() : mapping.toOldRow(row.getValue());
                if (keyNames == null) {
                    keyNames = new ArrayList<>();
                    for (String column : mapping.primaryKey()) {
                        keyNames.add(spelling(oldRow, column));
                    }
                }
                List<Object> values = new ArrayList<>(keyNames.size());
                for (String column : keyNames) {
                    values.add(valueOf(oldRow, column));
                }
                String key = KeyCodec.encode(values);
                if (asked.contains(key)) {
                    continue; // the common case: asked for in the very text its lock was taken by
                }
                long id = KeyLocks.lockId(mapping.oldTable(), key, values.size());
                if (!held.contains(id)) {
                    unheld.add(id);
                }
            }
        }
        return List.copyOf(unheld);
    }

    /**
     * The source's rows of every side's keys. On {@code held} when given (a session in the transaction that holds the
     * keys' locks, left in it and open: each statement of it reads what is committed, as the transaction is read
     * committed); else on the application's session {@code lent} while it can be borrowed, switched to auto-commit
     * for the read and back (so that the next read sees later commits, the session is given back holding no
     * transaction, and no isolation level the application set makes the read a locking one); otherwise on a session
     * of the source's pool in auto-commit.
     */
    private Map<TableMapping, Map<String, Map<String, @Nullable Object>>> readSource(Store from, List<Side> sides,
            Map<TableMapping, TableColumns> sourceColumns, @Nullable Connection held, @Nullable LentSession lent)
            throws SQLException {
        if (held != null) {
            return readSourceOn(held, from, sides, sourceColumns, true);
        }
        Connection borrowed = lent == null ? null : lent.borrow();
        if (borrowed != null && !namesAsAtStart(borrowed, dialect(from, borrowed),
                sides.stream().map(side -> side.mapping.table(from)).toList())) {
            lent.giveBack();
            borrowed = null;
        }
        if (borrowed != null) {
            try {
                // in auto-commit, as on a session of the pool: each statement a transaction of its own, ended before
                // the session is given back. In a transaction at the level the application left on its session, a
                // SERIALIZABLE one made every plain read on InnoDB a locking read, which waited for other
                // transactions' row locks (and the caller with it) where a read in auto-commit does not
                boolean autoCommit = borrowed.getAutoCommit();
                if (!autoCommit) {
                    borrowed.setAutoCommit(true); // the session holds no transaction: nothing is committed here
                }
                try {
                    return readSourceOn(borrowed, from, sides, sourceColumns, false);
                } finally {
                    if (!autoCommit) {
                        borrowed.setAutoCommit(false);
                    }
                }
            } finally {
                lent.giveBack();
            }
        }
        try (Connection source = RowSecurity.asLoggedIn(dataSource(from))) {
            source.setAutoCommit(true);
            return readSourceOn(source, from, sides, sourceColumns, false);
        }
    }

    /**
     * Whether the application's lent session resolves a table's bare name, and sees rows, as a session of its pool does
     * when it starts:
     * PostgreSQL's {@code search_path} at its start value ({@code pg_settings.reset_val}), MySQL's and MariaDB's
     * current database the one the driver's URL names, H2's schema its main one as the database folds names. A
     * session an application moved ({@code SET search_path}, {@code USE}, {@code SET SCHEMA}) would read another
     * schema's table of the mapped name as the mapped table's rows, and the copier's columns of the table, read there
     * first, would name that table for every later sync: the sync takes a session of its own instead. On PostgreSQL
     * also the user the session logged in as, not another role ({@code SET ROLE}, {@code SET SESSION AUTHORIZATION}):
     * a tenant's role under a row security policy does not see every row it wrote (an insert of another tenant's
     * row, an update that moves a row out of its view), and a row the read does not find is one the copier takes
     * for absent; and the {@code IntervalStyle} the copier reads intervals in ({@code postgres}: a caller's {@code
     * SET IntervalStyle = iso_8601} had a {@code SYNC} sync copy {@code P1DT2H} into a text column, round 26b); the
     * other settings a read of arrays and ranges depends on are set for that read alone ({@link
     * CopierSession#exactTexts}), so that a caller's own {@code SET TIME ZONE} does not cost it its lent session. On
     * MariaDB also no temporary table of the application's hiding one of {@code tables} (the mapped
     * tables the read names), asked at every loan (from 11.2, which lists them): a pooled session's answer is trusted
     * for the catalog refresh, but the application may create one on its own session between two loans, and then
     * writes it under the mapped name; a sync that read it there copied the temporary table's rows into the other
     * store. One query per read on a lent session on PostgreSQL, H2 and MariaDB from 11.2; none on MySQL and older
     * MariaDB, whose drivers keep the current database. On every product, no network timeout set on the session
     * ({@link Connection#setNetworkTimeout}): a lent read slower than it closed the caller's connection (round 26b).
     * False when the state cannot be read.
     */
    static boolean namesAsAtStart(Connection session, CopyDialect dialect, Collection<String> tables) {
        try {
            if (session.getNetworkTimeout() != 0) {
                // a read slower than the caller's network timeout would make the driver close the caller's
                // connection (PostgreSQL's closes a connection whose socket read timed out): not lent (round 26b)
                return false;
            }
            if (dialect == CopyDialect.MYSQL) {
                String database = io.dualwrite.jdbc.schema.OwnTable.urlDatabase(session.getMetaData().getURL());
                return Objects.equals(database, session.getCatalog())
                        && !TableColumns.hidesAny(session, tables);
            }
            String query = dialect == CopyDialect.POSTGRESQL
                    ? "SELECT current_setting('search_path') = reset_val AND current_user = session_user"
                            + " AND session_user = ? AND current_setting('IntervalStyle') = '"
                            + RowSecurity.INTERVAL_STYLE + "' FROM pg_settings WHERE name = 'search_path'"
                    : "SELECT SCHEMA() = ?";
            boolean autoCommit = session.getAutoCommit();
            try (PreparedStatement statement = session.prepareStatement(query)) {
                statement.setString(1, dialect == CopyDialect.POSTGRESQL ? session.getMetaData().getUserName()
                        : io.dualwrite.jdbc.schema.OwnTable.h2StartSchema(session));
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() && rows.getBoolean(1);
                }
            } finally {
                if (!autoCommit) {
                    session.rollback(); // a read only: the session is given back holding no transaction
                }
            }
        } catch (SQLException | RuntimeException unread) {
            return false;
        }
    }

    /**
     * {@code locked}: {@code source} is in the transaction that holds the keys' locks ({@link DirectionGuard}'s),
     * which must not end before the sync does (PostgreSQL releases transaction-level locks at its end).
     */
    private Map<TableMapping, Map<String, Map<String, @Nullable Object>>> readSourceOn(Connection source, Store from,
            List<Side> sides, Map<TableMapping, TableColumns> sourceColumns, boolean locked) throws SQLException {
        Map<TableMapping, Map<String, Map<String, @Nullable Object>>> all = new HashMap<>();
        CopyDialect dialect = dialect(from, source);
        for (Side side : sides) {
            sourceColumns.put(side.mapping, table(from, source, dialect, side.mapping.table(from), locked));
        }
        CopierSession session = dialect == CopyDialect.MYSQL
                ? CopierSession.enterMySql(source, zoned(sourceColumns.values())) : null;
        List<String> texts = dialect == CopyDialect.POSTGRESQL && readAsServerText(sourceColumns.values())
                ? CopierSession.exactTexts(source) : null;
        try {
            for (Side side : sides) {
                all.put(side.mapping, readRows(source, dialect, sourceColumns.get(side.mapping), side.mapping,
                        List.copyOf(side.keys()), from));
            }
        } finally {
            if (session != null) {
                session.restore();
            }
            if (texts != null) {
                CopierSession.restoreTexts(source, texts);
            }
        }
        return all;
    }

    /**
     * Whether one of the tables has a PostgreSQL array or range, which the copier reads as the server's text
     * ({@link Values#selectExpression}): a text that {@code extra_float_digits} below 1 rounds and {@code TimeZone}
     * and {@code bytea_output} spell ({@link CopierSession#exactTexts}).
     */
    private static boolean readAsServerText(Collection<TableColumns> tables) {
        for (TableColumns table : tables) {
            for (TableColumns.Column column : table.all()) {
                String type = column.typeName().toLowerCase(Locale.ROOT);
                if (column.sqlType() == Types.ARRAY || type.endsWith("range")
                        || type.endsWith("multirange")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether one of the tables has a MySQL/MariaDB {@code TIMESTAMP} column, so that the session is put in UTC
     * ({@link CopierSession}). Such a column holds an instant that the session shows in its own zone: read and
     * written in the pool's zone, a copy between pools (or into PostgreSQL) in other zones moved the instant,
     * while the verification compares it in UTC. Also when such a column is part of the key: key texts of such
     * columns are UTC wherever they come from (the write path reads them back as UTC date-times, the backfill's key
     * walk and the verification read them in UTC), so whatever zone a pooled session was left in, they name the
     * same instant.
     *
     * @param tables each table's columns
     */
    static boolean zoned(Collection<TableColumns> tables) {
        for (TableColumns table : tables) {
            for (TableColumns.Column column : table.all()) {
                if (column.typeNamed("timestamp")) {
                    return true;
                }
            }
        }
        return false;
    }

    private Map<String, Map<String, @Nullable Object>> readRows(Connection connection, CopyDialect dialect,
            TableColumns columns, TableMapping mapping, List<String> keys, Store side) throws SQLException {
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, side);
        List<TableColumns.Column> all = columns.all();
        Map<String, Map<String, @Nullable Object>> rows = new HashMap<>(capacity(keys.size()));
        int chunkSize = dialect.readChunk(CHUNK);
        for (int start = 0; start < keys.size(); start += chunkSize) {
            List<String> chunk = padded(keys.subList(start, Math.min(keys.size(), start + chunkSize)));
            String text = columns.statement(new ReadShape(keyColumns, chunk.size()), chunk.size(), () -> "SELECT "
                    + all.stream().map(c -> Values.selectExpression(dialect, c)).collect(Collectors.joining(", "))
                    + " FROM " + columns.quotedTable() + " WHERE " + keyCondition(dialect, keyColumns, chunk.size()));
            try (PreparedStatement statement = connection.prepareStatement(text)) {
                bindKeys(statement, 1, chunk, keyColumns, mapping, side, dialect);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        Map<String, @Nullable Object> row = new LinkedHashMap<>(capacity(all.size()));
                        for (int i = 0; i < all.size(); i++) {
                            row.put(all.get(i).name(), Values.read(result, i + 1, all.get(i), dialect));
                        }
                        rows.put(canonicalKey(row, keyColumns), row);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Writes one table's rows to the target; the source rows are keyed by canonical key text. With {@code commitWithUpsert}, the last upsert statement carries the
     * transaction's {@code COMMIT} ({@link CopyDialect#committing}) when the table has rows to upsert (the result's
     * {@link SyncResult#copied()} is then above 0); the transaction stays open otherwise.
     */
    private SyncResult apply(Store from, Store to, Connection target, CopyDialect dialect, Limits limits, Side side,
                             Map<String, Map<String, @Nullable Object>> sourceRows,
                             Map<TableMapping, TableColumns> sourceColumns, boolean commitWithUpsert,
                             StartZone.@Nullable Zone startZone)
            throws SQLException {
        TableMapping mapping = side.mapping;
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns.get(mapping), mapping, from);
        // every key asked of the target below is first spelt as the target names the row written for it
        side.keysFrom(sourceKey, keyColumns(side.target, mapping, to), dialect == CopyDialect.MYSQL);
        if (from == Store.NEW) {
            uuidSpellingsInTarget(target, dialect, side, to);
        }
        List<Map<String, @Nullable Object>> upserts = new ArrayList<>();
        // per upsert, the key it was asked by and the source row's phase: what a conflict check needs
        List<Origin> origins = new ArrayList<>();
        // rows not copied because their own phase makes the target authoritative
        List<Origin> refused = new ArrayList<>();
        Map<String, @Nullable MigrationContext> deletes = new LinkedHashMap<>();
        // rows whose own phase is not copied from the source: the target may hold a copy made under other ids
        Map<String, @Nullable MigrationContext> skippedKeys = new LinkedHashMap<>();
        int skipped = 0;
        Set<String> requested = new HashSet<>();
        Set<String> copied = new HashSet<>();
        // expected rows the source did not return: per batch (by identity), each key with its canonical text
        Map<TableKeys, Map<String, String>> unfound = Map.of(); // allocated when a key is unfound
        // A key is deleted from the target unless the source returned a row spelt exactly like it, and every row
        // the source returned is copied under its own spelling: a key column that compares loosely (MariaDB's
        // _ci and _ai collations, PostgreSQL's char(n) and nondeterministic collations) matches 'é' to row 'e'
        // and 'ABC' to row 'abc', and the target must then hold 'e' and 'abc', never the spelling asked for.
        for (TableKeys batch : side.batches) {
            for (String key : batch.keys()) {
                String canonical = canonicalKey(key, sourceKey, mapping, from);
                if (!requested.add(canonical)) {
                    continue;
                }
                Map<String, @Nullable Object> row = sourceRows.get(canonical);
                if (row == null) {
                    deletes.put(key, batch.context());
                    if (batch.expectRows().contains(key)) {
                        if (unfound.isEmpty()) {
                            unfound = new IdentityHashMap<>();
                        }
                        unfound.computeIfAbsent(batch, b -> new LinkedHashMap<>()).put(key, canonical);
                    }
                } else if (copied.add(canonical) && collect(key, row, mapping, from, sourceColumns.get(mapping),
                        side.target, batch.context(), upserts, origins, refused) > 0) {
                    skipped++;
                    skippedKeys.put(key, batch.context());
                }
            }
        }
        if (copied.size() < sourceRows.size()) {
            Map<String, @Nullable MigrationContext> contexts = foldedContexts(side.batches);
            for (Map.Entry<String, Map<String, @Nullable Object>> row : sourceRows.entrySet()) {
                if (copied.add(row.getKey())) {
                    MigrationContext context = contexts.getOrDefault(CopyDialect.looseKey(row.getKey()),
                            side.batches.get(0).context());
                    if (collect(row.getKey(), row.getValue(), mapping, from, sourceColumns.get(mapping), side.target,
                            context, upserts, origins, refused) > 0) {
                        skipped++;
                        skippedKeys.put(row.getKey(), context);
                    }
                }
            }
        }
        if (!side.heldSpellings.isEmpty()) {
            side.respellUuids(upserts);
        }
        List<Origin> conflicting = new ArrayList<>();
        if (!upserts.isEmpty() && mayConflict(mapping)) {
            List<Origin> taken = conflicts(target, dialect, side, from, to, upserts, origins);
            skipped += taken.size();
            conflicting.addAll(taken);
        }
        List<TableKeys> conflicts = byContext(mapping, conflicting);
        List<String> deletable = new ArrayList<>(deletes.keySet());
        if (!deletes.isEmpty() && resolver != null) {
            deletable = deletable(target, dialect, side, to, deletes, refused);
            skipped += deletes.size() - deletable.size();
        }
        List<TableKeys> authorityMoved = byContext(mapping, refused);
        if (!skippedKeys.isEmpty() && resolver != null) {
            deletable.addAll(staleCopies(target, dialect, side, from, to, skippedKeys));
        }
        if (!deletable.isEmpty()) {
            deletable = withoutOtherSpellings(target, dialect, side, from, to, sourceColumns.get(mapping),
                    deletable);
        }
        if (!upserts.isEmpty()) {
            oneTextPerDecimalKey(mapping, sourceKey, keyColumns(side.target, mapping, to), upserts);
            refuseKeysStoredOtherwise(from, to, mapping, sourceColumns.get(mapping), side.target, upserts);
            refuseUuidsSpeltTwice(from, to, mapping, sourceColumns.get(mapping), side.target, upserts);
        }
        if (startZone != null && !upserts.isEmpty()) {
            StartZone.instants(upserts, side.target, dialect, keyColumnNames(mapping, to), startZone);
        }
        // deletes first: a key that moved (1 → 101) frees its unique values before the new row takes them
        delete(target, dialect, side.target, mapping, to, side.inTarget(deletable));
        upsert(target, dialect, limits, side.target, mapping.table(to), keyColumnNames(mapping, to), upserts,
                commitWithUpsert);
        if (!upserts.isEmpty()) {
            respell(target, dialect, limits, side.target, mapping, from, to, sourceColumns.get(mapping), upserts);
            refuseKeysReadOtherwise(target, dialect, side.target, mapping, from, to, sourceColumns.get(mapping),
                    upserts);
            refuseComputedOtherwise(target, dialect, side.target, mapping, to, upserts);
        }
        return new SyncResult(upserts.size(), deletable.size(), skipped, vanished(unfound), conflicts, authorityMoved);
    }

    /**
     * Writes each key part of an undeclared PostgreSQL {@code numeric} source column into a text key column as its
     * key text, without trailing zeros ({@code 12.50} as {@code '12.5'}). Such a column keeps each row's own scale but
     * compares {@code 12.5} and {@code 12.50} as one key, and key texts name its rows without trailing zeros, so every
     * later step that names the target's row ({@link Values#targetKeyText}: the delete, the conflict and other-spelling
     * reads) names {@code '12.5'}; written with the row's own scale, the copy was {@code '12.50'} and the delete
     * missed it, nothing recorded (round 26). A declared {@code NUMERIC(p,s)} is written at its scale, as key texts
     * name it; other columns as they are.
     */
    private static void oneTextPerDecimalKey(TableMapping mapping, List<TableColumns.Column> sourceKey,
                                             List<TableColumns.Column> targetKey,
                                             List<Map<String, @Nullable Object>> upserts) {
        for (int p = 0; p < targetKey.size() && p < sourceKey.size(); p++) {
            TableColumns.Column source = sourceKey.get(p);
            if (!Values.undeclaredDecimal(source) || !isText(targetKey.get(p))
                    || mapping.transforms(mapping.primaryKey().get(p))) {
                continue;
            }
            String name = targetKey.get(p).name();
            for (Map<String, @Nullable Object> row : upserts) {
                for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
                    if (entry.getKey().equalsIgnoreCase(name) && entry.getValue() instanceof BigDecimal decimal) {
                        entry.setValue(new BigDecimal(Values.keyText(decimal)));
                    }
                }
            }
        }
    }

    /**
     * The key parts whose text the target's key column reads as a value of its own type that the copier does not
     * spell in Java ({@link #refuseKeysStoredOtherwise} spells numbers, dates, times, UUIDs, floats and bytes): a
     * PostgreSQL {@code inet}, {@code cidr}, {@code macaddr}, {@code interval}, {@code varbit}, range, {@code jsonb} or
     * {@code boolean}, a MariaDB {@code INET6}, an H2 {@code INTERVAL} or {@code DECFLOAT}. Empty for any other table.
     */
    private static List<Integer> keysReadByTheTarget(TableMapping mapping, List<TableColumns.Column> sourceKey,
                                                     List<TableColumns.Column> targetKey) {
        List<Integer> parts = new ArrayList<>(0);
        for (int p = 0; p < targetKey.size() && p < sourceKey.size(); p++) {
            TableColumns.Column column = targetKey.get(p);
            int type = column.sqlType();
            // a MariaDB INET6 or INET4, which the driver reports as CHAR: an address it reads ('0::1' is ::1); from
            // another such column, whose values are already the addresses' own texts, not asked
            boolean address = address(column) && !address(sourceKey.get(p));
            if (!isText(sourceKey.get(p)) || isText(column) && !address || mapping.transforms(mapping.primaryKey().get(p))
                    || Values.keyOfAnotherKind(sourceKey.get(p), column) || column.typeNamed("bytea")
                    || column.typeNamed("uuid") || column.typeNamed("money") || column.typeNamed("year")
                    || column.integer() && !column.bool() || Values.isBinary(type)) {
                continue;
            }
            boolean spelt = switch (type) {
                case Types.DECIMAL, Types.NUMERIC -> !column.typeNamed("decfloat");
                case Types.REAL, Types.FLOAT, Types.DOUBLE, Types.DATE,
                     Types.TIME, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP,
                     Types.TIMESTAMP_WITH_TIMEZONE -> true;
                default -> false;
            };
            if (!spelt) {
                parts.add(p);
            }
        }
        return parts;
    }

    /** Whether {@code column} is a MariaDB {@code INET6} or {@code INET4} (reported as {@code CHAR} by the driver). */
    private static boolean address(TableColumns.Column column) {
        MySqlColumn declared = column.declared();
        return declared != null && (declared.type().equals("inet6") || declared.type().equals("inet4"));
    }

    /**
     * Refuses, by name, a row whose text key the target's key column reads as a value it spells otherwise
     * ({@link #keysReadByTheTarget}): {@code '10.0.0.1/32'} into a PostgreSQL {@code inet} key is the row
     * {@code 10.0.0.1}, {@code '24 hours'} into an {@code interval} key the row of {@code '1 day'}, {@code '0::1'}
     * into a MariaDB {@code INET6} key the row {@code ::1}. Copied in separate syncs, two old keys so spelt were one
     * new row, the second upserted over the first, nothing recorded (round 26). The copier cannot spell every such
     * type in Java, so the target says: the rows just written are read back by key in the same transaction, and a
     * key part whose stored value's text ({@link Values#storedKeyText}, the text the copier writes back into a text
     * column after the flip) is not the source's text fails the sync as {@link UnholdableValueException}, rolling the
     * upsert back (the live mirror and the reconciler record the key, the backfill and repair name it and copy the
     * rest). A key the column stores as its own text ({@code '10.0.0.1'}) is copied. Cost: one read of the rows just
     * written per chunk, for such tables only.
     */
    private static void refuseKeysReadOtherwise(Connection target, CopyDialect dialect, TableColumns columns,
                                                TableMapping mapping, Store from, Store to, TableColumns sourceColumns,
                                                List<Map<String, @Nullable Object>> rows) throws SQLException {
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, to);
        List<Integer> asked = keysReadByTheTarget(mapping, keyColumns(sourceColumns, mapping, from), keyColumns);
        if (asked.isEmpty()) {
            return;
        }
        for (int start = 0; start < rows.size(); start += CHUNK) {
            List<Map<String, @Nullable Object>> chunk = rows.subList(start, Math.min(rows.size(), start + CHUNK));
            try (PreparedStatement statement = target.prepareStatement(
                    numberedKeyRead(dialect, columns, keyColumns, chunk.size()))) {
                int index = 1;
                for (Map<String, @Nullable Object> row : chunk) {
                    for (TableColumns.Column column : keyColumns) {
                        Values.bind(statement, index++, Values.writtenValue(valueOf(row, column.name()), column),
                                column, dialect);
                    }
                }
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        Map<String, @Nullable Object> copied = chunk.get(result.getInt(1));
                        List<@Nullable Object> values = heldKey(result, keyColumns, dialect);
                        List<String> spelt = new ArrayList<>(keyColumns.size());
                        List<String> stored = new ArrayList<>(keyColumns.size());
                        for (int p = 0; p < keyColumns.size(); p++) {
                            String text = Values.keyText(valueOf(copied, keyColumns.get(p).name()));
                            spelt.add(text);
                            stored.add(asked.contains(p) ? Values.storedKeyText(values.get(p), keyColumns.get(p))
                                    : text);
                        }
                        if (!spelt.equals(stored)) {
                            throw storedOtherwise(mapping.table(to), keyColumns, spelt, stored);
                        }
                    }
                }
            }
        }
    }

    /**
     * Refuses, by name, a row for which the target computes a column the source holds (a generated column, left out of
     * the upsert: the target refuses a value for it) as another value than the source's: a plain column of the source
     * holding 99 where the target computes {@code quantity * 2}, or two generation expressions that differ. The sync
     * reported success while the stores held different rows, and a repair computed the same value again. The target's
     * computed values of the rows just written are read back in the same transaction and compared with the source's
     * (numbers by value); a difference fails the sync, naming the table, key, column and both values. No cost for a
     * table whose target computes no column the mapping copies.
     */
    private static void refuseComputedOtherwise(Connection target, CopyDialect dialect, TableColumns columns,
                                                TableMapping mapping, Store to,
                                                List<Map<String, @Nullable Object>> rows) throws SQLException {
        List<String> keyNames = keyColumnNames(mapping, to);
        List<String> computed = new ArrayList<>();
        for (String name : rows.get(0).keySet()) {
            if (columns.computed(name) && keyNames.stream().noneMatch(name::equalsIgnoreCase)) {
                computed.add(name);
            }
        }
        if (computed.isEmpty()) {
            return;
        }
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, to);
        List<TableColumns.Column> read = new ArrayList<>(keyColumns);
        for (String name : computed) {
            read.add(columns.get(name));
        }
        for (int start = 0; start < rows.size(); start += CHUNK) {
            List<Map<String, @Nullable Object>> chunk = rows.subList(start, Math.min(rows.size(), start + CHUNK));
            Map<String, Map<String, @Nullable Object>> held = new HashMap<>(capacity(chunk.size()));
            try (PreparedStatement statement = target.prepareStatement("SELECT " + read.stream()
                    .map(c -> Values.selectExpression(dialect, c)).collect(Collectors.joining(", ")) + " FROM "
                    + columns.quotedTable() + " WHERE " + keyCondition(dialect, keyColumns, chunk.size()))) {
                int index = 1;
                for (Map<String, @Nullable Object> row : chunk) {
                    for (TableColumns.Column key : keyColumns) {
                        Values.bind(statement, index++, Values.writtenValue(valueOf(row, key.name()), key), key, dialect);
                    }
                }
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        Map<String, @Nullable Object> row = new LinkedHashMap<>(capacity(read.size()));
                        for (int i = 0; i < read.size(); i++) {
                            row.put(read.get(i).name(), Values.read(result, i + 1, read.get(i), dialect));
                        }
                        held.put(canonicalKey(row, keyColumns), row);
                    }
                }
            }
            for (Map<String, @Nullable Object> row : chunk) {
                Map<String, @Nullable Object> keyed = new LinkedHashMap<>();
                keyColumns.forEach(key -> keyed.put(key.name(), valueOf(row, key.name())));
                Map<String, @Nullable Object> stored = held.get(canonicalKey(keyed, keyColumns));
                if (stored == null) {
                    continue; // not there to compare (a key the target stores in another form is respelt, above)
                }
                for (String name : computed) {
                    Object source = row.get(name);
                    Object computedValue = valueOf(stored, name);
                    if (!sameValue(source, computedValue)) {
                        throw UnholdableValueException.computedByTarget(columns.quotedTable(),
                                keyText(keyed, keyColumns).replace('\u0000', '|'), name, String.valueOf(source),
                                String.valueOf(computedValue));
                    }
                }
            }
        }
    }

    /** Whether two values read from two stores are the same value: numbers by value, bytes by content, else by text. */
    static boolean sameValue(@Nullable Object a, @Nullable Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Boolean flag && b instanceof Number) {
            return sameValue(flag ? 1 : 0, b);
        }
        if (b instanceof Boolean flag && a instanceof Number) {
            return sameValue(a, flag ? 1 : 0);
        }
        if (a instanceof Number x && b instanceof Number y) {
            try {
                return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
            } catch (NumberFormatException special) { // NaN, the infinities
                return x.toString().equals(y.toString());
            }
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return a.equals(b) || a.toString().equals(b.toString());
    }

    /**
     * Refuses, by name, a row whose text key the target's key column stores as another text: a column of another
     * type reads {@code '012'}, {@code '+12'} and {@code '-0'} as the number 12 or 0, a UUID's capitals as its
     * lower-case value, {@code '12.5'} in a {@code NUMERIC(10,2)} as {@code 12.50}, {@code '2024-01-31T10:00'} in a
     * date-time column as {@code 2024-01-31 10:00:00}; a {@code CHAR} key or a MySQL/MariaDB PAD SPACE collation
     * takes {@code 'a '} as {@code 'a'} (not checked where the source's key pads too: it holds one of them at most,
     * copied as spelt). Such a key is refused whether or not the source holds the stored spelling:
     * a key spelt otherwise, copied while the source held no row of the stored spelling, would become that row's key,
     * and the later copy of the stored spelling's row would overwrite it (or, in the other order, it would overwrite
     * that row), two source rows as one target row, in separate syncs where no check of one sync can see the other.
     * So the key mapping is one to one on the rows it copies; a key the column stores as its own text ({@code '12'},
     * a lower-case UUID, {@code '12.50'}) is copied. The stored text is computed from the column's type, digits and
     * scale ({@link Values#storedKeyText}), without a read.
     */
    private static void refuseKeysStoredOtherwise(Store from, Store to, TableMapping mapping,
                                                  TableColumns sourceColumns, TableColumns targetColumns,
                                                  List<Map<String, @Nullable Object>> upserts) throws SQLException {
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        List<TableColumns.Column> targetKey = keyColumns(targetColumns, mapping, to);
        Set<Integer> loose = new HashSet<>();
        Set<Integer> padless = new HashSet<>();
        Set<Integer> narrowed = new HashSet<>();
        for (int p = 0; p < targetKey.size() && p < sourceKey.size(); p++) {
            // a transformed key column becomes what its transformer says, not the target's reading of the text
            if (mapping.transforms(mapping.primaryKey().get(p))) {
                continue;
            }
            int sourceType = sourceKey.get(p).sqlType();
            if ((sourceType == Types.DOUBLE || sourceType == Types.FLOAT)
                    && targetKey.get(p).sqlType() == Types.REAL) {
                // a double key into a single-precision key: 0.1 and 0.10000000001 are one float there (a value so
                // narrowed is compared at the column's precision; a key so narrowed is another row's key)
                narrowed.add(p);
                continue;
            }
            if (!isText(sourceKey.get(p))) {
                continue;
            }
            if (!isText(targetKey.get(p))) {
                loose.add(p);
            } else if (!padsKeys(sourceKey.get(p)) && padsKeys(targetKey.get(p))) {
                // the source tells 'a' from 'a ', the target does not; a source that pads keys itself (a CHAR, a
                // PAD SPACE collation) holds one of them at most, which is copied as it is spelt
                padless.add(p);
            }
        }
        if (loose.isEmpty() && padless.isEmpty() && narrowed.isEmpty()) {
            return;
        }
        for (Map<String, @Nullable Object> row : upserts) {
            List<String> spelt = new ArrayList<>(targetKey.size());
            List<String> stored = new ArrayList<>(targetKey.size());
            int ownWay = -1;
            for (int p = 0; p < targetKey.size(); p++) {
                Object value = valueOf(row, targetKey.get(p).name());
                String text = Values.keyText(value);
                String held = text;
                if (padless.contains(p) && value instanceof String string) {
                    held = string.stripTrailing();
                } else if (narrowed.contains(p) && value instanceof Double number && Double.isFinite(number)) {
                    // copied when the float reads back as the same shortest decimal (0.1): one double per float
                    text = ColumnText.floating(number, false);
                    held = ColumnText.floating(number.floatValue(), true);
                } else if (loose.contains(p) && value instanceof String string && targetKey.get(p).typeNamed("bytea")
                        && string.indexOf('\\') >= 0) {
                    // PostgreSQL reads a backslash in a text for bytea as an escape ('\x6162' is the bytes of 'ab'):
                    // such a key is stored as another text's bytes, the rest as their UTF-8 bytes
                    held = Values.byteaInput(string);
                } else if (loose.contains(p) && value instanceof String string && targetKey.get(p).typeNamed("uuid")
                        && Uuids.accepted(string) != null) {
                    // round 28: an accepted spelling of a UUID ('ABC…', without hyphens, in braces) is copied when
                    // the source holds no other spelling of it (refuseUuidsSpeltTwice asks), and written back under
                    // it after the flip (uuidSpellingsInTarget)
                    held = text;
                } else if (loose.contains(p) && value instanceof String string) {
                    TableColumns.Column column = targetKey.get(p);
                    try {
                        Object written = column.typeNamed("uuid") ? Uuids.parse(string)
                                : Values.writtenValue(string, column);
                        if (written instanceof String && column.sqlType() == Types.TIME
                                && !column.duration()) {
                            // a time of day: '10:00' is stored as 10:00:00 (a MySQL/MariaDB TIME, a duration that
                            // may pass 24 hours, is left to the server)
                            written = LocalTime.parse(string);
                        }
                        // a text's UTF-8 bytes are one key per text: no two texts merge into them
                        held = written instanceof String || written instanceof byte[] || written == null ? text
                                : Values.storedKeyText(written, column);
                    } catch (RuntimeException unreadable) {
                        held = text; // the value's own refusal comes with the upsert
                    }
                    // a float's text, NaN or an infinity, which the database reads, not the copier
                    String number = Values.writtenValue(string, column) instanceof String
                            && !column.typeNamed("uuid") ? Values.numberKeyText(string, column) : null;
                    if (number != null && number.isEmpty()) {
                        ownWay = p;
                    } else if (number != null) {
                        held = number;
                    }
                }
                spelt.add(text);
                stored.add(held);
            }
            if (ownWay >= 0) {
                // a float read in the database's own way ('0x10' by PostgreSQL's reading of a float): no text of one
                // number
                TableColumns.Column column = targetKey.get(ownWay);
                throw UnholdableValueException.of(column.name(), Holdable.quoted(spelt.get(ownWay)),
                        column.typeName() + " key column reads it as a number in its own way: a key is copied into a"
                                + " floating-point key only as the shortest decimal of its number, so that no two keys"
                                + " become one row").at(mapping.table(to), String.join("|", spelt));
            }
            if (!spelt.equals(stored)) {
                throw storedOtherwise(mapping.table(to), targetKey, spelt, stored);
            }
        }
    }

    /** The refusal of the row of key {@code spelt}, which the target would store as {@code stored}. */
    private static UnholdableValueException storedOtherwise(String table, List<TableColumns.Column> targetKey,
                                                            List<String> spelt, List<String> stored) {
        int p = 0;
        while (p < spelt.size() - 1 && spelt.get(p).equals(stored.get(p))) {
            p++;
        }
        return UnholdableValueException.of(targetKey.get(p).name(), Holdable.quoted(spelt.get(p)),
                targetKey.get(p).typeName() + " key column stores it as '" + Holdable.quoted(stored.get(p))
                        + "', another key's text: a key is copied only as the text its column stores, so that no two"
                        + " keys become one row").at(table, String.join("|", spelt));
    }

    /** The refusal of the row of key {@code spelt}, which the target would store as {@code stored}, {@code whose}. */
    private static UnholdableValueException mergedKey(String table, List<TableColumns.Column> targetKey,
                                                      List<String> spelt, List<String> stored, String whose) {
        int p = 0;
        while (p < spelt.size() - 1 && spelt.get(p).equals(stored.get(p))) {
            p++;
        }
        return UnholdableValueException.of(targetKey.get(p).name(), Holdable.quoted(spelt.get(p)),
                targetKey.get(p).typeName() + " key column stores it as '" + Holdable.quoted(stored.get(p)) + "', "
                        + whose + ": the two rows would be one").at(table, String.join("|", spelt));
    }

    /** The key an upsert was asked by, with the context of its write and the phase of the source row. */
    private record Origin(String key, @Nullable MigrationContext context, @Nullable MigrationPhase phase) {
    }

    /**
     * Whether a source row copied by its own phase may meet, under its key in the target, a row of another order or
     * merchant whose phase makes the target authoritative: only when the mapping names an order or merchant column
     * and some switch gives some order or merchant another phase than the system's.
     */
    private boolean mayConflict(TableMapping mapping) {
        if (resolver == null || migration == null) {
            return false;
        }
        return mapping.merchantIdColumn().isPresent() && resolver.mayVaryByMerchant(migration)
                || mapping.orderIdColumn().isPresent() && resolver.mayVaryByOrder(migration);
    }

    /**
     * Takes out of {@code upserts} each row that would replace, in the target, a row of a phase that makes the target
     * authoritative while the source row's own phase does not: two rows of different orders or merchants under one
     * key, each authoritative in its own store (two key generators that handed out the same key under split
     * authority). Neither may overwrite the other; the keys are returned, with their write's context, for the caller
     * to record. A row of the same phase family (an unattributed write on the old store that changed a
     * {@code NEW_PRIMARY} merchant's row, copied by the write's own authority) is not a conflict.
     */
    private List<Origin> conflicts(Connection target, CopyDialect dialect, Side side, Store from, Store to,
                                   List<Map<String, @Nullable Object>> upserts, List<Origin> origins)
            throws SQLException {
        TableMapping mapping = side.mapping;
        List<String> keys = new ArrayList<>(origins.size());
        for (Origin origin : origins) {
            if (origin.phase() == null || origin.phase().authoritative() != to) {
                keys.add(side.inTarget(origin.key()));
            }
        }
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, @Nullable Object>> present = readRows(target, dialect, side.target, mapping, keys, to);
        if (present.isEmpty()) {
            return List.of();
        }
        List<TableColumns.Column> targetKey = keyColumns(side.target, mapping, to);
        List<Origin> found = new ArrayList<>();
        for (int i = origins.size() - 1; i >= 0; i--) {
            Origin origin = origins.get(i);
            if (origin.phase() != null && origin.phase().authoritative() == to) {
                continue;
            }
            Map<String, @Nullable Object> held = present.get(canonicalKey(side.inTarget(origin.key()), targetKey,
                    mapping, to));
            if (held == null) {
                continue;
            }
            MigrationPhase phase = phaseOf(held, mapping, to, side.target, origin.context());
            if (phase != null && phase.authoritative() == to) {
                upserts.remove(i);
                log.warn("'{}' {} key {}: the {} store's row belongs to a {} order or merchant, the {} store's to a {}"
                                + " one; each store is authoritative for its own row, so neither is copied over the other"
                                + " (keys handed out by both stores under split authority: see docs/key-generators.md);"
                                + " recorded until one of them is moved to another key", migration, mapping.oldTable(),
                        origin.key(), to, phase, from, origin.phase());
                found.add(0, origin);
            }
        }
        return found;
    }

    /** The keys of {@code origins} as table keys, one per context of their writes. */
    private static List<TableKeys> byContext(TableMapping mapping, List<Origin> origins) {
        if (origins.isEmpty()) {
            return List.of();
        }
        Map<Optional<MigrationContext>, List<String>> keys = new LinkedHashMap<>();
        for (Origin origin : origins) {
            keys.computeIfAbsent(Optional.ofNullable(origin.context()), c -> new ArrayList<>()).add(origin.key());
        }
        List<TableKeys> tables = new ArrayList<>(keys.size());
        keys.forEach((context, list) -> tables.add(new TableKeys(mapping, list, context.orElse(null))));
        return tables;
    }

    /**
     * The expected keys the source returned no row for under their own key, per batch, with the batch's context.
     * A row the database matched to such a key in another spelling ({@code 'ABC'} for {@code 'abc'} under a
     * case-insensitive collation) does not count: it may be an older row, and the row the write made may be
     * elsewhere ({@code 'abc'} stored as {@code 'abc-1'} beside an older {@code 'ABC'}).
     */
    private static List<TableKeys> vanished(Map<TableKeys, Map<String, String>> unfound) {
        if (unfound.isEmpty()) {
            return List.of();
        }
        List<TableKeys> vanished = new ArrayList<>(unfound.size());
        unfound.forEach((batch, keys) -> vanished.add(new TableKeys(batch.mapping(), List.copyOf(keys.keySet()),
                batch.context(), keys.keySet())));
        return vanished;
    }

    /**
     * On a target whose key holds text (a MySQL/MariaDB collation, PostgreSQL's {@code char(n)}, {@code citext}
     * or a nondeterministic collation, H2's {@code VARCHAR_IGNORECASE}): its comparison matched each upserted key
     * to whatever row of the target it calls equal, and an upsert keeps that row's own spelling ({@code 'abc'} stays when
     * {@code 'ABC'} is copied). Reads the copied keys back and makes each row the source's spelling. Another
     * spelling the target holds is a stale one when the source holds no row under exactly that spelling (a
     * source comparing loosely cannot hold both; one comparing exactly may have deleted it): it is deleted and the
     * row written again. When the source does hold a row under exactly that spelling (a binary or no-pad collation
     * telling {@code 'a'} from {@code 'A'} or {@code 'a '}), the target cannot hold both rows apart: the sync
     * fails, so that its keys are recorded, never silently merged, with an {@link UnholdableValueException} naming
     * the row, so that the backfill and repair copy the other rows and do not say that running again would help.
     * Which of the two a source does is asked of the source itself, not inferred from its product: collations
     * differ per column.
     */
    private void respell(Connection target, CopyDialect dialect, Limits limits, TableColumns columns,
                         TableMapping mapping, Store from, Store to, TableColumns sourceColumns,
                         List<Map<String, @Nullable Object>> rows) throws SQLException {
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, to);
        if (keyColumns.stream().noneMatch(JdbcRowCopier::looseText)) {
            return;
        }
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        List<Map<String, @Nullable Object>> stale = new ArrayList<>();
        String condition = keyColumns.stream().map(c -> dialect.quote(c.name()) + " = ?")
                .collect(Collectors.joining(" AND "));
        for (int start = 0; start < rows.size(); start += CHUNK) {
            List<Map<String, @Nullable Object>> chunk = rows.subList(start, Math.min(rows.size(), start + CHUNK));
            try (PreparedStatement statement = target.prepareStatement(
                    numberedKeyRead(dialect, columns, keyColumns, chunk.size()))) {
                int index = 1;
                for (Map<String, @Nullable Object> row : chunk) {
                    for (TableColumns.Column column : keyColumns) {
                        Values.bind(statement, index++, valueOf(row, column.name()), column, dialect);
                    }
                }
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        Map<String, @Nullable Object> copied = chunk.get(result.getInt(1));
                        List<@Nullable Object> values = heldKey(result, keyColumns, dialect);
                        List<String> parts = keyTexts(values, keyColumns);
                        String held = String.join("\u0000", parts);
                        List<@Nullable Object> copiedKey = new ArrayList<>(keyColumns.size());
                        keyColumns.forEach(column -> copiedKey.add(valueOf(copied, column.name())));
                        if (!spelling(copiedKey, sourceKey, keyColumns, false)
                                .equals(spelling(values, sourceKey, keyColumns, true))) {
                            if (sourceHoldsExactly(from, to, mapping, sourceColumns, parts, values)) {
                                // a refusal by name, as a value the target cannot hold: syncing again cannot help
                                // while the source holds both rows (a plain failure made the backfill say it would)
                                List<String> spelt = spelling(copiedKey, sourceKey, keyColumns, false);
                                throw mergedKey(mapping.table(to), keyColumns, spelt, parts, "the key of the " + from
                                        + " store's row '" + held.replace('\u0000', '|') + "' too, while the " + from
                                        + " store holds them apart (give the " + to + " store's key a collation that"
                                        + " tells them apart)");
                            }
                            stale.add(copied);
                        }
                    }
                }
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = target.prepareStatement("DELETE FROM " + columns.quotedTable() + " WHERE "
                + condition)) {
            for (Map<String, @Nullable Object> row : stale) {
                int index = 1;
                for (TableColumns.Column column : keyColumns) {
                    Values.bind(delete, index++, valueOf(row, column.name()), column, dialect);
                }
                delete.addBatch();
            }
            delete.executeBatch();
        }
        upsert(target, dialect, limits, columns, mapping.table(to), keyColumnNames(mapping, to), stale, false);
    }

    /**
     * The keys to delete, without those whose row in the target is another spelling the source still holds: the
     * target's collation matches a delete by {@code 'A'} to the copy of the source's {@code 'a'}
     * (or {@code 'ß'} to {@code 's'} under {@code general_ci}) that a binary source keeps as a row of its own. Asked
     * as in {@link #respell}: one numbered branch per key, the target's collation deciding, the source asked
     * whether it holds the spelling found. So too a text key that a key column of another type (a number, a UUID)
     * reads as the value of another spelling the source holds: a delete by {@code '012'} (or {@code '+12'}, a UUID
     * in capitals) matches the target's row {@code 12}, the copy of the source's {@code '12'} (the upsert of such a
     * key is refused, {@link #refuseKeysStoredOtherwise}). A text with spaces around it is left to the delete's refusal.
     */
    private List<String> withoutOtherSpellings(Connection target, CopyDialect dialect, Side side, Store from,
                                               Store to, TableColumns sourceColumns, List<String> keys)
            throws SQLException {
        TableColumns columns = side.target;
        TableMapping mapping = side.mapping;
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, to);
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        Set<Integer> readAsValues = new HashSet<>(); // text keys a column of another type reads as values
        for (int p = 0; p < keyColumns.size() && p < sourceKey.size(); p++) {
            if (isText(sourceKey.get(p)) && !isText(keyColumns.get(p))
                    && !Values.keyOfAnotherKind(sourceKey.get(p), keyColumns.get(p)) // bytes: spelt by Side.inTarget
                    && !mapping.transforms(mapping.primaryKey().get(p))) {
                readAsValues.add(p);
            }
        }
        if (readAsValues.isEmpty() && keyColumns.stream().noneMatch(JdbcRowCopier::looseText)) {
            return keys;
        }
        Set<String> kept = new HashSet<>();
        for (int start = 0; start < keys.size(); start += CHUNK) {
            List<String> chunk = keys.subList(start, Math.min(keys.size(), start + CHUNK));
            try (PreparedStatement statement = target.prepareStatement(
                    numberedKeyRead(dialect, columns, keyColumns, chunk.size()))) {
                bindKeys(statement, 1, side.inTarget(chunk), keyColumns, mapping, to, dialect);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        String key = chunk.get(result.getInt(1));
                        List<@Nullable Object> values = heldKey(result, keyColumns, dialect);
                        List<String> parts = keyTexts(values, keyColumns);
                        List<@Nullable Object> asked = new ArrayList<>(keyValues(side.inTarget(key), keyColumns,
                                mapping, to));
                        if (!readAsValues.isEmpty()) {
                            List<String> texts = KeyCodec.decode(key, keyColumns.size());
                            for (int p : readAsValues) {
                                String text = texts.get(p);
                                if (text != null && text.equals(text.strip())) { // spaced: the delete refuses it
                                    asked.set(p, text); // the source's spelling, not the value the target reads
                                    // the row's own text (12.50 in a NUMERIC(10,2), not 12.5): the only source
                                    // spelling copied into it, asked of the source
                                    parts.set(p, Values.storedKeyText(values.get(p), keyColumns.get(p)));
                                    values.set(p, parts.get(p));
                                }
                            }
                        }
                        boolean same = spelling(asked, sourceKey, keyColumns, false)
                                .equals(spelling(values, sourceKey, keyColumns, true));
                        if (!same && sourceHoldsExactly(from, to, mapping, sourceColumns, parts, values)
                                || !readAsValues.isEmpty() && sourceHoldsUuidSpeltOtherwise(from, to, mapping,
                                sourceColumns, columns, key, parts)) {
                            kept.add(key);
                        }
                    }
                }
            }
        }
        if (kept.isEmpty()) {
            return keys;
        }
        List<String> rest = new ArrayList<>(keys);
        rest.removeAll(kept);
        return rest;
    }

    /**
     * A read of the target's rows for {@code keys} keys, one {@code UNION ALL} branch per key numbered from 0 in
     * the first column, the key columns after it: the target's own collation says which row it holds for which
     * key (a fold in Java would miss what it merges, emoji or {@code 'ß'} and {@code 's'} under {@code
     * general_ci}, and merge what it keeps apart, {@code 'a'} and {@code 'A'} under a binary collation).
     */
    private static String numberedKeyRead(CopyDialect dialect, TableColumns columns,
                                          List<TableColumns.Column> keyColumns, int keys) {
        // selected as every read of the copier selects them: Values.read, which heldKey reads them with, expects
        // a float's bytes or a date-time's text where selectExpression gives them
        String keyList = keyColumns.stream().map(c -> Values.selectExpression(dialect, c))
                .collect(Collectors.joining(", "));
        String condition = keyColumns.stream().map(c -> dialect.quote(c.name()) + " = ?")
                .collect(Collectors.joining(" AND "));
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < keys; i++) {
            select.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", ").append(keyList)
                    .append(" FROM ").append(columns.quotedTable()).append(" WHERE ").append(condition);
        }
        return select.toString();
    }

    /** The key values of a row of {@link #numberedKeyRead} (from its second column). */
    private static List<@Nullable Object> heldKey(ResultSet result, List<TableColumns.Column> keyColumns,
                                                  CopyDialect dialect) throws SQLException {
        List<@Nullable Object> values = new ArrayList<>(keyColumns.size());
        for (int i = 0; i < keyColumns.size(); i++) {
            values.add(Values.read(result, i + 2, keyColumns.get(i), dialect));
        }
        return values;
    }

    /**
     * A key's texts as the source tells spellings apart: trailing spaces count unless a {@code CHAR} column pads
     * them away, the source's for a key the source gave ({@code held} false), the source's or the target's for a
     * key the target gave ({@code held} true: a {@code CHAR} target reads {@code 'a '} back as {@code 'a'}, which
     * the source may hold as another row).
     */
    private static List<String> spelling(List<@Nullable Object> values, List<TableColumns.Column> sourceKey,
                                         List<TableColumns.Column> targetKey, boolean held) {
        List<String> texts = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String text = Values.keyText(values.get(i));
            boolean padded = isChar(sourceKey.get(i)) || (held && isChar(targetKey.get(i)));
            texts.add(padded ? text.stripTrailing() : text);
        }
        return texts;
    }

    private static boolean isChar(TableColumns.Column column) {
        return column.sqlType() == Types.CHAR || column.sqlType() == Types.NCHAR;
    }

    /**
     * Whether a text key column takes {@code 'a '} as the key {@code 'a'}: a {@code CHAR} (it drops or pads trailing
     * spaces on every product) or a MySQL/MariaDB column under a PAD SPACE collation ({@code utf8mb4_bin} too).
     */
    private static boolean padsKeys(TableColumns.Column column) {
        return isChar(column) || column.declared() != null && column.declared().padSpace();
    }

    /** Key values as texts compared exactly ({@code CHAR} padding aside). */
    private static List<String> keyTexts(List<@Nullable Object> values, List<TableColumns.Column> keyColumns) {
        List<String> texts = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            texts.add(padless(Values.keyText(values.get(i)), keyColumns.get(i)));
        }
        return texts;
    }

    /**
     * Whether the source holds a row under exactly the key the target holds as {@code heldTexts} (its key columns'
     * texts, {@code heldValues} their values): read by that key on the source, whose collation may return rows
     * spelt otherwise, each compared exactly. A key column with a value transformer is taken as held (the sync
     * fails and is recorded rather than guess the source's spelling).
     */
    private boolean sourceHoldsExactly(Store from, Store to, TableMapping mapping, TableColumns sourceColumns,
                                       List<String> heldTexts, List<@Nullable Object> heldValues) throws SQLException {
        if (mapping.primaryKey().stream().anyMatch(mapping::transforms)) {
            return true;
        }
        List<TableColumns.Column> sourceKey = keyColumns(sourceColumns, mapping, from);
        try (Connection source = RowSecurity.asLoggedIn(dataSource(from))) {
            source.setAutoCommit(true);
            CopyDialect dialect = dialect(from, source);
            if (dialect == CopyDialect.MYSQL) {
                TableColumns.refuseHidden(source, mapping.table(from), from.name().toLowerCase(Locale.ROOT),
                        refreshNanos);
            }
            CopierSession session = dialect == CopyDialect.MYSQL
                    ? CopierSession.enterMySql(source, zoned(List.of(sourceColumns))) : null;
            try (PreparedStatement read = source.prepareStatement("SELECT " + sourceKey.stream()
                    .map(c -> dialect.quote(c.name())).collect(Collectors.joining(", ")) + " FROM "
                    + sourceColumns.quotedTable() + " WHERE " + keyCondition(dialect, sourceKey, 1))) {
                for (int i = 0; i < sourceKey.size(); i++) {
                    // text as compared: a CHAR target reads its padding back ('a    '), which the source never held
                    Object value = heldValues.get(i);
                    Values.bind(read, i + 1, value instanceof String ? heldTexts.get(i) : value, sourceKey.get(i),
                            dialect);
                }
                try (ResultSet result = read.executeQuery()) {
                    while (result.next()) {
                        boolean same = true;
                        for (int i = 0; i < sourceKey.size() && same; i++) {
                            same = padless(Values.keyText(Values.read(result, i + 1, sourceKey.get(i), dialect)),
                                    sourceKey.get(i)).equals(heldTexts.get(i));
                        }
                        if (same) {
                            return true;
                        }
                    }
                }
            } finally {
                if (session != null) {
                    session.restore();
                }
            }
        }
        return false;
    }

    /**
     * Whether a target key column holds text it may match in another spelling (a MySQL/MariaDB collation,
     * PostgreSQL's {@code char(n)}, {@code citext} or a nondeterministic collation, H2's {@code VARCHAR_IGNORECASE}
     * or {@code CHAR}): the spelling checks ({@link #respell}) are needed. Not for text compared by its characters
     * alone ({@link TableColumns.Column#exactText}), where they would cost a read per sync for nothing.
     */
    private static boolean looseText(TableColumns.Column column) {
        return isText(column) && !column.exactText();
    }

    private static boolean isText(TableColumns.Column column) {
        if (column.typeNamed("citext")) {
            // PostgreSQL's citext, which the driver reports as OTHER: text that compares ignoring case (as a key
            // column of another type, 'a' and 'A' were one key there while the source held two, and the second's
            // sync was upserted over the first's copy, nothing recorded)
            return true;
        }
        return switch (column.sqlType()) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
                 Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> true;
            default -> false;
        };
    }

    /** A row's key as the target holds it: a {@code CHAR} column drops trailing spaces, so they never count. */
    static String keyText(Map<String, @Nullable Object> row, List<TableColumns.Column> keyColumns) {
        List<String> parts = new ArrayList<>(keyColumns.size());
        for (TableColumns.Column column : keyColumns) {
            parts.add(padless(Values.keyText(valueOf(row, column.name())), column));
        }
        return String.join("\u0000", parts);
    }

    private static String padless(String text, TableColumns.Column column) {
        return isChar(column) ? text.stripTrailing() : text;
    }

    /** {@code column} as {@code row} spells it (the first key that equals it ignoring case), else {@code column}. */
    private static String spelling(Map<String, @Nullable Object> row, String column) {
        if (row.containsKey(column)) {
            return column;
        }
        for (String name : row.keySet()) {
            if (name.equalsIgnoreCase(column)) {
                return name;
            }
        }
        return column;
    }

    private static @Nullable Object valueOf(Map<String, @Nullable Object> row, String column) {
        Object value = row.get(column);
        if (value == null && !row.containsKey(column)) {
            for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(column)) {
                    return entry.getValue();
                }
            }
        }
        return value;
    }

    /**
     * Adds the row, mapped for the target, when its phase has it written there, and where it came from to
     * {@code origins}; returns 1 when it is skipped. A row skipped because its own phase makes the target
     * authoritative goes to {@code refused}: a write on the source named it (the reason it is synced), but the
     * target is its authority, so the sync cannot settle which store is right (the phase moved since the write, or
     * the write was made without the row's authority).
     */
    private int collect(String key, Map<String, @Nullable Object> row, TableMapping mapping, Store from,
                        TableColumns columns, TableColumns targetColumns, @Nullable MigrationContext context,
                        List<Map<String, @Nullable Object>> upserts, List<Origin> origins, List<Origin> refused) {
        MigrationPhase phase = phaseOf(row, mapping, from, columns, context);
        // a row whose authority moved and came back while an earlier attempt ran (round 27) is never copied because
        // its write's context mirrors: that context, resolved now, is past the return and cannot tell
        boolean returned = resolver instanceof Recording recording && !recording.returned.isEmpty()
                && recording.returned.contains(rowContext(row, mapping, from, columns, context));
        if (!writes(phase, from)
                && !(phase != null && phase.writes(from.other()) && !returned && writtenUnder(context, from))) {
            if (phase != null && phase.authoritative() == from.other()) {
                refused.add(new Origin(key, context, phase));
            }
            return 1;
        }
        Map<String, @Nullable Object> unpadded = withoutPadding(row, mapping, from, columns, targetColumns);
        upserts.add(from == Store.OLD ? mapping.toNewRow(unpadded) : mapping.toOldRow(unpadded));
        origins.add(new Origin(key, context, phase));
        return 0;
    }

    /**
     * The row with the padding of each {@code CHAR} value cut where its target column is a {@code CHAR} too: the
     * spaces a fixed-length column pads with are no part of its value (PostgreSQL and H2 read them back, MySQL and
     * MariaDB do not), and the target pads again. A text's own trailing spaces, from any other column, stay, and a
     * {@code CHAR} target refuses them ({@link Holdable}): it would read them back as its padding or without them,
     * so that {@code 'ab'} and {@code 'ab '} became one value.
     */
    private static Map<String, @Nullable Object> withoutPadding(Map<String, @Nullable Object> row, TableMapping mapping,
                                                                Store from, TableColumns columns,
                                                                TableColumns targetColumns) {
        Map<String, @Nullable Object> unpadded = row;
        for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
            if (!(entry.getValue() instanceof String text) || !text.endsWith(" ")
                    || !columns.find(entry.getKey()).map(Holdable::padded).orElse(false)) {
                continue;
            }
            Optional<String> targetName = from == Store.OLD ? mapping.newColumn(entry.getKey())
                    : mapping.oldColumn(entry.getKey());
            if (targetName.flatMap(targetColumns::find).map(Holdable::padded).orElse(false)) {
                if (unpadded == row) {
                    unpadded = new LinkedHashMap<>(row);
                }
                int end = text.length();
                while (end > 0 && text.charAt(end - 1) == ' ') {
                    end--;
                }
                unpadded.put(entry.getKey(), text.substring(0, end));
            }
        }
        return unpadded;
    }

    /** The context of each requested key by its loosely folded text: the write that named a row spelt otherwise. */
    private static Map<String, @Nullable MigrationContext> foldedContexts(List<TableKeys> batches) {
        Map<String, @Nullable MigrationContext> contexts = new HashMap<>();
        for (TableKeys batch : batches) {
            for (String key : batch.keys()) {
                contexts.putIfAbsent(CopyDialect.looseKey(key), batch.context());
            }
        }
        return contexts;
    }

    /**
     * Keys absent from the source whose target row (if any) is not one the target is authoritative for. A target
     * that compares keys loosely returns, for a key, the row it would delete under another spelling: that row's
     * phase decides too.
     */
    private List<String> deletable(Connection target, CopyDialect dialect, Side side, Store to,
                                   Map<String, @Nullable MigrationContext> keys, List<Origin> refused)
            throws SQLException {
        TableMapping mapping = side.mapping;
        Map<String, Map<String, @Nullable Object>> present = readRows(target, dialect, side.target, mapping,
                side.inTarget(keys.keySet()), to);
        Map<String, Map<String, @Nullable Object>> presentFolded = new HashMap<>();
        present.forEach((key, row) -> presentFolded.putIfAbsent(CopyDialect.looseKey(key), row));
        List<TableColumns.Column> targetKey = keyColumns(side.target, mapping, to);
        List<String> deletable = new ArrayList<>();
        for (Map.Entry<String, @Nullable MigrationContext> key : keys.entrySet()) {
            String canonical = canonicalKey(side.inTarget(key.getKey()), targetKey, mapping, to);
            Map<String, @Nullable Object> row = present.get(canonical);
            if (row == null) {
                row = presentFolded.get(CopyDialect.looseKey(canonical));
            }
            if (row == null) {
                deletable.add(key.getKey());
                continue;
            }
            MigrationContext rowContext = rowContext(row, mapping, to, side.target, key.getValue());
            MigrationPhase phase = resolver.resolveRead(rowContext).phase();
            if (phase.authoritative() != to) {
                deletable.add(key.getKey());
            } else {
                // the source lacks a row the target is authoritative for: a delete made without the row's authority,
                // or under a phase a switch has since moved (also while this sync ran). Left in the target, as a
                // source row of such a phase is not copied, and reported with those, so that the key is recorded and
                // kept: skipped, the stores stayed different with nothing recorded, and the reconciler completed
                // the entry of such a key as repaired
                refused.add(new Origin(key.getKey(), key.getValue(), phase));
            }
        }
        return deletable;
    }

    /**
     * Of keys whose source row was not copied (its own phase does not copy it from the source), those the target
     * holds as a copy of a phase that does — the row was copied under other ids, then an update moved it to
     * another merchant or order whose phase leaves the target alone: that copy is stale, and is deleted.
     */
    private List<String> staleCopies(Connection target, CopyDialect dialect, Side side, Store from, Store to,
                                     Map<String, @Nullable MigrationContext> keys) throws SQLException {
        TableMapping mapping = side.mapping;
        Map<String, Map<String, @Nullable Object>> present = readRows(target, dialect, side.target, mapping,
                side.inTarget(keys.keySet()), to);
        List<TableColumns.Column> targetKey = keyColumns(side.target, mapping, to);
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, @Nullable MigrationContext> key : keys.entrySet()) {
            Map<String, @Nullable Object> row = present.get(canonicalKey(side.inTarget(key.getKey()), targetKey,
                    mapping, to));
            if (row != null && writes(phaseOf(row, mapping, to, side.target, key.getValue()), from)) {
                stale.add(key.getKey());
            }
        }
        return stale;
    }

    /**
     * Whether the write that named the row was made in {@code from} by the authority of its own context (the
     * context's ids alone, not the row's): a row it moved to a merchant or order whose authoritative store is the
     * other one, or that it changed in the store not authoritative for the row, is then copied where the row's
     * phase writes, so the write reaches the store the row now answers to. Without a context (a repair, a
     * reconciler entry without one), only the row's own phase decides.
     */
    private boolean writtenUnder(@Nullable MigrationContext context, Store from) {
        if (context == null || resolver == null || migration == null) {
            return false;
        }
        MigrationPhase phase = resolver.resolveRead(MigrationContext.forMigration(migration)
                .orderId(context.orderId().orElse(null)).merchantId(context.merchantId().orElse(null)).build()).phase();
        return phase.authoritative() == from && phase.writes(from.other());
    }

    /** Whether a row in {@code phase} is written from {@code from} into the other store. */
    private boolean writes(@Nullable MigrationPhase phase, Store from) {
        return phase == null || (phase.authoritative() == from && phase.writes(from.other()));
    }

    /**
     * The phase of a row, from its own order and merchant ids; the write's context fills an id only where the row
     * has no column for it (the mapping names none, or the side's table lacks it). A column the row has but that holds
     * {@code NULL} is a row of no order or merchant, whatever context wrote it: filled from the context, the row was
     * copied as that merchant's by its insert and skipped by a later write without that context, leaving its copy
     * stale. Null without a resolver.
     *
     * @param columns the columns of the table the row was read from (of {@code side})
     */
    private @Nullable MigrationPhase phaseOf(Map<String, @Nullable Object> row, TableMapping mapping, Store side,
                                             TableColumns columns, @Nullable MigrationContext context) {
        if (resolver == null || migration == null) {
            return null;
        }
        return resolver.resolveRead(rowContext(row, mapping, side, columns, context)).phase();
    }

    /** The context {@link #phaseOf} resolves a row by; only with a resolver. */
    private MigrationContext rowContext(Map<String, @Nullable Object> row, TableMapping mapping, Store side,
                                        TableColumns columns, @Nullable MigrationContext context) {
        String orderColumn = mapping.orderIdColumn().orElse(null);
        String merchantColumn = mapping.merchantIdColumn().orElse(null);
        String orderId = idOf(row, mapping, side, columns, orderColumn);
        String merchantId = idOf(row, mapping, side, columns, merchantColumn);
        boolean fillOrder = orderId == null && context != null && !holds(row, mapping, side, orderColumn);
        boolean fillMerchant = merchantId == null && context != null && !holds(row, mapping, side, merchantColumn);
        MigrationContext.Builder builder = MigrationContext.forMigration(migration)
                .orderId(fillOrder ? context.orderId().orElse(null) : orderId)
                .merchantId(fillMerchant ? context.merchantId().orElse(null) : merchantId);
        if (context != null) {
            builder.userId(context.userId().orElse(null));
        }
        return builder.build();
    }

    /**
     * The id a row holds in a mapped id column, as the switches name it. A fixed-length text column
     * ({@code CHAR(n)}) pads its value with spaces that are no part of it (PostgreSQL and H2 return them): they
     * are dropped, so that a merchant {@code 'm-1'} kept in a {@code CHAR(10)} is merchant {@code m-1}, not an
     * unknown merchant of the system phase.
     */
    private static @Nullable String idOf(Map<String, @Nullable Object> row, TableMapping mapping, Store side,
                                         TableColumns columns, @Nullable String oldColumn) {
        if (oldColumn == null) {
            return null;
        }
        String column = side == Store.OLD ? oldColumn : mapping.newColumn(oldColumn).orElse(null);
        if (column == null) {
            return null;
        }
        for (Map.Entry<String, @Nullable Object> entry : row.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(column)) {
                Object stored = entry.getValue();
                if (stored instanceof String text && columns.find(entry.getKey()).map(Holdable::padded)
                        .orElse(false)) {
                    stored = text.stripTrailing();
                }
                Object value = side == Store.NEW ? mapping.toOldValue(oldColumn, stored) : stored;
                if (value == null || value.toString().isBlank()) {
                    return null;
                }
                // a floating column's id as the application's number names it (IdText: 7.0 is merchant 7)
                return value instanceof Double || value instanceof Float ? IdText.of(value) : Values.keyText(value);
            }
        }
        return null;
    }

    /** Whether the row has the column that {@code oldColumn} (an id column of the mapping, or null) is on its side. */
    private static boolean holds(Map<String, @Nullable Object> row, TableMapping mapping, Store side,
                                 @Nullable String oldColumn) {
        if (oldColumn == null) {
            return false;
        }
        String column = side == Store.OLD ? oldColumn : mapping.newColumn(oldColumn).orElse(null);
        if (column == null) {
            return false;
        }
        for (String name : row.keySet()) {
            if (name.equalsIgnoreCase(column)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Binds one row's values from parameter {@code index} on, each first checked to be held exactly by its column
     * ({@link Holdable}); a value that is not is refused, naming the table, the row's key and the column. The next
     * parameter's index.
     */
    private static int bindRow(PreparedStatement statement, int index, Map<String, @Nullable Object> row,
                               List<String> names, List<TableColumns.Column> typed, CopyDialect dialect, String table,
                               List<TableColumns.Column> keys) throws SQLException {
        int next = index;
        for (int i = 0; i < names.size(); i++) {
            Object original = row.get(names.get(i));
            Object value = Values.writtenValue(original, typed.get(i));
            try {
                Holdable.require(value, original, typed.get(i), dialect);
                Values.bind(statement, next++, value, typed.get(i), dialect);
            } catch (UnholdableValueException refused) {
                throw refused.at(table, keyText(row, keys).replace('\u0000', '|'));
            }
        }
        return next;
    }

    /**
     * Upserts {@code rows}: on H2 a batch of single-row statements, elsewhere multi-row statements within the limits.
     * With {@code commit} (only where {@link CopyDialect#textTransaction()}), the last statement also commits.
     */
    private void upsert(Connection target, CopyDialect dialect, Limits limits, TableColumns columns, String table,
                        List<String> keyNames, List<Map<String, @Nullable Object>> rows, boolean commit)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(rows.get(0).keySet());
        // a generated column is the target's to compute: given a value, the database refuses the row (a key column
        // is kept, so that a key the target computes fails the sync, recorded, rather than being lost)
        names.removeIf(name -> columns.computed(name) && keyNames.stream().noneMatch(name::equalsIgnoreCase));
        List<TableColumns.Column> typed = new ArrayList<>();
        for (String name : names) {
            typed.add(columns.get(name));
        }
        List<TableColumns.Column> keys = new ArrayList<>();
        for (String key : keyNames) {
            if (names.stream().noneMatch(key::equalsIgnoreCase)) {
                throw new SQLException("the mapped row for " + table + " lacks key column " + key);
            }
            keys.add(columns.get(key));
        }
        List<String> keyNamesInRow = new ArrayList<>();
        for (TableColumns.Column key : keys) {
            keyNamesInRow.add(names.stream().filter(key.name()::equalsIgnoreCase).findFirst().orElseThrow());
        }
        if (dialect == CopyDialect.H2) {
            // in-process: no round trips to save, while H2 parses a multi-row statement anew for every sync (a
            // tenth of a sync's time at 500 rows); one single-row statement, batched, is parsed once. A key
            // repeated in the batch is merged twice, the later row last, as in a batch of single-row upserts.
            try (PreparedStatement statement = target.prepareStatement(columns.statement(
                    new UpsertShape(names, keyNames, 1, false), 1,
                    () -> upsertText(dialect, columns, typed, keys, 1, false)))) {
                for (Map<String, @Nullable Object> row : rows) {
                    bindRow(statement, 1, row, names, typed, dialect, table, keys);
                    statement.addBatch();
                }
                try {
                    statement.executeBatch();
                } catch (SQLException e) {
                    if (RefusedWrite.isDataRefusal(e)) {
                        throw new RefusedWrite(e, dialect, table, columns, names, typed, keys, rows);
                    }
                    throw e;
                }
            }
            return;
        }
        int maxRows = Math.max(1, Math.min(limits.rows(), UPSERT_PARAMETERS / names.size()));
        Map<Integer, PreparedStatement> statements = new HashMap<>();
        try {
            int start = 0;
            while (start < rows.size()) {
                int end = groupEnd(rows, start, maxRows, limits.bytes(), keyNamesInRow);
                int count = end - start;
                // the committing statement is the last one, so its key (minus the row count) never meets another
                int statementKey = commit && end == rows.size() ? -count : count;
                PreparedStatement statement = statements.get(statementKey);
                if (statement == null) {
                    boolean committing = statementKey < 0;
                    String text = columns.statement(new UpsertShape(names, keyNames, count, committing), count,
                            () -> upsertText(dialect, columns, typed, keys, count, committing));
                    statement = target.prepareStatement(text);
                    statements.put(statementKey, statement);
                }
                int index = 1;
                for (Map<String, @Nullable Object> row : rows.subList(start, end)) {
                    index = bindRow(statement, index, row, names, typed, dialect, table, keys);
                }
                try {
                    statement.executeUpdate();
                } catch (SQLException e) {
                    SQLException failure = dialect.upsertFailure(table, e);
                    if (failure == e && RefusedWrite.isDataRefusal(e)) {
                        throw new RefusedWrite(e, dialect, table, columns, names, typed, keys, rows.subList(start, end));
                    }
                    throw failure;
                }
                start = end;
            }
        } finally {
            SQLException failure = null;
            for (PreparedStatement statement : statements.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    static String upsertText(CopyDialect dialect, TableColumns columns, List<TableColumns.Column> typed,
                                     List<TableColumns.Column> keys, int rows, boolean committing) {
        List<String> quoted = typed.stream().map(c -> dialect.quote(c.name())).toList();
        List<String> quotedKeys = keys.stream().map(c -> dialect.quote(c.name())).toList();
        List<String> formed = keys.stream().filter(dialect::keyFormsDiffer).map(c -> dialect.quote(c.name())).toList();
        // a PostgreSQL identity column GENERATED ALWAYS takes the row's value on insert only when the insert says
        // OVERRIDING SYSTEM VALUE, and can be updated to nothing but DEFAULT: it is inserted, never updated
        List<String> always = typed.stream().filter(c -> columns.identityAlways(c.name())).map(c -> dialect.quote(c.name()))
                .toList();
        List<String> updated = quoted.stream().filter(name -> !quotedKeys.contains(name) || formed.contains(name))
                .filter(name -> !always.contains(name)).toList();
        String upsert = dialect.upsert(columns.quotedTable(), quoted, quotedKeys, updated, rows, !always.isEmpty());
        return committing ? dialect.committing(upsert) : upsert;
    }

    /** What an upsert's text depends on besides its table: the row's columns and the key columns, as named. */
    private record UpsertShape(List<String> columns, List<String> keys, int rows, boolean committing) {
    }

    /** What a read's text depends on besides its table: the key columns and the number of keys. */
    private record ReadShape(List<TableColumns.Column> keys, int count) {
    }

    /**
     * Where the multi-row upsert that starts at {@code start} ends (exclusive): at most {@code maxRows} rows and
     * about {@value #UPSERT_BYTES} bytes of values (at least one row), and before a row whose key (compared as
     * loosely as a MySQL collation would) is already in it, so that one statement never touches a row twice
     * and a later row of a key still lands after an earlier one, as in a batch of single-row upserts.
     */
    private static int groupEnd(List<Map<String, @Nullable Object>> rows, int start, int maxRows, long maxBytes,
                                List<String> keyNames) {
        Set<String> keys = new HashSet<>();
        long bytes = 0;
        int end = start;
        while (end < rows.size() && end - start < maxRows) {
            Map<String, @Nullable Object> row = rows.get(end);
            long size = estimatedBytes(row);
            if (end > start && bytes + size > maxBytes) {
                break;
            }
            StringBuilder key = new StringBuilder();
            for (String name : keyNames) {
                key.append(CopyDialect.looseKey(Values.keyText(row.get(name)))).append('\u0000');
            }
            if (!keys.add(key.toString())) {
                break;
            }
            bytes += size;
            end++;
        }
        return end;
    }

    /**
     * An upper bound of a row's values as sent: text as 3 bytes a UTF-16 unit (UTF-8 needs at most 3 for a unit, 4
     * for the pair of a supplementary character), bytes hex-escaped, anything else as 16.
     */
    private static long estimatedBytes(Map<String, @Nullable Object> row) {
        long bytes = 0;
        for (Object value : row.values()) {
            if (value instanceof CharSequence text) {
                bytes += 3L * text.length();
            } else if (value instanceof Values.PgArray array) {
                bytes += 3L * array.text().length(); // sent as its text
            } else if (value instanceof byte[] data) {
                bytes += 2L * data.length; // hex-escaped in a text protocol
            } else {
                bytes += 16;
            }
        }
        return bytes;
    }

    /** How many rows, and about how many bytes of values, one multi-row upsert may carry. */
    private record Limits(int rows, long bytes) {
        static final Limits SINGLE_ROWS = new Limits(1, Long.MAX_VALUE);
    }

    /**
     * The limits of a store's upserts: on MySQL/MariaDB also half the server's {@code max_allowed_packet} (read once
     * per store), since a statement above it is refused by closing the connection; the half leaves room for the
     * escaping of a text protocol and the statement itself.
     */
    private Limits limits(Store store, Connection target, boolean mysql) throws SQLException {
        long bytes = UPSERT_BYTES;
        if (mysql) {
            Long packet = packets.get(store);
            if (packet == null) {
                try (Statement statement = target.createStatement();
                     ResultSet value = statement.executeQuery("SELECT @@max_allowed_packet")) {
                    packet = value.next() ? value.getLong(1) : UPSERT_BYTES;
                }
                packets.put(store, packet);
            }
            bytes = Math.min(bytes, Math.max(1, packet / 2));
        }
        return new Limits(CHUNK, bytes);
    }

    private void delete(Connection target, CopyDialect dialect, TableColumns columns, TableMapping mapping, Store to,
                        List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        List<TableColumns.Column> keyColumns = keyColumns(columns, mapping, to);
        try (PreparedStatement statement = target.prepareStatement("DELETE FROM " + columns.quotedTable() + " WHERE "
                + keyCondition(dialect, keyColumns, 1))) {
            for (String key : keys) {
                refuseSpeltOtherwise(key, keyColumns);
                bindKeys(statement, 1, List.of(key), keyColumns, mapping, to, dialect);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /**
     * Refuses to delete {@code key} from a target whose key column reads a text as a value of another type (a number,
     * a date) when the key's text has spaces around it: such a row was never copied (its text is refused, {@link
     * Holdable}), and the delete would remove the row of the value the text names (' 12' deleting 12), which the old
     * store may still hold under its own spelling ('12').
     */
    private static void refuseSpeltOtherwise(String key, List<TableColumns.Column> keyColumns) throws SQLException {
        List<String> texts;
        try {
            texts = KeyCodec.decode(key, keyColumns.size());
        } catch (IllegalArgumentException e) {
            return; // bindKeys names it
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            String kind = text == null || text.equals(text.strip()) ? null : Holdable.convertedKind(keyColumns.get(i));
            if (kind != null) {
                throw UnholdableValueException.of(keyColumns.get(i).name(), Holdable.quoted(text), keyColumns.get(i)
                        .typeName() + " key column holds " + kind + ", and this key's text has spaces around it: its"
                        + " row was never copied, and deleting the " + kind + " it names would delete another row");
            }
        }
    }

    /** A hash map's initial capacity that holds {@code entries} without growing. */
    private static int capacity(int entries) {
        return (int) (entries / 0.75f) + 1;
    }

    /** {@code keys} with its last key repeated up to the next of {@link #READ_SIZES}. */
    private static List<String> padded(List<String> keys) {
        for (int size : READ_SIZES) {
            if (size >= keys.size()) {
                if (size == keys.size()) {
                    return keys;
                }
                List<String> padded = new ArrayList<>(size);
                padded.addAll(keys);
                String last = keys.get(keys.size() - 1);
                while (padded.size() < size) {
                    padded.add(last);
                }
                return padded;
            }
        }
        return keys;
    }

    private static String keyCondition(CopyDialect dialect, List<TableColumns.Column> keyColumns, int keys) {
        if (keyColumns.size() == 1) {
            String column = dialect.quote(keyColumns.get(0).name());
            return keys == 1 ? column + " = ?"
                    : column + " IN (" + String.join(", ", Collections.nCopies(keys, "?")) + ")";
        }
        String one = "(" + keyColumns.stream().map(c -> dialect.quote(c.name()) + " = ?")
                .collect(Collectors.joining(" AND ")) + ")";
        return String.join(" OR ", Collections.nCopies(keys, one));
    }

    /** Binds keys (old-store texts) for the key columns of {@code side}, transformed when the mapping says so. */
    private static void bindKeys(PreparedStatement statement, int first, List<String> keys,
                                 List<TableColumns.Column> keyColumns, TableMapping mapping, Store side,
                                 CopyDialect dialect) throws SQLException {
        int index = first;
        for (String key : keys) {
            List<Object> values = keyValues(key, keyColumns, mapping, side);
            for (int i = 0; i < values.size(); i++) {
                Values.bind(statement, index++, values.get(i), keyColumns.get(i), dialect);
            }
        }
    }

    private static List<Object> keyValues(String key, List<TableColumns.Column> keyColumns, TableMapping mapping,
                                          Store side) throws SQLException {
        List<String> texts;
        try {
            texts = KeyCodec.decode(key, keyColumns.size());
        } catch (IllegalArgumentException e) {
            throw new SQLException(e.getMessage(), e);
        }
        List<Object> values = new ArrayList<>(texts.size());
        List<String> oldKey = mapping.primaryKey();
        for (int i = 0; i < texts.size(); i++) {
            Object value = Values.parseKey(texts.get(i), keyColumns.get(i));
            if (side == Store.NEW && mapping.transforms(oldKey.get(i))) {
                value = mapping.toNewValue(oldKey.get(i), value); // key texts hold the old store's values
            }
            values.add(value);
        }
        return values;
    }

    /** The canonical text of a requested key, as the row of {@code side} would give it. */
    private static String canonicalKey(String key, List<TableColumns.Column> keyColumns, TableMapping mapping,
                                       Store side) throws SQLException {
        List<Object> values = keyValues(key, keyColumns, mapping, side);
        if (values.size() == 1) {
            return Values.keyText(comparable(values.get(0))); // the common case, once per key of every sync
        }
        StringBuilder text = new StringBuilder();
        for (Object value : values) {
            if (text.length() > 0) {
                text.append('\u0000');
            }
            text.append(Values.keyText(comparable(value)));
        }
        return text.toString();
    }

    private static String canonicalKey(Map<String, @Nullable Object> row, List<TableColumns.Column> keyColumns) {
        if (keyColumns.size() == 1) {
            return Values.keyText(comparable(row.get(keyColumns.get(0).name())));
        }
        StringBuilder text = new StringBuilder();
        for (TableColumns.Column column : keyColumns) {
            if (text.length() > 0) {
                text.append('\u0000');
            }
            text.append(Values.keyText(comparable(row.get(column.name()))));
        }
        return text.toString();
    }

    /**
     * A key value as the key texts of zoned columns name it: an instant with an offset as its UTC date-time, so
     * that a key given without an offset (a column the catalog does not report as zoned, such as a PostgreSQL
     * domain over {@code timestamptz}) and the row read with one compare equal.
     */
    private static @Nullable Object comparable(@Nullable Object value) {
        return Values.utcKey(value);
    }

    private static List<TableColumns.Column> keyColumns(TableColumns columns, TableMapping mapping, Store side)
            throws SQLException {
        List<TableColumns.Column> keys = new ArrayList<>();
        for (String name : keyColumnNames(mapping, side)) {
            keys.add(columns.get(name));
        }
        return keys;
    }

    private static List<String> keyColumnNames(TableMapping mapping, Store side) {
        return side == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey();
    }

    /** {@code store}'s {@link StartZone}, learnt on {@code session} the first time it is asked. */
    private StartZone.Zone startZone(Store store, Connection session, CopyDialect dialect) throws SQLException {
        StartZone.Zone known = startZones.get(store);
        if (known == null) {
            known = StartZone.learn(dataSource(store), session, dialect);
            startZones.put(store, known);
        }
        return known;
    }

    private DataSource dataSource(Store store) {
        return store == Store.OLD ? oldDataSource : newDataSource;
    }

    private CopyDialect dialect(Store store, Connection connection) throws SQLException {
        CopyDialect known = dialects.get(store);
        if (known == null) {
            known = CopyDialect.of(Dialect.detect(connection));
            dialects.put(store, known);
        }
        return known;
    }

    /** A table's columns as read, and when. */
    private record ReadColumns(TableColumns columns, long at) {
    }

    /**
     * A table's metadata, read per store and table (outside any transaction, but for {@code locked}) and kept until a
     * sync fails or the read is older than the catalog's trust: a column added to both stores by a migration while
     * the copier runs was never read, and every sync after it wrote the rows without it, with nothing failing.
     *
     * @param locked {@code connection} is in the transaction that holds the keys' locks (the new-store guard's): the
     *               columns read before the locks were taken are used whatever their age, and read inside that
     *               transaction only when another sync's failure has forgotten them meanwhile (on PostgreSQL a name
     *               found only in its second spelling then fails the sync, which is recorded). Read in auto-commit,
     *               as on other sessions, the switch committed that transaction and, on PostgreSQL, released its
     *               locks for the rest of the sync, at its first sync of a table and after each refresh: a sync of
     *               the same key from the other direction then ran between this sync's read of its source and its
     *               write, and the stores ended holding each other's value
     */
    private TableColumns table(Store store, Connection connection, CopyDialect dialect, String table, boolean locked)
            throws SQLException {
        if (dialect == CopyDialect.MYSQL) {
            // asked on every session the copier borrows, before the table's columns are read there
            TableColumns.refuseHidden(connection, table, store.name().toLowerCase(Locale.ROOT), refreshNanos);
        }
        String key = cacheKey(store, table);
        ReadColumns read = tables.get(key);
        // under the locks, the columns the guard read just before it took them (DirectionGuard#take), however old
        TableColumns known = read == null || !locked && System.nanoTime() - read.at() >= refreshNanos ? null
                : read.columns();
        if (known == null) {
            boolean autoCommit = locked || connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            try {
                known = TableColumns.read(connection, dialect, table);
            } finally {
                if (!autoCommit) {
                    connection.setAutoCommit(false);
                }
            }
            tables.put(key, new ReadColumns(known, System.nanoTime()));
        }
        return known;
    }

    @Override
    public void catalogChanged(TableMapping mapping) {
        tables.remove(cacheKey(Store.OLD, mapping.table(Store.OLD)));
        tables.remove(cacheKey(Store.NEW, mapping.table(Store.NEW)));
    }

    private void forgetTables() {
        tables.clear(); // a table may be created or altered before the next attempt
    }

    private static String cacheKey(Store store, String table) {
        return store + "#" + table.toLowerCase(Locale.ROOT);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * Ends a transaction begun as text ({@link CopyDialect#beginAndLock}) after a failure. Should {@code ROLLBACK}
     * fail, the JDBC method is asked too (PostgreSQL's driver sends it while the server reports a transaction
     * open), so that the connection never goes back to its pool inside a transaction.
     */
    private static void rollbackTextQuietly(Connection connection, Throwable failure) {
        try {
            execute(connection, "ROLLBACK");
        } catch (SQLException textFailed) {
            failure.addSuppressed(textFailed);
            try {
                connection.setAutoCommit(false);
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "RowCopier[" + (migration == null ? "unscoped" : "migration " + migration) + "]";
    }
}
