package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorTask;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hands the keys of one committed authoritative transaction to the mirror executor as ONE
 * {@link MirrorTask} whose work syncs them all through the {@link RowCopier} in one transaction on the other
 * store (a connection acquired only when the work runs), and records its scoped resyncs.
 */
final class MirrorDispatcher {

    private static final Logger log = LoggerFactory.getLogger(MirrorDispatcher.class);

    private final DataSourceConfig config;

    MirrorDispatcher(DataSourceConfig config) {
        this.config = config;
    }

    /**
     * In {@link ChangeLogMode#ALWAYS}: records every key and scoped resync of {@code snapshot} before the
     * authoritative commit, and returns the ids of the key entries the sync will complete; {@code null} when
     * no outbox was written (mode {@code ON_FAILURE}, nothing to record, or the change log refused it), so that
     * {@link #dispatch} records the resyncs itself.
     *
     * <p>When the change log lives in the store this connection writes, the entries are written on the
     * connection itself, under a savepoint, and commit or roll back with the application's transaction; a
     * refusal is rolled back to the savepoint and logged, and the transaction commits as the application
     * asked (this one write falls back to {@code ON_FAILURE}). When the change log lives in the other store
     * (the connection writes the new store in {@code NEW_PRIMARY}), the entries are written there first, on
     * their own: durable before the commit, and harmless if the transaction then rolls back (a sync of an
     * unchanged row changes nothing).
     */
    @Nullable List<Long> writeOutbox(Connection authoritative, Store store, KeyBuffer.Snapshot snapshot,
                                     boolean sqlTransaction) throws SQLException {
        if (config.changeLogMode() != ChangeLogMode.ALWAYS || snapshot.isEmpty()) {
            return null;
        }
        return writeOutboxNow(authoritative, store, snapshot, sqlTransaction, config.outboxGrace());
    }

    /**
     * The outbox entries of an XA transaction, whatever the change-log mode, written before {@code XA END}: a
     * prepared XA transaction may be committed by another session (its transaction manager's), which has none
     * of its keys. Where the change log lives on the transaction's store, the entries go into the transaction:
     * they commit with it, wherever it commits, and its rollback takes them away. Elsewhere they are recorded at
     * once, due after {@code outboxGrace} (by then a transaction manager has committed it; a rollback leaves
     * entries whose syncs copy what is there). Null when they could not be written.
     */
    @Nullable List<Long> writeXaOutbox(Connection authoritative, Store store, KeyBuffer.Snapshot snapshot)
            throws SQLException {
        if (snapshot.isEmpty()) {
            return null;
        }
        if (store != config.changeLogStore() || inTransactionWriter() == null) {
            return recordOutboxLater(store, snapshot);
        }
        // due at once: no session sees them before the XA transaction commits, and none syncs before then
        return writeOutboxNow(authoritative, store, snapshot, true, Duration.ZERO);
    }

    /**
     * The outbox entries of a transaction that already left the session ended or prepared (its text ran in one call
     * with the statements before it, so none can go into it): recorded at once, outside it, due after {@code
     * outboxGrace}, whatever the change-log mode. Null when they could not be written (a WARN says so).
     */
    @Nullable List<Long> recordOutboxLater(Store store, KeyBuffer.Snapshot snapshot) {
        return recordOutboxAfter(store, snapshot, config.outboxGrace());
    }

    /**
     * As {@link #recordOutboxLater}, the entries due after {@code delay} (their ids {@link RecordedOutside}).
     */
    @Nullable List<Long> recordOutboxAfter(Store store, KeyBuffer.Snapshot snapshot, Duration delay) {
        try {
            return recordOutbox(null, store.other(), snapshot, delay);
        } catch (SQLException | RuntimeException refused) {
            warnRefused(refused);
            return null;
        }
    }

