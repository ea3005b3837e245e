package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.SqlText;
import io.dualwrite.jdbc.statement.TxControl;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection proxy. The physical connection is acquired at the first call that needs it, from the
 * store the phase makes authoritative then, and stays on that store. The keys each write touched are
 * buffered per transaction ({@link KeyBuffer}) and handed to the mirror after commit; a full rollback
 * discards them (a rollback to a savepoint keeps them: syncing an unchanged row changes nothing); a commit
 * that throws hands them over all the same, since its outcome is unknown and a sync copies whatever the
 * authoritative store holds; switching auto-commit on mid-transaction commits and hands over; closing
 * without commit rolls back explicitly before the connection goes back to its pool. Transaction control
 * sent as SQL text ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, …) is treated like the JDBC methods.
 * No connection to the other store is ever taken here: the sync acquires its own when it runs.
 */
final class ConnectionHandler implements InvocationHandler {

    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    final DataSourceConfig config;
    private final MirrorDispatcher dispatcher;
    private final @Nullable String user;
    private final @Nullable String password;
    private @Nullable Connection physical;
    private Store store = Store.OLD;
    private @Nullable Boolean pendingAutoCommit;
    private @Nullable Boolean pendingReadOnly;
    private @Nullable Integer pendingIsolation;
    private final KeyBuffer buffer;
    private boolean closed;
    /** A transaction opened by SQL text ({@code BEGIN}) while JDBC auto-commit is on. */
    private boolean sqlTransaction;
    /**
     * Whether auto-commit was last switched off by the application's SQL text ({@code SET autocommit = 0}, H2's {@code
     * SET AUTOCOMMIT FALSE}), not by JDBC: such a session is not lent to a sync ({@link #dispatchIdle}), whose JDBC
     * {@code setAutoCommit} calls around its read would leave the driver's (and the pool's) view of auto-commit at what
     * JDBC last set, so that after the text's own {@code SET autocommit = 1} the caller read {@code getAutoCommit()}
     * false where the raw driver says true.
     */
    private boolean autoCommitOffByText;
    /**
     * The keys of transactions that left the session ended or prepared and were not committed or rolled back here
     * yet, by transaction: a PostgreSQL prepared transaction by its gid as written (a session may prepare several
     * before it commits them), the session's MySQL/MariaDB XA transaction by {@link #XA_KEY}.
     */
    private final Map<String, Ended> ended = new java.util.HashMap<>(0);
    /** The key of {@link #ended} for the session's XA transaction (MySQL, MariaDB: one at a time per session). */
    private static final String XA_KEY = "";
    /** A procedure called in the open transaction may have committed it: its keys are handed over even on rollback. */
    private boolean mayHaveCommitted;
    /** The server's id of the session ({@link #serverIdFor}), once read. */
    private @Nullable Long serverId;
    private boolean serverIdRead;
    /** When ({@link System#nanoTime}) the last commit with keys was sent, for {@link SessionEnd}. */
    private long commitSentNanos;
    /** {@link AffectedRows#counted} of the physical connection, read on first need (a driver setting of its URL). */
    private @Nullable Boolean countsChangedRows;
    /**
     * An XA transaction is open on the session ({@code XA START} ran, no {@code XA COMMIT} or {@code XA ROLLBACK} yet):
     * MySQL and MariaDB refuse {@code COMMIT}, {@code ROLLBACK} and auto-commit in it, and it goes on.
     */
    private boolean xaOpen;
    /** The xid of the open XA transaction as its {@code XA START} named it, and whether it has been prepared. */
    private @Nullable String xaXid;
    private boolean xaPrepared;
    /**
     * The session's {@code auto_increment_increment} as read just before the insert {@link #stepReadFor} ran (0: not
     * read). Read again for every insert whose keys may be derived: a procedure, a function ({@code SELECT
     * set_step()}) or a pooled session's earlier borrower can change it without any text of the application's
     * showing it, and a step read once would derive keys of other rows.
     */
    private long autoIncrementStep;
    /** The insert {@link #autoIncrementStep} and {@link #autoIncrementLockMode} were read for. */
    private @Nullable StatementAnalysis stepReadFor;
    /** The server's {@code innodb_autoinc_lock_mode} (-1: unknown); 2 interleaves the keys of bulk inserts. */
    private int autoIncrementLockMode = -1;
    private Connection self;
    /** Sent by a {@link ReadStoreOverride} to the store its phase does not name: it runs reads only. */
    private boolean readsOnly;
    /**
     * The MySQL/MariaDB session holds table locks ({@code LOCK TABLES}): another session's read of a table it
     * write-locked waits until they are released, so keys are handed over only then ({@link #held}).
     */
    private boolean tablesLocked;
    /** Committed keys waiting for the session's table locks to be released, each with its outbox ids. */
    private final List<Map.Entry<KeyBuffer.Snapshot, @Nullable List<Long>>> held = new ArrayList<>(0);
    /**
     * The warnings of the application's last write on MySQL/MariaDB, read before the library's own statements
     * after it (a key read-back, the commit of a transaction opened for the write) reset the session's; answered
     * by {@code getWarnings()} until the application's next statement. {@code null}: ask the driver.
     */
    private @Nullable SQLWarning heldWarnings;
    /** The warnings of the application's last statement were read ({@link #holdWarnings}); {@link #warned}: any. */
    private boolean warningsRead;
    private boolean warned;
    /** Read-only was lifted for a transaction opened for one write ({@link #beginWriteTransaction}). */
    private boolean readOnlyLifted;
    /**
     * The application's statement (the driver's) whose execution runs statements of the library's on this session
     * first (a key pre-select), while it does ({@link #ownStatementsFor}); the statement of ours running for it; and
     * whether the application cancelled it meanwhile. The application bounds its statement with a query timeout and
     * stops it with {@code cancel()} from another thread: both reach what the library runs for it.
     */
    private volatile java.sql.@Nullable Statement runningFor;
    private volatile java.sql.@Nullable Statement ownRunning;
    private volatile boolean cancelledByCaller;

