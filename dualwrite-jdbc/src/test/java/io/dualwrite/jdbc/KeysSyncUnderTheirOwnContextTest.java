package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One transaction writes rows of two merchants, each statement under its own open context, on a table whose
 * mapping names no merchant column: each key is synced under the context of the write that touched it, so only
 * the mirroring merchant's row reaches the new store (it used to take the first key's context for the table).
 */
class KeysSyncUnderTheirOwnContextTest {

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void aTransactionOfTwoMerchantsCopiesOnlyTheRowsOfTheMirroringOne(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL)");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL)");
            DualWriteSchema.create(oldDb.dataSource());
            Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                    .migration(MigrationSwitchConfig.of("orders")).build();
            switchboard.switchStore().setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            try (DualWriter writer = DualWriter.builder().resolver(switchboard)
                    .changeLog(JdbcChangeLog.create(oldDb.dataSource()))
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build()) {
                DualWriteDataSource dataSource = DualWriteDataSource.builder()
                        .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource()).migration("orders")
                        .dualWriter(writer).mapping(TableMapping.identity("orders")).build();
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    String[] merchants = {"m-1", "m-2", "m-1", "m-2"};
                    for (int i = 0; i < merchants.length; i++) {
                        String merchant = merchants[i];
                        try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId(merchant).open();
                             PreparedStatement insert = connection.prepareStatement(
                                     "INSERT INTO orders (id, merchant_no) VALUES (?, ?)")) {
                            insert.setLong(1, i + 1);
                            insert.setString(2, merchant);
                            insert.executeUpdate();
                        }
                    }
                    connection.commit();
                }
            }
            assertThat(oldDb.query("SELECT id, merchant_no FROM orders")).hasSize(4);
            assertThat(newDb.query("SELECT id, merchant_no FROM orders ORDER BY id"))
                    .isEqualTo(oldDb.query("SELECT id, merchant_no FROM orders WHERE merchant_no = 'm-1' ORDER BY id"))
                    .hasSize(2);
        }
    }
}