    private @Nullable List<Long> writeOutboxNow(Connection authoritative, Store store, KeyBuffer.Snapshot snapshot,
                                                boolean sqlTransaction, Duration grace) throws SQLException {
        Store target = store.other();
        if (store != config.changeLogStore()) {
            try {
                return recordOutbox(null, target, snapshot, grace);
            } catch (SQLException | RuntimeException refused) {
                warnRefused(refused);
                return null;
            }
        }
        // in a transaction opened by SQL text JDBC is in auto-commit and refuses a savepoint: the guard sets it by SQL
        WriteExecution.Guard savepoint = Objects.requireNonNull(
                WriteExecution.Guard.set(authoritative, sqlTransaction || authoritative.getAutoCommit()));
        // the entries' inserts must not become the application's last generated key (LAST_INSERT_ID(), lastval())
        SessionIdentity identity = SessionIdentity.keep(authoritative, config.dialect(store, authoritative),
                inTransactionWriter() instanceof io.dualwrite.jdbc.changelog.JdbcChangeLog);
        try {
            List<Long> ids = recordOutbox(authoritative, target, snapshot, grace);
            identity.restore();
            savepoint.release();
            return ids;
        } catch (SQLException | RuntimeException refused) {
            identity.restore();
            savepoint.rollback();
            warnRefused(refused);
            return null;
        }
    }

    private void warnRefused(Exception refused) {
        config.warn(log, "outbox/" + config.migration(), "the change log refused the outbox entries of a "
                + "transaction of migration {}: {}; its syncs are recorded only if they fail",
                config.migration(), Credentials.describe(refused));
    }

    /**
     * Records the outbox entries of {@code snapshot}: in the write's transaction on {@code authoritative}, or, when
     * it is null, on their own, committed before the write ({@link RecordedOutside}: the one mark {@link #dispatch}
     * reads).
     */
    private List<Long> recordOutbox(@Nullable Connection authoritative, Store target, KeyBuffer.Snapshot snapshot,
                                    Duration grace) throws SQLException {
        List<Long> ids = authoritative == null ? new RecordedOutside() : new ArrayList<>();
        for (KeyBuffer.Resync resync : snapshot.resyncs()) {
            record(authoritative, resyncRecord(resync, target));
            config.resyncCounter().increment();
        }
        Instant due = Instant.now().plus(grace);
        for (KeyBuffer.Touched touched : snapshot.keys()) {
            ids.add(record(authoritative, ChangeRecord.of(config.migration(),
                    new RowRef(touched.mapping().oldTable(), touched.key(), touched.operation()), "outbox", target,
                    touched.context()).withDueAt(due)));
        }
        return ids;
    }

    private long record(@Nullable Connection authoritative, ChangeRecord record) throws SQLException {
        return authoritative == null ? config.changeLog().record(record)
                : Objects.requireNonNull(inTransactionWriter(), "outboxWriter").record(authoritative, record);
    }

    /**
     * What writes change-log entries in the authoritative transaction: the configured outbox writer, else the
     * library's own change log, which writes them on any connection to its store.
     */
    private @Nullable OutboxWriter inTransactionWriter() {
        if (config.outboxWriter() != null) {
            return config.outboxWriter();
        }
        return config.changeLog() instanceof io.dualwrite.jdbc.changelog.JdbcChangeLog jdbc ? jdbc : null;
    }

    private ChangeRecord resyncRecord(KeyBuffer.Resync resync, Store target) {
        return ChangeRecord.scopedResync(config.migration(), resync.mapping().oldTable(), resync.merchantId(),
                resync.reason(), target, resync.context());
    }

    /**
     * After the authoritative commit (or a commit whose outcome is unknown): records the scoped resyncs (unless the
     * write's own transaction recorded them: {@code outboxIds} not null and not {@link RecordedOutside}) and submits
     * the sync of the keys.
     */
    void dispatch(Store target, KeyBuffer.Snapshot snapshot, @Nullable List<Long> outboxIds) {
        dispatch(target, snapshot, outboxIds, null);
    }

