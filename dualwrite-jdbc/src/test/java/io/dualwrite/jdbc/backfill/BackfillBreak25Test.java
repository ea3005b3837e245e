package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round 25: the backfill attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class BackfillBreak25Test {

    private static final String TABLE = "CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10),"
            + " seller_id VARCHAR(10), amount INT)";

    private static TableMapping byColumn(String merchantColumn) {
        return TableMapping.builder("orders").merchantIdColumn(merchantColumn).build();
    }

    private static BackfillJob job(TestDatabase old, TestDatabase fresh, String merchantColumn, String name) {
        BackfillJob.Builder builder = BackfillJob.builder().migration("a").oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(byColumn(merchantColumn))
                .scope(BackfillScope.merchant("m-1")).chunkRows(3, 3);
        return (name == null ? builder : builder.name(name)).build();
    }

    // Input (the kind of round 24's "a checkpoint's identity that leaves out what decides which rows a chunk
    //   copied", a member it did not name): a merchant's backfill under a mapping whose merchant column is
    //   merchant_id, stopped after two chunks (its later chunks PENDING again, and the new store emptied, so that only
    //   what the next run copies is there); then the mapping is corrected to name seller_id as the merchant column
    //   and the job run again, same migration, scope and name (and unnamed: the job id holds migration and scope,
    //   not the column). The checkpoint's settings held the mapping's text (which leaves the merchant column out),
    //   the key and the run's migration and scope: the second run resumed, took the chunks done under merchant_id as
    //   its own, and the seller_id rows in them were never copied, the run complete. Now the merchant column is part
    //   of a merchant run's identity: such a run is refused before any row naming both, and after
    //   resetCheckpoints copies every row of its scope. H2, PostgreSQL, MariaDB.
    @Test
    void aMerchantBackfillNeverResumesACheckpointTakenThroughAnotherMerchantColumn() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            for (String name : new String[] {"nightly", null}) {
                String label = kind + (name == null ? " unnamed" : " named");
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase fresh = TestDatabases.create(kind)) {
                    old.execute(TABLE);
                    fresh.execute(TABLE);
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 30; i++) {
                        values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                                .append("', 'm-").append((i + 1) % 3).append("', ").append(i * 10).append(')');
                    }
                    old.execute("INSERT INTO orders VALUES " + values);
                    assertThat(job(old, fresh, "merchant_id", name).run().complete()).as(label).isTrue();
                    old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                            + " WHERE chunk_no > 2");
                    fresh.execute("DELETE FROM orders");

                    BackfillJob corrected = job(old, fresh, "seller_id", name);
                    assertThatThrownBy(corrected::run).as(label).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("no row was copied")
                            .hasMessageContaining("merchant column merchant_id")
                            .hasMessageContaining("merchant column seller_id")
                            .hasMessageContaining("BackfillJob.resetCheckpoints");
                    assertThat(fresh.query("SELECT id FROM orders")).as(label + ": refused before any row").isEmpty();

                    corrected.resetCheckpoints();
                    assertThat(corrected.run().complete()).as(label).isTrue();
                    String sql = "SELECT id, merchant_id, seller_id, amount FROM orders WHERE seller_id = 'm-1'"
                            + " ORDER BY id";
                    List<Map<String, Object>> expected = old.query(sql);
                    assertThat(expected).as(label).hasSize(10);
                    assertThat(fresh.query(sql)).as(label).isEqualTo(expected);
                }
            }
        }
    }

    // Input (the fix's own edge): a merchant's checkpoint head as round 24's version wrote it (its run without the
    //   merchant column), the run stopped after two chunks. Resumed by this version through the same column, it goes
    //   on (not refused: the head holds nothing to tell), and the head then keeps the column, so that a later run
    //   through another column is refused. H2, MariaDB.
    @Test
    void aMerchantCheckpointOfRound24IsResumedAndThenKeepsItsMerchantColumn() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.MARIADB)) {
            String label = kind.toString();
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                old.execute(TABLE);
                fresh.execute(TABLE);
                StringBuilder values = new StringBuilder();
                for (int i = 1; i <= 30; i++) {
                    values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                            .append("', 'm-").append((i + 1) % 3).append("', ").append(i * 10).append(')');
                }
                old.execute("INSERT INTO orders VALUES " + values);
                assertThat(job(old, fresh, "merchant_id", "nightly").run().complete()).as(label).isTrue();
                old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                        + " WHERE chunk_no > 2");
                old.execute("UPDATE dualwrite_backfill_checkpoint SET lower_key = REPLACE(lower_key,"
                        + " ' by merchant column merchant_id', '') WHERE chunk_no = 0");
                String head = "SELECT lower_key FROM dualwrite_backfill_checkpoint WHERE chunk_no = 0";
                assertThat((String) old.query(head).get(0).get("lower_key")).as(label)
                        .endsWith(" run migration a scope merchant=m-1");

                BackfillResult resumed = job(old, fresh, "merchant_id", "nightly").run();
                assertThat(resumed.complete()).as(label).isTrue();
                assertThat(resumed.tables().get(0).resumed()).as(label).isPresent();
                assertThat((String) old.query(head).get(0).get("lower_key")).as(label)
                        .endsWith(" run migration a scope merchant=m-1 by merchant column merchant_id");
                assertThatThrownBy(job(old, fresh, "seller_id", "nightly")::run).as(label)
                        .hasMessageContaining("no row was copied").hasMessageContaining("merchant column seller_id");

                String sql = "SELECT id, merchant_id, seller_id, amount FROM orders WHERE merchant_id = 'm-1'"
                        + " ORDER BY id";
                assertThat(fresh.query(sql)).as(label).hasSize(10).isEqualTo(old.query(sql));
            }
        }
    }
}
