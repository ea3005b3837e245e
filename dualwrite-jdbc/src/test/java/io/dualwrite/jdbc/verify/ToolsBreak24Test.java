package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round 24: the migration tools attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak24Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();

    /** One run's settings: migration, scope, name. */
    private record Run(String migration, BackfillScope scope) {
        BackfillJob job(TestDatabase old, TestDatabase fresh) {
            return BackfillJob.builder().migration(migration).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).scope(scope).name("nightly")
                    .chunkRows(3, 3).build();
        }
    }

    // Input: a backfill given a name (BackfillJob.Builder.name: "runs with the same name resume each other") is
    //   stopped after two of its chunks, then a run of the same name is started for another scope or another
    //   migration over the same old table: merchant m-1, then merchant m-2; merchant m-1, then the whole table;
    //   migration a, then migration b (two new stores fed from one old store, the checkpoints kept in the old one).
    //   The checkpoint's settings held the mapping and the key, not the scope nor the migration, so the second run
    //   took the first one's chunks as its own: the chunks done for m-1 (or for migration a) counted as done, and the
    //   rows of the second scope in their key ranges never reached its new store, the run calling itself complete.
    //   Now such a run is refused before any row, naming both runs and the way on (reset, or another name).
    @Test
    void aNamedBackfillNeverResumesTheCheckpointOfAnotherScopeOrMigration() throws Exception {
        List<Run[]> members = List.of(
                new Run[] {new Run("a", BackfillScope.merchant("m-1")), new Run("a", BackfillScope.merchant("m-2"))},
                new Run[] {new Run("a", BackfillScope.merchant("m-1")), new Run("a", BackfillScope.wholeTable())},
                new Run[] {new Run("a", BackfillScope.wholeTable()), new Run("b", BackfillScope.wholeTable())});
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            for (Run[] member : members) {
                String label = kind + ": " + member[0] + " then " + member[1];
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase first = TestDatabases.create(kind);
                     TestDatabase second = member[0].migration().equals(member[1].migration()) ? null
                             : TestDatabases.create(kind)) {
                    TestDatabase secondStore = second == null ? first : second;
                    String table = "CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), amount INT)";
                    old.execute(table);
                    first.execute(table);
                    if (second != null) {
                        second.execute(table);
                    }
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 30; i++) {
                        values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                                .append("', ").append(i * 10).append(')');
                    }
                    old.execute("INSERT INTO orders VALUES " + values);
                    // the first run, stopped after two chunks: its later chunks pending again, their rows not copied
                    assertThat(member[0].job(old, first).run().complete()).as(label).isTrue();
                    old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                            + " WHERE chunk_no > 2");

                    BackfillJob resumed = member[1].job(old, secondStore);
                    assertThatThrownBy(resumed::run).as(label).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("no row was copied")
                            .hasMessageContaining("was left by a run of migration " + member[0].migration() + " scope ")
                            .hasMessageContaining("BackfillJob.resetCheckpoints");
                    assertThat(secondStore.query("SELECT id FROM orders WHERE merchant_id = 'm-2'").size())
                            .as(label + ": refused before any row").isZero();

                    // reset, the second run copies every row of its scope
                    resumed.resetCheckpoints();
                    assertThat(resumed.run().complete()).as(label).isTrue();
                    String scope = member[1].scope().merchantId().map(m -> " WHERE merchant_id = '" + m + "'").orElse("");
                    String sql = "SELECT id, merchant_id, amount FROM orders" + scope + " ORDER BY id";
                    List<Map<String, Object>> expected = old.query(sql);
                    assertThat(expected).as(label).isNotEmpty();
                    assertThat(secondStore.query(sql)).as(label).isEqualTo(expected);
                }
            }
        }
    }
}
