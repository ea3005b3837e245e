package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.ArrayList;
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
}
