package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.Operation;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.statement.RenderedSql;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.ValueRef;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution (or batch entry) of a write that mirrors: finds the primary keys of the rows it touched and
 * hands them to the connection's {@link KeyBuffer}; when they cannot be known exactly, a scoped resync.
 *
 * <p>Keys come from, in order of preference: the statement's own values (insert key columns, {@code WHERE
 * pk = …}, a key assigned by {@code SET}); the generated keys; for an upsert, a select of the rows holding
 * the inserted values of each unique key; for an update or delete with any other WHERE, a {@code SELECT …
 * FOR UPDATE} of the key columns with the same WHERE, run first in the same transaction, whose row count
 * must equal the statement's update count (else a rows was added or lost between the two, and the scope is
 * resynced).
 */
final class WriteExecution {

    private static final Logger log = LoggerFactory.getLogger(WriteExecution.class);
    /** A whole number written as the database writes it: no sign but minus, no leading zeros, no fraction. */
    private static final java.util.regex.Pattern WHOLE_NUMBER = java.util.regex.Pattern.compile("-?(0|[1-9][0-9]*)");
    /** A zero as a key value may be written ({@code 0}, {@code '0'}, {@code 0.0}, {@code false} is handled apart). */
    /** The epoch as a MySQL {@code DATETIME} literal: UTC date-times are reckoned from it without any zone. */
    private static final String EPOCH = "TIMESTAMP'1970-01-01 00:00:00'";
    private static final java.util.regex.Pattern ZERO = java.util.regex.Pattern.compile("[-+]?0*(\\.0*)?");

    private final ConnectionHandler connection;
    private final StatementAnalysis analysis;
    private final MigrationContext context;
    private final MigrationPhase phase;
    /** Whether {@link #phase} mirrors only by the unattributed rule ({@link ConnectionHandler#phaseUpgraded()}). */
    private final boolean upgraded;
    /** {@link #rowsUnattributable()}: 0 not asked yet, 1 attributable, -1 not. */
    private int attributable;
    /** Set when a pre-select this execution needed could not run: its keys are then unknown. */
    private boolean preselectFailed;
    /** Set when an inserted key is stored in another form than its value as written ({@link #storedKey}). */
    private boolean keyNotAsWritten;
    /** Set when the write raised warnings on MySQL or MariaDB ({@link #warned}): its written keys are read back. */
    private boolean storeWarned;
    /**
     * Set when an insert on a table whose triggers may rewrite the key found a row under a key it writes before it
     * ran: the row found after it under that key may be that row, not the one inserted.
     */
    private boolean keyTakenBefore;
    /** When this write began ({@link System#nanoTime()}): what a removal of its keys must be done after. */
    private final long began = System.nanoTime();
    /** The removals {@link #beforeRemoving} began, by key, until the statement ran or failed. */
    private Map<String, Removals.Removal> removing = Map.of();
    /** Whether the generated keys were derived from the first one ({@link ConnectionHandler#consecutiveKeys}). */
    private boolean keysDerived;
    /**
     * Set when the driver reported the first generated key of several rows whose other keys need not follow it
     * ({@link ConnectionHandler#consecutiveKeys} answered {@code null}): they are read by the rows' values.
     */
    private boolean keysNotDerivable;
    /**
     * Whether the keys handed to {@link #collect} are the database's answer to a request for the key columns of an
     * insert or upsert that names its keys ({@link StatementHandler#readsStoredKeys}): the rows as stored.
     */
    private boolean keysReported;
    /**
     * Set by {@link #conflictingKeys} asked per row: a row of the upsert found no row by its unique values (or the
     * upsert had too many rows to ask each), so a row it met is not among the keys found.
     */
    private boolean unmatchedRow;
    /** The key an update assigns as its bound values name it ({@link #removalKey}), when known: no removal. */
    private @Nullable String assigned;

    WriteExecution(ConnectionHandler connection, StatementAnalysis analysis, MigrationContext context,
                   MigrationPhase phase) {
        this.connection = connection;
        this.analysis = analysis;
        this.context = context;
        this.phase = phase;
        this.upgraded = connection.phaseUpgraded();
    }

    /** Whether the keys must be selected before the statement runs (an update or delete without a key WHERE). */
    static boolean needsPreselect(StatementAnalysis analysis) {
        return analysis.mappedWrite() && (analysis.kind() == SqlKind.UPDATE || analysis.kind() == SqlKind.DELETE)
                && analysis.whereKey() == null && analysis.keysUnknown() == null;
    }

    /**
     * Whether this execution selects its keys first: an update or delete without a key WHERE, or one whose
     * key WHERE may name a row by another value ({@link #inexactWhereKey}: MariaDB's
     * {@code WHERE id = 'ABC'} touches row {@code 'abc'}, {@code 'é'} touches {@code 'e'}); an upsert that can take
     * the rows it conflicts with away from their keys ({@link StatementAnalysis#movesRows()}).
     */
    boolean preselects(Connection physical, ParameterRecorder.Bound bound) {
        if (needsPreselect(analysis)) {
            return true;
        }
        if (analysis.keysUnknown() != null) {
            return false;
        }
        if (analysis.kind() == SqlKind.UPSERT) {
            return analysis.movesRows();
        }
        if (analysis.kind() == SqlKind.INSERT) {
            return !analysis.keysGenerated() && keyTexts(physical).insertTriggers();
        }
        // a condition reading a relation is never run a second time (a view may take a sequence's next value): such
        // a key, which may name a row spelt otherwise, is resynced instead (collectKeys)
        return analysis.whereKey() != null && !readsOtherRows(analysis) && inexactWhereKey(physical, bound);
    }

    /**
     * For a write that {@link ConnectionHandler#mayMirrorByStoredKey}: whether the store may keep its row under other
     * ids than the statement wrote (catalog, cached): for an insert whose table's order id is its key, a trigger or
     * the key column's own definition that may give the row another key; for an insert or an update, a row trigger
     * that may set another order or merchant id.
     */
    boolean rowIdsMayMove(Connection physical) {
        Metadata.KeyTexts texts = keyTexts(physical);
        boolean insert = analysis.kind() == SqlKind.INSERT;
        if (texts.idTriggers(insert)) {
            return true;
        }
        String orderColumn = analysis.mapping().orderIdColumn().orElse(null);
        return insert && !analysis.keysGenerated() && analysis.mapping().primaryKey().size() == 1
                && orderColumn != null && orderColumn.equalsIgnoreCase(analysis.mapping().primaryKey().get(0))
                && texts.insertTriggers();
    }

    /**
     * Whether the key WHERE may name a row by a value other than its key: a text that the table's key compares
     * loosely ({@code 'é'} names row {@code 'e'}), any value that is not text against a text key (MySQL, MariaDB
     * and H2 compare it as a number: {@code 7} names row {@code '007'}), a text bound as {@code CHAR} (PostgreSQL
     * ignores its trailing spaces), a key value the driver converts, a fractional decimal (a decimal key, or one a
     * driver truncates or rounds into an integer key), or a value of any other type (a {@code Clob}, a date).
     * The select finds out which row, exactly.
     */
    boolean inexactWhereKey(Connection physical, ParameterRecorder.Bound bound) {
        boolean text = false;
        long texts = 0; // positions bound to text
        long numbers = 0; // positions bound to a number
        long loose = 0; // positions bound to a text that is no integer as a number key column would spell it
        List<ValueRef> whereKey = analysis.whereKey();
        for (int position = 0; position < whereKey.size(); position++) {
            ValueRef ref = whereKey.get(position);
            Object value = ref.resolve(bound.values());
            if (value == null) {
                // an unbuffered stream (it can be read once, by the caller's statement) or a null: the key is
                // unknown and the execution resyncs; a select would consume the stream
                return false;
            } else if (value instanceof String) {
                if (bound.charTyped(ref.parameterIndex())) {
                    return true;
                }
                text = true;
                texts |= position < 64 ? 1L << position : Long.MIN_VALUE;
                if (!CANONICAL_INTEGER.matcher((String) value).matches()) {
                    loose |= position < 64 ? 1L << position : Long.MIN_VALUE;
                }
            } else if (isWholeNumber(value)) {
                numbers |= position < 64 ? 1L << position : Long.MIN_VALUE;
            } else if (value instanceof java.math.BigDecimal decimal) {
                if (decimal.stripTrailingZeros().scale() > 0) {
                    return true;
                }
                numbers |= position < 64 ? 1L << position : Long.MIN_VALUE;
            } else if (!(value instanceof java.util.UUID)) {
                return true; // converted floating point, Clob, Boolean, dates, anything else
            }
        }
        if (!text && numbers == 0) {
            return false;
        }
        Metadata.KeyTexts keys = keyTexts(physical);
        // a text or a number names a date, a binary or an ENUM key in a form of its own: '2024-01-01 10:00' names row
        // 2024-01-01 10:00:00, and on MySQL a TIMESTAMP by the session's time zone
        // a text against a column that is not text is converted by the database: MySQL and MariaDB read '1abc',
        // ' 1' and '01' as row 1
        return (text && keys.loose()) || (numbers & keys.textColumns()) != 0
                || ((texts | numbers) & keys.formedColumns()) != 0 || (loose & ~keys.textColumns()) != 0;
    }

