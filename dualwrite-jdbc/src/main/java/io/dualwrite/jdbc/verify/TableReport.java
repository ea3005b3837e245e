package io.dualwrite.jdbc.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the verification of one table found.
 *
 * @param table            the table, by its old name
 * @param newTable         the table's name in the new store
 * @param scope            the rows verified
 * @param full             whether every chunk was compared (else a sample)
 * @param rowsCompared     rows of the old store inside the compared ranges
 * @param newRowsCompared  rows of the new store inside the compared ranges
 * @param missingInNew     rows the old store has and the new one does not
 * @param extraInNew       rows the new store has and the old one does not
 * @param different        rows both have with different values
 * @param differingColumns per column (old name), the rows whose value of it differs
 * @param differences      the differing rows, at most {@link Verifier.Builder#maxDifferences} of them (see
 *                         {@link #truncated()}); what {@link Repairer} repairs
 * @param truncated        whether more rows differ than {@link #differences()} lists
 * @param javaColumns      columns compared in Java instead of in SQL, each with the reason
 * @param chunks           key ranges the scope was cut into
 * @param chunksCompared   of those, the ranges compared (all of them unless sampled)
 * @param rowsFetched      rows read into the JVM with their compared columns, both stores together: the rows
 *                         whose hashes differed (or the small ranges that differed), the rows read again, and
 *                         the rows of columns compared in Java; the keys and hashes listed to find the differing
 *                         rows of a range are not counted
 * @param settled          rows that differed at first and were equal when read again (writes in flight)
 * @param startedAt        when the table's verification started
 * @param finishedAt       when it ended
 */
public record TableReport(
        String table,
        String newTable,
        VerificationScope scope,
        boolean full,
        long rowsCompared,
        long newRowsCompared,
        long missingInNew,
        long extraInNew,
        long different,
        Map<String, Long> differingColumns,
        List<RowDifference> differences,
        boolean truncated,
        Map<String, String> javaColumns,
        long chunks,
        long chunksCompared,
        long rowsFetched,
        long settled,
        Instant startedAt,
        Instant finishedAt) {

    /** How many sample keys {@link #toText()} and {@link #toMap()} show per kind of difference. */
    public static final int SAMPLE_KEYS = 10;

    /**
     * Checks the components.
     *
     * @throws NullPointerException when {@code table}, {@code newTable}, {@code scope}, {@code startedAt} or
     *                              {@code finishedAt} is null
     */
    public TableReport {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(newTable, "newTable");
        Objects.requireNonNull(scope, "scope");
        differingColumns = Map.copyOf(differingColumns);
        differences = List.copyOf(differences);
        javaColumns = Map.copyOf(javaColumns);
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** Whether no row differs. */
    public boolean clean() {
        return missingInNew == 0 && extraInNew == 0 && different == 0;
    }

    /** Every difference found, of all kinds. */
    public long differenceCount() {
        return missingInNew + extraInNew + different;
    }

    /** The keys of the listed differences of one kind, in key order. */
    public List<String> keys(RowDifference.Kind kind) {
        return differences.stream().filter(difference -> difference.kind() == kind).map(RowDifference::key).toList();
    }

    /** A few lines for people. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(table);
        if (!newTable.equalsIgnoreCase(table)) {
            text.append(" -> ").append(newTable);
        }
        text.append(" (").append(scope).append(full ? ", full" : ", sampled").append("): ")
                .append(clean() ? "CLEAN" : "DIFFERENT").append('\n');
        text.append("  rows compared: ").append(rowsCompared).append(" old, ").append(newRowsCompared)
                .append(" new; chunks ").append(chunksCompared).append(" of ").append(chunks)
                .append("; rows fetched into the JVM: ").append(rowsFetched)
                .append("; took ").append(Duration.between(startedAt, finishedAt).toMillis()).append(" ms\n");
        line(text, "missing in new", missingInNew, keys(RowDifference.Kind.MISSING_IN_NEW));
        line(text, "extra in new", extraInNew, keys(RowDifference.Kind.EXTRA_IN_NEW));
        line(text, "different", different, keys(RowDifference.Kind.DIFFERENT));
        if (!differingColumns.isEmpty()) {
            text.append("  differing columns: ").append(new java.util.TreeMap<>(differingColumns)).append('\n');
        }
        if (settled > 0) {
            text.append("  settled on re-read (writes in flight): ").append(settled).append('\n');
        }
        if (truncated) {
            text.append("  (more rows differ than are listed)\n");
        }
        javaColumns.forEach((column, reason) ->
                text.append("  column ").append(column).append(" compared in Java: ").append(reason).append('\n'));
        return text.toString();
    }

    private static void line(StringBuilder text, String label, long count, List<String> keys) {
        if (count == 0) {
            return;
        }
        text.append("  ").append(label).append(": ").append(count);
        if (!keys.isEmpty()) {
            text.append(", e.g. ").append(keys.subList(0, Math.min(SAMPLE_KEYS, keys.size())));
        }
        text.append('\n');
    }

    /** The report as JSON. */
    public String toJson() {
        return Json.write(toMap());
    }

    /** The report as nested maps and lists, the shape of {@link #toJson()}; differences limited to samples. */
    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("table", table);
        map.put("newTable", newTable);
        map.put("scope", scope.key());
        map.put("full", full);
        map.put("clean", clean());
        map.put("rowsCompared", rowsCompared);
        map.put("newRowsCompared", newRowsCompared);
        map.put("missingInNew", missingInNew);
        map.put("extraInNew", extraInNew);
        map.put("different", different);
        map.put("differingColumns", new java.util.TreeMap<>(differingColumns));
        Map<String, Object> samples = new LinkedHashMap<>();
        for (RowDifference.Kind kind : RowDifference.Kind.values()) {
            List<String> keys = keys(kind);
            samples.put(kind.name(), keys.subList(0, Math.min(SAMPLE_KEYS, keys.size())));
        }
        map.put("sampleKeys", samples);
        map.put("sampleDifferences", differences.subList(0, Math.min(SAMPLE_KEYS, differences.size())).stream()
                .map(RowDifference::toMap).toList());
        map.put("truncated", truncated);
        map.put("javaColumns", new java.util.TreeMap<>(javaColumns));
        map.put("chunks", chunks);
        map.put("chunksCompared", chunksCompared);
        map.put("rowsFetched", rowsFetched);
        map.put("settled", settled);
        map.put("startedAt", startedAt.toString());
        map.put("finishedAt", finishedAt.toString());
        return map;
    }
}
