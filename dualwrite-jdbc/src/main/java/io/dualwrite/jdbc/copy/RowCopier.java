package io.dualwrite.jdbc.copy;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.internal.Checks;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseResolver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToLongFunction;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The one copier: syncs rows by primary key from one store into the other. For every key it reads the row
 * from the source store and upserts it (mapped through the {@link TableMapping}) into the target store, or
 * deletes it there when the source no longer has it. It never replays a statement, so a sync is idempotent
 * and self-healing: the last sync of a key leaves the target equal to the source row.
 *
 * <p>Every call syncs all of its keys in ONE target transaction, under a lock per key on the target store
 * taken before the source is read (see the package documentation for why that makes concurrent syncs
 * converge). Source rows are read in auto-commit, one statement per chunk of keys, so each read sees the
 * latest committed rows.
 *
 * <p><b>Phase scoping.</b> With a {@link PhaseResolver}, a row is written into the target only when the
 * row's own phase (resolved from its order and merchant columns, when the mapping names them, else from the
 * write's context) makes the source authoritative and writes the target; other rows are skipped. A key
 * absent from the source is deleted from the target unless the target's row belongs to a phase in which the
 * target is authoritative; nor is a target row of such a phase replaced by a source row of another order or
 * merchant whose phase makes the source authoritative (a key both stores handed out): that key is left alone and
 * reported in {@link SyncResult#conflicts()}. A source row whose own phase makes the target authoritative (a switch
 * moved after its write, e.g. while its transaction was open) is not copied either and is reported in
 * {@link SyncResult#authorityMoved()}, as is a key the source lacks while the target holds it under such a phase.
 * After its writes hold the target rows and before its commit, a sync with a resolver asks it for the switches as
 * stored now ({@link PhaseResolver#current}); when a row's authoritative store differs from the one it was resolved
 * under (another instance moved a switch across the authority meanwhile), the attempt is rolled back and run again
 * under those switches, so that its copy never replaces a write the new authority made.
 *
 * <p>Keys are in the change log's string form ({@link io.dualwrite.jdbc.KeyCodec}) with the OLD store's
 * values, whatever the direction; each part is converted to its column's type before it is bound (a MySQL/MariaDB
 * {@code TIMESTAMP} part is a UTC date-time: such tables are synced in UTC sessions). Values
 * keep their exact type across H2, PostgreSQL and MySQL/MariaDB: timestamps as local date-times (never
 * through the JVM's zone), integers of any width (also {@code TINYINT(1)} holding 5, unsigned), decimals
 * with their scale, binary, UUID, JSON. Every identifier is quoted for the target's dialect.
 *
 * <p>Thread-safe; connections are taken from the data sources for each call and closed before it returns.
 */
public interface RowCopier {

    /** The default longest wait for the per-key locks of one sync. */
    Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /** The longest lock timeout a builder takes: one hour, as the Spring Boot starter's {@code dualwrite.jdbc.lock-timeout}. */
    Duration MAX_LOCK_TIMEOUT = Duration.ofHours(1);

    /**
     * {@code timeout} when it is a lock timeout the builders take: positive and at most {@link #MAX_LOCK_TIMEOUT}.
     *
     * @throws IllegalArgumentException naming {@code lockTimeout}, the value, what is allowed and the fix
     */
    static Duration requireLockTimeout(@Nullable Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("lockTimeout must be positive, but was " + timeout);
        }
        if (timeout.compareTo(MAX_LOCK_TIMEOUT) > 0) {
            throw new IllegalArgumentException("lockTimeout must be a positive duration of at most " + MAX_LOCK_TIMEOUT
                    + " (one hour), but was " + timeout + ": it bounds how long a sync waits for its key locks on the"
                    + " other store before it fails and is recorded, a mirror lane waits as long, and PostgreSQL refuses"
                    + " a lock_timeout over 24 days (every sync there would fail). Set it to at most one hour, or leave"
                    + " the default " + DEFAULT_LOCK_TIMEOUT);
        }
        return timeout;
    }

    /**
     * How long a table's columns, as the copier read them, are trusted by default ({@link Builder#catalogRefresh}):
     * as long as the write path trusts what the catalog says of a mapped table.
     */
    Duration DEFAULT_CATALOG_REFRESH = Duration.ofMinutes(1);

    /**
     * The keys of one table to sync.
     *
     * @param mapping    the table's mapping
     * @param keys       primary keys in {@link io.dualwrite.jdbc.KeyCodec} form, old-store values
     * @param context    the context of the write that touched them (order, merchant), or {@code null}
     * @param expectRows those of {@code keys} that a committed write left with a row in the source (an insert, an
     *                   update that kept its key): one the source no longer holds is reported in
     *                   {@link SyncResult#vanished()}, since the source may keep that row under another key than
     *                   the one the write named (or a later transaction deleted it); empty for keys with no such
     *                   expectation
     */
    record TableKeys(TableMapping mapping, List<String> keys, @Nullable MigrationContext context,
                     Set<String> expectRows) {
        /**
         * Checks the components.
         *
         * @throws NullPointerException when {@code mapping} is null
         */
        public TableKeys {
            Objects.requireNonNull(mapping, "mapping");
            keys = List.copyOf(keys);
            expectRows = Set.copyOf(expectRows);
        }

        /** Keys without an expectation of rows ({@link #expectRows} empty). */
        public TableKeys(TableMapping mapping, List<String> keys, @Nullable MigrationContext context) {
            this(mapping, keys, context, Set.of());
        }

        /** The same table, context and expectations with other keys. */
        public TableKeys withKeys(List<String> otherKeys) {
            return new TableKeys(mapping, otherKeys, context, expectRows);
        }
    }

    /**
     * What one sync did, counted in keys.
     *
     * @param copied    rows upserted into the target
     * @param deleted   keys absent from the source and deleted from the target (whether or not it had them)
     * @param skipped   keys left alone because the row's phase does not write the target from this source (the
     *                  {@code conflicts} among them)
     * @param vanished  keys of {@link TableKeys#expectRows} the source held no row for (nor one its key collation
     *                  calls equal), with their table and context; empty when none
     * @param conflicts keys whose source row was not copied because the target holds, under the same key, a row of
     *                  another order or merchant whose own phase makes the target authoritative (two stores that
     *                  each hand out the key to a row of their own, under split authority): neither row may replace
     *                  the other, so the key stays different until someone moves one of them; empty when none
     * @param authorityMoved keys whose source row was not copied (or, absent from the source, whose target row was not
     *                  deleted) because the row's own phase, read at the sync, makes the target authoritative: the write on the source was made under a phase that made the source
     *                  authoritative (a switch moved while it was in flight, e.g. inside an open transaction) or
     *                  without the row's authority; the sync cannot tell which store holds the latest write, so it
     *                  writes neither and the key stays different until it is compared and repaired; empty when none
     */
    record SyncResult(int copied, int deleted, int skipped, List<TableKeys> vanished, List<TableKeys> conflicts,
                      List<TableKeys> authorityMoved) {
        /** Copies the lists, so that the result is immutable. */
        public SyncResult {
            vanished = List.copyOf(vanished);
            conflicts = List.copyOf(conflicts);
            authorityMoved = List.copyOf(authorityMoved);
        }

        /** A result without keys whose authority moved. */
        public SyncResult(int copied, int deleted, int skipped, List<TableKeys> vanished, List<TableKeys> conflicts) {
            this(copied, deleted, skipped, vanished, conflicts, List.of());
        }

        /** A result without conflicts. */
        public SyncResult(int copied, int deleted, int skipped, List<TableKeys> vanished) {
            this(copied, deleted, skipped, vanished, List.of());
        }

        /** A result without vanished keys nor conflicts. */
        public SyncResult(int copied, int deleted, int skipped) {
            this(copied, deleted, skipped, List.of(), List.of());
        }

        /** Both results added. */
        public SyncResult plus(SyncResult other) {
            return new SyncResult(copied + other.copied, deleted + other.deleted, skipped + other.skipped,
                    joined(vanished, other.vanished), joined(conflicts, other.conflicts),
                    joined(authorityMoved, other.authorityMoved));
        }

        private static List<TableKeys> joined(List<TableKeys> first, List<TableKeys> second) {
            if (second.isEmpty()) {
                return first;
            }
            if (first.isEmpty()) {
                return second;
            }
            List<TableKeys> both = new java.util.ArrayList<>(first);
            both.addAll(second);
            return both;
        }
    }

    /**
     * Syncs every key of {@code tables} from {@code from} into the other store, in one target transaction.
     *
     * @throws SQLException when a store fails, a lock is not granted in time, a key does not fit its
     *                      columns, or a mapped column is missing in the target; the target transaction is
     *                      then rolled back, so nothing of this call is applied there
     */
    SyncResult sync(Store from, List<TableKeys> tables) throws SQLException;

    /**
     * {@link #sync(Store, List)}, reading {@code from} on {@code lent} while it can be borrowed: the application's
     * own idle session of that store, lent while it waits for this sync ({@link LentSession}), so that the sync
     * needs no second session of a pool the application may hold entirely. Null: as {@link #sync(Store, List)}.
     * The default ignores the loan.
     */
    default SyncResult sync(Store from, List<TableKeys> tables, @Nullable LentSession lent) throws SQLException {
        return sync(from, tables);
    }

    /**
     * {@link #sync(Store, List, LentSession)}, comparing the counts of authority moves before its commit with
     * {@code countedAtWrite} ({@link io.dualwrite.switches.PhaseResolver#authorityMovesNow}, taken when the write's
     * transaction committed) rather than with the counts its resolver answers when the sync starts: a cache refreshed
     * while the sync waited in its queue hid a move across the authority and back made meanwhile (round 27b). Null: as
     * {@link #sync(Store, List, LentSession)}. The default ignores the counts.
     */
    default SyncResult sync(Store from, List<TableKeys> tables, @Nullable LentSession lent,
                            @Nullable ToLongFunction<MigrationContext> countedAtWrite) throws SQLException {
        return sync(from, tables, lent);
    }

    /**
     * The migration whose switches scope this copier's copies ({@link Builder#resolver}), if any: the tools that
     * take a copier check it against their own migration at start-up, since a copier scoped by another migration
     * would copy or skip rows by that migration's switches. The default: none known.
     */
    default java.util.Optional<String> migration() {
        return java.util.Optional.empty();
    }

    /**
     * The resolver whose switches scope this copier's copies ({@link Builder#resolver}), if any: the tools that take
     * a copier ask it whether a recent switch change may not be seen by every instance yet
     * ({@link PhaseResolver#unsettledSwitch}). The default: none known.
     */
    default java.util.Optional<PhaseResolver> phaseResolver() {
        return java.util.Optional.empty();
    }

    /**
     * Told that the catalog of {@code mapping}'s tables changed since the copier may have read them (the write path
     * found a column added, dropped, moved or retyped, or another change of the table's facts): what it kept of
     * their columns is read again at the next sync. The default keeps nothing.
     */
    default void catalogChanged(TableMapping mapping) {
    }

    /**
     * Refuses a copier scoped by another migration than {@code migration}, naming both and the fix.
     *
     * @param tool the tool the copier was given to, named in the message ({@code BackfillJob})
     * @throws IllegalArgumentException when the copier is scoped by another migration
     */
    static void requireSameMigration(String tool, RowCopier copier, String migration) {
        copier.migration().filter(scoped -> !scoped.equals(migration)).ifPresent(scoped -> {
            throw new IllegalArgumentException(tool + " of migration '" + migration + "' was given a rowCopier scoped"
                    + " by migration '" + scoped + "', which would copy or skip rows by that migration's switches;"
                    + " give the copier of this migration's data source (DualWriteDataSource.rowCopier() of a data"
                    + " source built with migration(\"" + migration + "\")), or fix the name");
        });
    }

    /** Starts a builder. */
    static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RowCopier}; both data sources are required. */
    final class Builder {
        private @Nullable DataSource oldDataSource;
        private @Nullable DataSource newDataSource;
        private @Nullable PhaseResolver resolver;
        private @Nullable String migration;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private Duration catalogRefresh = DEFAULT_CATALOG_REFRESH;

        private Builder() {
        }

        /** The old store. */
        public Builder oldDataSource(DataSource dataSource) {
            this.oldDataSource = Checks.requireNonNull("oldDataSource", dataSource);
            return this;
        }

        /** The new store. */
        public Builder newDataSource(DataSource dataSource) {
            this.newDataSource = Checks.requireNonNull("newDataSource", dataSource);
            return this;
        }

        /**
         * Scopes every copy to the rows whose phase writes the target (see the class documentation);
         * without it, every key given is copied.
         *
         * @throws IllegalArgumentException when {@code migration} is blank or the resolver does not know it
         *                                  ({@link PhaseResolver#requireKnownMigration})
         */
        public Builder resolver(String migration, PhaseResolver resolver) {
            if (migration == null || migration.isBlank()) {
                throw new IllegalArgumentException("migration must be a non-blank name, but was '" + migration + "'");
            }
            this.resolver = Checks.requireNonNull("resolver", resolver);
            this.migration = resolver.requireKnownMigration("migration", migration);
            return this;
        }

        /**
         * The longest a sync waits for its per-key locks before it fails (and is recorded): positive, at most {@link
         * #MAX_LOCK_TIMEOUT}.
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = requireLockTimeout(timeout);
            return this;
        }

        /**
         * How long the columns the copier read of a table are trusted before a sync reads them again: a column
         * added to both stores (or dropped, moved or retyped) while the copier runs is copied from the next read on.
         * Zero reads them on every sync.
         */
        public Builder catalogRefresh(Duration refresh) {
            if (refresh == null || refresh.isNegative()) {
                throw new IllegalArgumentException("catalogRefresh must be zero or positive, but was " + refresh);
            }
            this.catalogRefresh = refresh;
            return this;
        }

        /**
         * The copier.
         *
         * @throws IllegalArgumentException when a data source is missing
         */
        public RowCopier build() {
            if (oldDataSource == null || newDataSource == null) {
                throw new IllegalArgumentException((oldDataSource == null ? "oldDataSource" : "newDataSource")
                        + " must be set, but was missing");
            }
            return new JdbcRowCopier(oldDataSource, newDataSource, migration, resolver, lockTimeout, catalogRefresh);
        }
    }
}