    private ConnectionHandler(DataSourceConfig config, MirrorDispatcher dispatcher, @Nullable String user,
                              @Nullable String password) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.buffer = new KeyBuffer(config.maxBufferedKeys());
        this.user = user;
        this.password = password;
    }

    static Connection proxy(DataSourceConfig config, MirrorDispatcher dispatcher, @Nullable String user,
                            @Nullable String password) {
        ConnectionHandler handler = new ConnectionHandler(config, dispatcher, user, password);
        handler.self = (Connection) DualWriteDataSource.newProxy(Connection.class, handler);
        return handler.self;
    }

    Connection self() {
        return self;
    }

    Store store() {
        return store;
    }

    /** The store this connection runs on once its physical connection is acquired; null before. */
    @Nullable Store acquiredStore() {
        return physical == null ? null : store;
    }

    KeyBuffer buffer() {
        return buffer;
    }

    /** See {@link #sessionCharsetChanged()}. */
    private boolean sessionCharsetChanged;
    /** Whether the session's character sets were read from the server on this connection. */
    private boolean sessionCharsetChecked;
    /**
     * A statement that may set the session's character sets, anywhere in its text (also in a version comment,
     * {@code /*!40101 SET NAMES latin1 *}{@code /}, or from a variable, {@code SET character_set_client := @cs}):
     * the sets are read from the server again before the next text key is taken as written.
     */
    private static final java.util.regex.Pattern SETS_CHARSET = java.util.regex.Pattern.compile(
            "(?is)\\bset\\b.{0,200}?\\b(?:names|character\\s+set|charset|character_set_\\w+|collation_connection)\\b");

    /**
     * Notes, before {@code sql} runs, whether it may set the MySQL or MariaDB session's character sets: they are
     * then read from the server again ({@link #sessionCharsetChanged}). The auto-increment step is read before every
     * insert whose keys may be derived from it ({@link #autoIncrementStep}).
     */
    void beforeSessionChange(String sql) {
        if (physical == null || config.dialect(store) != Dialect.MYSQL) {
            return;
        }
        // a session setting is short: a long statement is not scanned (a 1 MB update must not cost a search)
        if (sql.length() > 4096) {
            return;
        }
        if (!sessionCharsetChanged && SETS_CHARSET.matcher(sql).find()) {
            sessionCharsetChecked = false; // read again from the server when a text key is next written
        }
    }

    /**
     * Whether the MySQL or MariaDB session's character sets are others than UTF-8 while the driver speaks UTF-8:
     * the client's or the connection's ({@code SET NAMES latin1}: the server then stores text other than the text
     * written), or the results' ({@code SET character_set_results = latin1}, {@code NULL} or {@code binary}: the
     * keys the library reads back on the session, a pre-select's, come back as other text); text keys written on
     * this connection are unknown either way. Read from the server the first time it is asked on a connection
     * (one round trip per borrowed connection that writes a table with a text key: an earlier borrower may have
     * left it on the pooled session), and again after a statement that may have set it.
     */
    boolean sessionCharsetChanged() {
        if (!sessionCharsetChecked && !sessionCharsetChanged && physical != null
                && config.dialect(store) == Dialect.MYSQL) {
            // once per borrowed connection: an earlier borrower may have left SET NAMES latin1 on the pooled
            // session, which no statement of this one shows
            sessionCharsetChecked = true;
            try (java.sql.Statement statement = physical.createStatement();
                 java.sql.ResultSet names = statement.executeQuery("SELECT @@session.character_set_client,"
                         + " @@session.character_set_connection, @@session.character_set_results")) {
                if (names.next()) {
                    sessionCharsetChanged = !utf8(names.getString(1)) || !utf8(names.getString(2))
                            || !utf8(names.getString(3));
                }
            } catch (SQLException e) {
                log.debug("could not read the session's character sets: {}", Credentials.mask(e.toString()));
                sessionCharsetChanged = true; // unknown: the text keys written are unknown too
            }
        }
        return sessionCharsetChanged;
    }

    private static boolean utf8(@Nullable String charset) {
        return charset != null && charset.toLowerCase(java.util.Locale.ROOT).startsWith("utf8");
    }

    /**
     * After a write on {@code analysis}'s tables ({@link StatementAnalysis#writtenTables()}: the one it names, the
     * other targets of a multi-table write, its {@code WITH} items' targets, a token scan's of a text not parsed):
     * records a scoped resync of every mapped table the database may have changed under other names — a view or
     * partition of it was written, or a foreign key cascades into it from a written table or a view's base table
     * ({@link Metadata#cascadesFrom}: an {@code ON DELETE CASCADE} child loses rows that no statement named) — when
     * the write's phase mirrors. Never throws; the catalog is read under a savepoint (a failed read must not abort
     * the caller's PostgreSQL transaction).
     *
     * @return whether a resync was recorded
     */
    boolean cascade(StatementAnalysis analysis, java.util.function.Supplier<MigrationContext> contexts) {
        if (analysis.kind() == SqlKind.MULTIPLE) {
            // several statements in one text: each one's table may be a view or partition of a mapped table, or
            // cascade into one, as it would alone
            boolean recorded = false;
            for (StatementAnalysis part : analysis.parts()) {
                recorded |= cascade(part, contexts);
            }
            return recorded;
        }
        Reached reached = reached(analysis);
        if (reached.isEmpty()) {
            return false;
        }
        try {
            MigrationContext context = contexts.get(); // only now: most writes reach nothing
            if (!phaseForWrite(context).writes(store.other())) {
                return false;
            }
            reached.record(buffer, context);
            reached.all().forEach(this::noteWritten);
            return true;
        } catch (SQLException | RuntimeException e) {
            config.warn(log, "cascade/" + analysis.writtenTables(), "could not record what a write on {} reached: {}",
                    analysis.writtenTables(), Credentials.mask(e.toString()));
            return false;
        }
    }

    /** The mapped tables a write reaches under other names: as bases (views, partitions), and by cascades. */
    record Reached(java.util.Set<TableMapping> bases, java.util.Set<TableMapping> cascades) {

        private static final Reached NONE = new Reached(java.util.Set.of(), java.util.Set.of());

        static Reached none() {
            return NONE;
        }

        boolean isEmpty() {
            return bases.isEmpty() && cascades.isEmpty();
        }

        java.util.Set<TableMapping> all() {
            java.util.Set<TableMapping> all = new java.util.LinkedHashSet<>(bases);
            all.addAll(cascades);
            return all;
        }

        void record(KeyBuffer buffer, MigrationContext context) {
            bases.forEach(base -> buffer.resync(base, null, "view-or-partition", context));
            cascades.stream().filter(child -> !bases.contains(child))
                    .forEach(child -> buffer.resync(child, null, "cascade", context));
        }
    }

    /**
     * Reads (or finds cached) what a write of {@code analysis} (not several statements) reaches, without recording
     * anything: for each table it writes, the mapped tables it is a view or partition of, and those that foreign keys
     * cascade into from it or from the tables under the view. A delete (and a {@code REPLACE}, {@code MERGE}, {@code
     * TRUNCATE}, a text not parsed) follows {@code ON DELETE} rules; an update and an upsert follow {@code ON
     * UPDATE} rules unless they assign no column such a foreign key refers to ({@link
     * Metadata#updateCascadeColumns}); an upsert that only inserts or updates deletes nothing. Never throws: a
     * catalog that cannot be read is logged and reaches nothing, as before.
     */
    Reached reached(StatementAnalysis analysis) {
        List<String> tables = analysis.writtenTables();
        SqlKind kind = analysis.kind();
        if (tables.isEmpty() || physical == null || kind == SqlKind.SELECT && analysis.otherWritten().isEmpty()) {
            return Reached.none();
        }
        // created only when something is reached: every write on a mapped table comes here, and most reach nothing
        java.util.Set<TableMapping> bases = null;
        java.util.Set<TableMapping> cascades = null;
        List<String> assigned = analysis.assignedColumns();
        boolean upsertOnly = kind == SqlKind.UPSERT && assigned != null; // ON DUPLICATE KEY UPDATE, ON CONFLICT
        boolean deletes = kind != SqlKind.UPDATE && kind != SqlKind.INSERT && !upsertOnly;
        boolean updates = kind != SqlKind.DELETE && kind != SqlKind.INSERT;
        for (String table : tables) {
            boolean named = config.analyzer().mapping(table) != null;
            List<String> under = List.of();
            if (!named) {
                bases = added(bases, basesOf(table));
                List<String> names = config.metadata().knownBaseNames(store, table);
                under = names == null ? List.of() : names;
            }
            // the assigned columns are the table's own: through a view they may have other names
            cascades = added(cascades, cascadesOf(table, deletes, updates, assigned));
            for (String base : under) {
                cascades = added(cascades, cascadesOf(base, deletes, updates, null));
            }
        }
        return bases == null && cascades == null ? Reached.none()
                : new Reached(bases == null ? java.util.Set.of() : bases, cascades == null ? java.util.Set.of() : cascades);
    }

    /** {@code into} with {@code more} added, created when {@code more} is the first to add anything. */
    private static java.util.@Nullable Set<TableMapping> added(java.util.@Nullable Set<TableMapping> into,
                                                               java.util.Collection<TableMapping> more) {
        if (more.isEmpty()) {
            return into;
        }
        java.util.Set<TableMapping> set = into == null ? new java.util.LinkedHashSet<>() : into;
        set.addAll(more);
        return set;
    }

    /** The mapped tables a write on {@code table} (not mapped itself) reaches as a view or partition of them. */
    private List<TableMapping> basesOf(String table) {
        Metadata metadata = config.metadata();
        List<TableMapping> known = metadata.knownBasesOf(store, table);
        if (known != null && metadata.knownBaseNames(store, table) != null) {
            return known;
        }
        try {
            Dialect dialect = config.dialect(store, physical);
            Connection connection = physical;
            java.util.Collection<TableMapping> mappings = config.analyzer().mappings();
            return WriteExecution.catalogRead(connection, dialect, sqlTransaction,
                    () -> metadata.basesOf(store, connection, dialect, table, mappings));
        } catch (SQLException | RuntimeException e) {
            config.warn(log, "bases/" + table, "could not read whether {} is a view or partition of a mapped table: {}",
                    table, Credentials.mask(e.toString()));
            return List.of();
        }
    }

    /** The mapped tables foreign keys cascade into from {@code table}, for a write that deletes and/or updates. */
    private java.util.Set<TableMapping> cascadesOf(String table, boolean deletes, boolean updates,
                                                   @Nullable List<String> assigned) {
        Metadata metadata = config.metadata();
        List<TableMapping> knownDeletes = deletes ? metadata.knownCascadesFrom(store, table, true) : List.of();
        List<TableMapping> knownUpdates = updates ? metadata.knownCascadesFrom(store, table, false) : List.of();
        if (knownDeletes != null && knownUpdates != null && knownDeletes.isEmpty() && knownUpdates.isEmpty()) {
            return java.util.Set.of(); // the common case: read within the last minute, nothing cascades (no query)
        }
        try {
            Dialect dialect = config.dialect(store, physical);
            Connection connection = physical;
            java.util.Collection<TableMapping> mappings = config.analyzer().mappings();
            return WriteExecution.catalogRead(connection, dialect, sqlTransaction, () -> {
                java.util.Set<TableMapping> found = new java.util.LinkedHashSet<>();
                if (deletes) {
                    found.addAll(metadata.cascadesFrom(store, connection, dialect, table, true, mappings));
                }
                if (updates) {
                    List<TableMapping> children = metadata.cascadesFrom(store, connection, dialect, table, false, mappings);
                    List<String> referenced = children.isEmpty() || assigned == null ? null
                            : metadata.updateCascadeColumns(store, connection, dialect, table);
                    // an update that assigns no column a cascading foreign key refers to cascades nowhere
                    if (referenced == null || assigned.stream().anyMatch(referenced::contains)) {
                        found.addAll(children);
                    }
                }
                return found;
            });
        } catch (SQLException | RuntimeException e) {
            config.warn(log, "cascade/" + table, "could not read the foreign keys cascading from {}: {}", table,
                    Credentials.mask(e.toString()));
            return java.util.Set.of();
        }
    }

    /**
     * On MySQL/MariaDB, before a write runs: reads now the catalog facts and session values that the library would
     * otherwise read on this session right after it, the first time ({@link #cascade}'s foreign keys and views,
     * {@link #consecutiveKeys}'s step). {@code ROW_COUNT()} (and the warnings) answer the session's last statement,
     * which must then be the application's write, not a read of the library's. Never throws: what cannot be read
     * now is read after the write, as before.
     */
    void beforeWrite(StatementAnalysis analysis) {
        stepReadFor = null; // whatever was read for an earlier execution is not this one's
        if (physical == null || !isMySql()) {
            return;
        }
        if (analysis.kind() == SqlKind.MULTIPLE) {
            // and for each of several statements in one text: read after it, the catalog would be read while the
            // text's later results are still pending
            analysis.parts().stream().filter(StatementAnalysis::writesNamedTable).forEach(this::beforeWrite);
            return;
        }
        try {
            SqlKind kind = analysis.kind();
            reached(analysis); // read now, cached for the look-up after the write
            if (kind == SqlKind.INSERT && analysis.mappedWrite() && analysis.keysGenerated()
                    && analysis.insertRows().size() != 1) {
                readAutoIncrement(analysis);
            }
        } catch (RuntimeException e) {
            log.debug("could not read the catalog before a write: {}", Credentials.mask(e.toString()));
        }
    }

    /**
     * The mapped tables that the database may write on this connection's store because of a name {@code analysis}
     * mentions ({@link StatementAnalysis#names()}, {@link Metadata#readWriters}): a function that writes ({@code
     * SELECT bump(1)}, an update whose value comes from one), a view or a type calling one, a table whose default,
     * check or trigger calls one. Empty at once when no name of the store writes (most stores). The catalog is
     * read on this connection the first time (before the statement runs, so that no result set of it is open,
     * under a savepoint), then again in the background; a change found records a scoped resync of what it may have
     * written. Never throws: a catalog that cannot be read is logged and counts as no writes, as for {@link
     * #cascade}.
     */
    List<TableMapping> routineTables(StatementAnalysis analysis) {
        List<String> names = analysis.names();
        if (names.isEmpty() || physical == null) {
            return List.of();
        }
        Metadata metadata = config.metadata();
        Map<String, java.util.Set<TableMapping>> writers = metadata.knownWriters(store);
        if (writers == null) {
            try {
                Dialect dialect = config.dialect(store, physical);
                Connection connection = physical;
                java.util.Collection<TableMapping> mappings = config.analyzer().mappings();
                List<TableMapping> changed = WriteExecution.catalogRead(connection, dialect, sqlTransaction,
                        () -> metadata.readWriters(store, connection, dialect, mappings));
                changed.forEach(mapping -> dispatcher.recordCatalogChanged(mapping, store));
                writers = metadata.knownWriters(store);
            } catch (SQLException | RuntimeException e) {
                config.warn(log, "routines/" + config.migration(), "could not read the {} store's functions (a function"
                        + " that writes a mapped table may go unrecorded): {}", store, Credentials.mask(e.toString()));
            }
            if (writers == null) {
                return List.of();
            }
        }
        if (writers.isEmpty()) {
            return List.of();
        }
        java.util.Set<TableMapping> tables = null;
        if (names.size() == 1 && names.get(0).equals(SqlText.MANY_NAMES)) {
            String text = analysis.sql().toLowerCase(java.util.Locale.ROOT);
            for (Map.Entry<String, java.util.Set<TableMapping>> writer : writers.entrySet()) {
                String name = writer.getKey().startsWith(Writers.ON_WRITE)
                        ? writer.getKey().substring(Writers.ON_WRITE.length()) : writer.getKey();
                if (text.contains(name)) {
                    tables = tables == null ? new java.util.LinkedHashSet<>() : tables;
                    tables.addAll(writer.getValue());
                }
            }
        } else {
            // a table whose default, check or trigger calls a writing routine writes when a statement writes it
            boolean writes = analysis.kind() != io.dualwrite.jdbc.statement.SqlKind.SELECT;
            for (String name : names) {
                java.util.Set<TableMapping> written = writers.get(name);
                if (written == null && writes) {
                    written = writers.get(Writers.ON_WRITE + name);
                }
                if (written != null) {
                    tables = tables == null ? new java.util.LinkedHashSet<>() : tables;
                    tables.addAll(written);
                }
            }
        }
        return tables == null ? List.of() : List.copyOf(tables);
    }

    private static final java.util.regex.Pattern CATALOG_CHANGE = java.util.regex.Pattern.compile(
            "(?is)\\s*(?:create|alter|drop|comment|grant|revoke|rename)\\b.*");

    /**
     * After a statement that is not a write of a mapped table: one that may change the catalog (DDL) makes the
     * next statement read again which names write mapped tables ({@link Metadata#forgetWriters}).
     */
    void afterOtherStatement(StatementAnalysis analysis) {
        if (analysis.kind() == SqlKind.SELECT) {
            return;
        }
        if (TxControl.statements(analysis.sql()).stream().anyMatch(part -> CATALOG_CHANGE.matcher(part).lookingAt())) {
            config.metadata().forgetWriters(store);
        }
        tableLocksAfter(analysis.sql(), true);
    }

    /**
     * After {@code sql} ran ({@code succeeded}) or failed on MySQL/MariaDB: what its {@code LOCK TABLES} or {@code
     * UNLOCK TABLES} left of the session's table locks. A {@code LOCK TABLES} that failed released the locks held
     * before it, as it does before it takes new ones.
     */
    void tableLocksAfter(String sql, boolean succeeded) {
        if (!isMySql()) {
            return;
        }
        TxControl.TableLocks locks = TxControl.tableLocks(asRun(sql));
        if (locks == TxControl.TableLocks.LOCKED && succeeded) {
            tablesLocked = true;
        } else if (locks != TxControl.TableLocks.UNCHANGED) {
            tablesUnlocked();
        }
    }

    /**
     * After a statement that called functions which may write {@code tables}: records a scoped resync of each,
     * when the statement's phase mirrors (rows of any merchant may be written, so while any switch mirrors).
     * Never throws.
     *
     * @return whether a resync was recorded
     */
    boolean resyncRoutineTables(List<TableMapping> tables, java.util.function.Supplier<MigrationContext> contexts) {
        if (tables.isEmpty()) {
            return false;
        }
        try {
            MigrationContext context = contexts.get();
            if (!phaseForWrite(context, true).writes(store.other())) {
                return false;
            }
            tables.forEach(table -> buffer.resync(table, null, "function-call", context));
            tables.forEach(this::noteWritten);
            return true;
        } catch (SQLException | RuntimeException e) {
            config.warn(log, "routines/" + config.migration(), "could not record the writes of a function call: {}",
                    Credentials.mask(e.toString()));
            return false;
        }
    }

    /**
     * Reads, when due (once per catalog refresh and store), the other names under which statements write the
     * mapped tables ({@link Metadata#readOtherNames}) and tells the analyzer. Only on a connection in auto-commit,
     * as the pool handed it out: the read then joins no transaction of the application's. On the new store, before
     * this connection's first statement is rewritten for it, also the new tables' spellings ({@link
     * Metadata#readNewSpellings}) when due ({@link Metadata#newSpellingsDue}): also on a connection a pool hands out
     * outside auto-commit (the transaction of that catalog read, the connection's only one, is rolled back), and again
     * while a new table was not found, so that a table created after the last read is named as spelled. Never throws.
     */
    private void learnOtherNames(Store on, Connection connection) {
        Metadata metadata = config.metadata();
        boolean namesDue = metadata.otherNamesDue(on);
        boolean spellingsDue = on == Store.NEW
                && metadata.newSpellingsDue(config.analyzer().newSpellingMissing());
        if (!namesDue && !spellingsDue) {
            return;
        }
        try {
            boolean autoCommit = connection.getAutoCommit();
            Dialect dialect = config.dialect(on, connection);
            if (namesDue && autoCommit) {
                config.analyzer().otherNames(metadata.readOtherNames(on, connection, dialect,
                        config.analyzer().mappings()));
            }
            if (spellingsDue) {
                try {
                    config.analyzer().newSpellings(Metadata.readNewSpellings(connection,
                            config.analyzer().mappings()));
                    metadata.newSpellingsRead();
                } finally {
                    if (!autoCommit) {
                        connection.rollback(); // only the catalog read ran on this connection
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            config.warn(log, "other-names/" + on, "could not read the views and partitions of the mapped tables"
                    + " on the {} store: {}", on, Credentials.mask(e.toString()));
        }
    }

    /**
     * Whether the physical connection (MySQL or MariaDB) reports an UPDATE's changed rather than matched rows
     * ({@link AffectedRows#counted}): a setting of the connection, read by reflection once per connection.
     */
    boolean countsChangedRows() throws SQLException {
        if (countsChangedRows == null) {
            countsChangedRows = AffectedRows.counted(physical());
        }
        return countsChangedRows;
    }

    /** The physical connection, acquired from the authoritative store on first need. */
    Connection physical() throws SQLException {
        if (physical == null) {
            if (closed) {
                throw new SQLException("connection is closed");
            }
            MigrationContext context = MigrationContext.current().orElse(null);
            MigrationPhase phase = phaseOfNewConnection(config, context);
            store = phase.authoritative();
            if (context != null) {
                heldAuthority(withOurMigration(context, null, null));
            }
            Store routed = ReadStoreOverride.current(config.migration()).orElse(null);
            if (routed != null && routed != store) {
                log.debug("connection of migration {} routed for reads to the {} store (phase {} names the {} store)",
                        config.migration(), routed, phase, store);
                store = routed;
                readsOnly = true;
            }
            DataSource dataSource = config.dataSource(store);
            Connection connection = user == null ? dataSource.getConnection() : dataSource.getConnection(user, password);
            try {
                learnOtherNames(store, connection);
                if (pendingAutoCommit != null) {
                    connection.setAutoCommit(pendingAutoCommit);
                }
                if (pendingReadOnly != null) {
                    connection.setReadOnly(pendingReadOnly);
                }
                if (pendingIsolation != null) {
                    connection.setTransactionIsolation(pendingIsolation);
                }
                config.dialect(store, connection);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            if (log.isDebugEnabled()) { // on every connection's first statement: no argument array when off
                log.debug("connection of migration {} runs on the {} store (phase {})", config.migration(), store, phase);
            }
            physical = connection;
        }
        return physical;
    }

    /**
     * Refuses a statement that a {@link ReadStoreOverride} forbids here: anything but a read or transaction
     * control on a connection the override sent to the store its phase does not name, and a read of a mapped
     * table on a connection acquired on another store than the override now names.
     */
    void checkReadRoute(StatementAnalysis analysis) throws SQLException {
        if (analysis.txControl() != io.dualwrite.jdbc.statement.TxControl.NONE) {
            return;
        }
        boolean read = analysis.kind() == io.dualwrite.jdbc.statement.SqlKind.SELECT && !analysis.mayWriteMapped();
        if (readsOnly && !read) {
            throw new SQLException("this connection of migration " + config.migration() + " was routed to the "
                    + store + " store for reads only (ReadStoreOverride), and refuses a statement that is not a SELECT;"
                    + " run writes outside the override");
        }
        if (read && analysis.mapped()) {
            Store routed = ReadStoreOverride.current(config.migration()).orElse(null);
            if (routed != null && routed != store) {
                throw new SQLException("reads of migration " + config.migration() + " are routed to the " + routed
                        + " store on this thread (ReadStoreOverride), but this connection was acquired on the " + store
                        + " store before the override opened (e.g. by an enclosing transaction); open the override"
                        + " before the connection is first used");
            }
        }
    }

    /** The context of a write: the open one, else ids read from the statement, else one without ids. */
    MigrationContext contextFor(StatementAnalysis analysis, List<@Nullable Object> values) {
        return contextFor(analysis, values, null);
    }

    /**
     * {@link #contextFor(StatementAnalysis, List)} of a batch entry added while {@code added} was open (null: none
     * was): the context it was added in is its write's, whatever scope is open when the batch is sent (the entries
     * of one merchant sent later inside another merchant's scope, or outside any, stay that merchant's writes).
     */
    MigrationContext contextFor(StatementAnalysis analysis, List<@Nullable Object> values,
                                @Nullable MigrationContext added) {
        MigrationContext current = added != null ? added : MigrationContext.current().orElse(null);
        if (current != null) {
            return withOurMigration(current, null, null);
        }
        return withOurMigration(null, text(analysis.agreedId(true, values)), text(analysis.agreedId(false, values)));
    }

    /** {@link #phaseUpgraded()} of the last {@link #phaseForWrite} (a connection serves one thread at a time). */
    private boolean phaseUpgraded;

    /**
     * The contexts whose phase made this connection's store authoritative when it was acquired or when one of its
     * writes ran (at most {@value #MAX_HELD_AUTHORITY}): a later write under one of them whose phase names the other
     * store is a switch that moved while the connection wrote, not a write without the row's authority, so it runs
     * here and is recorded by the sync instead of being refused.
     */
    private java.util.@Nullable Set<MigrationContext> authorityHere;

    private static final int MAX_HELD_AUTHORITY = 256;

    private void heldAuthority(MigrationContext context) {
        // made at the first context: most handles never write under one, and one is made per getConnection()
        if (authorityHere == null) {
            authorityHere = new java.util.HashSet<>();
        }
        if (authorityHere.size() < MAX_HELD_AUTHORITY) {
            authorityHere.add(context);
        }
    }

    /**
     * The phase of a write under {@code context}; see docs/jdbc-routing.md for statements without any id.
     *
     * @throws SQLException when the write's own phase makes the other store authoritative: this connection's
     *                      store was chosen before (by an earlier statement of the transaction, under another or
     *                      no context), and a transaction cannot move. Run there, the row would land only in the
     *                      store that is not authoritative for it, and the copier, which goes by the row's phase,
     *                      would never bring it over; so the write is refused, before it runs
     */
    MigrationPhase phaseForWrite(MigrationContext context) throws SQLException {
        return phaseForWrite(context, false);
    }

    /**
     * {@link #phaseForWrite(MigrationContext)} of a statement whose rows may not be in the phase its ids name
     * ({@code rowsMayLeave}): an upsert (the row it meets may be another merchant's), an update assigning a key,
     * order-id or merchant-id column (the row moves). Then, as under an open context, while any switch mirrors
     * the keys are collected and the copier decides each row by its own ids.
     */
    MigrationPhase phaseForWrite(MigrationContext context, StatementAnalysis analysis) throws SQLException {
        return phaseForWrite(context, analysis.kind() == SqlKind.UPSERT
                || (analysis.kind() == SqlKind.UPDATE && analysis.movesRows()));
    }

    private MigrationPhase phaseForWrite(MigrationContext context, boolean rowsMayLeave) throws SQLException {
        phaseUpgraded = false;
        if (context.orderId().isEmpty() && context.merchantId().isEmpty() && MigrationContext.current().isEmpty()) {
            MigrationPhase phase = unattributedPhase();
            if (log.isDebugEnabled()) { // on every such write
                log.debug("write without context or id in migration {}: resolved to {}", config.migration(), phase);
            }
            // mirrored by the unattributed rule although a context without ids (the system phase) does not mirror
            phaseUpgraded = phase.writes(store.other())
                    && !config.resolver().resolveWrite(context).phase().writes(store.other());
            if (!phase.writes(store.other())) {
                noteUnmirrored(context, true, true);
            }
            return phase;
        }
        MigrationPhase phase = config.resolver().resolveWrite(context).phase();
        if (phase.authoritative() == store) {
            heldAuthority(context);
        } else if (authorityHere != null && authorityHere.contains(context)) {
            // the switch moved while this connection wrote under it: the write runs where the transaction is (the
            // caller does not fail because of a flip); its keys are collected, and the sync at its end, which goes
            // by the row's phase then, refuses to copy over the store now authoritative and records the keys
            // (authority-moved), to be compared and repaired
            config.warn(log, "authority-moved/" + config.migration(), "a switch of migration {} moved while a"
                    + " connection on the {} store wrote under {}: the write runs there and its keys are recorded"
                    + " (authority-moved) for the {} store, now authoritative (phase {})", config.migration(), store,
                    describe(context), store.other(), phase);
        } else {
            throw new SQLException("dualwrite refused a write of migration '" + config.migration() + "' ("
                    + describe(context) + ", phase " + phase + "): its authoritative store is the "
                    + phase.authoritative().name().toLowerCase(java.util.Locale.ROOT) + " one, but this connection"
                    + " runs on the " + store.name().toLowerCase(java.util.Locale.ROOT) + " store, chosen when the"
                    + " connection was first used (its transaction cannot move); open the MigrationContext before"
                    + " the transaction's first statement (with Spring, put @DualWrite on the outermost"
                    + " @Transactional method), or write this merchant's rows in a transaction of their own",
                    "25000");
        }
        if (!phase.writes(store.other()) && (MigrationContext.current().isPresent() || rowsMayLeave)) {
            // The open context does not mirror, but the rows the statement writes may belong to a merchant or
            // order that does (the row's own ids decide its copy): while any switch mirrors, the keys are
            // collected all the same and the copier skips each row whose own phase does not mirror.
            MigrationPhase any = unattributedPhase();
            if (any.writes(store.other())) {
                phaseUpgraded = true;
                return any;
            }
        }
        if (!phase.writes(store.other())) {
            noteUnmirrored(context, false, MigrationContext.current().isPresent() || rowsMayLeave);
        }
        return phase;
    }

    /**
     * Notes a write that does not mirror under its phase: should a switch move before the transaction ends, its commit
     * is that of a write that mirrors, whose keys were never collected ({@link #takeEnded}). In auto-commit too: the
     * write commits when its statement returns, which may be long after it was resolved (it waited for a row lock),
     * after a backfill that started once every instance had seen the move read the row, and the hand-over after the
     * statement resolves it again the same way.
     */
    private void noteUnmirrored(MigrationContext context, boolean unattributed, boolean mayUpgrade) {
        buffer.unmirrored(context, unattributed, mayUpgrade);
    }

    /**
     * What the ending transaction leaves to sync ({@link KeyBuffer#take}), after its writes that did not mirror as they
     * ran are resolved again: one that would mirror now (a switch, a rule or a pin moved while the transaction was
     * open: {@code OLD_ONLY} to {@code DUAL_WRITE}, {@code NEW_ONLY} to {@code NEW_PRIMARY}) commits rows the other
     * store must get, whose keys were not collected, so every mapped table gets a scoped resync (the tables such a
     * write reached through views and cascades were not read either). Resolved as {@link #phaseForWrite} resolves:
     * a phase that does not move gives the answer it gave then, so nothing is recorded. While no switch of the
     * migration mirrors anything (the resolver's unattributed phase does not), nothing can: no context is resolved
     * (no order pin is read) on the commits of {@code OLD_ONLY}.
     */
    private KeyBuffer.Snapshot takeEnded() {
        if (driverObjectOut) {
            resyncDriverWrites();
        }
        java.util.Set<KeyBuffer.Unmirrored> writes = buffer.unmirrored();
        taken = writes.isEmpty() ? List.of() : List.copyOf(writes);
        KeyBuffer.Unmirrored moved = mirroringNow(writes);
        movedAtEnd = moved != null;
        if (moved != null) {
            log.debug("a switch of migration {} moved while a transaction wrote under {}: its tables are resynced",
                    config.migration(), moved.context());
            resyncAllMoved(buffer, moved);
        }
        return buffer.take();
    }

    /** The first of {@code writes} (that did not mirror as they ran) that would mirror now; null when none would. */
    private KeyBuffer.@Nullable Unmirrored mirroringNow(java.util.Collection<KeyBuffer.Unmirrored> writes) {
        if (writes.isEmpty() || !anyMirrors()) {
            return null;
        }
        for (KeyBuffer.Unmirrored write : writes) {
            if (mirrorsNow(write)) {
                return write;
            }
        }
        return null;
    }

    /**
     * Whether {@code unwrap} of this connection, or of a statement, result set or metadata of it, handed the
     * application the driver's own object ({@link #driverObjectHandedOut}); for the rest of this session.
     */
    private boolean driverObjectOut;

    /**
     * {@code unwrap} handed the application a driver object of this session (its connection class, {@code
     * PGConnection} and the {@code COPY} it offers, a statement, result set or metadata, each leading to the raw
     * connection): what is written through it is never seen here, neither its keys nor its tables. From now on until
     * the session closes, every mapped table gets a scoped resync ({@code driver-object}) at once in auto-commit (at
     * the first such object only), and
     * at each end of a transaction (commit or rollback, since the driver object may commit on its own) and at close,
     * while any switch of the migration mirrors. Never throws: the caller gets its object.
     */
    void driverObjectHandedOut() {
        if (driverObjectOut) {
            return; // recorded at the first; the transaction's end and the close record again
        }
        driverObjectOut = true;
        try {
            if (physical != null && physical.getAutoCommit() && !sqlTransaction) {
                resyncDriverWrites();
                handOver(null);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("auto-commit unknown after a driver object was handed out: the resync waits for the"
                    + " transaction's end: {}", Credentials.mask(e.toString()));
        }
    }

    /** A scoped resync ({@code driver-object}) of every mapped table into the buffer, while any write may mirror. */
    private void resyncDriverWrites() {
        if (!anyMirrors()) {
            return;
        }
        MigrationContext context = withOurMigration(MigrationContext.current().orElse(null), null, null);
        config.analyzer().mappings().forEach(mapping -> buffer.resync(mapping, null, "driver-object", context));
    }

    /** A scoped resync ({@code phase-moved}) of every mapped table into {@code into}, under {@code moved}'s context. */
    private void resyncAllMoved(KeyBuffer into, KeyBuffer.Unmirrored moved) {
        config.analyzer().mappings().forEach(mapping -> into.resync(mapping, null, "phase-moved", moved.context()));
    }

    /**
     * The writes that did not mirror which the last {@link #takeEnded} took: noted again when the transaction goes on
     * after all (a commit that threw, dynamic SQL that may or may not have committed), so that its real end resolves
     * them again.
     */
    private List<KeyBuffer.Unmirrored> taken = List.of();

    /** Whether the last {@link #takeEnded} found a write that did not mirror as it ran but mirrors now. */
    private boolean movedAtEnd;

    /**
     * The writes that did not mirror which the last {@link #takeEnded} took, unless it found one that mirrors now (its
     * tables are resynced already): for a transaction that left the session ended or prepared ({@code XA END}, {@code
     * PREPARE TRANSACTION}), which a switch may still move under before its commit makes its rows visible.
     */
    private List<KeyBuffer.Unmirrored> stillUnmirrored() {
        return movedAtEnd ? List.of() : taken;
    }

    /**
     * A transaction that left the session ended or prepared ({@code held}) commits: its writes that did not mirror as
     * they ran, nor at its end, are resolved again, and when one mirrors now (a switch, rule or pin moved after {@code
     * XA END} or {@code PREPARE TRANSACTION}) every mapped table gets a scoped resync, as {@link #takeEnded} gives them.
     * Also for a commit of unknown outcome: a resync of rows that did not change is harmless.
     */
    private void resolveAtCommit(Ended held) {
        KeyBuffer.Unmirrored moved = mirroringNow(held.unmirrored());
        if (moved != null) {
            log.debug("a switch of migration {} moved while a two-phase transaction written under {} waited for its"
                    + " commit: its tables are resynced", config.migration(), moved.context());
            KeyBuffer resyncs = new KeyBuffer(1);
            resyncAllMoved(resyncs, moved);
            dispatch(resyncs.take(), null);
        }
    }

    /** Notes again the writes that did not mirror which the last {@link #takeEnded} took ({@link #taken}). */
    private void restoreUnmirrored() {
        taken.forEach(write -> buffer.unmirrored(write.context(), write.unattributed(), write.mayUpgrade()));
    }

    /** Whether any write of the migration may mirror now: some switch, rule or the system phase mirrors. */
    private boolean anyMirrors() {
        try {
            return config.resolver().resolveUnattributed(config.migration()).phase().writes(store.other())
                    || unattributedPhase().writes(store.other());
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    /** Whether {@code write}, which did not mirror as it ran, would mirror now ({@link #phaseForWrite}'s rule). */
    private boolean mirrorsNow(KeyBuffer.Unmirrored write) {
        try {
            if (write.unattributed()) {
                return unattributedPhase().writes(store.other());
            }
            return config.resolver().resolveWrite(write.context()).phase().writes(store.other())
                    || (write.mayUpgrade() && unattributedPhase().writes(store.other()));
        } catch (RuntimeException unknown) {
            config.warn(log, "phase-moved/" + config.migration(), "could not resolve the phase of a write again at its"
                    + " commit, its tables are resynced: {}", Credentials.mask(unknown.toString()));
            return true;
        }
    }

    /**
     * Whether the phase the last {@link #phaseForWrite} returned mirrors only by the unattributed rule: the write's
     * context alone (its ids, else none: the system phase) resolved then to a phase that does not write the other
     * store. The copier decides such a write's rows by their own ids ({@link WriteExecution}).
     */
    boolean phaseUpgraded() {
        return phaseUpgraded;
    }

    /**
     * Whether a write that does not mirror by its context may still mirror by the ids its row is stored under, while
     * some switch or rule of the migration mirrors something: an insert with the key in its text whose table's order
     * id is its primary key (a trigger may move the key), or an insert or update of a table whose mapping names an
     * order or merchant id column (a trigger may set another id: {@code SET NEW.merchant_id = …}). The caller asks
     * the catalog whether such a trigger exists ({@link WriteExecution#rowIdsMayMove}) only then.
     */
    boolean mayMirrorByStoredKey(StatementAnalysis analysis) {
        io.dualwrite.jdbc.statement.SqlKind kind = analysis.kind();
        if (!analysis.mappedWrite() || (kind != io.dualwrite.jdbc.statement.SqlKind.INSERT
                && kind != io.dualwrite.jdbc.statement.SqlKind.UPDATE)) {
            return false;
        }
        // a key that is the order id is an id column too; which trigger may move what is rowIdsMayMove's to tell
        TableMapping mapping = analysis.mapping();
        return (mapping.orderIdColumn().isPresent() || mapping.merchantIdColumn().isPresent())
                && unattributedPhase().writes(store.other());
    }

    /**
     * The phase of an insert that {@link #mayMirrorByStoredKey} and whose table may store it under another key: the
     * unattributed one (it mirrors), marked as upgraded, so that the copier decides each row by its own ids.
     */
    MigrationPhase upgradeForStoredKey() {
        phaseUpgraded = true;
        return unattributedPhase();
    }

    /**
     * Whether an insert that does not mirror by its context may mirror by the key it generates: its table's
     * order id is its generated primary key, and some switch or rule of the migration mirrors something.
     */
    boolean mayMirrorByGeneratedKey(StatementAnalysis analysis) {
        if (analysis.kind() != io.dualwrite.jdbc.statement.SqlKind.INSERT || !analysis.keysGenerated()
                || analysis.mapping().primaryKey().size() != 1) {
            return false;
        }
        String orderColumn = analysis.mapping().orderIdColumn().orElse(null);
        return orderColumn != null && orderColumn.equalsIgnoreCase(analysis.mapping().primaryKey().get(0))
                && config.resolver().resolveUnattributed(config.migration()).phase().writes(store.other());
    }

    private static String describe(MigrationContext context) {
        StringBuilder text = new StringBuilder();
        context.merchantId().ifPresent(id -> text.append("merchant '").append(id).append('\''));
        context.orderId().ifPresent(id -> text.append(text.length() > 0 ? ", " : "").append("order '").append(id)
                .append('\''));
        return text.length() > 0 ? text.toString() : "the open context";
    }

    /** Buffers a generated key when the phase of its own order id mirrors. */
    void bufferIfKeyMirrors(TableMapping mapping, List<Object> key, MigrationContext context) {
        if (key.isEmpty() || key.get(0) == null) {
            return;
        }
        MigrationContext keyed = context.withOrderId(key.get(0).toString());
        MigrationPhase phase = config.resolver().resolveWrite(keyed).phase();
        if (phase.writes(store.other())) {
            buffer.add(mapping, KeyCodec.encode(key), io.dualwrite.changelog.Operation.INSERT, keyed, phase, false,
                    System.nanoTime());
        }
    }

    /**
     * The phase of work that no context or id attributes to an order or merchant: {@code noContextPhase} when
     * configured, else {@link io.dualwrite.switches.PhaseResolver#resolveUnattributed}, which mirrors whenever
     * any switch of the migration asks some order or merchant to be mirrored (never a guess that skips one).
     */
    private MigrationPhase unattributedPhase() {
        return unattributedPhase(config);
    }

    private static MigrationPhase unattributedPhase(DataSourceConfig config) {
        MigrationPhase configured = config.noContextPhase();
        return configured != null ? configured : config.resolver().resolveUnattributed(config.migration()).phase();
    }

    /** The phase a connection acquired now under {@code context} (null: none open) takes its store from. */
    private static MigrationPhase phaseOfNewConnection(DataSourceConfig config, @Nullable MigrationContext context) {
        return context != null
                ? config.resolver().resolveRead(withOurMigration(config, context, null, null)).phase()
                : unattributedPhase(config);
    }

    /**
     * The store a connection of {@code config} acquired now on this thread would run on: the authoritative store of
     * the current context's read phase (the unattributed rule's without one), or the store a {@link ReadStoreOverride}
     * routes to. See {@link DualWriteDataSource#storeForNewConnection()}.
     */
    static Store storeOfNewConnection(DataSourceConfig config) {
        Store routed = ReadStoreOverride.current(config.migration()).orElse(null);
        return routed != null ? routed
                : phaseOfNewConnection(config, MigrationContext.current().orElse(null)).authoritative();
    }

    private MigrationContext withOurMigration(@Nullable MigrationContext current, @Nullable String orderId,
                                              @Nullable String merchantId) {
        return withOurMigration(config, current, orderId, merchantId);
    }

    private static MigrationContext withOurMigration(DataSourceConfig config, @Nullable MigrationContext current,
                                                     @Nullable String orderId, @Nullable String merchantId) {
        if (current != null && current.migration().equals(config.migration())) {
            return current;
        }
        MigrationContext.Builder builder = MigrationContext.forMigration(config.migration());
        if (current != null) {
            builder.orderId(current.orderId().orElse(null)).merchantId(current.merchantId().orElse(null))
                    .userId(current.userId().orElse(null));
        } else {
            builder.orderId(orderId).merchantId(merchantId);
        }
        return builder.build();
    }

    /**
     * An id bound to a write as the switches name it ({@link io.dualwrite.internal.IdText}): a merchant bound as
     * {@code setBigDecimal(7.00)} or {@code setDouble(7.0)} is merchant 7, as the copier reads the row's column.
     * Null (no id: the write is unattributed, and the copier decides each row by its own column) for a text that
     * spells a number other than by its plain digits ({@code '+7'}, {@code ' 7'}, {@code '07'}, {@code '7.0'}): a
     * number column stores it as 7, which the switches name, while a text column keeps the text; which one the column
     * is, is not known on the caller's thread without a catalog read.
     */
    static @Nullable String text(@Nullable Object value) {
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        if (value instanceof String spelt && NUMBER.matcher(spelt).matches()) {
            try {
                if (!io.dualwrite.internal.IdText.of(new java.math.BigDecimal(spelt.strip())).equals(spelt)) {
                    return null;
                }
            } catch (NumberFormatException exponentBeyondAnInt) {
                return null;
            }
        }
        return io.dualwrite.internal.IdText.of(value);
    }

    /** A number's text as a number column reads it: sign, digits, a point, an exponent, spaces around. */
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("\\s*[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?\\s*");

    /**
     * After an authoritative write whose keys went to the buffer: hands them over at once in auto-commit,
     * else keeps them until commit. {@code wrapped} says the statement ran in a transaction opened for it
     * (auto-commit, for the outbox or to hold the key pre-select's locks): it is committed here.
     */
    void afterWrite(boolean wrapped) throws SQLException {
        Connection connection = physical();
        if (wrapped) {
            KeyBuffer.Snapshot snapshot = takeEnded();
            @Nullable List<Long> ids = dispatcher.writeOutbox(connection, store, snapshot, sqlTransaction);
            boolean committed = false;
            boolean restored = false;
            try {
                connection.commit();
                committed = true;
            } finally {
                try {
                    connection.setAutoCommit(true);
                    restoreReadOnly(connection);
                    restored = true;
                } catch (SQLException | RuntimeException e) {
                    if (committed && !sessionGone(connection)) {
                        throw e;
                    }
                    // the commit's own failure goes to the application; or it committed and the session was closed
                    // since: the statement keeps its result, and the next call meets the driver's own error
                } finally {
                    // also when the commit or restoring the session threw: its outcome is unknown
                    if (committed && restored && !sqlTransaction) {
                        dispatchIdle(connection, snapshot, ids);
                    } else {
                        dispatch(committed ? snapshot : snapshot.withoutExpectations(), ids);
                    }
                }
            }
            return;
        }
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException | RuntimeException e) {
            if (!sessionGone(connection)) {
                throw e;
            }
            // the session was closed after the write's answer (an eviction or shutdown of the pool, an abort, the
            // network): in auto-commit the write committed, in a transaction it did not, and which is unknown. Its
            // keys are handed over as those of a commit whose outcome is unknown (a sync of an unchanged row changes
            // nothing), and the statement keeps its result; the next call meets the driver's error for a closed one
            mayHaveCommitted = false;
            dispatch(takeEnded().withoutExpectations(), null);
            return;
        }
        if (autoCommit && !sqlTransaction) {
            buffer.removalsCommitted();
            mayHaveCommitted = false;
            if (!buffer.isEmpty() || !buffer.unmirrored().isEmpty()) {
                if (isMySql()) {
                    // not lent: ROW_COUNT() would answer the copier's statements instead of this write
                    dispatch(takeEnded(), null);
                } else {
                    dispatchIdle(connection, takeEnded(), null);
                }
            }
        }
    }

    /** Whether {@code connection}'s session is gone (closed or aborted, by the pool or the network). Never throws. */
    private static boolean sessionGone(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException | RuntimeException e) {
            return true;
        }
    }

    private void handOver(@Nullable List<Long> outboxIds) {
        mayHaveCommitted = false; // no key is left to be committed or not
        if (buffer.isEmpty() && buffer.unmirrored().isEmpty()) {
            return; // a write that mirrors nothing (OLD_ONLY) allocates nothing here
        }
        dispatch(takeEnded(), outboxIds);
    }

    /** The MySQL or MariaDB server's version as {@link TxControl#asRun} reads it; -1 for another product; null: not read. */
    private @Nullable Long serverVersion;
    private boolean mariadb;

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /**
     * The statement {@code analysis} as this session's server runs it, for what it does to the transaction: the
     * analysis itself unless its text holds an executable comment ({@code /*!99999 COMMIT *}{@code /}) that the
     * server runs otherwise than the analysis, which is shared by every server, read it. MySQL and MariaDB skip a
     * comment of a later version (and MySQL MariaDB's {@code /*M! … *}{@code /}); PostgreSQL and H2 run none of them.
     * Then the analysis of the text as run, when either reads transaction control in it: the control the server does
     * run, or the statements it runs without the control that it skips ({@code UPDATE …; /*!40101 ROLLBACK *}{@code /}
     * on PostgreSQL is an update). The same for a text the server lexes otherwise than the shared analysis
     * ({@link TxControl#asLexedBy}): {@code UPDATE t SET c = '\\';ROLLBACK;#'} is one update on MySQL and MariaDB,
     * {@code UPDATE t SET q = q # 0; COMMIT} an update and a commit on PostgreSQL.
     */
    StatementAnalysis controlAsRun(StatementAnalysis analysis) {
        String sql = analysis.sql();
        List<TxControl.Lexing> lexings = physical == null ? List.of(TxControl.Lexing.STANDARD)
                : SessionLexing.possible(physical, config.dialect(store, physical), sql);
        StatementAnalysis resolved = asRun(analysis, lexings.get(0));
        if (lexings.size() > 1 && !readAlike(analysis, resolved, lexings)) {
            // the session's settings decide what the text does to the transaction, and the driver does not say them
            Dialect dialect = config.dialect(store, physical);
            TxControl.Lexing asked = SessionLexing.mayChange(sql) ? null : SessionLexing.asked(physical, dialect);
            if (asked == null) {
                // not known: as dynamic SQL, any control may run and any mapped table be written
                return StatementAnalysis.dynamic(sql, TxControl.DYNAMIC, List.copyOf(config.analyzer().mappings()));
            }
            resolved = asRun(analysis, asked);
        }
        return dynamicAsRun(resolved);
    }

    /** {@code analysis} as the session runs it when it lexes as {@code lexing} says ({@link #controlAsRun}). */
    private StatementAnalysis asRun(StatementAnalysis analysis, TxControl.Lexing lexing) {
        String sql = analysis.sql();
        String run = asRun(sql, lexing);
        if (run.equals(sql)) {
            return analysis;
        }
        StatementAnalysis resolved = config.analyzer().analyze(run);
        return resolved.txControl() == TxControl.NONE && analysis.txControl() == TxControl.NONE ? analysis : resolved;
    }

    /**
     * Whether every reading of {@code analysis}'s text in {@code lexings} does to the transaction what {@code first}
     * (the first's) does: the same single control, or none, with the writes read alike.
     */
    private boolean readAlike(StatementAnalysis analysis, StatementAnalysis first, List<TxControl.Lexing> lexings) {
        for (TxControl.Lexing lexing : lexings.subList(1, lexings.size())) {
            StatementAnalysis other = asRun(analysis, lexing);
            if (other == first || other.sql().equals(first.sql())) {
                continue;
            }
            if (other.txControl() != first.txControl() || first.txControl() == TxControl.MIXED
                    || (first.txControl() == TxControl.NONE && first != analysis)) {
                return false;
            }
        }
        return true;
    }

    /** The statements this MySQL or MariaDB session prepared by SQL text, by name ({@link TxControl#trackPrepared}). */
    private final Map<String, TxControl.Dynamic> preparedTexts = new HashMap<>();

    /**
     * Whether {@code analysis}'s text holds a word every statement of dynamic SQL holds: looked up among the names
     * the cached analysis keeps ({@link StatementAnalysis#names()}, every identifier of the text, lower case), so
     * that an ordinary write does not scan its text again; the text itself when no names were kept.
     */
    private static boolean mayBeDynamic(StatementAnalysis analysis) {
        List<String> names = analysis.names();
        if (names.isEmpty() || names.contains(SqlText.MANY_NAMES)) {
            return MAY_BE_DYNAMIC.matcher(analysis.sql()).find();
        }
        return names.contains("execute") || names.contains("prepare");
    }

    /** A word every statement of dynamic SQL holds: a cheap look before the text is read. */
    private static final java.util.regex.Pattern MAY_BE_DYNAMIC = java.util.regex.Pattern.compile(
            "(?i)\\b(?:execute|prepare)\\b");

    /**
     * On MySQL and MariaDB, dynamic SQL ({@code analysis}) as the session runs it: {@code EXECUTE IMMEDIATE 'COMMIT'}
     * and {@code EXECUTE s} of {@code PREPARE s FROM 'ROLLBACK'} are the control of their text, run exactly as it;
     * an {@code EXECUTE} of a text that is no control writes the mapped tables that text may write (a scoped resync
     * of each), and one of a text on no mapped table is read as that text (DDL commits); an {@code EXECUTE} whose
     * text is not known here ({@code PREPARE s FROM @sql}, a name deallocated, or prepared out of sight: by a
     * procedure, by an earlier borrower of a pooled session) is {@link TxControl#DYNAMIC}; {@code PREPARE} and
     * {@code DEALLOCATE PREPARE} run nothing and are kept track of. Anything else is {@code analysis}.
     */
    private StatementAnalysis dynamicAsRun(StatementAnalysis analysis) {
        String sql = analysis.sql();
        if (analysis.txControl() != TxControl.NONE || !isMySql() || !mayBeDynamic(analysis)) {
            return analysis;
        }
        TxControl.Dynamic dynamic = TxControl.dynamicText(sql, preparedTexts);
        if (dynamic == null) {
            boolean tracked = TxControl.trackPrepared(sql, preparedTexts);
            return tracked ? StatementAnalysis.dynamic(sql, TxControl.NONE, List.of()) : analysis;
        }
        String text = dynamic.text();
        StatementAnalysis run = text == null ? null : config.analyzer().analyze(text);
        if (run == null || run.txControl() == TxControl.MIXED) {
            // any statement may run: it may end or open the transaction, and write any mapped table
            return StatementAnalysis.dynamic(sql, TxControl.DYNAMIC, List.copyOf(config.analyzer().mappings()));
        }
        if (run.txControl() != TxControl.NONE) {
            return run;
        }
        if (run.mayWriteMapped()) {
            return StatementAnalysis.dynamic(sql, TxControl.NONE, run.writtenMappings());
        }
        // a text that writes no mapped table (DDL, SET, a query): read as that text, for its implicit commit
        return run.mapped() ? StatementAnalysis.dynamic(sql, TxControl.NONE, List.of()) : run;
    }

    /**
     * After dynamic SQL whose text is not known here ran ({@link TxControl#DYNAMIC}), or failed: it may have written
     * any mapped table, so each gets a scoped resync ({@code dynamic-sql}) when the write mirrors; it may have
     * committed, so what the transaction wrote so far is synced now, expecting nothing; and it may not have, or may
     * have opened a transaction, so the keys stay for the transaction's end too (a sync of an unchanged row changes
     * nothing). In auto-commit, whether a transaction is open afterwards is the server's word where the driver keeps
     * it (MariaDB's), else what it was. Never throws.
     */
    private void afterUnknownDynamic(Connection connection, boolean jdbcAutoCommit, MigrationContext context,
                                     boolean mirrors) {
        if (mirrors) {
            for (TableMapping mapping : config.analyzer().mappings()) {
                buffer.resync(mapping, null, "dynamic-sql", context);
                noteWritten(mapping);
            }
        }
        if (jdbcAutoCommit) {
            Boolean open = ServerTransaction.open(connection);
            sqlTransaction = open == null ? sqlTransaction : open;
        }
        boolean open = !jdbcAutoCommit || sqlTransaction;
        KeyBuffer.Snapshot snapshot = takeEnded();
        if (!snapshot.isEmpty()) {
            dispatch(snapshot.withoutExpectations(), null);
            if (open) {
                buffer.restore(snapshot.withoutExpectations());
            }
        }
        if (open) {
            restoreUnmirrored();
        }
        mayHaveCommitted = open;
    }

    /**
     * {@code sql} as this session's server lexes it ({@link TxControl#asLexedBy}: its strings, comments and quotes)
     * and runs its executable comments ({@link TxControl#asRun}); {@code sql} itself when the server reads it as the
     * shared analysis does.
     */
    private String asRun(String sql) {
        if (physical == null) {
            return sql;
        }
        return asRun(sql, SessionLexing.possible(physical, config.dialect(store, physical), sql).get(0));
    }

    /** {@code sql} as {@link #asRun(String)} reads it, for a session that reads a backslash as {@code lexing} says. */
    private String asRun(String sql, TxControl.Lexing lexing) {
        if (physical == null) {
            return sql;
        }
        String lexed = TxControl.asLexedBy(sql, config.dialect(store, physical), lexing);
        return !TxControl.hasExecutableComment(lexed) ? lexed : TxControl.asRun(lexed, serverVersion(), mariadb);
    }

    private long serverVersion() {
        Long known = serverVersion;
        if (known != null) {
            return known;
        }
        long version = -1;
        if (isMySql()) {
            try {
                String product = physical.getMetaData().getDatabaseProductVersion();
                mariadb = product.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
                // MariaDB behind MySQL's protocol says 5.5.5-10.11.6-MariaDB: its own version is the last one
                java.util.regex.Matcher matcher = VERSION.matcher(product);
                while (matcher.find()) {
                    version = Long.parseLong(matcher.group(1)) * 10_000 + Long.parseLong(matcher.group(2)) * 100
                            + Long.parseLong(matcher.group(3));
                }
            } catch (SQLException | RuntimeException e) {
                version = -1;
            }
            if (version < 0) {
                version = Long.MAX_VALUE; // unknown: every comment runs, as the shared analysis reads them
            }
        }
        serverVersion = version;
        return version;
    }

    /**
     * Runs transaction control sent as SQL text ({@code execution}) the way the JDBC method of the same
     * meaning runs: the outbox goes in before a commit, the keys are handed over after it (also when it
     * throws: its outcome is unknown), a rollback discards them. Control sent with {@code executeQuery}, which
     * PostgreSQL's driver runs and then refuses for want of rows, counts as run; the caller still gets the refusal.
     */
    Object transactionControl(TxControl control, String sql, SqlCall execution) throws Throwable {
        SQLException[] noRows = new SQLException[1];
        Object result = runControl(control, sql, () -> {
            try {
                return execution.call();
            } catch (SQLException e) {
                if (!NO_ROWS.equals(e.getSQLState())) {
                    throw e;
                }
                noRows[0] = e; // it ran: only the caller's executeQuery wanted rows of it
                return null;
            }
        });
        if (noRows[0] != null) {
            throw noRows[0];
        }
        return result;
    }

    /**
     * The SQLState of PostgreSQL's driver when {@code executeQuery} ran a statement that returns no rows ("No results
     * were returned by the query"): the statement ran, and then the driver threw.
     */
    private static final String NO_ROWS = "02000";

    private Object runControl(TxControl control, String sql, SqlCall execution) throws Throwable {
        Connection connection = physical();
        switch (control) {
            case BEGIN, AUTOCOMMIT_OFF -> {
                boolean open = !connection.getAutoCommit() || sqlTransaction;
                Object result = execution.call();
                autoCommitOffByText |= control == TxControl.AUTOCOMMIT_OFF;
                if (control == TxControl.BEGIN && isMySql()) {
                    // MySQL's BEGIN and START TRANSACTION commit the transaction open before them and release the
                    // session's table locks
                    boolean locked = tablesLocked;
                    tablesLocked = false;
                    if (open) {
                        handOver(null);
                    }
                    if (locked) {
                        tablesUnlocked();
                    }
                }
                if (connection.getAutoCommit()) {
                    sqlTransaction = true;
                }
                return result;
            }
            case COMMIT, COMMIT_AND_CHAIN, AUTOCOMMIT_ON -> {
                KeyBuffer.Snapshot snapshot = takeEnded();
                autoCommitOffByText &= control != TxControl.AUTOCOMMIT_ON; // the commit's sync may be lent the session
                @Nullable List<Long> ids = dispatcher.writeOutbox(connection, store, snapshot, sqlTransaction);
                // AND CHAIN opens the next transaction at once: its writes wait for the next commit
                return commitThenDispatch(connection, execution, snapshot, ids, control.chains() && sqlTransaction);
            }
            case ROLLBACK, ROLLBACK_AND_CHAIN -> {
                Object result = execution.call();
                sqlTransaction = openAfterEnd(connection, control.chains() && sqlTransaction);
                rollbackBuffer();
                return result;
            }
            case XA_START -> {
                Object result = execution.call();
                sqlTransaction = connection.getAutoCommit() || sqlTransaction;
                xaStarted(sql);
                return result;
            }
            case XA_PREPARE -> {
                Object result = execution.call();
                xaPrepared = true;
                return result;
            }
            case XA_END -> {
                // the XA transaction's last point for statements: its keys go into it as outbox entries, so that
                // they commit (and are synced by the reconciler) whichever session commits it
                KeyBuffer.Snapshot snapshot = takeEnded();
                if (!snapshot.isEmpty() || !stillUnmirrored().isEmpty()) {
                    ended.put(XA_KEY, new Ended(snapshot, snapshot.isEmpty() ? null
                            : dispatcher.writeXaOutbox(connection, store, snapshot), stillUnmirrored()));
                }
                return execution.call();
            }
            case XA_COMMIT -> {
                String key = endedKey(sql);
                Ended held = ended.get(key);
                boolean committed = false;
                try {
                    Object result = execution.call();
                    committed = true;
                    return result;
                } finally {
                    if (committed) {
                        ended.remove(key);
                        xaOpen = false;
                        sqlTransaction = false;
                        if (held != null) {
                            dispatch(held.snapshot(), held.ids());
                            resolveAtCommit(held);
                        }
                    } else if (held != null) {
                        resolveAtCommit(held);
                        // refused (another xid, ONE PHASE missing or not allowed) or of unknown outcome: the XA
                        // transaction may still wait to be committed, here or by another session. Its keys and outbox
                        // entries stay for that commit; a sync now copies whatever the store holds and completes no
                        // entry, since it may have read the rows before the commit
                        dispatch(held.snapshot().withoutExpectations(), null);
                    }
                }
            }
            case XA_ROLLBACK -> {
                Object result = execution.call();
                xaRolledBack(sql); // its outbox entries went with it
                return result;
            }
            case PREPARE_TRANSACTION -> {
                // PostgreSQL's two-phase commit: the transaction leaves the session prepared. Its keys go into it as
                // outbox entries, as at XA END, so that they commit (and are synced by the reconciler) whichever
                // session runs COMMIT PREPARED; here, the COMMIT PREPARED of its gid hands them over
                KeyBuffer.Snapshot snapshot = takeEnded();
                List<KeyBuffer.Unmirrored> unmirrored = stillUnmirrored();
                @Nullable List<Long> ids = snapshot.isEmpty() ? null : dispatcher.writeXaOutbox(connection, store, snapshot);
                boolean prepared = false;
                try {
                    Object result = execution.call();
                    prepared = true;
                    return result;
                } finally {
                    sqlTransaction = false; // the session is in no transaction afterwards, whatever the outcome
                    if (prepared) {
                        mayHaveCommitted = false;
                        if (!snapshot.isEmpty() || !unmirrored.isEmpty()) {
                            ended.put(endedKey(sql), new Ended(snapshot, ids, unmirrored));
                        }
                    } else {
                        // a PREPARE TRANSACTION that fails rolls the transaction back
                        buffer.restore(snapshot);
                        rollbackBuffer();
                    }
                }
            }
            case DYNAMIC -> {
                boolean jdbcAutoCommit = connection.getAutoCommit();
                MigrationContext context = contextFor(config.analyzer().analyze(sql), List.of());
                boolean mirrors = phaseForWrite(context).writes(store.other());
                try {
                    return execution.call();
                } finally {
                    afterUnknownDynamic(connection, jdbcAutoCommit, context, mirrors);
                }
            }
            case ROLLBACK_TO_SAVEPOINT -> {
                Object result = execution.call(); // the keys written since stay: synced, harmlessly
                buffer.rollbackTo(TxControl.savepointName(sql));
                return result;
            }
            case SAVEPOINT -> {
                Object result = execution.call();
                buffer.savepoint(TxControl.savepointName(sql));
                return result;
            }
            case RELEASE_SAVEPOINT -> {
                Object result = execution.call();
                buffer.release(TxControl.savepointName(sql));
                return result;
            }
            default -> {
                return execution.call();
            }
        }
    }

    /**
     * Runs a commit sent as text, then hands {@code snapshot} over, also when the commit throws (its outcome is
     * unknown: the sync copies whatever the store holds, with no expectations, and the keys stay for the
     * transaction's end as well: {@link #afterFailedCommit}); {@code stillOpen} says whether a
     * transaction opened by text stays open after it (AND CHAIN), unless the server says otherwise ({@link
     * #openAfterEnd}: a plain COMMIT that MySQL or MariaDB chains).
     */
    private Object commitThenDispatch(Connection connection, SqlCall execution, KeyBuffer.@Nullable Snapshot snapshot,
                                      @Nullable List<Long> ids, boolean stillOpen) throws Throwable {
        boolean committed = false;
        @Nullable Long sessionId = snapshot == null ? null : serverIdFor(connection, snapshot);
        try {
            Object result = execution.call();
            committed = true;
            xaOpen = false; // a COMMIT the server took: no XA transaction was open
            return result;
        } finally {
            if (committed) {
                sqlTransaction = openAfterEnd(connection, stillOpen);
            } else if (!xaOpen) {
                sqlTransaction = stillOpen;
            }
            if (snapshot != null) {
                // a refused commit's outbox entries are not completed by its sync: they may sit uncommitted in a
                // transaction that goes on (MySQL's open XA transaction), locked by it, and a completion would wait
                // on the caller's own session; they stay for the reconciler, or for the commit that succeeds
                if (committed) {
                    dispatchIdle(connection, snapshot, ids); // lends nothing while a transaction stays open
                } else {
                    dispatch(snapshot.withoutExpectations(), null);
                    afterFailedCommit(snapshot, ids, sessionId);
                }
            }
        }
    }

    /**
     * Whether a transaction is open after a {@code COMMIT} or {@code ROLLBACK} the session took in auto-commit;
     * {@code said} is what its text said ({@code AND CHAIN} after a transaction opened by text). MySQL and MariaDB
     * chain a plain one too while {@code completion_type} is {@code CHAIN} (set by the application, or by the
     * server's configuration, where no statement shows it): the server's status says so where the driver keeps
     * it (MariaDB's), and then the writes after it wait for the next commit as in any transaction. Elsewhere, or
     * unknown, what the text said. A {@code COMMIT} with JDBC auto-commit off opens no transaction of text.
     * Never throws (it runs where the keys are still to be handed over).
     */
    private boolean openAfterEnd(Connection connection, boolean said) {
        try {
            if (!isMySql() || connection.isClosed() || !connection.getAutoCommit()) {
                return said;
            }
        } catch (SQLException | RuntimeException unknown) {
            return said;
        }
        Boolean open = ServerTransaction.open(connection);
        return open == null ? said : open;
    }

    /**
     * Before close: an XA transaction still open and not prepared is rolled back the way XA ends one ({@code XA END},
     * then {@code XA ROLLBACK}): a {@code ROLLBACK} is refused in it, and a pool would hand the session on with the
     * transaction open, to be committed by whatever its next user commits, after its keys were discarded here. A
     * prepared one is left to its transaction manager (it outlives the session). Never throws.
     */
    private void rollBackXa(Connection physical) {
        if (!xaOpen || xaPrepared || xaXid == null) {
            return;
        }
        try (java.sql.Statement statement = physical.createStatement()) {
            try {
                statement.execute("XA END " + xaXid);
            } catch (SQLException alreadyEnded) {
                log.debug("XA END before close: {}", Credentials.mask(alreadyEnded.toString()));
            }
            statement.execute("XA ROLLBACK " + xaXid);
            xaOpen = false;
            sqlTransaction = false;
        } catch (SQLException e) {
            log.debug("XA ROLLBACK before close failed: {}", Credentials.mask(e.toString()));
        }
    }

    /**
     * The key of {@link #ended} that a two-phase statement ({@code sql}: {@code PREPARE TRANSACTION}, {@code COMMIT
     * PREPARED}, {@code ROLLBACK PREPARED}, or an XA statement) is about: a PostgreSQL gid as written, else the
     * session's XA transaction.
     */
    private static String endedKey(String sql) {
        return java.util.Objects.requireNonNullElse(TxControl.preparedTransactionId(sql), XA_KEY);
    }

    /** {@code XA START} ({@code sql}) ran: the session's XA transaction is open until its commit or rollback. */
    private void xaStarted(String sql) {
        xaOpen = true;
        xaXid = TxControl.xaId(sql);
        xaPrepared = false;
    }

    /**
     * An {@code XA ROLLBACK} or {@code ROLLBACK PREPARED} ({@code sql}) ran: the keys of the transaction it ended are
     * discarded (its outbox entries went with it). A PostgreSQL {@code ROLLBACK PREPARED} runs outside any
     * transaction and leaves the session's buffer alone.
     */
    private void xaRolledBack(String sql) {
        String key = endedKey(sql);
        ended.remove(key);
        sqlTransaction = false;
        xaOpen = false;
        if (XA_KEY.equals(key)) {
            rollbackBuffer();
        }
    }

    /**
     * The keys of a transaction ended or prepared on the session, its outbox entries (null: none written), and its
     * writes that did not mirror, to be resolved again at its commit ({@link #resolveAtCommit}).
     */
    private record Ended(KeyBuffer.Snapshot snapshot, @Nullable List<Long> ids, List<KeyBuffer.Unmirrored> unmirrored) {
    }

    /**
     * The server's id of {@code connection}'s session when a commit of {@code snapshot}'s keys is about to run, for
     * {@link SessionEnd} should the client give up on it (read before: a session given up on can no longer say); null
     * without keys, or under a driver that does not keep it. No round trip.
     */
    private @Nullable Long serverIdFor(Connection connection, KeyBuffer.Snapshot snapshot) {
        if (snapshot.isEmpty()) {
            return null;
        }
        commitSentNanos = System.nanoTime();
        if (!serverIdRead) { // one session for this handler's life: read once
            Dialect dialect = config.dialect(store);
            // by the store's product: looking for another driver's classes by name costs an exception per
            // connection handle where that driver is not on the class path
            serverId = dialect == null ? null : SessionEnd.serverId(connection, dialect);
            serverIdRead = true;
        }
        return serverId;
    }


    /** Whether the session is closed or cannot say (a commit that failed so left no answer of the server). */
    private boolean sessionGone() {
        try {
            return physical == null || physical.isClosed();
        } catch (SQLException | RuntimeException unknown) {
            return true;
        }
    }

    /**
     * After a commit that threw, whose keys were handed over all the same: the transaction may not have ended
     * (MySQL and MariaDB refuse {@code COMMIT} and auto-commit inside an open XA transaction, which goes on; a pool's
     * or proxy's {@code commit()} may fail before it reached the server), and then a later commit commits these
     * writes after their sync read the rows. So the keys are kept too, expecting nothing, and synced again when the
     * session's transaction ends, however it ends (a rollback included: a sync of an unchanged row changes nothing).
     */
    private void afterFailedCommit(KeyBuffer.Snapshot snapshot, @Nullable List<Long> ids, @Nullable Long sessionId) {
        // ids: the outbox entries written in the transaction (ALWAYS mode), which a sync of a failed commit leaves
        // for the reconciler already
        if (ids == null && !snapshot.isEmpty() && sessionGone()) {
            // the client stopped waiting (a network timeout, an abort, the network): the server may still be running
            // the commit, and make its rows visible after every sync above read them. Recorded as outbox entries due
            // after the outbox grace, which the reconciler syncs once the commit is done unless it took longer than
            // the grace (a refusal the server answered, such as a serialization failure, leaves the session open and
            // records nothing); and synced again once the server no longer runs the session, when it is done for
            // sure, however long that took
            KeyBuffer.Snapshot keys = snapshot.withoutExpectations();
            dispatcher.recordOutboxLater(store, keys);
            Dialect dialect = config.dialect(store);
            if (sessionId != null && dialect != null) {
                SessionEnd.whenGone(config.dataSource(store), dialect, sessionId, commitSentNanos,
                        () -> dispatcher.dispatch(store.other(), keys, null),
                        rest -> dispatcher.recordOutboxAfter(store, keys, rest));
            }
        }
        buffer.restore(snapshot.withoutExpectations());
        restoreUnmirrored();
        mayHaveCommitted = true;
    }

    /**
     * Runs several statements sent as one text, some of them transaction control ({@code BEGIN; UPDATE …; COMMIT}),
     * then replays their effect on the buffer in their order: each other statement's mapped tables get a scoped
     * resync (their keys are not collected one by one), buffered like a write of that point (handed over at once
     * when no transaction is open there), and each control does to the buffer what it does as a statement of its
     * own. When the text fails, how far it ran is unknown: the resyncs are recorded as of a committed write, and
     * the keys already buffered are handed over unless a transaction is still open, as they would be at its end.
     * What each statement's tables reach under other names (views, cascading foreign keys: {@link #reached}) is
     * read before the text runs, so that it joins that statement's resyncs before a later {@code COMMIT} of the
     * text hands them over (read after the text, the catalog would be read outside the transaction it ended, and on
     * MySQL/MariaDB while its later results are pending).
     */
    Object mixedControl(StatementAnalysis analysis, SqlCall execution) throws Throwable {
        Connection connection = physical();
        Map<StatementAnalysis, Reached> reachedBefore = new java.util.IdentityHashMap<>();
        for (StatementAnalysis part : analysis.parts()) {
            if (part.txControl() == TxControl.NONE && part.writesNamedTable()) {
                reachedBefore.put(part, reached(part));
            }
        }
        Throwable failure = null;
        Object result = null;
        try {
            result = execution.call();
        } catch (Throwable t) {
            failure = t;
        }
        boolean jdbcAutoCommit = connection.getAutoCommit();
        MigrationContext context = contextFor(analysis, List.of());
        boolean mirrors = phaseForWrite(context).writes(store.other());
        // a transaction open after a text whose last control is a plain COMMIT or ROLLBACK: the session chains them
        // (completion_type CHAIN), each one of the text
        boolean plainEndsChain = jdbcAutoCommit && endsWithPlainEnd(analysis) && openAfterEnd(connection, false);
        // between a SET autocommit = 1 of the text and the next SET autocommit = 0 or BEGIN, each statement commits as
        // it runs, whatever JDBC's setting says after the text
        boolean autoCommitByText = false;
        for (StatementAnalysis part : analysis.parts()) {
            TxControl control = part.txControl();
            autoCommitByText = control == TxControl.AUTOCOMMIT_ON
                    || (autoCommitByText && control != TxControl.AUTOCOMMIT_OFF && control != TxControl.BEGIN
                    && control != TxControl.XA_START);
            switch (control) {
                case NONE -> {
                    tableLocksAfter(part.sql(), failure == null);
                    if (mirrors) {
                        part.resyncTables().forEach(mapping -> buffer.resync(mapping, null, "several-statements",
                                context));
                        part.resyncTables().forEach(this::noteWritten);
                        Reached reached = reachedBefore.getOrDefault(part, Reached.none());
                        reached.record(buffer, context);
                        reached.all().forEach(this::noteWritten);
                    }
                    resyncRoutineTables(routineTables(part), () -> context);
                    if ((jdbcAutoCommit && !sqlTransaction) || autoCommitByText) {
                        handOver(null);
                    }
                }
                case BEGIN, AUTOCOMMIT_OFF -> {
                    autoCommitOffByText |= control == TxControl.AUTOCOMMIT_OFF;
                    if (isMySql() && (!jdbcAutoCommit || sqlTransaction)) {
                        handOver(null); // MySQL's BEGIN commits the transaction open before it
                    }
                    if (control == TxControl.BEGIN && isMySql()) {
                        tablesUnlocked(); // and releases the session's table locks
                    }
                    sqlTransaction = jdbcAutoCommit || sqlTransaction;
                }
                case COMMIT, COMMIT_AND_CHAIN, AUTOCOMMIT_ON -> {
                    autoCommitOffByText &= control != TxControl.AUTOCOMMIT_ON;
                    handOver(null);
                    sqlTransaction = control.chains() && sqlTransaction
                            || plainEndsChain && control != TxControl.AUTOCOMMIT_ON && !TxControl.saysChaining(part.sql());
                }
                case ROLLBACK, ROLLBACK_AND_CHAIN -> {
                    rollbackBuffer();
                    sqlTransaction = control.chains() && sqlTransaction
                            || plainEndsChain && !TxControl.saysChaining(part.sql());
                }
                case XA_START -> {
                    sqlTransaction = jdbcAutoCommit || sqlTransaction;
                    xaStarted(part.sql());
                }
                case XA_END, PREPARE_TRANSACTION -> {
                    // the transaction left the session ended or prepared, and its text ran already: no outbox can go
                    // into it. Its keys are recorded at once, due after the outbox grace (by then a transaction
                    // manager has committed it, here or on another session); a commit here hands them over
                    KeyBuffer.Snapshot snapshot = takeEnded();
                    if (!snapshot.isEmpty() || !stillUnmirrored().isEmpty()) {
                        ended.put(endedKey(part.sql()), new Ended(snapshot, snapshot.isEmpty() ? null
                                : dispatcher.recordOutboxLater(store, snapshot), stillUnmirrored()));
                    }
                    if (control == TxControl.PREPARE_TRANSACTION) {
                        sqlTransaction = false;
                        mayHaveCommitted = false;
                    }
                }
                case XA_PREPARE -> xaPrepared = true;
                case XA_COMMIT -> {
                    handOver(null);
                    String key = endedKey(part.sql());
                    Ended held = ended.get(key);
                    if (held != null && failure == null) {
                        ended.remove(key);
                        dispatch(held.snapshot(), held.ids());
                        resolveAtCommit(held);
                    } else if (held != null) {
                        resolveAtCommit(held);
                        dispatch(held.snapshot().withoutExpectations(), null); // ran or not: kept for its commit
                    }
                    sqlTransaction = false;
                    xaOpen = false;
                }
                case XA_ROLLBACK -> xaRolledBack(part.sql());
                case DYNAMIC -> afterUnknownDynamic(connection, jdbcAutoCommit, context, mirrors);
                case ROLLBACK_TO_SAVEPOINT -> buffer.rollbackTo(TxControl.savepointName(part.sql()));
                case SAVEPOINT -> buffer.savepoint(TxControl.savepointName(part.sql()));
                case RELEASE_SAVEPOINT -> buffer.release(TxControl.savepointName(part.sql()));
                default -> { }
            }
        }
        if (!jdbcAutoCommit && !sqlTransaction && Boolean.FALSE.equals(ServerTransaction.open(connection))) {
            // the server holds no transaction after the text, though JDBC's is on: what its statements wrote is as
            // committed as it will be. PostgreSQL runs the statements after a text's COMMIT or ROLLBACK in a
            // transaction of their own, committed with the text (pgjdbc opens its transaction once, before it)
            handOver(null);
        }
        if (jdbcAutoCommit && config.dialect(store, connection) == Dialect.POSTGRESQL) {
            // the controls were replayed as written, but a text that failed ran only up to its failure (`SELECT 1/0;
            // BEGIN` leaves no transaction, the text's implicit one rolled back): in auto-commit pgjdbc's state,
            // from the server's last reply, says whether a transaction is open. Believing the text left the later
            // auto-commit writes buffered for a COMMIT that never came, unsynced and unrecorded
            Boolean open = ServerTransaction.open(connection);
            if (open != null && open != sqlTransaction) {
                sqlTransaction = open;
                if (!open) {
                    handOver(null);
                }
            }
        }
        if (failure != null) {
            if (!sqlTransaction && connection.getAutoCommit()) {
                handOver(null);
            }
            throw failure;
        }
        return result;
    }

    /** Whether the last transaction control among {@code analysis}'s statements is a plain COMMIT or ROLLBACK. */
    private static boolean endsWithPlainEnd(StatementAnalysis analysis) {
        TxControl last = TxControl.NONE;
        String lastSql = "";
        for (StatementAnalysis part : analysis.parts()) {
            if (part.txControl() != TxControl.NONE) {
                last = part.txControl();
                lastSql = part.sql();
            }
        }
        return (last == TxControl.COMMIT || last == TxControl.ROLLBACK) && !TxControl.saysChaining(lastSql);
    }

    /**
     * Before a statement that is not transaction control, in a transaction: on MySQL, MariaDB and H2 one that
     * commits the open transaction implicitly (DDL, {@code LOCK TABLES}, {@code GRANT}…; {@link
     * TxControl#implicitCommit}), or may, and a procedure call anywhere (it may commit inside), make the
     * transaction's keys be handed over however it ends, even if it is rolled back (a sync of an unchanged row
     * changes nothing).
     *
     * @return whether the statement commits for certain: then {@link #afterImplicitCommit} is due once it ran
     */
    boolean beforeOtherStatement(String sql, boolean procedureCall) throws SQLException {
        if (physical == null || (physical.getAutoCommit() && !sqlTransaction)) {
            return false;
        }
        Dialect dialect = config.dialect(store, physical);
        if (procedureCall) {
            mayHaveCommitted = true;
            return false;
        }
        if (dialect != Dialect.MYSQL && dialect != Dialect.H2) {
            return false;
        }
        TxControl.ImplicitCommit commit = TxControl.implicitCommit(asRun(sql), dialect == Dialect.MYSQL);
        // the keys so far are synced however the transaction ends (also when the statement fails after its commit):
        // a sync of a row that did not change changes nothing, a key dropped at a rollback after a commit loses its row
        mayHaveCommitted |= commit != TxControl.ImplicitCommit.NONE;
        return commit == TxControl.ImplicitCommit.CERTAIN;
    }

    /**
     * After a statement that committed the open transaction implicitly ({@link #beforeOtherStatement} said so):
     * its keys are handed over as at a commit, now that the commit is done (handed over before it, a sync would
     * read the rows as they were before the transaction).
     */
    void afterImplicitCommit() {
        handOver(null);
        sqlTransaction = false; // the transaction opened by SQL text ended; JDBC's auto-commit rules again
    }

    /**
     * Before a batch of SQL texts ({@code addBatch(String)}) runs in a transaction: an entry that commits or may
     * commit the transaction ({@link #beforeOtherStatement}, a procedure call) commits the entries before it,
     * whose keys are collected only after the batch; so every key of the transaction is synced however it ends.
     */
    void beforeBatch(List<StatementAnalysis> entries) throws SQLException {
        if (physical == null || (physical.getAutoCommit() && !sqlTransaction)) {
            return;
        }
        Dialect dialect = config.dialect(store, physical);
        if (dialect != Dialect.MYSQL && dialect != Dialect.H2) {
            return;
        }
        for (StatementAnalysis entry : entries) {
            if (entry.txControl() == TxControl.NONE && !entry.mappedWrite()
                    && entry.kind() != io.dualwrite.jdbc.statement.SqlKind.SELECT
                    && TxControl.implicitCommit(asRun(entry.sql()), dialect == Dialect.MYSQL)
                    != TxControl.ImplicitCommit.NONE) {
                mayHaveCommitted = true;
                return;
            }
        }
    }

    /**
     * Runs {@code driverWrite}, a row written by an updatable result set of {@code query} ({@code updateRow},
     * {@code insertRow}, {@code deleteRow}): the driver writes the table itself, by keys no statement named (and
     * {@code updateRow} may change any column, the key and ids too), so every mapped table the query's text names
     * gets a scoped resync, as other writes whose rows cannot be known: handed over at once in auto-commit, else
     * with the transaction (a rollback discards it with the row). The phase is resolved before the write runs, so
     * that a write this store may not take is refused before it does.
     *
     * @param values the query's parameters, for the ids that resolve its phase
     */
    Object rowWrite(StatementAnalysis query, List<@Nullable Object> values, SqlCall driverWrite) throws Throwable {
        List<TableMapping> tables = config.analyzer().mentionedTables(query.sql());
        if (tables.isEmpty()) {
            return driverWrite.call();
        }
        MigrationContext context = contextFor(query, values);
        boolean mirrors = phaseForWrite(context, true).writes(store.other());
        Object result = driverWrite.call();
        if (mirrors) {
            tables.forEach(mapping -> buffer.resync(mapping, null, "updatable-result-set", context));
            afterWrite(false);
        }
        return result;
    }

    /**
     * After a write on a table whose rows stay written whatever the statement's or the transaction's end
     * ({@link WriteExecution#permanent}: MyISAM). Its keys are handed over however the transaction ends, as after
     * a procedure that may have committed (a sync of a row the rollback did restore changes nothing). When the
     * statement {@code failed}, the rows it wrote before failing are unknown: its table gets a scoped resync
     * ({@code non-transactional-failed}), handed over at once in auto-commit. Never throws.
     */
    void writesStay(TableMapping mapping, boolean failed, MigrationContext context) {
        mayHaveCommitted = true;
        if (!failed) {
            return;
        }
        buffer.resync(mapping, null, "non-transactional-failed", context);
        try {
            if (physical != null && physical.getAutoCommit() && !sqlTransaction) {
                handOver(null);
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("auto-commit unknown after a failed write: the resync waits for the transaction's end: {}",
                    Credentials.mask(e.toString()));
        }
    }

    /**
     * After a procedure call or an anonymous block that failed: it may have committed part of its work first, which
     * its failure does not undo (a {@code COMMIT} inside a PostgreSQL procedure or {@code DO} block run in auto-commit,
     * inside a MySQL/MariaDB procedure, where in auto-commit each of its statements commits too). The mapped tables it
     * may write get their scoped resyncs as after a call that succeeded: handed over at once in auto-commit, else kept
     * for the transaction's end, however it ends (a resync of unchanged rows changes nothing). Never throws: the
     * caller gets the call's own failure.
     */
    void afterFailedRoutine(StatementAnalysis analysis, MigrationContext context) {
        try {
            WriteExecution.resyncTables(this, analysis, context);
            if (physical != null && !(physical.getAutoCommit() && !sqlTransaction)) {
                mayHaveCommitted = true;
            }
            afterWrite(false);
        } catch (SQLException | RuntimeException e) {
            log.debug("the resync of a failed procedure call waits for the transaction's end: {}",
                    Credentials.mask(e.toString()));
        }
    }

    /** After a rollback: the keys are forgotten, unless a procedure may have committed them first. */
    private void rollbackBuffer() {
        if (mayHaveCommitted || driverObjectOut || rollbackLeftWrites()) {
            mayHaveCommitted = false;
            KeyBuffer.Snapshot snapshot = takeEnded();
            dispatch(snapshot.withoutExpectations(), null);
        } else {
            buffer.rollback();
        }
    }

    /**
     * After a rollback on MySQL/MariaDB whose buffer holds keys: whether some of them are of a table without
     * transactions, whose writes the rollback left, which the engine check of {@link #noteWritten} may not have
     * known (another session changed the engine since it was read): the server's warning that changes could not be
     * rolled back ({@code ER_WARNING_NOT_COMPLETE_ROLLBACK}, 1196; the driver sends no {@code ROLLBACK} when the
     * server reports no transaction, as after writes on such tables only), else the engines read again. The
     * warnings are kept for the application ({@link #holdWarnings}). One catalog read per table, on rollbacks
     * that discard keys only.
     */
    private boolean rollbackLeftWrites() {
        if (physical == null || buffer.isEmpty() || !isMySql()) {
            return false;
        }
        if (holdWarnings(physical)) {
            if (heldWarnings == null) {
                return true; // they could not be read: sync, harmlessly, rather than lose rows
            }
            for (SQLWarning warning = heldWarnings; warning != null; warning = warning.getNextWarning()) {
                if (warning.getErrorCode() == 1196) {
                    return true;
                }
            }
        }
        try {
            for (TableMapping table : buffer.tables()) {
                if (!config.metadata().transactionalNow(store, physical, table)) {
                    return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * A mapped table was written (its keys or a scoped resync are in the buffer): when MySQL/MariaDB keeps it
     * without transactions ({@link Metadata#transactional}), its writes stay whatever the transaction's end, so
     * the buffer is handed over even on rollback. Never throws.
     */
    void noteWritten(TableMapping mapping) {
        if (mayHaveCommitted || !isMySql()) {
            return;
        }
        try {
            if (!config.metadata().transactional(store, physical, Dialect.MYSQL, mapping)) {
                mayHaveCommitted = true;
            }
        } catch (RuntimeException e) {
            mayHaveCommitted = true;
        }
    }

    private boolean isMySql() {
        return physical != null && config.dialect(store, physical) == Dialect.MYSQL;
    }

    /** A call of the physical driver. */
    @FunctionalInterface
    interface SqlCall {
        Object call() throws Throwable;
    }

    /** {@code INSERT IGNORE} (with any priority before it): a row that meets a unique value is skipped, not an error. */
    private static final java.util.regex.Pattern INSERT_IGNORE = java.util.regex.Pattern.compile(
            "(?is)^\\s*insert\\s+(?:(?:low_priority|delayed|high_priority)\\s+)*ignore\\b");

    /**
     * The keys of a MySQL/MariaDB insert of {@code rows} rows whose driver reported only the first key, when the
     * others provably follow it by the session's {@code auto_increment_increment}; {@code null} when they may not,
     * and the caller must find them otherwise. Elsewhere the first key alone (a shortfall the caller resyncs).
     *
     * <p>Provably: the step was read on this session just before the insert ran ({@link #autoIncrementStep}: no
     * function or procedure changed it since), and the server reserved one run of keys for the statement. It does
     * for a {@code VALUES} list whose every row was inserted (a simple insert gets its keys in one reservation under
     * every {@code innodb_autoinc_lock_mode}); not when rows were skipped ({@code INSERT IGNORE}: MySQL may leave the
     * skipped row's key unused, and which row was skipped is unknown). An {@code INSERT … SELECT} takes its keys as it
     * goes: one run only while it holds the table's auto-increment lock (lock modes 0 and 1), and only when no row
     * was skipped ({@code IGNORE} without warnings).
     *
     * @param warned     whether the insert raised warnings (an {@code INSERT IGNORE} that skipped a row did)
     * @param readBefore whether the step read before the write ({@link #beforeWrite}), or for an earlier entry of the
     *                   same batch, is this execution's; a batch's first entry reads it now, after the batch, before
     *                   any other statement of the session
     */
    @Nullable List<List<Object>> consecutiveKeys(StatementAnalysis analysis, List<Object> first, long rows,
                                                 boolean warned, boolean readBefore) {
        if (config.dialect(store) != Dialect.MYSQL || first.size() != 1 || !(first.get(0) instanceof Number start)) {
            return List.of(first);
        }
        if (!readBefore || stepReadFor != analysis) {
            readAutoIncrement(analysis);
        }
        if (autoIncrementStep <= 0) {
            return null;
        }
        if (!analysis.insertRows().isEmpty()) {
            if (rows != analysis.insertRows().size()) {
                return null;
            }
        } else if (autoIncrementLockMode < 0 || autoIncrementLockMode > 1
                || (warned && INSERT_IGNORE.matcher(analysis.sql()).find())) {
            return null;
        }
        List<List<Object>> keys = new ArrayList<>();
        for (long i = 0; i < rows; i++) {
            keys.add(List.of(start.longValue() + i * autoIncrementStep));
        }
        return keys;
    }

    /** Reads the session's auto-increment step and the server's lock mode for {@code analysis}; never throws. */
    private void readAutoIncrement(StatementAnalysis analysis) {
        autoIncrementStep = 0;
        stepReadFor = analysis;
        try (java.sql.Statement statement = physical().createStatement();
             java.sql.ResultSet result = statement.executeQuery(autoIncrementLockMode < 0
                     ? "SELECT @@auto_increment_increment, @@innodb_autoinc_lock_mode"
                     : "SELECT @@auto_increment_increment")) {
            if (result.next()) {
                autoIncrementStep = result.getLong(1);
                if (autoIncrementLockMode < 0) {
                    autoIncrementLockMode = result.getInt(2); // a server setting, fixed while it runs
                }
            }
        } catch (SQLException | RuntimeException e) {
            log.debug("could not read the auto-increment step: {}", Credentials.mask(e.toString()));
        }
    }

    /**
     * For an insert with its own {@code RETURNING} (so the driver was not asked for keys): the key the
     * session generated last, when the insert wrote one row; none otherwise (the caller then resyncs).
     */
    List<List<Object>> lastGeneratedKey(StatementAnalysis analysis, long count) throws SQLException {
        if (analysis.insertRows().size() != 1 || count > 1 || analysis.mapping().primaryKey().size() != 1) {
            return List.of();
        }
        Dialect dialect = config.dialect(store);
        String sql;
        if (dialect == Dialect.POSTGRESQL) {
            // the table and key column as the catalog spells them: pg_get_serial_sequence folds an unquoted table name
            // ("Order" became order, not found) and takes the column literally; of two columns differing only in
            // case, the one an unquoted name reaches
            sql = "SELECT currval(pg_get_serial_sequence((" + Metadata.REGCLASS + ")::text, (SELECT a.attname::text"
                    + " FROM pg_attribute a WHERE a.attrelid = " + Metadata.REGCLASS + " AND a.attnum > 0"
                    + " AND NOT a.attisdropped AND lower(a.attname) = lower(?) ORDER BY a.attname = lower(?) DESC,"
                    + " a.attname = ? DESC LIMIT 1)))";
        } else if (dialect == Dialect.MYSQL) {
            sql = "SELECT LAST_INSERT_ID()";
        } else {
            return List.of();
        }
        Connection connection = physical();
        Savepoint guard = dialect == Dialect.POSTGRESQL && !connection.getAutoCommit() ? connection.setSavepoint() : null;
        try (java.sql.PreparedStatement select = connection.prepareStatement(sql)) {
            if (dialect == Dialect.POSTGRESQL) {
                String key = (store == Store.OLD ? analysis.mapping().primaryKey()
                        : analysis.mapping().newPrimaryKey()).get(0);
                select.setString(1, analysis.mapping().table(store));
                select.setString(2, analysis.mapping().table(store));
                select.setString(3, key);
                select.setString(4, key);
                select.setString(5, key);
            }
            try (java.sql.ResultSet result = select.executeQuery()) {
                Object key = result.next() ? result.getObject(1) : null;
                if (guard != null) {
                    connection.releaseSavepoint(guard);
                }
                return key == null ? List.of() : List.of(List.of(key));
            }
        } catch (SQLException e) {
            if (guard != null) { // keep our failure from aborting the application's transaction
                connection.rollback(guard);
            }
            throw e;
        }
    }

    /**
     * Undoes a transaction opened for one write ({@link #opensWriteTransaction}) after {@code failure} and
     * restores auto-commit; a failure to do so is added to {@code failure}, which the caller still sees.
     */
    void undoWriteTransaction(Connection physical, Throwable failure) {
        try {
            physical.rollback();
            physical.setAutoCommit(true);
            restoreReadOnly(physical);
        } catch (SQLException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * Opens the transaction of one write in auto-commit ({@link #opensWriteTransaction}). A PostgreSQL connection
     * set read-only begins its transactions read-only while its auto-commit statements may write (pgjdbc's
     * default {@code readOnlyMode=transaction}): asked whether an auto-commit statement of this session is
     * read-only, and when not, read-only is lifted for the transaction, so that the write runs as it would have
     * without it. One round trip, on read-only connections only.
     */
    void beginWriteTransaction(Connection physical) throws SQLException {
        if (config.dialect(store, physical) == Dialect.POSTGRESQL && physical.isReadOnly()) {
            try (java.sql.Statement statement = physical.createStatement();
                 java.sql.ResultSet answer = statement.executeQuery("SHOW transaction_read_only")) {
                readOnlyLifted = answer.next() && "off".equalsIgnoreCase(answer.getString(1));
            }
            if (readOnlyLifted) {
                physical.setReadOnly(false);
            }
        }
        physical.setAutoCommit(false);
    }

    private void restoreReadOnly(Connection physical) throws SQLException {
        if (readOnlyLifted) {
            readOnlyLifted = false;
            physical.setReadOnly(true);
        }
    }

    /** Whether a transaction the application opened by SQL text ({@code BEGIN}) is open while JDBC is in auto-commit. */
    boolean inSqlTransaction() {
        return sqlTransaction;
    }

    /**
     * Whether a mirrored write in auto-commit must run in a transaction opened for it: for the outbox
     * ({@code ALWAYS}), or to hold the locks of its key pre-select until the write is done.
     */
    boolean opensWriteTransaction(boolean mirrors, boolean preselects) throws SQLException {
        return mirrors && (config.changeLogMode() == ChangeLogMode.ALWAYS || preselects)
                && physical().getAutoCommit() && !sqlTransaction;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (warningsRead && sendsStatement(method.getName())) {
            statementStarts(); // commit(), setAutoCommit(…): the session's warnings are now those of this
        }
        switch (method.getName()) {
            case "getWarnings":
                return warnings(physical());
            case "toString":
                return "DualWriteConnection wrapping " + (physical == null ? "(not yet acquired)" : Credentials.mask(String.valueOf(physical)));
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "unwrap":
                return Wrappers.unwrap(proxy, physical(), (Class<?>) args[0], "DualWriteConnection", this);
            case "isWrapperFor":
                return Wrappers.isWrapperFor(proxy, physical(), (Class<?>) args[0]);
            case "close":
                close();
                return null;
            case "abort":
                closed = true;
                rollbackBuffer(); // never commits now, but a procedure or an implicit commit may have done so
                try {
                    return physical == null ? null : call(physical, method, args);
                } finally {
                    if (!held.isEmpty()) {
                        tablesUnlocked(); // the aborted session's locks go with it
                    }
                }
            case "isClosed":
                return closed || (physical != null && physical.isClosed());
            case "setAutoCommit":
                setAutoCommit((Boolean) args[0]);
                return null;
            case "setReadOnly":
                if (physical == null) {
                    pendingReadOnly = (Boolean) args[0];
                    return null;
                }
                break;
            case "setTransactionIsolation":
                if (physical == null) {
                    pendingIsolation = (Integer) args[0];
                    return null;
                }
                if (isolationChangeCommits(physical)) {
                    commitBy(physical, () -> call(physical, method, args));
                    return null;
                }
                break;
            case "commit":
                commit();
                return null;
            case "rollback":
                rollback(args == null || args.length == 0 ? null : (Savepoint) args[0]);
                return null;
            case "setSavepoint": {
                Savepoint savepoint = (Savepoint) call(physical(), method, args);
                buffer.savepoint(savepoint);
                return savepoint;
            }
            case "releaseSavepoint":
                call(physical(), method, args);
                buffer.release(args[0]);
                return null;

            case "createStatement":
            case "prepareStatement":
            case "prepareCall":
                return StatementHandler.create(this, method, args);
            case "getMetaData":
                return Wrappers.metaData(physical().getMetaData(), self);
            default:
                break;
        }
        // createArrayOf, createStruct: the driver's objects lead back to a raw statement (an array's result set)
        return Wrappers.reachable(call(physical(), method, args), this);
    }

    /** Whether a {@code Connection} method may send a statement to the server (not a getter, not a factory). */
    private static boolean sendsStatement(String name) {
        return !(name.startsWith("get") || name.startsWith("is") || name.startsWith("create")
                || name.startsWith("prepare") || name.equals("unwrap") || name.equals("toString")
                || name.equals("hashCode") || name.equals("equals"));
    }

    private void setAutoCommit(boolean autoCommit) throws SQLException {
        autoCommitOffByText = false; // JDBC's word from now on
        if (physical == null) {
            pendingAutoCommit = autoCommit;
            return;
        }
        boolean was = physical.getAutoCommit();
        if (autoCommit && !was) {
            // switching auto-commit on commits the open transaction: its outbox goes in first, as on commit()
            KeyBuffer.Snapshot snapshot = takeEnded();
            @Nullable List<Long> ids = dispatcher.writeOutbox(physical, store, snapshot, sqlTransaction);
            boolean committed = false;
            @Nullable Long sessionId = serverIdFor(physical, snapshot);
            try {
                physical.setAutoCommit(true);
                committed = true;
            } finally {
                if (committed || !xaOpen) {
                    sqlTransaction = false;
                }
                if (committed) {
                    dispatchIdle(physical, snapshot, ids);
                } else {
                    dispatch(snapshot.withoutExpectations(), ids);
                    afterFailedCommit(snapshot, ids, sessionId);
                }
            }
        } else {
            physical.setAutoCommit(autoCommit);
        }
    }

    private void commit() throws SQLException {
        Connection connection = physical();
        if (connection.getAutoCommit()) {
            if (sqlTransaction) { // a transaction opened by SQL text: commit it the same way
                try (java.sql.Statement statement = connection.createStatement()) {
                    transactionControl(TxControl.COMMIT, "COMMIT", () -> statement.execute("COMMIT"));
                } catch (SQLException | RuntimeException e) {
                    throw e;
                } catch (Throwable e) {
                    throw new SQLException(e);
                }
                return;
            }
            connection.commit(); // the driver's own answer (most throw)
            return;
        }
        commitBy(connection, () -> {
            connection.commit();
            return null;
        });
    }

    /**
     * Whether setting the isolation level on {@code connection} commits its open transaction: H2's driver commits
     * it first, whatever the level (the same one too), when a transaction is open, by JDBC or by SQL text ({@code
     * BEGIN} turns H2's session auto-commit off until its end). PostgreSQL's driver refuses the change inside a
     * transaction; MySQL's and MariaDB's set the session's next transactions only.
     */
    private boolean isolationChangeCommits(Connection connection) throws SQLException {
        return config.dialect(store, connection) == Dialect.H2 && (sqlTransaction || !connection.getAutoCommit());
    }

    /**
     * Commits the open transaction by {@code committing} (the driver's {@code commit()}, or a driver call that commits
     * as it runs, as H2's {@code setTransactionIsolation}) exactly as {@code commit()} does: the outbox goes in first,
     * the keys are handed over after it, also when it throws (its outcome is unknown).
     */
    private void commitBy(Connection connection, SqlCall committing) throws SQLException {
        KeyBuffer.Snapshot snapshot = takeEnded();
        @Nullable List<Long> ids = dispatcher.writeOutbox(connection, store, snapshot, sqlTransaction);
        boolean committed = false;
        @Nullable Long sessionId = serverIdFor(connection, snapshot);
        try {
            try {
                committing.call();
            } catch (SQLException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new SQLException(e);
            }
            committed = true;
        } finally {
            // a COMMIT ends a transaction opened by SQL text too (BEGIN, then setAutoCommit(false), then commit())
            if (committed || !xaOpen) {
                sqlTransaction = false;
            }
            // also when the commit threw: its outcome is unknown, and a sync copies whatever the store holds (and
            // completes no outbox entry: they may be locked by a transaction that goes on, see commitThenDispatch)
            if (committed) {
                dispatchIdle(connection, snapshot, ids);
            } else {
                dispatch(snapshot.withoutExpectations(), null);
                afterFailedCommit(snapshot, ids, sessionId);
            }
        }
    }

    /**
     * {@link #dispatch} of the keys of a transaction that has just ended on {@code session}, which holds none now
     * (a commit, or an auto-commit write): when the caller waits for the sync ({@link io.dualwrite.mirror.MirrorExecutor#callerWaits},
     * {@code SYNC}), the sync reads its source on this idle session, lent for as long as the caller waits
     * ({@link io.dualwrite.jdbc.copy.LentSession}), instead of a second session of the pool the caller holds one of:
     * with a pool of one session, or one whose sessions are all held by callers waiting on their syncs, each sync
     * waited for a session until its time limit and was recorded as timed out. Not lent while the session may hold a
     * transaction (one opened by SQL text or XA, a table lock, or the server saying so), nor for an async mirror (the
     * caller goes on using its session). Before the loan, MySQL's and MariaDB's warnings of the caller's last
     * statement are kept ({@link #holdWarnings}), as before any statement of the library's on its session.
     */
    private void dispatchIdle(Connection session, KeyBuffer.Snapshot snapshot, @Nullable List<Long> outboxIds) {
        if (snapshot.keys().isEmpty() || tablesLocked || sqlTransaction || xaOpen || autoCommitOffByText
                || !config.executor(store.other()).callerWaits()
                || Boolean.TRUE.equals(ServerTransaction.open(session))) {
            dispatch(snapshot, outboxIds);
            return;
        }
        if (isMySql()) {
            holdWarnings(session);
        }
        // a query timeout bounds the copier's statements there on PostgreSQL and MySQL/MariaDB, whose drivers keep it
        // per statement; H2 keeps a statement's timeout for the whole session (SET QUERY_TIMEOUT), which would outlive
        // the loan and cut the application's own later statements, and H2 is in the JVM: no bound there
        Dialect dialect = config.dialect(store, session);
        io.dualwrite.jdbc.copy.LentSession lent = new io.dualwrite.jdbc.copy.LentSession(session,
                dialect == Dialect.POSTGRESQL || dialect == Dialect.MYSQL
                        ? config.executor(store.other()).callerWaitLimit() : java.time.Duration.ZERO);
        try {
            dispatcher.dispatch(store.other(), snapshot, outboxIds, lent);
        } finally {
            lent.revoke();
        }
    }

    /**
     * Hands committed keys to the dispatcher, or, while the session holds table locks, keeps them until the locks
     * are released: a sync reads the rows on another session, which would wait for them (a {@code SYNC} caller the
     * whole time limit).
     */
    private void dispatch(KeyBuffer.Snapshot snapshot, @Nullable List<Long> outboxIds) {
        if (snapshot.isEmpty()) {
            return;
        }
        if (tablesLocked) {
            held.add(new java.util.AbstractMap.SimpleImmutableEntry<>(snapshot, outboxIds));
            return;
        }
        dispatcher.dispatch(store.other(), snapshot, outboxIds);
    }

    /**
     * After the application's write on MySQL/MariaDB, before any statement of the library's on its session: keeps
     * the write's warnings (one round trip, only when the driver counted some), which {@code getWarnings()} of the
     * connection or one of its statements answers once ({@link #warnings}) until {@link #statementStarts}.
     *
     * @return whether the write raised warnings (also when they could not be read)
     */
    boolean holdWarnings(Connection physical) {
        if (warningsRead) {
            return warned;
        }
        warningsRead = true;
        heldWarnings = null;
        try {
            heldWarnings = physical.getWarnings();
            warned = heldWarnings != null;
        } catch (SQLException | RuntimeException e) {
            warned = true;
        }
        return warned;
    }

    /** {@link #holdWarnings(Connection)} on MySQL/MariaDB after a statement that is not a mapped write. */
    void holdWarnings() {
        if (isMySql()) {
            holdWarnings(physical);
        }
    }

    /** The application runs a statement of its own: the warnings held for its last one are no longer its last. */
    void statementStarts() {
        heldWarnings = null;
        warningsRead = false;
    }

    /**
     * What {@code getWarnings()} answers: the held warnings, once (MariaDB's driver reads them with {@code SHOW
     * WARNINGS}, which leaves the session none: a second call answers {@code null}), else the driver's.
     */
    @Nullable SQLWarning warnings(java.sql.Wrapper physicalObject) throws SQLException {
        SQLWarning held = heldWarnings;
        if (held != null) {
            heldWarnings = null;
            return held;
        }
        return physicalObject instanceof java.sql.Statement statement ? statement.getWarnings()
                : ((Connection) physicalObject).getWarnings();
    }

    /** The session's table locks are released: the keys held for them are handed over. */
    private void tablesUnlocked() {
        tablesLocked = false;
        while (!held.isEmpty()) {
            Map.Entry<KeyBuffer.Snapshot, @Nullable List<Long>> next = held.remove(0);
            dispatcher.dispatch(store.other(), next.getKey(), next.getValue());
        }
    }

    private void rollback(@Nullable Savepoint savepoint) throws SQLException {
        if (physical == null) {
            return;
        }
        if (savepoint == null) {
            if (physical.getAutoCommit() && sqlTransaction && config.dialect(store, physical) == Dialect.POSTGRESQL) {
                // PostgreSQL's driver refuses rollback() in auto-commit: end the transaction opened by SQL text the
                // same way it was opened
                try (java.sql.Statement statement = physical.createStatement()) {
                    statement.execute("ROLLBACK");
                }
            } else {
                physical.rollback();
            }
            // a ROLLBACK ends a transaction opened by SQL text too, unless the session chains the next one
            sqlTransaction = sqlTransaction && openAfterEnd(physical, false);
            rollbackBuffer();
            return;
        }
        physical.rollback(savepoint); // keys written since stay: a sync of an unchanged row changes nothing
        buffer.rollbackTo(savepoint);
    }

    /**
     * Closes the connection; an open transaction is rolled back explicitly first, whatever the driver or pool
     * would do on close (some commit), so that the application's uncommitted work never lands unsynced.
     */
    private void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (!buffer.isEmpty()) {
            log.debug("connection closed without commit: the keys of {} rows discarded", buffer.size());
        }
        if (physical == null) {
            rollbackBuffer();
            return;
        }
        try {
            if (!physical.isClosed()) {
                rollBackXa(physical);
                if (!physical.getAutoCommit()) {
                    physical.rollback();
                } else if (sqlTransaction) {
                    try (java.sql.Statement rollback = physical.createStatement()) {
                        rollback.execute("ROLLBACK");
                    }
                }
            }
        } catch (SQLException e) {
            log.debug("rollback before close failed: {}", Credentials.mask(e.toString()));
        } finally {
            sqlTransaction = false;
            // after the rollback, whose warnings say whether tables without transactions kept writes; a procedure
            // or an implicit commit may have committed some of the keys too
            rollbackBuffer();
            try {
                physical.close();
            } finally {
                if (!held.isEmpty()) {
                    tablesUnlocked(); // closing the session released its locks (a pool may keep them: the sync then waits)
                }
            }
        }
    }

    /**
     * The application's {@code statement} (the driver's) begins an execution that runs statements of the library's
     * on this session before its own ({@code null}: that part is over). Each of ours gets its query timeout and is
     * cancelled by its {@code cancel()} ({@link #ownStatement}, {@link #cancelFor}).
     */
    void ownStatementsFor(java.sql.@Nullable Statement statement) {
        cancelledByCaller = false;
        runningFor = statement;
    }

    /**
     * A statement of the library's ({@code own}) runs now on this session for the application's execution: it takes
     * that statement's query timeout, and a {@code cancel()} of it reaches this one ({@link #ownEnded} after it).
     *
     * @throws SQLException the application's statement was cancelled before this one started
     */
    void ownStatement(java.sql.Statement own) throws SQLException {
        java.sql.Statement caller = runningFor;
        if (caller == null) {
            return;
        }
        int timeout = caller.getQueryTimeout();
        if (timeout > 0) {
            own.setQueryTimeout(timeout);
        }
        ownRunning = own;
        if (cancelledByCaller) {
            throw new java.sql.SQLTimeoutException("the statement was cancelled", "57014");
        }
    }

    /** The statement of the library's that {@link #ownStatement} registered has ended. */
    void ownEnded() {
        ownRunning = null;
    }

    /**
     * The application cancelled its {@code statement} (the driver's) from another thread: a statement of the
     * library's running for its execution is cancelled too, and one about to start does not run.
     */
    void cancelFor(java.sql.Statement statement) throws SQLException {
        if (runningFor != statement) {
            return;
        }
        cancelledByCaller = true;
        java.sql.Statement own = ownRunning;
        if (own != null) {
            own.cancel();
        }
    }

    /**
     * Whether {@code failure} of a statement of the library's run for the application's execution is the end the
     * application (or its session's own limit) set to that execution: a query timeout, a {@code cancel()}, a
     * PostgreSQL {@code statement_timeout}, MySQL/MariaDB's {@code max_statement_time}. The application's statement
     * would have met it too: it ends the execution with that failure instead of running the statement regardless.
     */
    boolean stoppedByCaller(Throwable failure) {
        if (cancelledByCaller || failure instanceof java.sql.SQLTimeoutException) {
            return true;
        }
        String state = failure instanceof SQLException e ? e.getSQLState() : null;
        return "57014".equals(state) || "70100".equals(state) || "HY008".equals(state);
    }

    static Object call(Object target, Method method, Object[] args) throws Throwable {
        return io.dualwrite.internal.Reflect.invoke(target, method, args);
    }
}
