package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round 26: the backfill attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class BackfillBreak26Test {

    private static final String TABLE = "CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10),"
            + " seller_id VARCHAR(10), amount INT)";

    private static BackfillJob job(TestDatabase old, TestDatabase fresh, String merchantColumn, String name) {
        BackfillJob.Builder builder = BackfillJob.builder().migration("a").oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource())
                .mapping(TableMapping.builder("orders").merchantIdColumn(merchantColumn).build())
                .scope(BackfillScope.merchant("m-1")).chunkRows(3, 3);
        return (name == null ? builder : builder.name(name)).build();
    }

    // Input (left by round 25: "a backfill checkpoint written before this round by a merchant run is resumed as before
    //   even if the merchant column changed since"): a merchant m-1 backfill through merchant_id, stopped after two
    //   chunks (its later chunks PENDING, the new store emptied), its head then put in the form round 24's version
    //   wrote (the run without the merchant column); the mapping corrected to seller_id and the job run again. It
    //   resumed the chunks done through merchant_id as its own and completed with 4 of m-1's 10 seller rows copied,
    //   nothing recorded. Members: named and unnamed jobs, H2, PostgreSQL, MariaDB. Now a merchant run that adopts a
    //   head of an earlier form copies the chunks that head calls done again (it cannot tell through which column they
    //   were copied), and then keeps its column.
    @Test
    void aMerchantCheckpointOfAnEarlierVersionIsCopiedAgainNotTrusted() throws Exception {
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
                    old.execute("UPDATE dualwrite_backfill_checkpoint SET lower_key = REPLACE(lower_key,"
                            + " ' by merchant column merchant_id', '') WHERE chunk_no = 0");
                    fresh.execute("DELETE FROM orders");

                    BackfillResult corrected = job(old, fresh, "seller_id", name).run();
                    assertThat(corrected.complete()).as(label).isTrue();
                    assertThat((String) old.query("SELECT lower_key FROM dualwrite_backfill_checkpoint"
                            + " WHERE chunk_no = 0").get(0).get("lower_key")).as(label)
                            .endsWith(" by merchant column seller_id");
                    String sql = "SELECT id, merchant_id, seller_id, amount FROM orders WHERE seller_id = 'm-1'"
                            + " ORDER BY id";
                    List<Map<String, Object>> expected = old.query(sql);
                    assertThat(expected).as(label).hasSize(10);
                    assertThat(fresh.query(sql)).as(label).isEqualTo(expected);
                }
            }
        }
    }
}
