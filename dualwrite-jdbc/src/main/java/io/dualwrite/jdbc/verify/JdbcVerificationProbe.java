package io.dualwrite.jdbc.verify;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.internal.Checks;
import io.dualwrite.internal.Credentials;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.SwitchChange;
import io.dualwrite.switches.VerificationProbe;
import io.dualwrite.switches.VerificationStatus;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The phase gate's view of the real verifications: reads {@code dualwrite_verification}, where {@link Verifier}
 * records every run. Give it to the standard gate:
 * {@code PhaseGate.standard(changeLog::pendingCount, JdbcVerificationProbe.create(oldStore))}.
 *
 * <p><b>Which run counts.</b> Per table and scope (whole table, or one merchant), the latest <em>relevant</em>
 * run: a full run, or a sampled run that found differences (a sample that finds nothing proves nothing). The latest
 * is the run that <em>started</em> last (then the one recorded last), not the one that ended last: two runs that
 * overlap each read a row once, and a run that started earlier and ended later may have read a row before it changed
 * while the later one found it different (a clean answer from the older reading would open the gate on a difference
 * already seen). A run resumed from a checkpoint started when its checkpoint's first run did.
 * <ul>
 * <li>For the whole migration: each table's latest relevant whole-table run decides, unless a merchant's latest
 * relevant run recorded after it found differences (then DIRTY). A table with no whole-table run makes the
 * migration {@link VerificationStatus#NEVER_RUN}.</li>
 * <li>For one merchant ({@link #lastVerification(String, String)}, asked for a merchant's move): per table, the
 * later of the latest relevant whole-table run and the latest relevant run of that merchant's rows.</li>
 * </ul>
 * Any table DIRTY makes the answer DIRTY; else any table never verified makes it NEVER_RUN; else CLEAN. The
 * tables are those recorded for the migration, plus those named at creation (so that a table never verified
 * counts).
 *
 * <p><b>Which mapping.</b> Each run records a digest of the mapping it compared each table through (its new table,
 * key, renames, drops, added and transformed columns, merchant column). A probe created with the migration's
 * mappings counts for their tables only the runs of those mappings: a clean run of an earlier mapping (another new
 * table, a column it dropped and this one compares) compared other things, and the table is
 * {@link VerificationStatus#NEVER_RUN} until a run of the current mapping. Runs recorded before the digest was kept
 * count as before; a probe created without mappings counts every run.
 *
 * <p>A failed read throws {@link IllegalStateException}, which makes the gate refuse. Thread-safe.
 */
public final class JdbcVerificationProbe implements VerificationProbe {

    private final DataSource dataSource;
    private final List<String> requiredTables;
    /** Per old table (lower case), the digests of the mappings given at creation: the runs that count for it. */
    private final Map<String, Set<String>> mappings;

    private JdbcVerificationProbe(DataSource dataSource, Collection<TableMapping> mappings) {
        this.dataSource = Checks.requireNonNull("dataSource", dataSource);
        this.requiredTables = mappings.stream().map(TableMapping::oldTable).toList();
        Map<String, Set<String>> digests = new HashMap<>();
        mappings.forEach(mapping -> digests.computeIfAbsent(mapping.oldTable().toLowerCase(Locale.ROOT),
                table -> new HashSet<>()).add(VerificationJob.mappingDigest(mapping)));
        this.mappings = Map.copyOf(digests);
    }

    /** A probe on the {@code dualwrite_verification} table of {@code dataSource}. */
    public static JdbcVerificationProbe create(DataSource dataSource) {
        return new JdbcVerificationProbe(dataSource, List.of());
    }

    /**
     * A probe that also requires a verification of every table of {@code mappings}, by old name, and counts for such
     * a table only the runs that compared it through one of these mappings (see the class comment).
     */
    public static JdbcVerificationProbe create(DataSource dataSource, Collection<TableMapping> mappings) {
        return new JdbcVerificationProbe(dataSource, Checks.requireNonNull("mappings", mappings));
    }

    @Override
    public VerificationStatus lastVerification(String migration) {
        return status(Checks.requireId("migration", migration), null, null);
    }

    @Override
    public VerificationStatus lastVerification(String migration, String merchantId) {
        return status(Checks.requireId("migration", migration), Checks.requireId("merchantId", merchantId), null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A run counts when the newest switch change of its scope that it saw at its start (recorded by a verifier
     * given a resolver, {@link Verifier.Builder#resolver}) is {@code change} or a later one: both are read from the
     * switch store, by its clock. A run that saw none counts only while there is none. A run recorded without it (a
     * verifier without a resolver, or before it was kept) counts when its start, by the verifier's own clock, is
     * not before {@code change}'s time.
     */
    @Override
    public VerificationStatus lastVerificationSince(String migration, @Nullable String merchantId, SwitchChange change) {
        Checks.requireNonNull("change", change);
        return status(Checks.requireId("migration", migration), Checks.optionalId("merchantId", merchantId),
                change.changedAt());
    }

    private static boolean startedAfter(VerificationStore.Row row, Instant changedAt) {
        if (row.switched() == null) {
            return !row.startedAt().isBefore(changedAt);
        }
        if (row.switched().equals(VerificationStore.NO_SWITCH_CHANGE)) {
            return false;
        }
        try {
            return !Instant.parse(row.switched()).isBefore(changedAt);
        } catch (DateTimeParseException unreadable) {
            return false;
        }
    }

    /**
     * The run that counts (as above: the latest full run, or sampled run that found differences) for each table and
     * scope of a migration that has one, ordered by table then scope, for operators and monitoring. One query.
     *
     * @throws IllegalStateException when the table cannot be read
     */
    public List<LatestRun> latestRuns(String migration) {
        Map<String, VerificationStore.Row> latest = new TreeMap<>();
        for (VerificationStore.Row row : rows(Checks.requireId("migration", migration))) {
            if (!row.sampled() || row.status() == VerificationStatus.DIRTY) {
                latest.merge(row.table().toLowerCase(Locale.ROOT) + "\n" + row.scopeKey(), row,
                        JdbcVerificationProbe::later);
            }
        }
        return latest.values().stream().map(row -> new LatestRun(row.table(), row.scopeKey(), row.status(),
                row.sampled(), row.finishedAt())).toList();
    }

    /**
     * The run that counts for one table and scope.
     *
     * @param table      the table, by its old-store name as the verifier recorded it
     * @param scope      {@code *} for the whole table, {@code merchant=<id>} for one merchant's rows
     * @param status     {@link VerificationStatus#CLEAN} or {@link VerificationStatus#DIRTY}
     * @param sampled    whether the run compared a sample (then it found differences: a clean sample never counts)
     * @param finishedAt when the run of this table ended
     */
    public record LatestRun(String table, String scope, VerificationStatus status, boolean sampled,
                            Instant finishedAt) {
    }

    private List<VerificationStore.Row> rows(String migration) {
        try {
            return VerificationStore.rows(dataSource, migration);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the verifications of '" + migration + "': "
                    + Credentials.mask(e.getMessage()), Credentials.masked(e));
        }
    }

    /** @param changedAt when not null, only the runs that started after the switch change of that time count */
    private VerificationStatus status(String migration, @Nullable String merchantId,
                                      java.time.@Nullable Instant changedAt) {
        List<VerificationStore.Row> all = rows(migration);
        List<VerificationStore.Row> rows = changedAt == null ? all
                : all.stream().filter(row -> startedAfter(row, changedAt)).toList();
        Set<String> tables = new LinkedHashSet<>();
        requiredTables.forEach(table -> tables.add(table.toLowerCase(Locale.ROOT)));
        all.forEach(row -> tables.add(row.table().toLowerCase(Locale.ROOT)));
        if (tables.isEmpty()) {
            return VerificationStatus.NEVER_RUN;
        }
        boolean neverRun = false;
        for (String table : tables) {
            VerificationStatus status = tableStatus(rows, table, merchantId, mappings.get(table));
            if (status == VerificationStatus.DIRTY) {
                return VerificationStatus.DIRTY;
            }
            neverRun |= status == VerificationStatus.NEVER_RUN;
        }
        return neverRun ? VerificationStatus.NEVER_RUN : VerificationStatus.CLEAN;
    }

    private static VerificationStatus tableStatus(List<VerificationStore.Row> rows, String table,
                                                  @Nullable String merchantId, @Nullable Set<String> mappings) {
        VerificationStore.Row whole = null;
        Map<String, VerificationStore.Row> merchants = new LinkedHashMap<>(); // latest relevant per scope
        for (VerificationStore.Row row : rows) {
            if (!row.table().equalsIgnoreCase(table) || (row.sampled() && row.status() != VerificationStatus.DIRTY)
                    || (mappings != null && row.mapping() != null && !mappings.contains(row.mapping()))) {
                continue; // a clean sample proves nothing; a run of another mapping compared other things
            }
            if (ChangeRecord.WHOLE_TABLE.equals(row.scopeKey())) {
                whole = whole == null ? row : later(whole, row);
            } else {
                merchants.merge(row.scopeKey(), row, JdbcVerificationProbe::later);
            }
        }
        if (merchantId != null) {
            VerificationStore.Row own = merchants.get(VerificationScope.merchant(merchantId).key());
            VerificationStore.Row latest = own == null ? whole : whole == null ? own : later(whole, own);
            return latest == null ? VerificationStatus.NEVER_RUN : latest.status();
        }
        if (whole == null) {
            return VerificationStatus.NEVER_RUN;
        }
        VerificationStore.Row since = whole;
        List<VerificationStore.Row> merchantRuns = new ArrayList<>(merchants.values());
        if (merchantRuns.stream().anyMatch(row -> later(since, row) == row && row.status() == VerificationStatus.DIRTY)) {
            return VerificationStatus.DIRTY;
        }
        return whole.status();
    }

    /**
     * Of two recorded runs, the one that started later (by the recorded start, at microseconds); of two that started
     * at once, the one recorded later. Not the one recorded later alone: the record order is the order the runs
     * ended, and a run that started before another and ended after it read each row earlier than that one did (see
     * the class comment).
     */
    private static VerificationStore.Row later(VerificationStore.Row a, VerificationStore.Row b) {
        int started = a.startedAt().compareTo(b.startedAt());
        return started > 0 || started == 0 && a.id() > b.id() ? a : b;
    }

    @Override
    public String toString() {
        return "JdbcVerificationProbe[dualwrite_verification" + (requiredTables.isEmpty() ? ""
                : ", tables " + requiredTables) + "]";
    }
}
