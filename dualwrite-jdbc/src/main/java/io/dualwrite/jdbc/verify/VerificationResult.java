package io.dualwrite.jdbc.verify;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a verification found: one {@link TableReport} per table of the job.
 *
 * @param migration  the migration verified
 * @param scope      the rows verified
 * @param full       whether every chunk was compared
 * @param tables     one report per table, in the job's order
 * @param startedAt  when the run started
 * @param finishedAt when it ended
 */
public record VerificationResult(String migration, VerificationScope scope, boolean full, List<TableReport> tables,
                                 Instant startedAt, Instant finishedAt) {

    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code migration}, {@code scope}, {@code startedAt} or {@code finishedAt}
     *                              is null
     */
    public VerificationResult {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(scope, "scope");
        tables = List.copyOf(tables);
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** Whether no row of any table differs. */
    public boolean clean() {
        return tables.stream().allMatch(TableReport::clean);
    }

    /** The report of a table, by its old name (case-insensitively). */
    public Optional<TableReport> table(String oldName) {
        return tables.stream().filter(report -> report.table().equalsIgnoreCase(oldName)).findFirst();
    }

    /** The report for people: one block per table. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("Verification of '").append(migration).append("' (").append(scope)
                .append(full ? ", full" : ", sampled").append("): ").append(clean() ? "CLEAN" : "DIFFERENT")
                .append(", ").append(java.time.Duration.between(startedAt, finishedAt).toMillis()).append(" ms\n");
        tables.forEach(report -> text.append(report.toText()));
        return text.toString();
    }

    /** The report for machines. */
    public String toJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("migration", migration);
        map.put("scope", scope.key());
        map.put("full", full);
        map.put("clean", clean());
        map.put("startedAt", startedAt.toString());
        map.put("finishedAt", finishedAt.toString());
        map.put("tables", tables.stream().map(TableReport::toMap).toList());
        return Json.write(map);
    }

    @Override
    public String toString() {
        return "VerificationResult[" + migration + ", " + scope + ", " + (clean() ? "clean" : "different: "
                + tables.stream().filter(t -> !t.clean()).map(t -> t.table().toLowerCase(Locale.ROOT) + "="
                + t.differenceCount()).toList()) + "]";
    }
}