    /**
     * {@link #dispatch(Store, KeyBuffer.Snapshot, List)}, the sync reading its source on {@code lent} (the caller's
     * idle session of the authoritative store, lent while the caller waits inside the executor's {@code submit}).
     */
    void dispatch(Store target, KeyBuffer.Snapshot snapshot, @Nullable List<Long> outboxIds,
                  io.dualwrite.jdbc.copy.@Nullable LentSession lent) {
        // One rule: a scoped resync entry committed before its write is recorded again now, after the commit,
        // whatever store holds the log. Such an entry is due before the write is visible (at once, or after the
        // outbox grace), so a resolver pass between the two compares the scope without the write, finds it equal and
        // completes the entry, and nothing syncs the write's rows: a log in the store this sync writes (round 27), a
        // text that ended or prepared the transaction itself, `...; PREPARE TRANSACTION 'g'` (round 27b). Those
        // entries come as RecordedOutside; entries written in the write's transaction commit with it and need no
        // second one, and with no outbox (null) the resyncs are recorded here for the first time. The early entry
        // still stands for a crash before this point. Key entries need no such thing: the sync below reads their
        // rows after the commit.
        if (outboxIds == null || outboxIds instanceof RecordedOutside) {
            snapshot.resyncs().forEach(resync -> recordResync(resync, target,
                    resync.reason().equals("rows-not-attributable")
                            ? "touched rows that neither the context nor a mapped column attributes to the merchant or"
                            + " order their phase depends on (name merchantIdColumn/orderIdColumn in the mapping, or"
                            + " open a MigrationContext)"
                            : "touched rows whose keys cannot be known"));
        }
        if (snapshot.keys().isEmpty()) {
            return;
        }
        List<KeyBuffer.Touched> touched = snapshot.keys();
        KeyBuffer.Touched first = touched.get(0);
        List<Long> outbox = outboxIds == null ? List.of() : outboxIds;
        MirrorTask task;
        if (touched.size() == 1) { // most transactions write one row: no maps
            task = task(target, first, List.of(new RowCopier.TableKeys(first.mapping(), List.of(first.key()),
                    first.context(), first.expectsRow() ? Set.of(first.key()) : Set.of())),
                    List.of(new RowRef(first.mapping().oldTable(), first.key(), first.operation())), outbox,
                    first.expectsRow() ? Map.of(SyncWork.began(first.mapping(), first.key()), first.began()) : Map.of(),
                    lent);
        } else {
            // keys written under different contexts stay apart: a row without id columns is scoped by the
            // context of the statement that wrote it, and a failure records it with that context's ids
            // (outbox entries, one per key in the buffer's order, go with their keys)
            Map<MigrationContext, List<Integer>> byContext = new LinkedHashMap<>();
            for (int i = 0; i < touched.size(); i++) {
                byContext.computeIfAbsent(touched.get(i).context(), context -> new ArrayList<>()).add(i);
            }
            boolean outboxPerKey = outbox.size() == touched.size();
            List<MirrorTask> parts = new ArrayList<>(byContext.size());
            for (List<Integer> group : byContext.values()) {
                Map<TableMapping, List<String>> byTable = new LinkedHashMap<>();
                Map<TableMapping, Set<String>> expected = new HashMap<>();
                Map<List<Object>, Long> began = new HashMap<>();
                List<RowRef> rows = new ArrayList<>(group.size());
                List<Long> ids = new ArrayList<>();
                for (int i : group) {
                    KeyBuffer.Touched one = touched.get(i);
                    byTable.computeIfAbsent(one.mapping(), mapping -> new ArrayList<>()).add(one.key());
                    if (one.expectsRow()) {
                        expected.computeIfAbsent(one.mapping(), mapping -> new HashSet<>()).add(one.key());
                        began.put(SyncWork.began(one.mapping(), one.key()), one.began());
                    }
                    rows.add(new RowRef(one.mapping().oldTable(), one.key(), one.operation()));
                    if (outboxPerKey) {
                        ids.add(outbox.get(i));
                    }
                }
                KeyBuffer.Touched head = touched.get(group.get(0));
                List<RowCopier.TableKeys> work = new ArrayList<>(byTable.size());
                byTable.forEach((mapping, keys) -> work.add(new RowCopier.TableKeys(mapping, keys, head.context(),
                        expected.getOrDefault(mapping, Set.of()))));
                parts.add(task(target, head, work, rows, outboxPerKey ? ids : parts.isEmpty() ? outbox : List.of(),
                        began, lent));
            }
            // still one sync, one transaction on the other store
            task = parts.size() == 1 ? parts.get(0) : MirrorTask.merged(parts);
        }
        config.executor(target).submit(task);
    }

    /**
     * The counts of authority moves of the copier's resolver as they are now, kept for the sync of a write that has
     * just committed ({@link io.dualwrite.switches.PhaseResolver#authorityMovesNow}); null when there is no resolver or
     * it cannot answer (the sync then counts when it starts, as before round 27b).
     */
    private @Nullable ToLongFunction<MigrationContext> countedNow() {
        try {
            return config.copier().phaseResolver().map(resolver -> resolver.authorityMovesNow(config.migration()))
                    .orElse(null);
        } catch (RuntimeException unknown) {
            return null;
        }
    }

