package io.dualwrite.jdbc.verify;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.internal.Credentials;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.copy.UnholdableValueException;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what a verification found, through the one copier: every differing row is synced by key from the
 * authoritative store (the old one unless told otherwise: old wins), which upserts it into the other store, or
 * deletes it there when the authoritative store does not have it. A copier built with a resolver
 * ({@link RowCopier.Builder#resolver}) deletes a row extra in the new store only where the row's phase makes the
 * old store authoritative, and copies only rows whose phase mirrors. The repaired rows are then read again in
 * both stores ({@link Verifier#recheck}), and what still differs is reported.
 *
 * <pre>{@code
 * Repairer repairer = Repairer.of(RowCopier.builder().oldDataSource(oldStore).newDataSource(newStore)
 *         .resolver("orders", switchboard).build(), verifier);
 * RepairResult repaired = repairer.repair(job, verifier.verify(job));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Repairer {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);
    /** Keys synced per copier call: one target transaction each. */
    static final int KEYS_PER_SYNC = 500;

    private final RowCopier copier;
    private final Verifier verifier;

    private Repairer(RowCopier copier, Verifier verifier) {
        this.copier = copier;
        this.verifier = verifier;
    }

    /** A repairer copying through {@code copier} and re-verifying through {@code verifier}. */
    public static Repairer of(RowCopier copier, Verifier verifier) {
        if (copier == null || verifier == null) {
            throw new IllegalArgumentException((copier == null ? "copier" : "verifier") + " must not be null");
        }
        return new Repairer(copier, verifier);
    }

    /**
     * What one table's repair did.
     *
     * @param table     the table, by its old name
     * @param keys      the keys synced
     * @param copied    rows upserted into the repaired store
     * @param deleted   keys deleted there (absent from the authoritative store)
     * @param skipped   keys the copier left alone (their phase does not write the repaired store)
     * @param remaining the rows that still differ when read again after the repair
     * @param refused   the rows the repaired store cannot hold exactly, each as the copier's refusal (table, column,
     *                  key, value and what the column holds); they are among {@code remaining} too, and stay so
     *                  until the mapping or that column changes
     */
    public record TableRepair(String table, List<String> keys, int copied, int deleted, int skipped,
                              List<RowDifference> remaining, List<String> refused) {
        /** Copies the lists, so that the repair is immutable. */
        public TableRepair {
            keys = List.copyOf(keys);
            remaining = List.copyOf(remaining);
            refused = List.copyOf(refused);
        }

        /** A repair in which no row was refused. */
        public TableRepair(String table, List<String> keys, int copied, int deleted, int skipped,
                           List<RowDifference> remaining) {
            this(table, keys, copied, deleted, skipped, remaining, List.of());
        }
    }

    /**
     * What a repair did, per table.
     *
     * @param tables one entry per table that had differences
     * @param complete whether the verification listed every difference (none was left out past
     *                 {@link Verifier.Builder#maxDifferences}); if not, verify and repair again
     */
    public record RepairResult(List<TableRepair> tables, boolean complete) {
        /** Copies {@code tables}, so that the result is immutable. */
        public RepairResult {
            tables = List.copyOf(tables);
        }

        /** Whether every repaired row is now equal in both stores (and no difference was left unlisted). */
        public boolean clean() {
            return complete && tables.stream().allMatch(table -> table.remaining().isEmpty());
        }
    }

    /** Repairs every difference of {@code result} from the old store (old wins). */
    public RepairResult repair(VerificationJob job, VerificationResult result) throws SQLException {
        return repair(job, result, Store.OLD);
    }

    /**
     * Repairs every difference of {@code result}, copying from {@code authoritative} into the other store, then
     * re-verifies the repaired keys.
     *
     * @param job the job that produced {@code result}: its mappings say how rows are copied
     * @throws SQLException when a store fails; rows synced before are repaired, the rest are not
     */
    public RepairResult repair(VerificationJob job, VerificationResult result, Store authoritative)
            throws SQLException {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(authoritative, "authoritative");
        List<TableRepair> repairs = new ArrayList<>();
        boolean complete = true;
        for (TableReport report : result.tables()) {
            if (report.clean()) {
                continue;
            }
            complete &= !report.truncated();
            TableMapping mapping = job.tables().stream().filter(m -> m.oldTable().equalsIgnoreCase(report.table()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("table '" + report.table()
                            + "' of the result is not a table of the job " + job));
            List<String> keys = report.differences().stream().map(RowDifference::key).distinct().toList();
            // no write's context: a repair has no authority of its own, each row is copied by its own phase (a
            // merchant scope's phase would override an order switch of one of its orders)
            @Nullable MigrationContext context = null;
            RowCopier.SyncResult synced = new RowCopier.SyncResult(0, 0, 0);
            List<String> refused = new ArrayList<>();
            for (int start = 0; start < keys.size(); start += KEYS_PER_SYNC) {
                List<String> chunk = keys.subList(start, Math.min(keys.size(), start + KEYS_PER_SYNC));
                try {
                    synced = synced.plus(copier.sync(authoritative, List.of(new RowCopier.TableKeys(mapping, chunk,
                            context))));
                } catch (SQLException e) {
                    if (UnholdableValueException.in(e) == null) {
                        throw e;
                    }
                    synced = synced.plus(syncEach(job, authoritative, mapping, chunk, refused));
                }
            }
            List<RowDifference> remaining = verifier.recheck(result.migration(), mapping, keys);
            log.info("Repair of '{}' table {} ({}) from the {} store: {} keys, {} copied, {} deleted, {} skipped; {}",
                    result.migration(), report.table(), result.scope(), authoritative, keys.size(), synced.copied(),
                    synced.deleted(), synced.skipped(),
                    remaining.isEmpty() ? "all equal now" : remaining.size() + " still differ: " + remaining);
            repairs.add(new TableRepair(report.table(), keys, synced.copied(), synced.deleted(), synced.skipped(),
                    remaining, refused));
        }
        return new RepairResult(repairs, complete);
    }

    /**
     * Syncs {@code keys} one by one, after a sync of them together met a row the other store cannot hold: the
     * others are repaired, and each refusal is added to {@code refused} (the row is reported among the remaining).
     */
    private RowCopier.SyncResult syncEach(VerificationJob job, Store authoritative, TableMapping mapping,
                                          List<String> keys, List<String> refused) throws SQLException {
        RowCopier.SyncResult synced = new RowCopier.SyncResult(0, 0, 0);
        for (String key : keys) {
            try {
                synced = synced.plus(copier.sync(authoritative, List.of(new RowCopier.TableKeys(mapping, List.of(key),
                        null))));
            } catch (SQLException e) {
                UnholdableValueException refusal = UnholdableValueException.in(e);
                if (refusal == null) {
                    throw e;
                }
                log.warn("Repair of table {}: {}", mapping.oldTable(), Credentials.mask(refusal.getMessage()));
                refused.add(Credentials.mask(refusal.getMessage()));
                ChangeLog changeLog = verifier.changeLog();
                if (changeLog != null) {
                    try {
                        UnholdableValueException.recordIn(changeLog, job.migration(), mapping.oldTable(), key,
                                job.scope().merchantId(), authoritative.other());
                    } catch (RuntimeException failed) {
                        failed.addSuppressed(refusal);
                        throw new IllegalStateException("Repair of table " + mapping.oldTable() + ": the "
                                + authoritative.other() + " store refused the row with key '" + key + "', and"
                                + " recording it in the change log failed: " + failed, failed);
                    }
                }
            }
        }
        return synced;
    }

    @Override
    public String toString() {
        return "Repairer[" + copier + "]";
    }
}
