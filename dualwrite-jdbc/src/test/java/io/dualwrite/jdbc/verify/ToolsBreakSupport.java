package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.dualwrite.jdbc.backfill.BackfillException;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.UnholdableValueException;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the tools' break reviews share: the tools as a team runs them, and the tests' own row-by-row reading. */
final class ToolsBreakSupport {

    private ToolsBreakSupport() {
    }

    /** A verifier of {@code old} against {@code fresh} that re-reads a differing row once, at once. */
    static Verifier verifier(TestDatabase old, TestDatabase fresh) {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).build();
    }

    /** A verification of table "t" through {@code mapping} in chunks of two rows and leaves of one: every key is a range bound somewhere, on both stores. */
    static VerificationJob job(TableMapping mapping) {
        return VerificationJob.builder("t").table(mapping).chunkRows(2).leafRows(1).build();
    }

    /** The report of {@link #job} on {@code old} against {@code fresh}. */
    static TableReport verify(TestDatabase old, TestDatabase fresh, TableMapping mapping) throws Exception {
        return verifier(old, fresh).verify(job(mapping)).tables().get(0);
    }

    /** Verifies {@link #job}, repairs what it reported and asserts the repair's re-verification is clean. */
    static void repair(TestDatabase old, TestDatabase fresh, TableMapping mapping) throws Exception {
        repairClean(old, fresh, job(mapping), verifier(old, fresh).verify(job(mapping)));
    }

    /** Asserts {@code report} lists no difference and says it is clean. */
    static void assertClean(TableReport report) {
        assertThat(report.differences()).as(report.toText()).isEmpty();
        assertThat(report.clean()).as(report.toText()).isTrue();
    }

    /** Backfills {@code mapping}'s table and asserts {@link #job} then finds it clean. */
    static void backfillVerifiesClean(TestDatabase old, TestDatabase fresh, TableMapping mapping) throws Exception {
        backfill(old, fresh, mapping);
        assertClean(verify(old, fresh, mapping));
    }

    /** A backfill of {@code mapping}'s table of migration "t". */
    static void backfill(TestDatabase old, TestDatabase fresh, TableMapping mapping) throws Exception {
        BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .mapping(mapping).build().run();
    }

    /**
     * A backfill of {@code mapping}'s table of migration "t" in chunks of two keys, which must fail: its failure.
     * Backfills after it resume it (same migration and table).
     */
    static io.dualwrite.jdbc.backfill.BackfillException backfillFailing(TestDatabase old, TestDatabase fresh,
                                                                         TableMapping mapping) throws Exception {
        try {
            inPairs(old, fresh, mapping).run();
        } catch (io.dualwrite.jdbc.backfill.BackfillException failed) {
            return failed;
        }
        throw new AssertionError("the backfill of " + mapping.oldTable() + " completed");
    }

    /** A backfill job of {@code mapping}'s table of migration "t" in chunks of two keys. */
    static BackfillJob inPairs(TestDatabase old, TestDatabase fresh, TableMapping mapping) {
        return BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .mapping(mapping).chunkRows(2, 2).build();
    }

    /** A backfill job of {@code mapping}'s table of migration "t", scoped to one merchant. */
    static BackfillJob merchantBackfill(TestDatabase old, TestDatabase fresh, TableMapping mapping, String merchant) {
        return BackfillJob.builder().migration("t").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .mapping(mapping).scope(io.dualwrite.jdbc.backfill.BackfillScope.merchant(merchant)).build();
    }

    /** The report of a verification of {@code mapping}'s table of migration "t", scoped to one merchant. */
    static TableReport verifyMerchant(TestDatabase old, TestDatabase fresh, TableMapping mapping, String merchant)
            throws Exception {
        return verifier(old, fresh).verify(VerificationJob.builder("t").table(mapping).merchant(merchant).build())
                .tables().get(0);
    }

    /** Repairs what {@link #job} reports and returns what the repair did, clean or not. */
    static Repairer.RepairResult repairResult(TestDatabase old, TestDatabase fresh, TableMapping mapping)
            throws Exception {
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
        return Repairer.of(copier, verifier(old, fresh)).repair(job(mapping), verifier(old, fresh).verify(job(mapping)));
    }

    /** Repairs what {@code result} of {@code job} reported and asserts the repair's own re-verification is clean. */
    static void repairClean(TestDatabase old, TestDatabase fresh, VerificationJob job, VerificationResult result)
            throws java.sql.SQLException {
        RowCopier copier = RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
        Repairer.RepairResult repaired = Repairer.of(copier, verifier(old, fresh)).repair(job, result);
        assertThat(repaired.clean()).as(repaired.toString()).isTrue();
    }

    /** Rows of {@code sql} as "value value…" texts, in the query's order: the test's own comparison. */
    static List<String> rows(TestDatabase db, String sql) {
        List<String> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(String.join(" ", values));
        }
        return rows;
    }

    /** Table t keyed by id, mapped as it is. */
    private static final TableMapping BY_ID = TableMapping.builder("t").primaryKey("id").build();

    /**
     * Backfills t (id, v) in chunks of two keys and asserts: the failure names each row of {@code refused} (key to
     * the value's text) by key, column v and value, and says that running again will not help; the new store holds
     * exactly {@code copied} ({@code sql}'s rows, read by the test); verification reports each refused key missing
     * in the new store; a repair copies nothing else, names each refused row again and reports it remaining.
     */
    static void refusedByName(TestDatabase old, TestDatabase fresh, Map<String, String> refused, String sql,
                              List<String> copied) throws Exception {
        String target = old.kind() + " -> " + fresh.kind();
        BackfillException failed = backfillFailing(old, fresh, BY_ID);
        assertThat(failed.getMessage()).as(target).containsIgnoringCase("column v").contains("will not help")
                .doesNotContain("resume it");
        refused.forEach((key, value) -> assertThat(failed.getMessage()).as(target)
                .contains("key '" + key + "'", "'" + value + "'"));
        assertThat((Throwable) UnholdableValueException.in(failed)).as(target).isNotNull();
        assertThat(rows(fresh, sql)).as(target).containsExactlyElementsOf(copied);

        TableReport report = verify(old, fresh, BY_ID);
        assertThat(report.differences()).as(report.toText())
                .extracting(RowDifference::kind, RowDifference::key)
                .containsExactlyInAnyOrderElementsOf(refused.keySet().stream()
                        .map(key -> tuple(RowDifference.Kind.MISSING_IN_NEW, key)).toList());

        Repairer.RepairResult repaired = repairResult(old, fresh, BY_ID);
        assertThat(repaired.clean()).as(repaired.toString()).isFalse();
        Repairer.TableRepair table = repaired.tables().get(0);
        assertThat(table.refused()).as(target).hasSize(refused.size());
        refused.forEach((key, value) -> assertThat(table.refused()).as(target)
                .anySatisfy(text -> assertThat(text).contains("key '" + key + "'", "'" + value + "'")
                        .containsIgnoringCase("column v")));
        assertThat(table.remaining()).extracting(RowDifference::key)
                .containsExactlyInAnyOrderElementsOf(refused.keySet());
        assertThat(rows(fresh, sql)).as(target).containsExactlyElementsOf(copied);
    }

    /** The column v of table t on a database of {@code kind}: its SQL type there. */
    record Column(Kind kind, String type) {
    }

    /** The column v of {@code type} on a database of {@code kind}. */
    static Column column(Kind kind, String type) {
        return new Column(kind, type);
    }

    /**
     * {@link #refusedByName(TestDatabase, TestDatabase, Map, String, List)} on two new databases: t (id, v) with v as
     * {@code old} says and the rows of {@code values} (the text after {@code INSERT INTO t VALUES}) on the old one, t
     * empty with v as {@code fresh} says on the new one.
     */
    static void refusedByName(Column old, String values, Column fresh, Map<String, String> refused, String sql,
                              List<String> copied) throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(old.kind());
             TestDatabase newDb = TestDatabases.create(fresh.kind())) {
            oldDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + old.type() + ")", "INSERT INTO t VALUES " + values);
            newDb.execute("CREATE TABLE t (id INT PRIMARY KEY, v " + fresh.type() + ")");
            refusedByName(oldDb, newDb, refused, sql, copied);
        }
    }

    /** Keys and the texts of their refused values, in pairs: {@code refused("2", "NaN", "3", "Infinity")}. */
    static Map<String, String> refused(String... keysAndValues) {
        Map<String, String> refused = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            refused.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return refused;
    }

    /**
     * Makes the key columns of the backfill's and the verification's checkpoint tables those of a table created
     * before round 22 ({@code VARCHAR(4000)}), as an install that has not widened them holds.
     */
    static void narrowCheckpointKeys(TestDatabase db) {
        for (String column : List.of("dualwrite_backfill_checkpoint.lower_key", "dualwrite_backfill_checkpoint.upper_key",
                "dualwrite_verification_checkpoint.key_text")) {
            String table = column.substring(0, column.indexOf('.'));
            String name = column.substring(column.indexOf('.') + 1);
            db.execute(switch (db.kind()) {
                case POSTGRES -> "ALTER TABLE " + table + " ALTER COLUMN " + name + " TYPE VARCHAR(4000)";
                case H2 -> "ALTER TABLE " + table + " ALTER COLUMN " + name + " SET DATA TYPE VARCHAR(4000)";
                case MARIADB -> "ALTER TABLE " + table + " MODIFY " + name + " VARCHAR(4000)";
            });
        }
    }
}
