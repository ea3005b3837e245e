package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.copy.TableRoutedCopier;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A shape a mapping cannot say: the new store splits each order into two tables. The backfill walks the old
 * table by its mapping's key and hands the keys to the copier, which routes this table to the user's row writer
 * (as {@code DualWriteDataSource.rowCopier()} does for a {@code tableCopier}); the mapping's new side is not
 * checked against the new store, the old side is.
 */
class RowWriterBackfillTest {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();

    @Test
    void aTableCopiedByTheUsersRowWriterIsBackfilledThroughIt() throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(BackfillFixture.Pair.H2_TO_H2)) {
            fixture.seed(1, 3_000);
            fixture.fresh.execute("CREATE TABLE order_head (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), status VARCHAR(20))",
                    "CREATE TABLE order_money (id BIGINT PRIMARY KEY, amount DECIMAL(12,2))");
            RowCopier routed = new TableRoutedCopier(fixture.plainCopier(),
                    Map.of("orders", new SplitWriter(fixture.old.dataSource(), fixture.fresh.dataSource())));

            assertThatThrownBy(() -> job(fixture, routed).build().start())
                    .as("without the declaration the mapping's new table is looked for")
                    .hasMessageContaining("new table 'orders' does not exist in the new store");
            assertThatThrownBy(() -> job(fixture, routed).copiedByRowWriter("order").build())
                    .hasMessage("copiedByRowWriter must name a table given with mapping(), but was 'order'; the tables"
                            + " are [orders]");
            assertThatThrownBy(() -> BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                    .newDataSource(fixture.fresh.dataSource()).mapping(ORDERS).copiedByRowWriter("orders").build())
                    .hasMessageContaining("copiedByRowWriter needs the rowCopier");

            BackfillResult result = job(fixture, routed).copiedByRowWriter("orders").scope(BackfillScope.merchant("m-2"))
                    .chunkRows(50, 100).workers(2).build().run();
            assertThat(result.rowsCopied()).isEqualTo(429); // ids 2, 9, 16, ... up to 3,000
            assertThat(BackfillFixture.differences(
                    BackfillFixture.read(fixture.old.dataSource(),
                            "SELECT id, merchant_id, status, amount FROM orders WHERE merchant_id = 'm-2'"),
                    BackfillFixture.read(fixture.fresh.dataSource(), "SELECT h.id, h.merchant_id, h.status, m.amount"
                            + " FROM order_head h JOIN order_money m ON m.id = h.id"))).isEmpty();

            // the old side is still checked: a row writer does not make a missing table walkable
            assertThatThrownBy(() -> BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                    .newDataSource(fixture.fresh.dataSource()).mapping(TableMapping.identity("ordrs"))
                    .rowCopier(routed).copiedByRowWriter("ordrs").build().start())
                    .hasMessageContaining("old table 'ordrs' cannot be read in the old store");
        }
    }

    private static BackfillJob.Builder job(BackfillFixture fixture, RowCopier copier) {
        return BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                .newDataSource(fixture.fresh.dataSource()).mapping(ORDERS).rowCopier(copier);
    }

    /** The user's row writer: each order's row goes into two tables of the new store (H2 MERGE). */
    private static final class SplitWriter implements RowCopier {
        private final DataSource old;
        private final DataSource fresh;

        SplitWriter(DataSource old, DataSource fresh) {
            this.old = old;
            this.fresh = fresh;
        }

        @Override
        public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
            int copied = 0;
            try (Connection source = old.getConnection(); Connection target = fresh.getConnection();
                 PreparedStatement read = source.prepareStatement(
                         "SELECT id, merchant_id, status, amount FROM orders WHERE id = ?");
                 PreparedStatement head = target.prepareStatement(
                         "MERGE INTO order_head (id, merchant_id, status) KEY (id) VALUES (?, ?, ?)");
                 PreparedStatement money = target.prepareStatement(
                         "MERGE INTO order_money (id, amount) KEY (id) VALUES (?, ?)")) {
                for (TableKeys table : tables) {
                    for (String key : table.keys()) {
                        read.setLong(1, Long.parseLong(key));
                        try (ResultSet row = read.executeQuery()) {
                            if (row.next()) {
                                head.setLong(1, row.getLong(1));
                                head.setString(2, row.getString(2));
                                head.setString(3, row.getString(3));
                                head.executeUpdate();
                                money.setLong(1, row.getLong(1));
                                money.setBigDecimal(2, row.getBigDecimal(4));
                                money.executeUpdate();
                                copied++;
                            }
                        }
                    }
                }
            }
            return new SyncResult(copied, 0, 0);
        }
    }
}
