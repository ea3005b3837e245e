package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.SwitchableDataSource;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.VerificationScope;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A value longer than its column in the library's own tables is refused, never cut: MariaDB in a non-strict
 * {@code sql_mode} cut a 192-character order id to 191 characters with a warning only, so two ids that differ after
 * the 191st character were one switch row. Run on MariaDB with {@code sql_mode=''} on every connection, on
 * PostgreSQL and on H2.
 */
class StoredValueLengthBreakTest {

    private static final String PREFIX = "o".repeat(191);

    /** A pool over the database's; on MariaDB its connections run with {@code sql_mode=''}, which cuts silently. */
    private static HikariDataSource lenient(TestDatabase db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.pool());
        config.setMaximumPoolSize(2);
        if (db.kind() == TestDatabases.Kind.MARIADB) {
            config.setConnectionInitSql("SET SESSION sql_mode = ''");
        }
        return new HikariDataSource(config);
    }

    private static List<Map<String, Object>> rows(DataSource dataSource, String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<Map<String, Object>> read = new java.util.ArrayList<>();
            while (rows.next()) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.put(rows.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rows.getObject(i));
                }
                read.add(row);
            }
            return read;
        }
    }

    @Test
    void theNonStrictMariaDbSessionReallyCutsALongIdSoTheStoresMustRefuseIt() throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.MARIADB);
             HikariDataSource lenient = lenient(db)) {
            try (Connection connection = lenient.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase,"
                        + " updated_at) VALUES ('orders', 'ORDER', '" + PREFIX + "a', 'NEW_ONLY', NOW())");
            }

            assertThat(rows(lenient, "SELECT subject_id FROM dualwrite_switch")).singleElement()
                    .satisfies(row -> assertThat((String) row.get("subject_id")).isEqualTo(PREFIX));
        }
    }

    @Test
    void switchIdsThatDifferAfterTheColumnsLengthAreRefusedNamingTheFieldTheLengthAndTheLimit() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind); HikariDataSource lenient = lenient(db)) {
                JdbcSwitchStore switches = JdbcSwitchStore.create(lenient);

                switches.setOrderPhase("orders", PREFIX, MigrationPhase.SHADOW_READ);
                assertThatThrownBy(() -> switches.setOrderPhase("orders", PREFIX + "a", MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("orderId is 192 characters long")
                        .hasMessageContaining("dualwrite_switch.subject_id holds at most 191");
                assertThatThrownBy(() -> switches.setMerchantPhase("orders", "m".repeat(300), MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("merchantId is 300 characters long");
                assertThatThrownBy(() -> switches.setSystemPhase("x".repeat(129), MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("migration is 129 characters long").hasMessageContaining("at most 128");

                assertThat(switches.load("orders").orderPhases()).as(kind.name())
                        .containsExactly(Map.entry(PREFIX, MigrationPhase.SHADOW_READ));
                assertThat(rows(lenient, "SELECT subject_id, phase FROM dualwrite_switch")).as(kind.name())
                        .singleElement().satisfies(row -> {
                            assertThat(row.get("subject_id")).isEqualTo(PREFIX);
                            assertThat(row.get("phase")).isEqualTo("SHADOW_READ");
                        });
            }
        }
    }

    @Test
    void orderPinsRefuseAnOrderOrMerchantIdLongerThanTheirColumns() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind); HikariDataSource lenient = lenient(db)) {
                JdbcOrderPinStore pins = JdbcOrderPinStore.create(lenient);

                assertThat(pins.pinIfAbsent("orders", PREFIX, "m-1", MigrationPhase.DUAL_WRITE))
                        .isEqualTo(MigrationPhase.DUAL_WRITE);
                assertThatThrownBy(() -> pins.pinIfAbsent("orders", PREFIX + "b", "m-1", MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("orderId is 192 characters long")
                        .hasMessageContaining("dualwrite_order_pin.order_id holds at most 191");
                assertThatThrownBy(() -> pins.pinIfAbsent("orders", "o-2", "m".repeat(192), MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("merchantId is 192 characters long");
                assertThatThrownBy(() -> pins.repin("orders", PREFIX + "b", MigrationPhase.NEW_ONLY))
                        .as(kind.name()).isInstanceOf(IllegalArgumentException.class);

                assertThat(rows(lenient, "SELECT order_id, phase FROM dualwrite_order_pin")).as(kind.name())
                        .singleElement().satisfies(row -> {
                            assertThat(row.get("order_id")).isEqualTo(PREFIX);
                            assertThat(row.get("phase")).isEqualTo("DUAL_WRITE");
                        });
            }
        }
    }

    @Test
    void aChangeLogEntryWhoseIdsOrKeyDoNotFitIsRecordedAsAWholeTableResyncInsteadOfCut() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind); HikariDataSource lenient = lenient(db)) {
                JdbcChangeLog changeLog = JdbcChangeLog.create(lenient);
                Instant now = Instant.now();

                changeLog.record(new ChangeRecord("orders", "orders", "7", Operation.UPSERT, "timeout", Store.NEW,
                        PREFIX + "a", "m-1", now));
                changeLog.record(new ChangeRecord("orders", "orders", "k".repeat(513), Operation.DELETE, "timeout",
                        Store.NEW, "o-1", "m-1", now));
                try (Connection connection = lenient.getConnection()) {
                    changeLog.record(connection, new ChangeRecord("orders", "orders", "8", Operation.UPSERT, "outbox",
                            Store.NEW, "o-2", "m".repeat(192), now));
                }
                changeLog.record(new ChangeRecord("orders", "orders", "9", Operation.UPSERT, "timeout", Store.NEW,
                        PREFIX, "m-1", now));

                List<Map<String, Object>> entries = rows(lenient, "SELECT row_key, operation, order_id, merchant_id,"
                        + " reason FROM dualwrite_change_log ORDER BY reason, row_key");
                assertThat(entries).as(kind.name()).hasSize(4);
                assertThat(entries).filteredOn(row -> "*".equals(row.get("row_key"))).as(kind.name()).hasSize(3)
                        .allSatisfy(row -> {
                            assertThat(row.get("operation")).isEqualTo("RESYNC");
                            assertThat(row.get("order_id")).isNull();
                            assertThat(row.get("merchant_id")).isNull();
                        })
                        .extracting(row -> (String) row.get("reason"))
                        .containsExactlyInAnyOrder(
                                "outbox; merchantId of 192 characters does not fit merchant_id (at most 191):"
                                        + " whole table resynced",
                                "timeout; key of 513 characters does not fit row_key (at most 512): whole table"
                                        + " resynced",
                                "timeout; orderId of 192 characters does not fit order_id (at most 191): whole table"
                                        + " resynced");
                assertThat(entries).filteredOn(row -> "9".equals(row.get("row_key"))).singleElement()
                        .satisfies(row -> assertThat(row.get("order_id")).isEqualTo(PREFIX));

                assertThatThrownBy(() -> changeLog.record("m".repeat(129), "orders", "1", Operation.UPSERT, "x"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("migration is 129 characters long");
            }
        }
    }

    @Test
    void aMigrationNameOrAScopesMerchantLongerThanTheColumnsIsRefusedAtConfiguration() {
        String migration = "m".repeat(129);

        assertThatThrownBy(() -> MigrationSwitchConfig.of(migration)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("migration is 129 characters long").hasMessageContaining("at most 128");
        assertThatThrownBy(() -> DualWriteDataSource.builder().migration(migration))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("migration is 129 characters long");
        assertThatThrownBy(() -> BackfillScope.merchant("m".repeat(192)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merchantId is 192 characters long");
        assertThatThrownBy(() -> VerificationScope.merchant("m".repeat(192)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merchantId is 192 characters long")
                .hasMessageContaining("dualwrite_verification.merchant_id holds at most 191");
        assertThat(MigrationSwitchConfig.of("m".repeat(128)).migration()).hasSize(128);
    }

    @Test
    void aWriteForAnOrderIdLongerThanTheColumnsIsKeptAndItsFailedMirrorRepairedThroughAWholeTableResync()
            throws Exception {
        try (TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.MARIADB);
             TestDatabase newDb = TestDatabases.postgres(); HikariDataSource old = lenient(oldDb)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'old')");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'old')");
            JdbcChangeLog changeLog = JdbcChangeLog.create(old);
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            SwitchableDataSource newStore = new SwitchableDataSource(newDb.dataSource());
            TableMapping orders = TableMapping.identity("orders");
            DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old).newDataSource(newStore)
                    .migration("orders").mapping(orders).changeLog(changeLog)
                    .resolver(Switchboard.builder().switchStore(switches).orderPinStore(JdbcOrderPinStore.create(old))
                            .migration(MigrationSwitchConfig.of("orders")).build())
                    .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                    .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                    .build();

            newStore.switchTo(SwitchableDataSource.down());
            try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").orderId(PREFIX + "a")
                    .merchantId("m-1").open();
                 Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET status = 'paid' WHERE id = 1")).isEqualTo(1);
                statement.executeUpdate("INSERT INTO orders VALUES (2, 'new')");
            }
            newStore.switchTo(newDb.dataSource());

            assertThat(rows(old, "SELECT row_key, operation, order_id FROM dualwrite_change_log")).isNotEmpty()
                    .allSatisfy(row -> {
                        assertThat(row.get("row_key")).isEqualTo("*");
                        assertThat(row.get("operation")).isEqualTo("RESYNC");
                        assertThat(row.get("order_id")).isNull();
                    });
            assertThat(rows(old, "SELECT order_id FROM dualwrite_order_pin")).isEmpty();

            Verifier verifier = Verifier.builder().oldDataSource(old).newDataSource(newDb.dataSource())
                    .changeLog(changeLog).recheckDelay(Duration.ZERO).build();
            RowCopier copier = RowCopier.builder().oldDataSource(old).newDataSource(newDb.dataSource()).build();
            ScopedResyncResolver.builder().migration("orders").changeLog(changeLog).verifier(verifier)
                    .repairer(Repairer.of(copier, verifier)).mapping(orders).build().resolveOnce();

            assertThat(changeLog.pendingCount("orders")).isZero();
            String select = "SELECT id, status FROM orders ORDER BY id";
            assertThat(newDb.query(select)).isEqualTo(oldDb.query(select))
                    .containsExactly(Map.of("id", 1L, "status", "paid"), Map.of("id", 2L, "status", "new"));
        }
    }
}