    /** An integer as a number column spells it: no sign but a minus, no leading zero, nothing else. */
    private static final java.util.regex.Pattern CANONICAL_INTEGER = java.util.regex.Pattern.compile("-?(?:0|[1-9][0-9]*)");

    private Metadata.KeyTexts keyTexts(Connection physical) {
        Store store = connection.store();
        Metadata metadata = connection.config.metadata();
        Metadata.KeyTexts known = metadata.knownKeyTexts(store, analysis.mapping());
        return known != null ? known : readOnce(physical, Metadata.KeyTexts.UNKNOWN,
                dialect -> metadata.keyTexts(store, physical, dialect, analysis.mapping(),
                        store == Store.OLD ? analysis.namedIn() : null));
    }

    /**
     * On MySQL/MariaDB, before the write runs: reads now what {@link #collect} reads on the caller's session after
     * it the first time (the key columns' facts, for a text key the session's character sets), so that the
     * application's write stays the session's last statement ({@code ROW_COUNT()} answers that one). The
     * read-backs that need the write's outcome (a trigger, an upsert, warnings) still follow it.
     */
    void beforeRun(Connection physical) {
        if (connection.config.dialect(connection.store(), physical) == Dialect.MYSQL && keyTexts(physical).text()) {
            connection.sessionCharsetChanged();
        }
    }

    /** A catalog read of the first write on a table, on the caller's connection. */
    private interface CatalogRead<T> {
        T read(@Nullable Dialect dialect) throws SQLException;
    }

    /**
     * Runs a catalog read under a savepoint (a failed query must not abort the caller's transaction); on failure
     * {@code fallback}, the answer that costs a select or a resync rather than a wrong key.
     */
    private <T> T readOnce(Connection physical, T fallback, CatalogRead<T> read) {
        Dialect dialect = connection.config.dialect(connection.store(), physical);
        try {
            return guarded(physical, dialect, connection.inSqlTransaction(), () -> read.read(dialect));
        } catch (SQLException | RuntimeException e) {
            return fallback;
        }
    }

    /** Whether a value is a whole number of an integral Java type. */
    static boolean isWholeNumber(@Nullable Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger;
    }

    /**
     * Whether a key value is one the driver converts before the database sees it, so that the row written is
     * not the row the value names: a fractional binary floating-point number ({@code setObject(i, 1.9,
     * Types.BIGINT)} writes row 1 on PostgreSQL, row 2 on H2). Such keys are selected first, or resynced.
     */
    static boolean converted(@Nullable Object value) {
        if (value instanceof Double number) {
            return number.isNaN() || number.isInfinite() || number != Math.rint(number);
        }
        if (value instanceof Float number) {
            return number.isNaN() || number.isInfinite() || number != Math.rint(number);
        }
        return false;
    }

    /**
     * The keys of the rows an update or delete is about to touch, locked ({@code FOR UPDATE}) in the
     * application's transaction; {@code null} when there is nothing to select or the select failed (the
     * statement is probably wrong and fails on its own with the driver's error; a resync covers it if not).
     *
     * @throws SQLException the application's query timeout or {@code cancel()} stopped the select ({@link
     *                      ConnectionHandler#stoppedByCaller}): the statement ends with it
     */
    @Nullable List<List<Object>> preselect(Connection physical, ParameterRecorder.Bound bound) throws SQLException {
        if (!preselects(physical, bound)) {
            return null;
        }
        if (analysis.kind() == SqlKind.INSERT) {
            // a trigger may store the row under another key; the key read back after the insert is the row's only
            // if no row held it before (read unlocked: a locking read of a missing key takes a gap lock on MariaDB)
            try {
                for (List<Object> key : writtenKeys(physical, bound)) {
                    keyTakenBefore |= !readKey(physical, key).isEmpty();
                }
            } catch (SQLException e) {
                if (connection.stoppedByCaller(e)) {
                    throw e;
                }
                keyTakenBefore = true;
            } catch (RuntimeException e) {
                keyTakenBefore = true;
            }
            return null;
        }
        if (analysis.kind() == SqlKind.UPSERT) {
            try { // not locked: a gap lock taken before the insert would deadlock two upserts of one new key
                return conflictingKeys(physical, bound.values(), false);
            } catch (SQLException | RuntimeException e) {
                if (e instanceof SQLException failure && connection.stoppedByCaller(failure)) {
                    throw failure;
                }
                connection.config.warn(log, "preselect/" + analysis.mapping().oldTable(),
                        "could not select the rows an upsert on {} may move: {}", analysis.mapping().oldTable(),
                        Credentials.mask(e.toString()));
                return null;
            }
        }
        Store store = connection.store();
        RenderedSql select = analysis.keySelect(store);
        if (select == null) {
            preselectFailed = true;
            return null;
        }
        // SET STATEMENT max_statement_time = 1 FOR …: the limit bounds our wait for the write's row locks too
        String sql = (store == Store.OLD && connection.config.dialect(store, physical) == Dialect.MYSQL
                ? analysis.limitsPrefix() : "") + quotedKeys(physical, select.sql(), store);
        if (!lockable(physical)) {
            // PostgreSQL refuses FOR UPDATE on a view that is not simple with SQLState 0A000, which pools take for
            // a broken connection and close: the caller's own statement would then fail. Unlocked, another writer
            // could swap the rows in between without changing the count: the keys are unknown, the scope resynced
            preselectFailed = true;
            return null;
        }
        try {
            List<List<Object>> keys = guarded(physical, () -> selectKeys(physical, sql + " FOR UPDATE", statement ->
                    ParameterRecorder.bind(statement, select, bound, store == Store.NEW ? analysis.mapping() : null)));
            for (List<Object> key : keys) {
                if (key.contains(null)) {
                    // a key column is never null: the driver could not give the value (MariaDB's zero date
                    // '0000-00-00' reads as null), so the key is unknown and its scope is resynced
                    preselectFailed = true;
                    return null;
                }
            }
            return keys;
        } catch (SQLException | RuntimeException e) {
            if (e instanceof SQLException failure && connection.stoppedByCaller(failure)) {
                // the application's timeout or cancel: its statement ends with it, as it would have behind the
                // same locks, rather than run on unbounded
                throw failure;
            }
            connection.config.warn(log, "preselect/" + analysis.mapping().oldTable(),
                    "could not select the keys a {} on {} touches: {}",
                    analysis.kind(), analysis.mapping().oldTable(), Credentials.mask(e.toString()));
            preselectFailed = true;
            return null;
        }
    }

    /**
     * Whether the rows this write changes stay changed whatever its end ({@link Metadata#transactional}: a MyISAM
     * table of MySQL or MariaDB), read before the statement runs, once per table; {@code false} elsewhere without
     * asking.
     */
    boolean permanent(Connection physical) {
        if (connection.config.dialect(connection.store(), physical) != Dialect.MYSQL) {
            return false;
        }
        return !connection.config.metadata().transactional(connection.store(), physical, Dialect.MYSQL,
                analysis.mapping());
    }

    TableMapping mapping() {
        return analysis.mapping();
    }

    MigrationContext context() {
        return context;
    }

    /** Whether the table is selected {@code FOR UPDATE} ({@link Metadata#lockable}), read under a savepoint once. */
    private boolean lockable(Connection physical) {
        Store store = connection.store();
        Metadata metadata = connection.config.metadata();
        Boolean known = metadata.knownLockable(store, analysis.mapping());
        return known != null ? known : readOnce(physical, false,
                dialect -> metadata.lockable(store, physical, dialect, analysis.mapping(),
                        store == Store.OLD ? analysis.namedIn() : null));
    }

    /**
     * The key select with its key columns quoted for the store's dialect (reserved words such as {@code key}), and on
     * the new store its table too ({@link #table}; on the old one the table is named as the application wrote it).
     */
    private String quotedKeys(Connection physical, String select, Store store) {
        List<String> keys = store == Store.OLD ? analysis.mapping().primaryKey() : analysis.mapping().newPrimaryKey();
        String prefix = "SELECT " + String.join(", ", keys) + " FROM ";
        Dialect dialect = connection.config.dialect(store);
        if (dialect == null || !select.startsWith(prefix)) {
            return select;
        }
        String rest = select.substring(prefix.length());
        String newTable = analysis.mapping().newTable();
        if (store == Store.NEW && rest.startsWith(newTable) && (rest.length() == newTable.length()
                || rest.charAt(newTable.length()) == ' ')) {
            rest = table(physical) + rest.substring(newTable.length());
        }
        return "SELECT " + keyList(physical, keys) + " FROM " + rest;
    }

