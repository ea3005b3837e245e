package io.dualwrite.jdbc.statement;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one SQL string does and how to run it on each store. Computed once per distinct SQL string and
 * shared; immutable.
 *
 * @param sql             the application's SQL (in the old store's terms)
 * @param kind            what it does
 * @param mapping         the mapping of its table; {@code null} when the table is outside the migration
 *                        (or the statement names none), and then it only ever runs on the connection's store
 * @param keysUnknown     why the keys of the rows this write touches cannot be known exactly ({@code
 *                        "multi-table"}, {@code "limit"}, …), so that its scope is resynced instead; {@code null}
 *                        when they can be
 * @param keysGenerated   an insert whose primary key the database generates (no key column in the list)
 * @param insertKeys      for an insert naming its key columns: each row's key values, in key-column order
 * @param whereKey        for an update or delete whose WHERE pins every key column with {@code =}: the values
 * @param orderId         where the order id comes from (insert value or {@code WHERE col = …}), if anywhere
 * @param merchantId      where the merchant id comes from, if anywhere
 * @param onOld           the statement for the old store (the application's SQL)
 * @param onNew           the statement rewritten for the new store; {@code null} when it cannot be
 * @param keySelectOld    for an update or delete without {@code whereKey}: selects the affected keys on the old store
 * @param keySelectNew    the same on the new store
 * @param rewriteProblem  why {@code onNew} is missing, when it is
 * @param insertColumns   for an insert with {@code VALUES}: its column list, or {@code null} when it names none
 *                        (all the table's columns, in table order)
 * @param insertRows      for an insert with {@code VALUES}: each row's values by position, {@code null} where a
 *                        value is an expression rather than a parameter or literal
 * @param setKey          for an update that assigns the primary key: the new key values, when known
 * @param returning       whether the statement has a {@code RETURNING} clause
 * @param movesRows       for an upsert: whether rows it conflicts with may leave their key or the unique value
 *                        they were met on — a {@code REPLACE} deletes them, an update clause that assigns a key
 *                        column moves or respells them, one that assigns any column other than its inserted value
 *                        may change a unique value — so their keys must be read before it runs; for an update: whether it assigns a key, order-id
 *                        or merchant-id column, so that its rows may leave the phase its WHERE names
 * @param txControl       transaction control sent as SQL text
 * @param parts           for several statements in one string: each one's analysis (this one is then of kind
 *                        {@link SqlKind#MULTIPLE})
 * @param writtenTable    the table an {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MERGE} or {@code TRUNCATE}
 *                        writes, as the statement names it (for the foreign keys that cascade from it), or {@code null}
 * @param resyncTables    mapped tables this statement may write without naming their rows (a procedure call,
 *                        unparsable SQL): each gets a scoped resync
 * @param names           the names the text mentions ({@link SqlText#names(String)}): a function of the store's, or an
 *                        object calling one, may write mapped tables the statement does not name ({@code SELECT
 *                        bump(1)})
 * @param otherWritten    the tables the statement writes besides {@link #writtenTable()}, as it names them: the other
 *                        targets of a multi-table {@code UPDATE} or {@code DELETE}, the tables its data-modifying
 *                        {@code WITH} items write, the targets a token scan finds in a text that was not parsed
 *                        ({@link SqlText#targets}); their views, partitions and cascading foreign keys are followed too
 * @param assignedColumns for an {@code UPDATE}, or an upsert that updates the row it meets ({@code ON DUPLICATE KEY
 *                        UPDATE}, {@code ON CONFLICT}): the columns it assigns, lower case and unqualified, so that a
 *                        write assigning no column a foreign key refers to is known not to cascade {@code ON UPDATE};
 *                        {@code null} when any column may change or rows may be deleted ({@code REPLACE}, anything
 *                        else)
 * @param namedIn         the schema or database a single-table write names its mapped table in ({@code UPDATE
 *                        shop.orders …}), as written, quotes and all; {@code null} when it names the bare table. The
 *                        SQL the write path adds on the caller's session (reading the keys a write touched) names the
 *                        table there too, whatever schema or database the session is on
 */
public record StatementAnalysis(
        String sql,
        SqlKind kind,
        @Nullable TableMapping mapping,
        @Nullable String keysUnknown,
        boolean keysGenerated,
        List<List<ValueRef>> insertKeys,
        @Nullable List<ValueRef> whereKey,
        @Nullable ValueRef orderId,
        @Nullable ValueRef merchantId,
        RenderedSql onOld,
        @Nullable RenderedSql onNew,
        @Nullable RenderedSql keySelectOld,
        @Nullable RenderedSql keySelectNew,
        @Nullable String rewriteProblem,
        @Nullable List<String> insertColumns,
        List<List<@Nullable ValueRef>> insertRows,
        @Nullable List<ValueRef> setKey,
        boolean returning,
        boolean movesRows,
        TxControl txControl,
        List<StatementAnalysis> parts,
        List<TableMapping> resyncTables,
        @Nullable String writtenTable,
        List<String> names,
        List<String> otherWritten,
        @Nullable List<String> assignedColumns,
        @Nullable String namedIn) {

    /** Whether the statement touches a table of the migration. */
    public boolean mapped() {
        return mapping != null;
    }

    /**
     * The order id ({@code order} true) or merchant id the statement carries for these bound {@code values}: the
     * value of {@link #orderId()} / {@link #merchantId()}, but null when the rows of a multi-row {@code INSERT}
     * disagree on that column. Taken from the first row alone, a row of another merchant was written under the
     * first row's phase: one of a merchant that does not mirror hid a mirroring merchant's rows, with nothing
     * recorded. Without an agreed id the write is unattributed and the copier decides each row by its own column.
     */
    public @Nullable Object agreedId(boolean order, List<@Nullable Object> values) {
        ValueRef ref = order ? orderId : merchantId;
        if (ref == null) {
            return null;
        }
        Object first = ref.resolve(values);
        if (insertRows.size() < 2 || insertColumns == null || mapping == null) {
            return first;
        }
        String column = (order ? mapping.orderIdColumn() : mapping.merchantIdColumn()).orElse(null);
        int index = -1;
        for (int c = 0; column != null && c < insertColumns.size(); c++) {
            if (insertColumns.get(c).equalsIgnoreCase(column)) {
                index = c;
            }
        }
        if (index < 0) {
            return first;
        }
        String text = first == null ? null : io.dualwrite.internal.IdText.of(first); // 7 and 7.00 agree
        for (List<@Nullable ValueRef> row : insertRows) {
            ValueRef each = index < row.size() ? row.get(index) : null;
            Object value = each == null ? null : each.resolve(values);
            if (!java.util.Objects.equals(text, value == null ? null : io.dualwrite.internal.IdText.of(value))) {
                return null;
            }
        }
        return first;
    }

    /** Whether the statement is a write to a table of the migration. */
    public boolean mappedWrite() {
        return mapping != null && kind.isWrite();
    }

    /**
     * Whether the database can be asked which keys this write left its rows under: a single-table insert or upsert
     * of a mapped table without a {@code RETURNING} of the application's. On PostgreSQL and H2 the driver answers a
     * request for the key columns with the rows as stored, whatever the text said: a {@code DEFAULT} among written
     * keys, {@code OVERRIDING USER VALUE}, a trigger or an assignment cast ({@code 7.6} into an integer key) that
     * changed the key, the row an upsert updated. Those answers name the rows better than the values written.
     */
    public boolean keysReportable() {
        return mapping != null && (kind == SqlKind.INSERT || kind == SqlKind.UPSERT) && !returning;
    }

    /** The statement for a store: the application's SQL for the old one, its rewrite for the new one. */
    public @Nullable RenderedSql on(Store store) {
        return store == Store.OLD ? onOld : onNew;
    }

    /** The key-selecting query for a store. */
    public @Nullable RenderedSql keySelect(Store store) {
        return store == Store.OLD ? keySelectOld : keySelectNew;
    }

    /**
     * Whether the statement, or one of several in its text, writes a table it names ({@link #writtenTable()}): the
     * table whose views, partitions and cascading foreign keys may reach mapped tables.
     */
    public boolean writesNamedTable() {
        return writtenTable != null || !otherWritten.isEmpty()
                || parts.stream().anyMatch(StatementAnalysis::writesNamedTable);
    }

    /** The tables the statement itself writes, as it names them: {@link #writtenTable()}, then {@link #otherWritten()}. */
    public List<String> writtenTables() {
        if (writtenTable == null) {
            return otherWritten;
        }
        if (otherWritten.isEmpty()) {
            return List.of(writtenTable); // most statements: no list to build and filter on every execution
        }
        List<String> all = new java.util.ArrayList<>(otherWritten.size() + 1);
        all.add(writtenTable);
        otherWritten.stream().filter(name -> !name.equalsIgnoreCase(writtenTable)).forEach(all::add);
        return all;
    }

    /** Whether running this statement may change rows of a mapped table. */
    public boolean mayWriteMapped() {
        return mappedWrite() || !resyncTables.isEmpty()
                || (kind == SqlKind.MULTIPLE && parts.stream().anyMatch(StatementAnalysis::mayWriteMapped));
    }

    static StatementAnalysis passThrough(String sql, SqlKind kind) {
        return passThrough(sql, kind, TxControl.NONE, List.of());
    }

    static StatementAnalysis passThrough(String sql, SqlKind kind, TxControl txControl, List<TableMapping> resyncTables) {
        return passThrough(sql, kind, txControl, resyncTables, null);
    }

    /** A statement on a table that is not mapped: run as it is; {@code writtenTable} the table it writes, if any. */
    static StatementAnalysis passThrough(String sql, SqlKind kind, TxControl txControl, List<TableMapping> resyncTables,
                                         @Nullable String writtenTable) {
        int count = SqlText.countParameters(sql);
        return new StatementAnalysis(sql, kind, null, null, false, List.of(), null, null, null,
                identity(sql, count), null, null, null, null, null, List.of(), null, false, false, txControl,
                List.of(), List.copyOf(resyncTables), writtenTable, List.of(), List.of(), null, null);
    }

    /**
     * Several statements in one text, some of them transaction control ({@link TxControl#MIXED}): {@code parts}
     * in order, each control with its {@link #txControl()}, each other statement with the mapped tables it may
     * write as {@link #resyncTables()}.
     */
    static StatementAnalysis mixed(String sql, List<StatementAnalysis> parts) {
        int count = SqlText.countParameters(sql);
        return new StatementAnalysis(sql, SqlKind.OTHER, null, null, false, List.of(), null, null, null,
                identity(sql, count), null, null, null, null, null, List.of(), null, false, false, TxControl.MIXED,
                List.copyOf(parts), List.of(), null, List.of(), List.of(), null, null);
    }

    /**
     * A batch of SQL texts ({@code Statement.addBatch(String)}) of which some are transaction control, as one
     * {@link TxControl#MIXED} text: each other entry stands for a scoped resync of the mapped tables it may write; an
     * entry that is itself several statements stands for its statements, in their order.
     */
    public static StatementAnalysis mixedBatch(List<StatementAnalysis> entries) {
        List<StatementAnalysis> parts = new java.util.ArrayList<>();
        for (StatementAnalysis entry : entries) {
            if (entry.txControl() == TxControl.MIXED) {
                // an entry of several statements (MariaDB's allowMultiQueries), some of them control: its statements
                // in their order, each as an entry of its own (a MIXED part was read as neither write nor control,
                // so a COMMIT inside it was missed and the rollback after it discarded committed keys)
                parts.addAll(mixedBatch(entry.parts()).parts());
                continue;
            }
            if (entry.txControl() != TxControl.NONE) {
                parts.add(entry);
                continue;
            }
            // the mapped tables it may write, and the tables it writes by name, whose views and cascading foreign
            // keys are followed as its own
            java.util.Set<String> named = new java.util.LinkedHashSet<>(entry.writtenTables());
            entry.parts().forEach(part -> named.addAll(part.writtenTables()));
            parts.add(passThrough(entry.sql(), SqlKind.UNKNOWN, TxControl.NONE, entry.writtenMappings())
                    .withNames(entry.names()).withWritten(List.copyOf(named), null));
        }
        return mixed(String.join(";\n", entries.stream().map(StatementAnalysis::sql).toList()), parts);
    }

    /** The mapped tables this statement, or one of several in its text, may write. */
    public List<TableMapping> writtenMappings() {
        java.util.Set<TableMapping> written = new java.util.LinkedHashSet<>(resyncTables);
        if (mapping != null && mayWriteMapped()) {
            written.add(mapping);
        }
        parts.forEach(part -> written.addAll(part.writtenMappings()));
        return List.copyOf(written);
    }

    /**
     * MySQL's or MariaDB's dynamic SQL ({@code PREPARE}, {@code EXECUTE}) as its session runs it: text {@code sql}
     * that does {@code txControl} to the transaction and may write {@code resyncTables} without naming their rows
     * (each gets a scoped resync); no write when that list is empty.
     */
    public static StatementAnalysis dynamic(String sql, TxControl txControl, List<TableMapping> resyncTables) {
        SqlKind kind = resyncTables.isEmpty() || txControl != TxControl.NONE ? SqlKind.OTHER : SqlKind.UNKNOWN;
        return passThrough(sql, kind, txControl, resyncTables);
    }

    static StatementAnalysis multiple(String sql, List<StatementAnalysis> parts) {
        int count = SqlText.countParameters(sql);
        return new StatementAnalysis(sql, SqlKind.MULTIPLE, null, null, false, List.of(), null, null, null,
                identity(sql, count), null, null, null, null, null, List.of(), null, false, false, TxControl.NONE,
                List.copyOf(parts), List.of(), null, List.of(), List.of(), null, null);
    }

    /** This analysis with the names its text mentions ({@link #names()}). */
    StatementAnalysis withNames(List<String> mentioned) {
        return new StatementAnalysis(sql, kind, mapping, keysUnknown, keysGenerated, insertKeys, whereKey, orderId,
                merchantId, onOld, onNew, keySelectOld, keySelectNew, rewriteProblem, insertColumns, insertRows, setKey,
                returning, movesRows, txControl, parts, resyncTables, writtenTable, List.copyOf(mentioned),
                otherWritten, assignedColumns, namedIn);
    }

    /**
     * This analysis with the tables it writes besides {@link #writtenTable()} and the columns it assigns ({@link
     * #otherWritten()}, {@link #assignedColumns()}).
     */
    StatementAnalysis withWritten(List<String> others, @Nullable List<String> assigned) {
        return new StatementAnalysis(sql, kind, mapping, keysUnknown, keysGenerated, insertKeys, whereKey, orderId,
                merchantId, onOld, onNew, keySelectOld, keySelectNew, rewriteProblem, insertColumns, insertRows, setKey,
                returning, movesRows, txControl, parts, resyncTables, writtenTable, names, List.copyOf(others),
                assigned == null ? null : List.copyOf(assigned), namedIn);
    }

    /**
     * This analysis of an {@code UPDATE ONLY} or {@code DELETE FROM ONLY} statement, analysed without the word: the
     * new store's statement gets it back (the old store runs the application's text).
     */
    StatementAnalysis withOnlyOnNew() {
        RenderedSql only = onNew == null ? null : new RenderedSql(ONLY_PLACE.matcher(onNew.sql()).replaceFirst("$1ONLY "),
                onNew.parameters());
        return new StatementAnalysis(sql, kind, mapping, keysUnknown, keysGenerated, insertKeys, whereKey, orderId,
                merchantId, onOld, only, keySelectOld, keySelectNew, rewriteProblem, insertColumns, insertRows, setKey,
                returning, movesRows, txControl, parts, resyncTables, writtenTable, names, otherWritten, assignedColumns,
                namedIn);
    }

    /**
     * This analysis of the statement that MariaDB's {@code SET STATEMENT var = value FOR statement} runs, as the
     * analysis of {@code fullSql}, the whole text: the old store runs the whole text, prefix and all; the new store's
     * statement and the key pre-selects go without the prefix (its variables only limit time, locks or memory).
     */
    StatementAnalysis withPrefixOnOld(String fullSql) {
        return new StatementAnalysis(fullSql, kind, mapping, keysUnknown, keysGenerated, insertKeys, whereKey, orderId,
                merchantId, identity(fullSql, SqlText.countParameters(fullSql)), onNew, keySelectOld, keySelectNew,
                rewriteProblem, insertColumns, insertRows, setKey, returning, movesRows, txControl, parts, resyncTables,
                writtenTable, names, otherWritten, assignedColumns, namedIn);
    }

    /**
     * The limits MariaDB's {@code SET STATEMENT … FOR} puts on this write ({@link #withPrefixOnOld}): the text up to
     * the statement it runs, under which the old store's key pre-select runs too (the row locks it waits for are the
     * write's, and so is the bound the application set to the wait); empty for any other statement.
     */
    public String limitsPrefix() {
        int end = StatementAnalyzer.harmlessSetStatementEnd(sql);
        return end > 0 ? sql.substring(0, end) : "";
    }

    private static final java.util.regex.Pattern ONLY_PLACE = java.util.regex.Pattern.compile(
            "(?i)^(\\s*(?:update|delete\\s+from)\\s+)");

    static RenderedSql identity(String sql, int parameterCount) {
        List<ParamSource> plan = new java.util.ArrayList<>(parameterCount);
        for (int i = 1; i <= parameterCount; i++) {
            plan.add(ParamSource.parameter(i, null));
        }
        return new RenderedSql(sql, plan);
    }
}