    /** A sync task of one context's keys; a sync is order-free (any lane runs it), so its ordering key is a label. */
    private MirrorTask task(Store target, KeyBuffer.Touched first, List<RowCopier.TableKeys> work, List<RowRef> rows,
                            List<Long> outboxIds, Map<List<Object>, Long> began,
                            io.dualwrite.jdbc.copy.@Nullable LentSession lent) {
        return new MirrorTask(config.migration(), first.phase(), target, first.context(), rows, config.migration(),
                new SyncWork(config.copier(), target.other(), work, began,
                        (vanished, writesBegan) -> recordVanished(vanished, target, writesBegan), lent,
                        countedNow()),
                outboxIds);
    }

    /**
     * After a sync: keys under which a committed write left a row (an insert's key as written, an update's that
     * kept its key) but the authoritative store holds none. Either the store keeps that row under another key
     * than the write named — a trigger or a rule that rewrote it, a session whose time zone or character set
     * changed the value, a conversion no statement shows — or a later transaction deleted it; the two cannot be
     * told apart from the key, and only the first leaves the stores different. A removal of the key done after
     * the write began ({@link Removals}: a delete, or an update moving the key, through a data source of this JVM)
     * explains it; otherwise a scoped resync of the whole table is recorded (the row may be under another
     * merchant too), which verification and repair resolve.
     *
     * @param writesBegan when the write that expected each key began ({@link SyncWork#began(TableMapping, String)},
     *                    {@link System#nanoTime()})
     */
    private void recordVanished(List<RowCopier.TableKeys> vanished, Store target, Map<List<Object>, Long> writesBegan) {
        for (RowCopier.TableKeys keys : vanished) {
            if (keys.keys().stream().allMatch(key -> {
                Long began = writesBegan.get(SyncWork.began(keys.mapping(), key));
                return began != null && Removals.explains(config.migration(), keys.mapping(), key, began);
            })) {
                continue;
            }
            MigrationContext context = keys.context() != null ? keys.context()
                    : MigrationContext.forMigration(config.migration()).build();
            // the whole table: the row may have gone under another merchant too (a trigger that rewrote that
            // column, a context naming another merchant than the row's)
            recordResync(new KeyBuffer.Resync(keys.mapping(), null, "row-not-under-written-key", context), target,
                    "left rows under " + keys.keys().size() + " key(s) the store holds no row under (kept under other"
                    + " keys, or deleted by another process)");
        }
    }

    /**
     * A catalog read that writes on {@code mapping}'s table in {@code store} relied on was found out of date when
     * read again after its trust ended ({@link Metadata#recheck}): those writes were keyed by what it said, so the
     * whole table gets a scoped resync, recorded from the recheck (no write of the table may follow to carry it).
     */
    void recordCatalogChanged(TableMapping mapping, Store store) {
        config.copier().catalogChanged(mapping); // the columns it copies may be among what changed
        recordResync(new KeyBuffer.Resync(mapping, null, "catalog-changed",
                MigrationContext.forMigration(config.migration()).build()), store.other(),
                "relied on a catalog read that a change (a trigger, a key column's type, a cascading foreign key, a"
                + " function's body) made out of date");
    }

    /** Records a scoped resync and says why at WARN (rate-limited per table and reason): {@code what} the write did. */
    private void recordResync(KeyBuffer.Resync resync, Store target, String what) {
        String table = resync.mapping().oldTable();
        try (MDC.MDCCloseable migration = MDC.putCloseable("dualwrite.migration", config.migration());
             MDC.MDCCloseable tableName = MDC.putCloseable("dualwrite.table", table)) {
            config.warn(log, "resync/" + table + "/" + resync.reason(),
                    "a write on {} of migration {} {} ({}); recorded a scoped resync of {}", table,
                    config.migration(), what, resync.reason(),
                    resync.merchantId() == null ? "the whole table" : "merchant " + resync.merchantId() + "'s rows");
            try {
                config.changeLog().record(resyncRecord(resync, target));
                config.resyncCounter().increment();
            } catch (RuntimeException e) {
                config.warn(log, "change-log/" + table, "could not record a scoped resync of {}: {}", table,
                        Credentials.mask(e.toString()));
            }
        }
    }

    /**
     * The ids of outbox entries recorded outside the write's transaction (the change log in the store the sync
     * writes, or a transaction the session had already ended or prepared): committed before the write, so a scoped
     * resync among them may be resolved before the write commits, and {@link #dispatch} records it again after.
     */
    static final class RecordedOutside extends ArrayList<Long> {
        private static final long serialVersionUID = 1L;
    }
}