    /**
     * The select list that reads the store's key columns as the copier names them: each quoted for the dialect; a
     * MySQL {@code TIMESTAMP} ({@link Metadata.KeyTexts#zoned}) as the UTC date-time of its stored instant,
     * whatever zone the caller's session has — set by the application, by a function it called, or left on a
     * pooled connection by an earlier borrower — since the copier binds such keys in UTC (a session at {@code
     * +05:00} reads {@code 10:00:00} where UTC reads {@code 05:00:00}).
     */
    private String keyList(Connection physical, List<String> keyColumns) {
        Dialect dialect = connection.config.dialect(connection.store());
        Metadata.KeyTexts texts = dialect == Dialect.MYSQL || dialect == Dialect.POSTGRESQL ? keyTexts(physical) : null;
        List<String> list = new ArrayList<>(keyColumns.size());
        for (int position = 0; position < keyColumns.size(); position++) {
            String column = quote(physical, keyColumns.get(position));
            if (texts != null && texts.zoned(position)) {
                // the stored instant as a UTC date-time, by arithmetic on its epoch: CONVERT_TZ from the session's
                // zone would give both instants of a repeated daylight-saving hour one text
                column = "TIMESTAMPADD(MICROSECOND, ROUND(UNIX_TIMESTAMP(" + column + ") * 1000000), " + EPOCH + ")";
            } else if (texts != null && texts.numbered(position)) {
                column = "(" + column + " + 0)"; // BIT and YEAR: the number held, not bytes or a date
            } else if (texts != null && texts.duration(position)) {
                column = "CAST(" + column + " AS CHAR)"; // TIME: beyond a day, no time of day holds it
            } else if (texts != null && texts.numeric(position) && texts.formed(position)) {
                // a MySQL FLOAT's text has six digits, a PostgreSQL real's as few under extra_float_digits = 0:
                // as a double, every digit the value has
                column = "CAST(" + column + (dialect == Dialect.MYSQL ? " AS DOUBLE)" : " AS double precision)");
            }
            list.add(column);
        }
        return String.join(", ", list);
    }

    /**
     * Whether the write just run on {@code physical} raised warnings on MySQL or MariaDB: outside strict mode they
     * store a value other than the one written and only warn ({@code 'abcdef'} into a {@code VARCHAR(3)} key is
     * row {@code 'abc'}, {@code 300} into a {@code TINYINT} key row {@code 127}), so the written keys of such a
     * write are read back ({@link #exactKey}). Ask before any select of ours, which resets the count; the driver
     * keeps the count of the last statement, so no round trip is made unless there are warnings. Elsewhere
     * (PostgreSQL and H2 refuse such values) {@code false} without asking. The warnings read are kept for the
     * application ({@link ConnectionHandler#holdWarnings}).
     */
    static boolean warned(ConnectionHandler connection, Connection physical) {
        if (connection.config.dialect(connection.store(), physical) != Dialect.MYSQL) {
            return false;
        }
        return connection.holdWarnings(physical);
    }

    /**
     * Marks this execution's generated keys as derived from the first one the driver reported ({@link
     * ConnectionHandler#consecutiveKeys}): a guess the sync checks (a trigger that set the keys, interleaved
     * auto-increment).
     */
    void keysDerived() {
        keysDerived = true;
    }

    /**
     * Marks this execution's generated keys as not derivable from the first one the driver reported ({@link
     * ConnectionHandler#consecutiveKeys}): the keys are read by the inserted rows' unique values ({@link
     * #insertedByUniqueValues}), or the table is resynced.
     */
    void keysNotDerivable() {
        keysNotDerivable = true;
    }

    /**
     * Notes that the database reported these keys for the rows this execution stored (PostgreSQL's {@code RETURNING}
     * of the key columns, H2's generated keys by column name), although the statement named keys of its own.
     */
    void keysReported(List<List<Object>> reported) {
        keysReported = !reported.isEmpty();
    }

    /** Marks this execution's write as one that raised warnings ({@link #warned}). */
    void storeWarned(boolean warned) {
        storeWarned = warned;
    }

