package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.TxControl;
import java.lang.reflect.Method;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code executeBatch} of a statement proxy: resolves each entry's phase, selects the keys of entries that
 * need it, runs the authoritative batch, and hands every touched key to the connection's buffer. The
 * generated keys of an insert batch are paired with its entries by their update counts where those are exact
 * (an entry may insert several rows, or none), so that each key is decided under the context of the entry that
 * stored it; where they are not, no key is guessed to be an entry's.
 */
final class BatchExecution {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BatchExecution.class);

    private final StatementHandler statement;
    private final ConnectionHandler connection;

    BatchExecution(StatementHandler statement, ConnectionHandler connection) {
        this.statement = statement;
        this.connection = connection;
    }

    private record Entry(StatementAnalysis analysis, ParameterRecorder.Bound bound, MigrationContext context,
                         @Nullable WriteExecution write) {
    }

    Object run(Method method) throws Throwable {
        connection.statementStarts();
        statement.resultsReplaced();
        List<StatementAnalysis> analyses = new ArrayList<>();
        List<ParameterRecorder.Bound> bounds = new ArrayList<>();
        if (statement.analysis() == null) {
            for (String sql : statement.batchSql()) {
                analyses.add(connection.config.analyzer().analyze(sql));
                bounds.add(ParameterRecorder.Bound.NONE);
            }
        } else {
            for (ParameterRecorder.Bound bound : statement.batch()) {
                analyses.add(statement.analysis());
                bounds.add(bound);
            }
        }
        List<String> texts = List.copyOf(statement.batchSql());
        List<@Nullable MigrationContext> added = new ArrayList<>(statement.batchContexts());
        statement.batch().clear();
        statement.batchSql().clear();
        statement.batchContexts().clear();
        statement.batchRan(statement.analysis()); // whose generated keys getGeneratedKeys answers next
        if (statement.analysis() == null) {
            analyses.replaceAll(connection::controlAsRun); // as the server runs their executable comments
        }
        if (statement.analysis() == null && analyses.stream().anyMatch(a -> a.txControl() != TxControl.NONE)) {
            // COMMIT, ROLLBACK or BEGIN among the entries: the writes around them commit or not by their order
            return connection.mixedControl(StatementAnalysis.mixedBatch(analyses),
                    () -> ConnectionHandler.call(statement.physical(), method, null));
        }
        for (StatementAnalysis analysis : analyses) {
            connection.checkReadRoute(analysis);
        }
        connection.beforeBatch(analyses);
        List<@Nullable Entry> entries = new ArrayList<>();
        // the contexts of the prepared batch's inserts that do not mirror by their context, for their generated keys
        List<MigrationContext> byGeneratedKey = new ArrayList<>(0);
        // the same by entry (null for the others), for a batch some of whose other entries mirror by their context
        List<@Nullable MigrationContext> keyContexts = new ArrayList<>(analyses.size());
        StatementAnalysis prepared = statement.analysis();
        boolean mayMirrorByKey = prepared != null && connection.mayMirrorByGeneratedKey(prepared);
        // the text entries that may mirror by the keys they generate, by their contexts (see below)
        List<java.util.Map.Entry<io.dualwrite.mapping.TableMapping, MigrationContext>> unreturnedKeys = new ArrayList<>(0);
        boolean anyMirrors = false;
        boolean anyPreselect = false;
        Connection physical = connection.physical();
        for (int i = 0; i < analyses.size(); i++) {
            StatementAnalysis analysis = analyses.get(i);
            Entry entry = null;
            if (analysis.mayWriteMapped()) {
                MigrationContext context = connection.contextFor(analysis, bounds.get(i).values(), addedIn(added, i));
                MigrationPhase phase = connection.phaseForWrite(context, analysis);
                if (!phase.writes(connection.store().other()) && connection.mayMirrorByStoredKey(analysis)
                        && new WriteExecution(connection, analysis, context, phase).rowIdsMayMove(physical)) {
                    phase = connection.upgradeForStoredKey(); // a trigger may store the row under another order id
                }
                if (phase.writes(connection.store().other())) {
                    entry = new Entry(analysis, bounds.get(i), context, analysis.mappedWrite()
                            ? new WriteExecution(connection, analysis, context, phase) : null);
                    anyMirrors = true;
                    anyPreselect |= entry.write != null && entry.write.preselects(physical, bounds.get(i));
                } else if (mayMirrorByKey && analysis == prepared) {
                    byGeneratedKey.add(context);
                    keyContexts.add(context);
                } else if (prepared == null && connection.mayMirrorByGeneratedKey(analysis)) {
                    // an insert among texts whose order ids the database generates: a rule may mirror rows by ids
                    // that only the database knows, and a batch of texts returns no generated keys to decide it by
                    unreturnedKeys.add(java.util.Map.entry(analysis.mapping(), context));
                }
            }
            if (keyContexts.size() == i) {
                keyContexts.add(null);
            }
            entries.add(entry);
        }
        List<WriteExecution> permanent = new ArrayList<>(0);
        for (Entry entry : entries) {
            if (entry != null && entry.write != null && entry.write.permanent(physical)) {
                permanent.add(entry.write);
            }
        }
        boolean wrapped = connection.opensWriteTransaction(anyMirrors, anyPreselect);
        if (wrapped) {
            connection.beginWriteTransaction(physical);
        }
        List<@Nullable List<List<Object>>> preselected = new ArrayList<>();
        java.util.Set<Integer> unselectable = new java.util.HashSet<>();
        try {
            boolean earlierWrite = false;
            connection.ownStatementsFor(statement.physical()); // its timeout and cancel() reach the pre-selects
            try {
                for (int i = 0; i < entries.size(); i++) {
                    Entry entry = entries.get(i);
                    if (entry != null && entry.write != null && earlierWrite && statement.analysis() == null
                            && entry.write.preselects(physical, entry.bound)) {
                        // in a batch of plain statements an earlier entry may change which rows this one matches,
                        // and all pre-selects run before the batch: its keys cannot be known exactly
                        unselectable.add(i);
                        preselected.add(null);
                    } else {
                        preselected.add(entry == null || entry.write == null ? null
                                : entry.write.preselect(physical, entry.bound));
                    }
                    earlierWrite |= analyses.get(i).kind() != io.dualwrite.jdbc.statement.SqlKind.SELECT;
                    if (entry != null && entry.write != null) {
                        entry.write.beforeRemoving(entry.bound, preselected.get(i));
                    }
                }
            } finally {
                connection.ownStatementsFor(null);
            }
            statement.keys().reset();
            Object result = runWithoutMaxRowsOnKeys(method);
            connection.holdWarnings(); // MySQL/MariaDB: before any statement of the library's
            if (anyMirrors) {
                collect(entries, preselected, counts(result), physical, unselectable, keyContexts);
            } else if (!byGeneratedKey.isEmpty()) {
                collectByGeneratedKey(prepared, byGeneratedKey, counts(result), physical);
            }
            // recorded as a scoped resync of its table, handed over with the batch's transaction
            unreturnedKeys.forEach(insert -> connection.buffer().resync(insert.getKey(), null, "keys-not-returned",
                    insert.getValue()));
            settleRemovals(entries);
            cascade(analyses, bounds, added, counts(result));
            permanent.forEach(write -> connection.writesStay(write.mapping(), false, write.context()));
            tableLocks(texts, null);
            connection.afterWrite(wrapped);
            return result;
        } catch (BatchUpdateException e) {
            if (wrapped) {
                connection.undoWriteTransaction(physical, e); // undoes every entry
                connection.buffer().rollback();
                permanent.forEach(write -> connection.writesStay(write.mapping(), true, write.context()));
            } else {
                // entries before the failure may be applied (now in auto-commit, or with the transaction later)
                if (anyMirrors) {
                    collect(entries, preselected, counts(e), physical, unselectable, keyContexts);
                }
                // a removal that changed rows was done when its keys were collected; the others are forgotten
                settleRemovals(entries);
                permanent.forEach(write -> connection.writesStay(write.mapping(), true, write.context()));
                tableLocks(texts, counts(e));
                if (cascade(analyses, bounds, added, counts(e)) || anyMirrors) {
                    try {
                        connection.afterWrite(false);
                    } catch (SQLException | RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            throw e;
        } catch (Throwable e) {
            settleRemovals(entries);
            if (wrapped) {
                connection.undoWriteTransaction(physical, e);
                connection.buffer().rollback();
            }
            permanent.forEach(write -> connection.writesStay(write.mapping(), true, write.context()));
            throw e;
        }
    }

    /**
     * What the {@code LOCK TABLES} and {@code UNLOCK TABLES} entries of a batch of SQL texts left of the session's
     * table locks ({@link ConnectionHandler#tableLocksAfter}), before its keys are handed over; {@code counts}: of
     * a batch that failed ({@code null}: all ran), whose entry at the first missing count failed.
     */
    private void tableLocks(List<String> texts, long @Nullable [] counts) {
        for (int i = 0; i < texts.size() && (counts == null || i <= counts.length); i++) {
            boolean ran = counts == null || (i < counts.length && counts[i] != Statement.EXECUTE_FAILED);
            connection.tableLocksAfter(texts.get(i), ran);
        }
    }

    /**
     * As a single statement does ({@link ConnectionHandler#cascade}, {@link ConnectionHandler#routineTables}): for
     * each statement of the batch that may have changed rows, the mapped tables its written table cascades into,
     * or is a view or partition of, and those the functions it calls may write, get a scoped resync. Once per
     * distinct statement; never throws.
     *
     * @return whether a resync was recorded
     */
    private boolean cascade(List<StatementAnalysis> analyses, List<ParameterRecorder.Bound> bounds,
                            List<@Nullable MigrationContext> added, long[] counts) {
        java.util.Set<StatementAnalysis> done = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.Set<StatementAnalysis> called = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        boolean recorded = false;
        for (int i = 0; i < analyses.size() && i < counts.length; i++) {
            StatementAnalysis analysis = analyses.get(i);
            if (counts[i] == Statement.EXECUTE_FAILED) {
                continue;
            }
            ParameterRecorder.Bound bound = bounds.get(i);
            MigrationContext addedIn = addedIn(added, i);
            java.util.function.Supplier<MigrationContext> context =
                    () -> connection.contextFor(analysis, bound.values(), addedIn);
            // a function called by an entry may write whatever count the entry reports
            if (!analysis.names().isEmpty() && called.add(analysis)) {
                recorded |= connection.resyncRoutineTables(connection.routineTables(analysis), context);
            }
            if (!analysis.writesNamedTable() || counts[i] == 0 && analysis.otherWritten().isEmpty()
                    || !done.add(analysis)) {
                continue;
            }
            recorded |= connection.cascade(analysis, context);
        }
        return recorded;
    }

    /** The context entry {@code i} was added in, null where none was open (or the batch was not kept by position). */
    private static @Nullable MigrationContext addedIn(List<@Nullable MigrationContext> added, int i) {
        return i < added.size() ? added.get(i) : null;
    }

    private static void settleRemovals(List<@Nullable Entry> entries) {
        for (Entry entry : entries) {
            if (entry != null && entry.write != null) {
                entry.write.settleRemovals();
            }
        }
    }

    /**
     * Hands the keys of every entry that may have changed rows to the buffer; never throws. {@code keyContexts}: by
     * entry, the context of an insert that does not mirror by it but may by its generated order id, else null.
     */
    private void collect(List<@Nullable Entry> entries, List<@Nullable List<List<Object>>> preselected, long[] counts,
                         Connection physical, java.util.Set<Integer> unselectable,
                         List<@Nullable MigrationContext> keyContexts) {
        boolean warned = WriteExecution.warned(connection, physical); // one count for the whole batch
        List<List<Object>> reported = generatedKeys();
        List<List<Object>> expanded = expandPerEntry(reported, entries, counts, warned);
        // null: the rows of an entry need not follow its first key; each entry finds its own by its values
        boolean perEntry = expanded == null;
        List<List<Object>> generated = perEntry ? List.of() : expanded;
        boolean derived = generated.size() > reported.size(); // widened from one key per entry
        boolean generatedUsed = false;
        if (storedKeysCover(entries, reported, counts, physical)) {
            // a prepared batch of inserts naming their keys, and the database reported one key per row it stored:
            // those keys are the batch's rows, whatever its entries' values said
            for (Entry entry : entries) {
                WriteExecution.resyncTables(connection, entry.analysis, entry.context); // none is null: see there
            }
            if (oneContext(entries)) {
                Entry first = entries.get(0); // as generated keys, all go with the first entry
                first.write.storeWarned(warned);
                first.write.keysReported(reported);
                first.write.collect(physical, first.bound, reported.size(), reported, preselected.get(0));
                return;
            }
            // entries of different contexts (all mirror inside a scope opened since they were added): the keys are
            // reported in entry order, each entry's as many as its count, and each is decided under its own context
            int next = 0;
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                List<List<Object>> own = reported.subList(next, next + (int) counts[i]);
                next += (int) counts[i];
                entry.write.storeWarned(warned);
                entry.write.keysReported(own);
                entry.write.collect(physical, entry.bound, counts[i], own, preselected.get(i));
            }
            return;
        }
        if (pairedByCounts(entries, reported, counts, preselected, physical, warned, keyContexts)) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry == null) {
                continue;
            }
            long count = i < counts.length ? counts[i] : Statement.EXECUTE_FAILED;
            if (count == Statement.EXECUTE_FAILED && i >= counts.length) {
                continue; // never ran
            }
            count = count == Statement.SUCCESS_NO_INFO || count == Statement.EXECUTE_FAILED ? -1 : count;
            WriteExecution.resyncTables(connection, entry.analysis, entry.context);
            if (entry.analysis.kind() == SqlKind.MULTIPLE) {
                MigrationContext addedIn = entry.context;
                WriteExecution.collectParts(connection, entry.analysis, entry.bound,
                        part -> connection.contextFor(part, entry.bound.values(), addedIn), physical, warned);
            }
            if (entry.write == null) {
                continue;
            }
            entry.write.storeWarned(warned);
            if (unselectable.contains(i)) {
                if (count != 0) {
                    entry.write.resync(entry.bound, "batch-order");
                }
                continue;
            }
            if (perEntry && entry.analysis.keysGenerated() && entry.analysis.kind() == SqlKind.INSERT) {
                entry.write.keysNotDerivable();
                entry.write.collect(physical, entry.bound, count, List.of(), preselected.get(i));
            } else if (entry.analysis.keysGenerated()) {
                // generated keys name the batch's rows, not the entries': all of them go with the first such entry
                boolean first = !generatedUsed;
                generatedUsed = true;
                if (entry.analysis.kind() == SqlKind.UPSERT) {
                    entry.write.collect(physical, entry.bound, count, first ? generated : List.of(), preselected.get(i));
                } else if (first) {
                    if (derived) {
                        entry.write.keysDerived();
                    }
                    entry.write.collect(physical, entry.bound, -1, generated, preselected.get(i));
                }
            } else {
                entry.write.collect(physical, entry.bound, count, List.of(), preselected.get(i));
            }
        }
        long inserted = 0;
        for (int i = 0; i < entries.size() && i < counts.length; i++) {
            Entry entry = entries.get(i);
            if (entry != null && entry.analysis.keysGenerated() && entry.analysis.kind() == SqlKind.INSERT && counts[i] > 0) {
                inserted += counts[i];
            }
        }
        if (!perEntry && inserted > generated.size() && !generated.isEmpty()) {
            Entry first = entries.stream().filter(e -> e != null && e.write != null && e.analysis.keysGenerated())
                    .findFirst().orElse(null);
            if (first != null) {
                first.write.collect(physical, first.bound, 1, List.of(), null); // fewer keys than rows: a resync
            }
        }
    }

    /**
     * A prepared batch of generated-key inserts some of whose entries do not mirror (another merchant's, in a phase
     * that does not write the other store), or whose entries were added under different contexts ({@link
     * #oneContext}): each mirroring entry syncs the keys of its own rows under its own
     * context, found by the entries' update counts, as the drivers report a batch's keys in entry order. With one
     * key per row, entry {@code i}'s keys are the {@code counts[i]} after the earlier entries'; with one key per
     * inserting entry (MySQL/MariaDB: its first row's), its other rows' keys are derived where that is exact
     * ({@link ConnectionHandler#consecutiveKeys}). Where the counts are not exact ({@code SUCCESS_NO_INFO}) or the
     * keys do not add up, each mirroring entry records a resync scoped as its own rows instead of a guess: handing
     * every key to the first mirroring entry copied the rows of an {@code OLD_ONLY} merchant, or missed rows of a
     * {@code DUAL_WRITE} one. An entry that does not mirror by its context but may by its generated order id
     * ({@code keyContexts}, see {@link #collectByGeneratedKey}) has each of its own keys decided by that id under its
     * context; they were left out with the others', so a merchant mirrored by order id lost its rows, unrecorded.
     * {@code false} (nothing done) when the batch is not of that kind.
     */
    private boolean pairedByCounts(List<@Nullable Entry> entries, List<List<Object>> reported, long[] counts,
                                   List<@Nullable List<List<Object>>> preselected, Connection physical,
                                   boolean warned, List<@Nullable MigrationContext> keyContexts) {
        StatementAnalysis prepared = statement.analysis();
        if (prepared == null || prepared.kind() != SqlKind.INSERT || !prepared.keysGenerated()
                || counts.length != entries.size() || !entries.contains(null) && oneContext(entries)) {
            return false;
        }
        for (Entry entry : entries) {
            if (entry != null && (entry.write == null || entry.analysis != prepared)) {
                return false;
            }
        }
        boolean exact = true;
        long rows = 0;
        int inserting = 0;
        for (long count : counts) {
            if (count < 0) {
                exact = false;
            } else {
                rows += count;
                inserting += count > 0 ? 1 : 0;
            }
        }
        List<@Nullable List<List<Object>>> keys = new ArrayList<>(java.util.Collections.nCopies(entries.size(), null));
        boolean[] derived = new boolean[entries.size()];
        if (exact && rows == reported.size()) {
            int next = 0;
            for (int i = 0; i < entries.size(); i++) {
                keys.set(i, reported.subList(next, next + (int) counts[i]));
                next += (int) counts[i];
            }
        } else if (exact && reported.size() == inserting) {
            int next = 0;
            boolean stepRead = false;
            for (int i = 0; i < entries.size(); i++) {
                if (counts[i] == 0) {
                    keys.set(i, List.of());
                    continue;
                }
                List<Object> first = reported.get(next++);
                if (entries.get(i) == null && keyContexts.get(i) == null) {
                    continue;
                }
                List<List<Object>> own = counts[i] == 1 ? List.of(first)
                        : connection.consecutiveKeys(prepared, first, counts[i], warned, stepRead);
                stepRead |= counts[i] > 1;
                derived[i] = counts[i] > 1;
                keys.set(i, own == null || own.size() != counts[i] ? null : own);
            }
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            MigrationContext byKey = keyContexts.get(i);
            if (entry == null && byKey != null && counts[i] != 0) {
                List<List<Object>> own = keys.get(i);
                if (own == null) {
                    connection.buffer().resync(prepared.mapping(), null, "batch-keys-unpaired", byKey);
                } else {
                    own.forEach(key -> connection.bufferIfKeyMirrors(prepared.mapping(), key, byKey));
                }
            }
            if (entry == null) {
                continue;
            }
            WriteExecution.resyncTables(connection, entry.analysis, entry.context);
            entry.write.storeWarned(warned);
            List<List<Object>> own = keys.get(i);
            if (own == null) {
                if (counts[i] != 0) {
                    entry.write.resync(entry.bound, "batch-keys-unpaired");
                }
                continue;
            }
            if (derived[i]) {
                entry.write.keysDerived();
            }
            entry.write.collect(physical, entry.bound, counts[i], own, preselected.get(i));
        }
        return true;
    }

    /**
     * Whether every entry was added under one context: only then may the batch's generated keys all go with its first
     * entry. Entries added under different contexts all mirror when a scope is open as the batch is sent (the keys of
     * a write whose own context does not mirror are collected for the copier to decide by that context), and handed
     * to the first entry, every row was decided by that entry's merchant: another's was copied or skipped as its.
     */
    private static boolean oneContext(List<@Nullable Entry> entries) {
        @Nullable MigrationContext first = null;
        for (Entry entry : entries) {
            if (entry != null) {
                if (first == null) {
                    first = entry.context;
                } else if (!first.equals(entry.context)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether the keys the driver reported for a prepared batch of inserts that name their keys are the keys of every
     * row it stored ({@link StatementHandler#readsStoredKeys}): every entry ran with a count, each is an insert of
     * the batch's one statement and mirrors, the counts add up to the keys reported, and the key's types come back
     * as stored ({@link WriteExecution#storedAsReported}: not a real, a timestamp or bytes, which the session
     * spells its own way; not on an H2 table with insert triggers). Otherwise each entry's own values are used,
     * as for a plain batch: the reported keys go with the first entry, which would otherwise sync its own row only.
     */
    private boolean storedKeysCover(List<@Nullable Entry> entries, List<List<Object>> reported, long[] counts,
                                    Connection physical) {
        StatementAnalysis prepared = statement.analysis();
        if (reported.isEmpty() || prepared == null || prepared.keysGenerated() || prepared.kind() != SqlKind.INSERT
                || counts.length != entries.size()) {
            return false;
        }
        long rows = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry == null || entry.write == null || entry.analysis != prepared || counts[i] < 0) {
                return false;
            }
            rows += counts[i];
        }
        return rows == reported.size() && entries.get(0).write.storedAsReported(physical);
    }

    /**
     * MySQL and MariaDB drivers return one key per batch entry, the first of the rows it inserted: when there
     * is exactly one key per inserting entry, each is widened to its entry's rows where they provably follow it
     * ({@link ConnectionHandler#consecutiveKeys}; the step is read once, after the batch). {@code null} when an
     * entry's rows may not follow its first key. Otherwise the keys are kept as returned (and a shortfall is
     * resynced).
     */
    private @Nullable List<List<Object>> expandPerEntry(List<List<Object>> generated, List<@Nullable Entry> entries,
                                                        long[] counts, boolean warned) {
        List<Long> inserting = new ArrayList<>();
        List<StatementAnalysis> analyses = new ArrayList<>();
        for (int i = 0; i < entries.size() && i < counts.length; i++) {
            Entry entry = entries.get(i);
            if (entry != null && entry.analysis.keysGenerated() && entry.analysis.kind() == SqlKind.INSERT
                    && counts[i] > 0) {
                inserting.add(counts[i]);
                analyses.add(entry.analysis);
            }
        }
        long rows = inserting.stream().mapToLong(Long::longValue).sum();
        if (generated.size() != inserting.size() || rows <= generated.size()) {
            return generated;
        }
        List<List<Object>> expanded = new ArrayList<>();
        for (int k = 0; k < generated.size(); k++) {
            List<List<Object>> keys = connection.consecutiveKeys(analyses.get(k), generated.get(k), inserting.get(k),
                    warned, k > 0 && analyses.get(k) == analyses.get(k - 1));
            if (keys == null) {
                return null;
            }
            expanded.addAll(keys);
        }
        return expanded;
    }

    /**
     * For a prepared batch of inserts none of which mirrors by its context, whose table's order id is its generated
     * key ({@link ConnectionHandler#mayMirrorByGeneratedKey}): each generated key is buffered when the phase of its
     * own id mirrors ({@link ConnectionHandler#bufferIfKeyMirrors}), as a single such insert's are, under the context
     * of the entry that stored it. Keys are paired with entries by their update counts, as {@link #pairedByCounts}
     * does: with one key per row, entry {@code i}'s are the {@code counts[i]} after the earlier entries'; with one key
     * per inserting entry (MySQL/MariaDB: its first row's), its other rows' keys are derived where that is exact
     * ({@link ConnectionHandler#consecutiveKeys}), else the table is resynced. Deciding every key of a batch of
     * multi-row entries under the first entry's context missed the rows of a merchant that mirrors by order id, or
     * copied those of one its merchant switch keeps on the old store. Where the counts are not exact or the keys do
     * not add up, the keys go with the entries' context when they share one, else the table is resynced. Never throws.
     */
    private void collectByGeneratedKey(StatementAnalysis prepared, List<MigrationContext> contexts, long[] counts,
                                       Connection physical) {
        MigrationContext first = contexts.get(0);
        try {
            List<List<Object>> reported = generatedKeys();
            boolean exact = counts.length == contexts.size();
            long rows = 0;
            int inserting = 0;
            for (long count : counts) {
                if (count < 0) {
                    exact = false;
                } else {
                    rows += count;
                    inserting += count > 0 ? 1 : 0;
                }
            }
            if (exact && rows == reported.size()) {
                int next = 0;
                for (int i = 0; i < counts.length; i++) {
                    for (long row = 0; row < counts[i]; row++) {
                        connection.bufferIfKeyMirrors(prepared.mapping(), reported.get(next++), contexts.get(i));
                    }
                }
                return;
            }
            if (exact && reported.size() == inserting) {
                boolean warned = WriteExecution.warned(connection, physical);
                int next = 0;
                boolean stepRead = false;
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0) {
                        continue;
                    }
                    List<Object> own = reported.get(next++);
                    List<List<Object>> keys = counts[i] == 1 ? List.of(own)
                            : connection.consecutiveKeys(prepared, own, counts[i], warned, stepRead);
                    stepRead |= counts[i] > 1;
                    if (keys == null) {
                        connection.buffer().resync(prepared.mapping(), null, "keys-not-consecutive", contexts.get(i));
                        keys = List.of(own);
                    }
                    for (List<Object> key : keys) {
                        connection.bufferIfKeyMirrors(prepared.mapping(), key, contexts.get(i));
                    }
                }
                return;
            }
            if (contexts.stream().anyMatch(context -> !context.equals(first))) {
                // whose key is which cannot be told, and the entries' merchants may decide them differently
                connection.buffer().resync(prepared.mapping(), null, "batch-keys-unpaired", first);
                return;
            }
            for (List<Object> key : reported) {
                connection.bufferIfKeyMirrors(prepared.mapping(), key, first);
            }
            if (rows > reported.size()) {
                connection.buffer().resync(prepared.mapping(), null, "keys-not-returned", first);
            }
        } catch (RuntimeException e) {
            connection.config.warn(log, "keys/" + prepared.mapping().oldTable(),
                    "could not read the generated keys of a batch on {}: {}", prepared.mapping().oldTable(), Credentials.mask(e.toString()));
            connection.buffer().resync(prepared.mapping(), null, "keys-not-returned", first);
        }
    }

    /** The generated keys of the whole batch, when its statement asked for them. */
    private List<List<Object>> generatedKeys() {
        StatementAnalysis prepared = statement.analysis();
        if (prepared == null || prepared.returning() || !(prepared.keysGenerated()
                || StatementHandler.readsStoredKeys(prepared, connection.config.dialect(connection.store())))) {
            return List.of();
        }
        try {
            return statement.keys().read(statement.physical(), prepared, connection.store());
        } catch (SQLException | RuntimeException e) {
            connection.config.warn(log, "keys/batch", "could not read the generated keys of a batch: {}", Credentials.mask(e.toString()));
            return List.of();
        }
    }

    private static long[] counts(Object result) {
        if (result instanceof int[] counts) {
            long[] wide = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                wide[i] = counts[i];
            }
            return wide;
        }
        return result instanceof long[] counts ? counts : new long[0];
    }

    private static long[] counts(BatchUpdateException failure) {
        if (failure.getLargeUpdateCounts() != null) {
            return failure.getLargeUpdateCounts();
        }
        return counts(failure.getUpdateCounts() == null ? new int[0] : (Object) failure.getUpdateCounts());
    }

    /**
     * Runs the batch. Keys the application did not ask for come back as rows on PostgreSQL (the driver adds a {@code
     * RETURNING} to every entry): a {@code maxRows} of the application's would cut each entry's rows after the first
     * ones, and the driver then reports no update count for it, so the batch runs without it (restored after), as a
     * single statement does.
     */
    private Object runWithoutMaxRowsOnKeys(Method method) throws Throwable {
        Statement physical = statement.physical();
        int maxRows = statement.keys().requestedByUsOnly() ? physical.getMaxRows() : 0;
        if (maxRows == 0) {
            return ConnectionHandler.call(physical, method, null);
        }
        physical.setMaxRows(0);
        try {
            return ConnectionHandler.call(physical, method, null);
        } finally {
            physical.setMaxRows(maxRows);
        }
    }
}