    /**
     * Hands the keys of this (successful) execution to the buffer, or a scoped resync when they cannot be
     * known exactly. Never throws: a problem here must not reach the caller, whose write succeeded.
     *
     * @param updateCount the statement's update count, or -1 when unknown
     * @param generated   the generated keys the driver returned for this execution
     */
    void collect(Connection physical, ParameterRecorder.Bound bound, long updateCount, List<List<Object>> generated,
                 @Nullable List<List<Object>> preselected) {
        try {
            collectKeys(physical, bound, updateCount, generated, preselected);
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "keys/" + analysis.mapping().oldTable(),
                    "could not find the keys a {} on {} touched: {}", analysis.kind(), analysis.mapping().oldTable(),
                    Credentials.mask(e.toString()));
            generated.forEach(key -> add(key));
            resync(bound, "keys-failed");
        }
    }

    private void collectKeys(Connection physical, ParameterRecorder.Bound bound, long updateCount,
                             List<List<Object>> generated, @Nullable List<List<Object>> preselected) throws SQLException {
        boolean textKey = keyTexts(physical).text(); // read again once the catalog's facts are a refresh old
        if (connection.config.metadata().takeChanged(connection.store(), analysis.mapping())) {
            // the catalog changed since it was last read (a trigger created while the application runs): the
            // writes keyed by what it said before may have stored other keys
            connection.buffer().resync(analysis.mapping(), null, "catalog-changed", context);
            connection.config.copier().catalogChanged(analysis.mapping()); // the columns it copies may have changed
        }
        if (textKey && connection.sessionCharsetChanged()) {
            generated.forEach(this::add);
            resync(bound, "session-charset"); // the server converted the text keys from another charset
            return;
        }
        if (keyTexts(physical).selfWriting()) {
            // a trigger or rule writes other rows of the table, or turns the write into another (a rule's
            // DELETE that updates reports 0 rows): what it touched is unknown whatever the count says
            generated.forEach(this::add);
            resync(bound, "table-triggers");
            return;
        }
        if (updateCount == 0) {
            return;
        }
        if (keysReported && analysis.kind() == SqlKind.INSERT && updateCount == generated.size()
                && storedAsReported(physical)) {
            // one key per row it inserted, as the database stored it: whatever the text said about them (a DEFAULT,
            // OVERRIDING USER VALUE, a value a cast or trigger changed, no key at all) names no other row
            generated.forEach(this::add);
            return;
        }
        if (analysis.keysUnknown() != null) {
            generated.forEach(this::add);
            resync(bound, analysis.keysUnknown());
            return;
        }
        List<Object> values = bound.values();
        switch (analysis.kind()) {
            case INSERT -> {
                boolean mysql = connection.config.dialect(connection.store()) == Dialect.MYSQL;
                if (analysis.keysGenerated() && mysql && (keysNotDerivable || !generatedIsKey(physical))) {
                    // the driver's keys do not name every row: the first of rows that may not follow it, or the value
                    // of an AUTO_INCREMENT column outside the key (the key from a sequence or a default)
                    List<List<Object>> found = insertedByUniqueValues(physical, values);
                    if (found == null) {
                        resync(bound, keysNotDerivable ? "keys-not-consecutive" : "keys-not-returned");
                        return;
                    }
                    found.forEach(this::expect);
                    return;
                }
                List<List<Object>> keys = analysis.keysGenerated() ? generated : insertKeys(physical, bound);
                if (keys == null && mysql && !analysis.keysGenerated()) {
                    // key values the database fills in (NULL, 0 or DEFAULT into an AUTO_INCREMENT key, among explicit
                    // ones) or stores in another form: the rows are found by their values of another unique key
                    List<List<Object>> found = insertedByUniqueValues(physical, values);
                    if (found != null) {
                        found.forEach(this::expect);
                        return;
                    }
                }
                if (keys == null && mysql && !analysis.keysGenerated()
                        && oneRowKeyedByItsAutoIncrement(physical, values, updateCount, generated)) {
                    // (id) VALUES (DEFAULT), VALUES (), () VALUES (): no key written and no unique value to find the
                    // row by, but the one key the driver reported is the row's
                    generated.forEach(this::add);
                    return;
                }
                if (analysis.keysGenerated() && keyTexts(physical).insertTriggers()
                        && connection.config.dialect(connection.store()) != Dialect.POSTGRESQL && missing(physical, keys)) {
                    // the driver reports the generated value, not what a trigger made of it (PostgreSQL's RETURNING
                    // reports the row as stored)
                    keys = null;
                }
                if (keys == null || (analysis.keysGenerated() && (updateCount > keys.size() || keys.isEmpty()))) {
                    keys = keys == null ? generated : keys;
                    keys.forEach(this::add);
                    resync(bound, "keys-not-returned");
                    return;
                }
                // keys the driver reported are the rows'; keys derived from the first one are checked by the sync
                keys.forEach(analysis.keysGenerated() && !keysDerived ? this::add : this::expect);
            }
            case UPSERT -> {
                generated.forEach(this::add);
                List<List<Object>> explicit = analysis.keysGenerated() ? null : insertKeys(physical, bound);
                if (explicit != null) {
                    // not expected: an upsert that meets a row on another unique key inserts none under its own
                    explicit.forEach(this::add);
                } else if (keyNotAsWritten) {
                    resync(bound, "upsert-keys-unknown"); // the conflicting rows are looked up by the same values
                    return;
                }
                unmatchedRow = false;
                List<List<Object>> conflicting = conflictingKeys(physical, values, true);
                if (conflicting == null || (analysis.movesRows() && preselected == null)) {
                    resync(bound, "upsert-keys-unknown");
                    return;
                }
                conflicting.forEach(this::expect);
                if (updateCount != 0 && (conflicting.size() < analysis.insertRows().size() || unmatchedRow)) {
                    // a row it wrote holds none of its own unique values: the store keeps it under another key (a
                    // trigger that rewrote it), it met a row on a unique key whose values it does not name (an
                    // expression, a generated or defaulted column, a prefix), or two of its rows met one row; which
                    // rows is unknown. Counted per row: one row holding the values of two rows' unique keys made up
                    // the count for a row that met a row no value names. A count the driver did not give (a batch's
                    // SUCCESS_NO_INFO, -1 here) may have written rows too
                    resync(bound, "upsert-keys-unknown");
                    return;
                }
                if (preselected != null) {
                    // the rows it conflicted with, read before it ran: a REPLACE deleted them, an update clause
                    // may have given them another key. A count beyond one per row plus one per row read means
                    // it met a row committed after that read, whose old key is unknown
                    preselected.forEach(this::add);
                    if (updateCount > (long) analysis.insertRows().size() + preselected.size()) {
                        resync(bound, "upsert-moved-unknown-rows");
                    }
                }
            }
            default -> {
                // an update that names no new key leaves its rows under the keys it found them by
                boolean keeps = analysis.kind() == SqlKind.UPDATE && analysis.setKey() == null;
                assigned(bound);
                if (analysis.whereKey() != null && preselected == null) {
                    if (preselectFailed) { // the key as written may name a row spelt otherwise
                        resync(bound, "preselect-failed");
                        return;
                    }
                    if (readsOtherRows(analysis) && inexactWhereKey(physical, bound)) {
                        // the key may name a row spelt otherwise, and the condition, reading a relation, is not run
                        // again to find it (preselects)
                        resync(bound, "condition-reads-rows");
                        return;
                    }
                    List<Object> key = resolve(analysis.whereKey(), values);
                    if (key.contains(null)) { // an unbuffered stream: its value was never seen
                        resync(bound, "keys-unknown");
                        return;
                    }
                    if (key.stream().anyMatch(WriteExecution::converted)) {
                        resync(bound, "keys-converted");
                        return;
                    }
                    add(key, keeps);
                    if (analysis.setKey() == null && movedByTrigger(physical, List.of(key))) {
                        resync(bound, "key-trigger");
                        return;
                    }
                } else if (preselected != null) {
                    preselected.forEach(key -> add(key, keeps));
                    if (analysis.kind() == SqlKind.UPDATE && updateCount > 0
                            && connection.config.dialect(connection.store(), physical) == Dialect.MYSQL
                            && connection.countsChangedRows()) {
                        // the count names the rows the update changed, not those it matched: equal to the keys
                        // selected, it may still hide a row inserted after the pre-select and one left as it was
                        if (updateCount > preselected.size() || !AffectedRows.phantomsLocked(physical)) {
                            resync(bound, "count-unproven");
                            return;
                        }
                    } else if (updateCount >= 0 && updateCount != preselected.size()) {
                        resync(bound, "count-mismatch");
                        return;
                    }
                    if (analysis.setKey() == null && movedByTrigger(physical, preselected)) {
                        resync(bound, "key-trigger");
                        return;
                    }
                } else {
                    resync(bound, "keys-unknown");
                    return;
                }
                if (analysis.setKey() != null) {
                    List<Object> key = exactKey(physical, analysis.setKey(), bound);
                    if (key == null) {
                        resync(bound, "keys-converted");
                        return;
                    }
                    expect(key);
                }
            }
        }
    }

    /**
     * Whether a statement's text reads rows besides those its condition decides on (a subquery, {@code SELECT} or
     * PostgreSQL's {@code TABLE}, anywhere in it): the names it mentions are cached with its analysis, so this costs
     * a lookup. A name in a string or a comment counts too, which costs at most a resync.
     */
    static boolean readsOtherRows(StatementAnalysis analysis) {
        List<String> names = analysis.names();
        return names.contains("select") || names.contains("table")
                || names.contains(io.dualwrite.jdbc.statement.SqlText.MANY_NAMES);
    }

    /**
     * Each inserted row's key from its values; {@code null} when a key value is not a parameter or literal, or
     * not stored as written ({@link #storedKey}).
     */
    /** An inserted row's key values at the key's {@code positions}; {@code null} when one is not a value or literal. */
    private static @Nullable List<ValueRef> keyRefs(List<@Nullable ValueRef> row, List<Integer> positions) {
        List<ValueRef> refs = new ArrayList<>(positions.size());
        for (int position : positions) {
            ValueRef ref = position < row.size() ? row.get(position) : null;
            if (ref == null) {
                return null;
            }
            refs.add(ref);
        }
        return refs;
    }

    /** The keys an insert writes, as written (only those whose values are all known). */
    private List<List<Object>> writtenKeys(Connection physical, ParameterRecorder.Bound bound) throws SQLException {
        List<Integer> positions = positions(physical, analysis.mapping().primaryKey());
        List<List<Object>> keys = new ArrayList<>();
        for (List<@Nullable ValueRef> row : positions == null ? List.<List<@Nullable ValueRef>>of() : analysis.insertRows()) {
            List<ValueRef> refs = keyRefs(row, positions);
            List<Object> key = refs == null ? null : storedKey(physical, refs, bound);
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    private @Nullable List<List<Object>> insertKeys(Connection physical, ParameterRecorder.Bound bound)
            throws SQLException {
        List<Integer> positions = positions(physical, analysis.mapping().primaryKey());
        if (positions == null || analysis.insertRows().isEmpty()) {
            return null;
        }
        List<List<Object>> keys = new ArrayList<>();
        for (List<@Nullable ValueRef> row : analysis.insertRows()) {
            List<ValueRef> refs = keyRefs(row, positions);
            if (refs == null) {
                return null;
            }
            List<Object> key = exactKey(physical, refs, bound);
            if (key == null) {
                keyNotAsWritten = true;
                return null;
            }
            keys.add(key);
        }
        return keys;
    }

    /**
     * The key an insert or an assignment stored: {@link #storedKey}, read back in the caller's transaction when a
     * key column stores values in a form of its own ({@link Metadata.KeyTexts#formed}: {@code DATETIME} drops
     * {@code .6}, {@code timestamp(0)} rounds it, {@code BINARY(4)} pads), a text value ends in white space (a
     * {@code varchar(3)} cuts {@code 'abc  '} to {@code 'abc'}) or the write raised warnings ({@link #warned}): the
     * row found by the value as written, if exactly one, else {@code null} (unknown).
     */
    private @Nullable List<Object> exactKey(Connection physical, List<ValueRef> refs, ParameterRecorder.Bound bound)
            throws SQLException {
        List<Object> key = storedKey(physical, refs, bound);
        if (key == null) {
            return null;
        }
        Metadata.KeyTexts texts = keyTexts(physical);
        boolean readBack = false;
        if (keyTakenBefore) {
            return null; // a trigger may have stored the row elsewhere, and the key as written names another row
        }
        for (int position = 0; position < key.size() && !readBack; position++) {
            Object value = key.get(position);
            boolean spaced = value instanceof String text && !text.isEmpty()
                    && Character.isWhitespace(text.charAt(text.length() - 1));
            // stored in another form, converted from text ('7.6' into an integer is 8), cut or clamped to the
            // column (MySQL outside strict mode), or a 0 an AUTO_INCREMENT column replaces by its next value
            readBack = storeWarned || texts.formed(position) || (spaced && texts.text(position))
                    || (value instanceof String text && texts.numeric(position) && !WHOLE_NUMBER.matcher(text).matches())
                    || !texts.holds(position, value)
                    || (texts.autoIncrement(position) && ZERO.matcher(String.valueOf(value).strip()).matches());
        }
        if (!readBack && !(analysis.kind() == SqlKind.UPDATE ? texts.updateTriggers() : texts.insertTriggers()
                || (analysis.kind() == SqlKind.UPSERT && texts.updateTriggers()))) {
            return key;
        }
        List<List<Object>> found = readKey(physical, key);
        return found.size() == 1 && !found.get(0).contains(null) ? found.get(0) : null;
    }

    /** The rows found by {@code key} as written, read in the caller's transaction: their keys as the store holds them. */
    private List<List<Object>> readKey(Connection physical, List<Object> key) throws SQLException {
        return readKey(physical, key, false);
    }

    /**
     * The rows found by {@code key}, read in the caller's transaction: their keys as the store holds them. {@code
     * key} is as the statement wrote it, or, {@code canonical}, as this class names keys ({@link #keyList}): a
     * MySQL {@code TIMESTAMP} part is then a UTC date-time, found by its epoch (within a day of its text, so
     * that the key's index serves, whatever the session's zone).
     */
    private List<List<Object>> readKey(Connection physical, List<Object> key, boolean canonical) throws SQLException {
        Store store = connection.store();
        TableMapping mapping = analysis.mapping();
        List<String> keyColumns = store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey();
        Dialect dialect = connection.config.dialect(store);
        Metadata.KeyTexts texts = dialect == Dialect.POSTGRESQL || dialect == Dialect.MYSQL ? keyTexts(physical) : null;
        List<String> conditions = new ArrayList<>(keyColumns.size());
        for (int i = 0; i < keyColumns.size(); i++) {
            String column = quote(physical, keyColumns.get(i));
            conditions.add(canonical && texts != null && texts.zoned(i)
                    ? "(" + column + " BETWEEN CAST(? AS DATETIME(6)) - INTERVAL 1 DAY AND CAST(? AS DATETIME(6))"
                            + " + INTERVAL 1 DAY AND ROUND(UNIX_TIMESTAMP(" + column + ") * 1000000)"
                            + " = TIMESTAMPDIFF(MICROSECOND, " + EPOCH + ", CAST(? AS DATETIME(6))))"
                    : column + " = ?");
        }
        String sql = "SELECT " + keyList(physical, keyColumns) + " FROM " + table(physical) + " WHERE "
                + String.join(" AND ", conditions);
        boolean postgres = dialect == Dialect.POSTGRESQL;
        return guarded(physical, () -> selectKeys(physical, sql, statement -> {
            int index = 1;
            for (int i = 0; i < key.size(); i++) {
                if (postgres && (key.get(i) instanceof String || (texts.numeric(i) && texts.formed(i)))) {
                    // as a literal of unknown type, as the statement wrote it: PostgreSQL has no operator comparing
                    // a timestamp or a number with a varchar, and compares 16777217 with a real as a double
                    // a float as the double it widens to: the driver sends 0.1f as a real, which a double
                    // precision column holds as 0.10000000149011612, not as 0.1
                    Object value = key.get(i) instanceof Float single ? (Object) (double) single : key.get(i);
                    statement.setObject(index++, String.valueOf(value), java.sql.Types.OTHER);
                } else if (canonical && texts != null && texts.zoned(i)) {
                    String utc = String.valueOf(key.get(i));
                    statement.setString(index++, utc);
                    statement.setString(index++, utc);
                    statement.setString(index++, utc);
                } else {
                    statement.setObject(index++, key.get(i));
                }
            }
        }));
    }

    /** Whether any of {@code keys} names no row (read in the caller's transaction). */
    /**
     * Whether keys the driver reported are the rows' keys as stored: PostgreSQL's {@code RETURNING} reads the row
     * after its {@code BEFORE} triggers. H2 reports the values before its triggers, and one that a trigger moved may
     * still name another row (found, so no read tells it apart): on a table with insert triggers its keys are
     * taken as the statement names them instead, with the checks that go with those; so are keys of a type stored in
     * a form of its own ({@link Metadata.KeyTexts#formed}).
     */
    boolean storedAsReported(Connection physical) {
        Metadata.KeyTexts texts = keyTexts(physical);
        for (int position = 0; position < analysis.mapping().primaryKey().size(); position++) {
            if (texts.formed(position)) {
                // a real, a timestamp or bytes come back as the session spells them (extra_float_digits, its zone),
                // not always as stored: read back in a form of the library's own by the checks that follow
                return false;
            }
        }
        return connection.config.dialect(connection.store()) == Dialect.POSTGRESQL || !texts.insertTriggers();
    }

    private boolean missing(Connection physical, List<List<Object>> keys) throws SQLException {
        for (List<Object> key : keys) {
            if (readKey(physical, key, true).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an update may have moved its rows to keys it never names: the table has a trigger that may change
     * the key of the row being updated ({@link Metadata.KeyTexts#updateTriggers}) and a row it touched is no
     * longer found under the key synced for it (one read per key, only on such tables).
     */
    private boolean movedByTrigger(Connection physical, List<List<Object>> keys) throws SQLException {
        return analysis.kind() == SqlKind.UPDATE && keyTexts(physical).updateTriggers() && missing(physical, keys);
    }

    /**
     * The key an insert or an assignment stores, when it is the value as written: text not bound as
     * {@code CHAR} (PostgreSQL would drop its trailing spaces), a whole number (not into a MySQL {@code ENUM},
     * where it is a member's index), a whole decimal or a UUID; into a key that holds no text, also a whole
     * floating-point number. Anything else a text key stores in its own form ({@code 7.0} as {@code '7'},
     * {@code true} as {@code '1'}, a timestamp without {@code .0}) and an integer key rounds ({@code 7.6}): {@code null}.
     */
    private @Nullable List<Object> storedKey(Connection physical, List<ValueRef> refs, ParameterRecorder.Bound bound) {
        List<Object> key = new ArrayList<>(refs.size());
        for (int position = 0; position < refs.size(); position++) {
            ValueRef ref = refs.get(position);
            Object value = ref.resolve(bound.values());
            boolean asWritten;
            if (value == null) {
                return null;
            } else if (value instanceof String) {
                asWritten = !bound.charTyped(ref.parameterIndex());
            } else if (isWholeNumber(value)) {
                asWritten = !keyTexts(physical).enumerated(position);
            } else if (value instanceof java.math.BigDecimal decimal) {
                asWritten = (decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0)
                        && !keyTexts(physical).text(position);
                if (asWritten) {
                    value = decimal.toBigIntegerExact();
                }
            } else if (value instanceof Boolean) {
                asWritten = false; // stored as 1 or 0 (and a 0 into an AUTO_INCREMENT key as its next value)
            } else if (converted(value) && keyTexts(physical).numeric(position) && keyTexts(physical).formed(position)) {
                // a fraction into a floating-point key: the driver sends the number itself, which the column at
                // most rounds to its precision; a formed column's key is read back (exactKey) as the store holds it
                asWritten = true;
            } else {
                // a UUID, a timestamp, bytes…: as written into a column of its own kind; a text column stores its
                // own rendering (7.0 as '7', true as '1', a timestamp without .0), a fractional number is rounded
                asWritten = !converted(value) && !keyTexts(physical).text(position);
            }
            if (!asWritten) {
                return null;
            }
            key.add(value);
        }
        return key;
    }

    /** The positions of {@code wanted} in the insert's column list (or the table's columns); null if one is missing. */
    private @Nullable List<Integer> positions(Connection physical, List<String> wanted) throws SQLException {
        // under the guard's savepoint: a failed read must not abort the caller's PostgreSQL transaction
        List<String> columns = analysis.insertColumns() != null ? analysis.insertColumns()
                : guarded(physical, () -> connection.config.metadata().columnOrder(connection.store(), physical,
                        analysis.mapping().table(connection.store()), table(physical)));
        return io.dualwrite.jdbc.statement.StatementAnalyzer.indexesOf(columns, wanted);
    }

    /**
     * For an upsert: the keys of the rows that hold, after it, the inserted values of any unique key (the rows
     * it inserted or updated, whichever key it conflicted on); {@code null} when no unique key's values are
     * all known. {@code perRow}: also find out whether every row of the statement found a row, setting
     * {@link #unmatchedRow} when one did not (asked only where the count of rows found cannot tell).
     */
    private @Nullable List<List<Object>> conflictingKeys(Connection physical, List<@Nullable Object> values,
                                                         boolean perRow) throws SQLException {
        Store store = connection.store();
        TableMapping mapping = analysis.mapping();
        String table = mapping.table(store);
        List<String> keyColumns = store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey();
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        int rowCount = analysis.insertRows().size();
        // per statement row, its conditions and their parameters: whether each row found a row is asked apart
        List<List<String>> rowConditions = new ArrayList<>();
        List<List<Object>> rowParameters = new ArrayList<>();
        for (int r = 0; r < rowCount; r++) {
            rowConditions.add(new ArrayList<>());
            rowParameters.add(new ArrayList<>());
        }
        int uniquesNamed = 0;
        for (List<String> unique : connection.config.metadata().uniqueKeys(store, physical, table,
                store == Store.OLD ? analysis.namedIn() : null)) {
            List<String> oldNames = store == Store.OLD ? unique
                    : unique.stream().map(c -> mapping.oldColumn(c).orElse(c)).toList();
            List<Integer> positions = positions(physical, oldNames);
            if (positions == null) {
                continue;
            }
            boolean named = false;
            for (int r = 0; r < rowCount; r++) {
                List<@Nullable ValueRef> row = analysis.insertRows().get(r);
                List<Object> rowValues = new ArrayList<>();
                for (int position : positions) {
                    ValueRef ref = position < row.size() ? row.get(position) : null;
                    Object value = ref == null ? null : ref.resolve(values);
                    if (value == null) {
                        rowValues = null;
                        break;
                    }
                    rowValues.add(value);
                }
                if (rowValues != null) {
                    String condition = "(" + String.join(" AND ", unique.stream().map(c -> quote(physical, c) + " = ?").toList()) + ")";
                    conditions.add(condition);
                    parameters.addAll(rowValues);
                    rowConditions.get(r).add(condition);
                    rowParameters.get(r).addAll(rowValues);
                    named = true;
                }
            }
            uniquesNamed += named ? 1 : 0;
        }
        if (conditions.isEmpty()) {
            return null;
        }
        // with one unique key named, a row found is found by one row of the statement (the count of rows found
        // answers for every row); with two, one row of the statement may find two rows, so each statement row is
        // asked whether it found one, in the same select
        boolean flags = perRow && rowCount > 1 && uniquesNamed > 1;
        if (flags && rowCount > MAX_FLAGGED_ROWS) {
            unmatchedRow = true; // too many rows to ask each: which rows it met is unknown
            flags = false;
        }
        List<Object> all = new ArrayList<>();
        StringBuilder select = new StringBuilder("SELECT ").append(keyList(physical, keyColumns));
        if (flags) {
            for (int r = 0; r < rowCount; r++) {
                select.append(rowConditions.get(r).isEmpty() ? ", 0"
                        : ", CASE WHEN " + String.join(" OR ", rowConditions.get(r)) + " THEN 1 ELSE 0 END");
                all.addAll(rowParameters.get(r));
            }
        }
        all.addAll(parameters);
        String sql = select + " FROM " + table(physical) + " WHERE " + String.join(" OR ", conditions);
        List<List<Object>> found = guarded(physical, () -> selectKeys(physical, sql, statement -> {
            for (int i = 0; i < all.size(); i++) {
                statement.setObject(i + 1, all.get(i));
            }
        }));
        if (!flags) {
            return found;
        }
        int keySize = keyColumns.size();
        boolean[] matched = new boolean[rowCount];
        List<List<Object>> keys = new ArrayList<>(found.size());
        for (List<Object> row : found) {
            keys.add(new ArrayList<>(row.subList(0, keySize)));
            for (int r = 0; r < rowCount; r++) {
                matched[r] |= row.get(keySize + r) instanceof Number flag && flag.intValue() == 1;
            }
        }
        for (boolean one : matched) {
            unmatchedRow |= !one;
        }
        return keys;
    }

    /** The most rows of one upsert whose rows found are asked row by row ({@link #conflictingKeys}). */
    static final int MAX_FLAGGED_ROWS = 500;

    /**
     * Whether a MySQL/MariaDB driver's generated key is this table's key: the driver reports the value the statement
     * gave the table's {@code AUTO_INCREMENT} column, whichever column that is; a key filled by a sequence, a default
     * or a trigger while another column counts is not what it reports. A catalog that could not be read says
     * nothing: the driver's key is taken, as before the catalog was consulted (its triggers are checked apart).
     */
    private boolean generatedIsKey(Connection physical) {
        Metadata.KeyTexts texts = keyTexts(physical);
        return texts == Metadata.KeyTexts.UNKNOWN
                || (analysis.mapping().primaryKey().size() == 1 && texts.autoIncrement(0));
    }

    /**
     * Whether this MySQL/MariaDB insert stored one row whose single key column is the table's {@code AUTO_INCREMENT}
     * one, left for the database to fill ({@code DEFAULT}, {@code NULL}, no value at all: {@code VALUES ()}, {@code
     * () VALUES ()}), and the driver reported one key for it. The driver reports the server's insert id, which for a
     * one-row insert is the value its {@code AUTO_INCREMENT} column stored: that row's key. Such a row names no
     * unique value to find it by ({@link #insertedByUniqueValues}), so without this its table was resynced whole
     * although the key was known. Not for a written {@code 0} (stored as written under {@code NO_AUTO_VALUE_ON_ZERO}),
     * nor when an insert trigger may change the key, nor when the catalog could not be read.
     */
    boolean oneRowKeyedByItsAutoIncrement(Connection physical, List<@Nullable Object> values, long updateCount,
                                                  List<List<Object>> generated) throws SQLException {
        Metadata.KeyTexts texts = keyTexts(physical);
        if (updateCount != 1 || generated.size() != 1 || analysis.insertRows().size() != 1 || keysNotDerivable
                || texts == Metadata.KeyTexts.UNKNOWN || texts.insertTriggers() || !generatedIsKey(physical)) {
            return false;
        }
        List<Integer> positions = positions(physical, analysis.mapping().primaryKey());
        if (positions == null || positions.size() != 1) {
            return false;
        }
        List<@Nullable ValueRef> row = analysis.insertRows().get(0);
        ValueRef ref = positions.get(0) < row.size() ? row.get(positions.get(0)) : null;
        return ref == null || ref.resolve(values) == null;
    }

    /**
     * The keys of the rows an insert wrote, read in the caller's transaction by each row's values of a unique key
     * whose values it names (bound or literal; a key column's 0 is left out, since the column may have generated a
     * value for it): one condition per row, so the rows found must be as many as the statement's rows, each found
     * once (a row an {@code INSERT IGNORE} skipped finds the row it met, a harmless sync). {@code null} when a row
     * names no unique key's values, when fewer rows are found (a value stored in another form than written), or when
     * an insert trigger may have changed the values.
     */
    private @Nullable List<List<Object>> insertedByUniqueValues(Connection physical, List<@Nullable Object> values)
            throws SQLException {
        if (analysis.insertRows().isEmpty() || keyTexts(physical).insertTriggers()) {
            return null;
        }
        Store store = connection.store();
        TableMapping mapping = analysis.mapping();
        String table = mapping.table(store);
        List<String> keyColumns = store == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey();
        List<List<String>> uniques = connection.config.metadata().uniqueKeys(store, physical, table);
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        for (List<@Nullable ValueRef> row : analysis.insertRows()) {
            boolean named = false;
            for (int u = 0; u < uniques.size() && !named; u++) {
                List<String> unique = uniques.get(u);
                List<String> oldNames = store == Store.OLD ? unique
                        : unique.stream().map(c -> mapping.oldColumn(c).orElse(c)).toList();
                List<Integer> positions = positions(physical, oldNames);
                if (positions == null) {
                    continue;
                }
                List<Object> rowValues = new ArrayList<>();
                for (int c = 0; c < positions.size() && rowValues != null; c++) {
                    int position = positions.get(c);
                    ValueRef ref = position < row.size() ? row.get(position) : null;
                    Object value = ref == null ? null : ref.resolve(values);
                    String column = unique.get(c);
                    boolean keyZero = value != null && keyColumns.stream().anyMatch(column::equalsIgnoreCase)
                            && ZERO.matcher(String.valueOf(value).strip()).matches();
                    if (value == null || keyZero) {
                        rowValues = null;
                    } else {
                        rowValues.add(value);
                    }
                }
                if (rowValues != null) {
                    conditions.add("(" + String.join(" AND ", unique.stream().map(c -> quote(physical, c) + " = ?").toList()) + ")");
                    parameters.addAll(rowValues);
                    named = true;
                }
            }
            if (!named) {
                return null;
            }
        }
        String sql = "SELECT " + keyList(physical, keyColumns) + " FROM " + table(physical) + " WHERE "
                + String.join(" OR ", conditions);
        List<List<Object>> found = guarded(physical, () -> selectKeys(physical, sql, statement -> {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
        }));
        java.util.Set<List<Object>> distinct = new java.util.LinkedHashSet<>(found);
        if (distinct.size() != analysis.insertRows().size() || distinct.stream().anyMatch(key -> key.contains(null))) {
            return null;
        }
        return new ArrayList<>(distinct);
    }

    /**
     * A column name for SQL this class adds to the application's: quoted with backticks on MySQL and MariaDB
     * ({@link Dialect#column}); on PostgreSQL and H2 quoted as the table's catalog spells it ({@link
     * Metadata.KeyTexts#column}), so that a reserved word ({@code user}, {@code value}) or a column created in mixed
     * case ({@code "OrderNo"}) is found; as written when the catalog could not be read.
     */
    private String quote(Connection physical, String column) {
        Dialect dialect = connection.config.dialect(connection.store());
        if (dialect == Dialect.POSTGRESQL || dialect == Dialect.H2) {
            String spelled = keyTexts(physical).column(column);
            return spelled == null ? column : spelled;
        }
        return dialect == null ? column : dialect.column(column);
    }

    /**
     * The mapped table's name for SQL this class adds: as the catalog spells it on PostgreSQL and H2 ({@link #quote});
     * on MySQL and MariaDB each part in backticks, which reaches the same table as the bare name (their case rule is
     * the server's, quoted or not) and lets a reserved word ({@code group}) be one.
     */
    private String table(Connection physical) {
        String configured = analysis.mapping().table(connection.store());
        Dialect dialect = connection.config.dialect(connection.store());
        String name;
        if (dialect == Dialect.MYSQL) {
            List<String> parts = new ArrayList<>();
            for (String part : configured.split("\\.", -1)) {
                parts.add(dialect.column(part));
            }
            name = String.join(".", parts);
        } else {
            name = dialect == Dialect.POSTGRESQL || dialect == Dialect.H2 ? keyTexts(physical).table(configured)
                    : configured;
        }
        String namedIn = analysis.namedIn();
        if (namedIn != null && connection.store() == Store.OLD && !configured.contains(".") && !qualified(name)) {
            // UPDATE shop.orders … on a session USEd into (or with a search_path on) another schema: the bare name
            // there is another table or none, so the rows are read where the statement wrote them
            return namedIn + "." + name;
        }
        return name;
    }

    /** Whether a table's name as {@link #table} spells it carries a schema: a dot outside its quotes. */
    private static boolean qualified(String name) {
        char quote = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == '.') {
                return true;
            }
        }
        return false;
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Work on the caller's connection that may fail. */
    interface SqlWork<T> {
        T run() throws SQLException;
    }

    private <T> T guarded(Connection physical, SqlWork<T> work) throws SQLException {
        return guarded(physical, connection.config.dialect(connection.store(), physical), connection.inSqlTransaction(),
                work);
    }

    /**
     * Runs our own statements on the caller's connection. On PostgreSQL a failed statement aborts the whole
     * transaction, and the application's next statement would fail with "transaction is aborted" instead of its
     * own error: inside a transaction a savepoint keeps our failure to itself.
     */
    static <T> T guarded(Connection physical, @Nullable Dialect dialect, boolean sqlTransaction, SqlWork<T> work)
            throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            return work.run();
        }
        Guard guard = Guard.set(physical, sqlTransaction);
        try {
            T result = work.run();
            if (guard != null) {
                guard.release();
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            if (guard != null) {
                try {
                    guard.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            throw e;
        }
    }

    /**
     * Runs the library's reads of the catalog on the caller's connection ({@link #guarded}), except on a PostgreSQL
     * session whose JDBC transaction has not begun on the server yet (auto-commit off, pgjdbc idle: its {@code BEGIN}
     * goes with the first statement): there the read would be the transaction's first query, and the application's
     * first statement of it may need to be first ({@code SET TRANSACTION ISOLATION LEVEL} fails with 25001 after any
     * query, {@code SET TRANSACTION SNAPSHOT} too). The read then runs in auto-commit, outside the transaction:
     * pgjdbc switches auto-commit on and off again without a statement while it holds no transaction.
     */
    static <T> T catalogRead(Connection physical, @Nullable Dialect dialect, boolean sqlTransaction, SqlWork<T> work)
            throws SQLException {
        if (dialect != Dialect.POSTGRESQL || physical.getAutoCommit()
                || !Boolean.FALSE.equals(ServerTransaction.open(physical))) {
            return guarded(physical, dialect, sqlTransaction, work);
        }
        physical.setAutoCommit(true);
        try {
            return work.run();
        } finally {
            physical.setAutoCommit(false);
        }
    }

    /**
     * A savepoint around our own statements in the caller's transaction: set through JDBC, or, in a transaction
     * the application opened by SQL text while JDBC is in auto-commit (where JDBC refuses savepoints), by SQL
     * text too ({@code SAVEPOINT dualwrite_guard}, a name of our own).
     */
    record Guard(@Nullable Connection connection, @Nullable Savepoint savepoint) {
        private static final String NAME = "dualwrite_guard";

        /**
         * The guard, or {@code null} outside a transaction (nothing to protect). In auto-commit, {@code
         * sqlTransaction} is what the application's texts said (a {@code BEGIN} seen); the server's own word, where
         * the driver keeps it (pgjdbc's state after every reply), overrules it: a text that ended the transaction it
         * opened ({@code BEGIN; SELECT fn(); COMMIT}, read after it ran), or failed before its {@code BEGIN} ran,
         * leaves no transaction, and a {@code SAVEPOINT} there fails ("can only be used in transaction blocks"),
         * which made the first read of the functions fail and their writes go unrecorded. Such a session gets a
         * guard that sets nothing.
         */
        static @Nullable Guard set(Connection connection, boolean sqlTransaction) throws SQLException {
            if (!connection.getAutoCommit()) {
                return new Guard(connection, connection.setSavepoint());
            }
            if (!sqlTransaction) {
                return null;
            }
            if (Boolean.FALSE.equals(ServerTransaction.open(connection))) {
                return new Guard(null, null);
            }
            sql(connection, "SAVEPOINT " + NAME);
            return new Guard(connection, null);
        }

        void release() throws SQLException {
            if (connection == null) {
                return;
            }
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            } else {
                sql(connection, "RELEASE SAVEPOINT " + NAME);
            }
        }

        void rollback() throws SQLException {
            if (connection == null) {
                return;
            }
            if (savepoint != null) {
                connection.rollback(savepoint);
            } else {
                sql(connection, "ROLLBACK TO SAVEPOINT " + NAME);
            }
        }

        private static void sql(Connection connection, String sql) throws SQLException {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    /**
     * The keys a select on the application's session returns. That session's {@code sql_mode} may hold {@code
     * PAD_CHAR_TO_FULL_LENGTH}, which pads the {@code CHAR} values it reads to the column's length: a MySQL or
     * MariaDB {@code CHAR} keeps no trailing spaces, so they are taken off again, and the key is the row's as every
     * other session reads it (a target of exact text, PostgreSQL's {@code VARCHAR}, holds it without them).
     */
    private List<List<Object>> selectKeys(Connection physical, String sql, Binder binder) throws SQLException {
        List<List<Object>> keys = new ArrayList<>();
        boolean mysql = connection.config.dialect(connection.store(), physical) == Dialect.MYSQL;
        try (PreparedStatement statement = physical.prepareStatement(sql)) {
            binder.bind(statement);
            connection.ownStatement(statement); // bounded and cancelled as the application's statement is
            try (ResultSet rows = statement.executeQuery()) {
                java.sql.ResultSetMetaData meta = rows.getMetaData();
                int columns = meta.getColumnCount();
                boolean[] padded = new boolean[columns + 1];
                for (int c = 1; c <= columns; c++) {
                    padded[c] = mysql && meta.getColumnType(c) == java.sql.Types.CHAR;
                }
                while (rows.next()) {
                    List<Object> key = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        Object value = rows.getObject(c);
                        key.add(padded[c] && value instanceof String text ? withoutPadding(text) : value);
                    }
                    keys.add(key);
                }
            } finally {
                connection.ownEnded();
            }
        }
        return keys;
    }

    /** {@code text} without the spaces {@code PAD_CHAR_TO_FULL_LENGTH} appended. */
    private static String withoutPadding(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    private static List<Object> resolve(List<ValueRef> key, List<@Nullable Object> values) {
        List<Object> resolved = new ArrayList<>(key.size());
        for (ValueRef ref : key) {
            resolved.add(ref.resolve(values));
        }
        return resolved;
    }

    /** Buffers a key the write touched without leaving a row under it for sure (deleted, moved, generated). */
    private void add(List<Object> key) {
        add(key, false);
    }

    /**
     * Buffers a key under which the write left a row (an inserted key not generated by the database, an upsert's,
     * an updated row's that kept its key): if the sync finds no row under it, the store keeps the row under
     * another key than the one named, or a later transaction deleted it, and a scoped resync is recorded.
     */
    private void expect(List<Object> key) {
        add(key, true);
    }

    private void add(List<Object> key, boolean expectsRow) {
        if (key.isEmpty()) {
            return;
        }
        for (Object part : key) { // a loop, not a stream: this runs for every key of every write
            if (part == null) {
                return;
            }
        }
        if (rowsUnattributable()) {
            connection.buffer().resync(analysis.mapping(), null, "rows-not-attributable", context);
            return;
        }
        String encoded = KeyCodec.encode(key);
        boolean removes = analysis.kind() == SqlKind.DELETE || (analysis.kind() == SqlKind.UPDATE && analysis.setKey() != null);
        String removed = !expectsRow && removes ? removalKey(key) : null;
        if (removed != null && !removed.equals(assigned)) { // deleted, or moved to another key
            Removals.Removal removal = Removals.done(connection.config.migration(), analysis.mapping(), removed,
                    removing.get(removed));
            connection.buffer().removal(() -> Removals.forget(connection.config.migration(), analysis.mapping(),
                    removed, removal));
        }
        connection.buffer().add(analysis.mapping(), encoded, operation(), context, phase, expectsRow, began);
    }

    /**
     * A removed key as an inserted one is named: a whole decimal as an integer ({@code DELETE … WHERE id = 7.0}
     * removes the row inserted as {@code 7}).
     */
    private static String removalKey(List<Object> key) {
        List<Object> parts = new ArrayList<>(key.size());
        for (Object part : key) {
            parts.add(part instanceof java.math.BigDecimal decimal && decimal.stripTrailingZeros().scale() <= 0
                    ? decimal.toBigIntegerExact() : part);
        }
        return KeyCodec.encode(parts);
    }

    /** Notes the key the update assigns ({@link #assigned}): a row it finds under that key stays there. */
    private void assigned(ParameterRecorder.Bound bound) {
        if (analysis.kind() == SqlKind.UPDATE && analysis.setKey() != null && assigned == null) {
            List<Object> key = resolve(analysis.setKey(), bound.values());
            assigned = key.contains(null) ? null : removalKey(key);
        }
    }

    private void beginRemoving(List<Object> key) {
        String encoded = removalKey(key);
        if (encoded.equals(assigned)) {
            return;
        }
        if (removing.isEmpty()) {
            removing = new LinkedHashMap<>();
        }
        Removals.Removal removal = Removals.begin(connection.config.migration(), analysis.mapping(), encoded);
        removing.put(encoded, removal);
        connection.buffer().removal(() -> Removals.forget(connection.config.migration(), analysis.mapping(), encoded,
                removal));
    }

    /**
     * After the statement ran or failed: the removals {@link #beforeRemoving} began that its keys did not mark done
     * removed nothing (it found no row under them, or failed), and are forgotten.
     */
    void settleRemovals() {
        removing.forEach((key, removal) -> Removals.settle(connection.config.migration(), analysis.mapping(), key,
                removal));
        removing = Map.of();
    }

    /**
     * Before a delete, or an update that gives its rows another key, runs: notes the keys it names ({@link
     * Removals}), so that a sync of another write that finds no row under one of them — because this write
     * committed first — does not take it for a row kept under another key. Noted before the statement runs
     * (open until its keys are collected), since in auto-commit it commits before its keys are collected.
     *
     * @param preselected the keys selected under lock before it runs, or {@code null}
     */
    void beforeRemoving(ParameterRecorder.Bound bound, @Nullable List<List<Object>> preselected) {
        if (analysis.kind() != SqlKind.DELETE && !(analysis.kind() == SqlKind.UPDATE && analysis.setKey() != null)) {
            return;
        }
        try {
            assigned(bound);
            if (preselected != null) {
                preselected.forEach(this::beginRemoving);
            } else if (analysis.whereKey() != null) {
                List<Object> key = resolve(analysis.whereKey(), bound.values());
                if (!key.contains(null)) {
                    beginRemoving(key);
                }
            }
        } catch (RuntimeException e) {
            // only an earlier note is lost, which costs a resync that was not needed
            log.debug("could not note the keys a {} removes: {}", analysis.kind(), Credentials.mask(e.toString()));
        }
    }

    /** Records a scoped resync of this execution's table (its merchant's rows when the statement pins one). */
    /**
     * Whether the rows of this write cannot be attributed to the merchant or order their phase depends on: the
     * copier decides each row's copy by the row's own order and merchant columns, filling in a column the mapping
     * lacks from the write's context. When the mapping names no merchant (order) column, the context has no
     * merchant (order) id, switches of the migration differ by merchant (order), and the context alone resolves to
     * a phase that does not write the other store, the copier would skip every row, also the rows of a merchant
     * (order) that mirrors (a {@code <foreach>} insert of several merchants, an id-less update): the table gets a
     * scoped resync instead of keys. The context's phase is the one resolved with the write's own
     * ({@link ConnectionHandler#phaseUpgraded()}), so a switch flipped while the statement ran changes nothing here.
     * Asked once per execution, when its first key is buffered.
     */
    private boolean rowsUnattributable() {
        if (attributable == 0) {
            attributable = rowsAttributable() ? 1 : -1;
        }
        return attributable < 0;
    }

    private boolean rowsAttributable() {
        if (!upgraded) {
            return true; // the context alone mirrors: the copier decides its rows by it (and their own ids)
        }
        TableMapping mapping = analysis.mapping();
        boolean merchantUnknown = mapping.merchantIdColumn().isEmpty() && context.merchantId().isEmpty();
        boolean orderUnknown = mapping.orderIdColumn().isEmpty() && context.orderId().isEmpty();
        if (!merchantUnknown && !orderUnknown) {
            return true;
        }
        io.dualwrite.switches.PhaseResolver resolver = connection.config.resolver();
        String migration = connection.config.migration();
        return !(merchantUnknown && resolver.mayVaryByMerchant(migration))
                && !(orderUnknown && resolver.mayVaryByOrder(migration));
    }

    void resync(ParameterRecorder.Bound bound, String reason) {
        Object merchant = analysis.agreedId(false, bound.values()); // a merchant all rows share, else the table
        String merchantId = ConnectionHandler.text(merchant); // as the switches name it: 7.00 is merchant 7
        connection.buffer().resync(analysis.mapping(), merchantId, reason, context);
    }

    private Operation operation() {
        return switch (analysis.kind()) {
            case INSERT -> Operation.INSERT;
            case UPSERT -> Operation.UPSERT;
            case UPDATE -> Operation.UPDATE;
            case DELETE -> Operation.DELETE;
            default -> Operation.COPY;
        };
    }

    /** A scoped resync of each table a statement may have written without naming rows (procedures, unparsable SQL). */
    static void resyncTables(ConnectionHandler connection, StatementAnalysis analysis, MigrationContext context) {
        analysis.resyncTables().forEach(mapping -> connection.buffer().resync(mapping, null,
                analysis.kind() == SqlKind.UNKNOWN ? "unparsable" : analysis.kind() == SqlKind.BULK_WRITE
                        ? analysis.sql().strip().split("\\s+")[0].toLowerCase(Locale.ROOT) : "procedure-call", context));
    }

    /** The keys written with literal or bound key values by the parts of a multi-statement string; resyncs for the rest. */
    static void collectParts(ConnectionHandler connection, StatementAnalysis multiple, ParameterRecorder.Bound bound,
                             java.util.function.Function<StatementAnalysis, MigrationContext> contexts,
                             Connection physical, boolean warned) {
        for (StatementAnalysis part : multiple.parts()) {
            if (!part.resyncTables().isEmpty()) {
                resyncTables(connection, part, contexts.apply(part));
            }
            if (!part.mappedWrite()) {
                continue;
            }
            WriteExecution write = new WriteExecution(connection, part, contexts.apply(part), MigrationPhase.DUAL_WRITE);
            write.storeWarned(warned);
            // no part's keys can be selected before it runs: a key WHERE that may name a row spelt otherwise
            // leaves the row unknown
            boolean exact = part.keysUnknown() == null && switch (part.kind()) {
                case INSERT -> !part.keysGenerated();
                case UPDATE, DELETE -> part.whereKey() != null && !write.inexactWhereKey(physical, bound);
                default -> false;
            };
            if (exact) {
                write.collect(physical, bound, -1, List.of(), null);
            } else {
                write.resync(bound, "several-statements");
            }
        }
    }
}
