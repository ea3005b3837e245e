package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.KeyWalk;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys that are not one number: text keys that differ only in case, accents or trailing spaces on MariaDB (under
 * a binary NO PAD collation, where they are distinct keys, and under the server's default case- and
 * accent-insensitive PAD SPACE collation, where the walk must follow that collation's order), UUID keys on
 * PostgreSQL (and MariaDB {@code CHAR(36)} into PostgreSQL {@code UUID}), and composite keys, numeric and
 * text-first. Chunks are kept tiny so that many chunk bounds fall on tricky keys. Every key must arrive exactly
 * once (the copier is counted) and the tables must match row by row.
 */
class KeyShapesBackfillTest {

    private static final String ALPHABET = "aAbBeé É_- ";

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"MARIADB", "POSTGRES"})
    void textKeysThatDifferInCaseAccentsOrTrailingSpacesOnMariaDb(TestDatabases.Kind target) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(TestDatabases.Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(target)) {
            String exactCollation = target == TestDatabases.Kind.MARIADB ? " COLLATE utf8mb4_nopad_bin" : "";
            old.execute("CREATE TABLE codes_exact (code VARCHAR(40) COLLATE utf8mb4_nopad_bin PRIMARY KEY, note VARCHAR(40))",
                    "CREATE TABLE codes_default (code VARCHAR(40) PRIMARY KEY, note VARCHAR(40))");
            for (String table : List.of("codes_exact", "codes_default")) {
                fresh.execute("CREATE TABLE " + table + " (code VARCHAR(40)" + exactCollation
                        + " PRIMARY KEY, note VARCHAR(40))");
            }
            Set<String> keys = new LinkedHashSet<>(List.of("abc", "ABC", "Abc", "abc ", "abc  ", "ab", "aB", "e", "é",
                    "É", "E", " a", "a", "A", "a ", "z", "Z", "-", "_", " "));
            Random random = new Random(7);
            while (keys.size() < 3_000) {
                StringBuilder key = new StringBuilder();
                for (int i = 0, n = 1 + random.nextInt(6); i < n; i++) {
                    key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                keys.add(key.toString());
            }
            insertAll(old, "INSERT INTO codes_exact VALUES (?, ?)", keys);
            insertAll(old, "INSERT IGNORE INTO codes_default VALUES (?, ?)", keys); // the collation drops look-alikes
            assertThat(old.count("SELECT COUNT(*) FROM codes_exact")).isEqualTo(3_000);
            long defaultRows = old.count("SELECT COUNT(*) FROM codes_default");
            assertThat(defaultRows).as("look-alikes under the default collation").isLessThan(3_000);

            for (String table : List.of("codes_exact", "codes_default")) {
                TableMapping mapping = TableMapping.builder(table).primaryKey("code").build();
                Map<String, AtomicInteger> syncs = BackfillFixture.CountingCopier.counts();
                io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                        .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
                BackfillResult result = BackfillJob.builder().migration("codes").oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).mapping(mapping).chunkRows(7, 13).workers(3)
                        .rowCopier(new BackfillFixture.CountingCopier(copier, syncs)).build().run();

                Map<String, List<String>> expected = BackfillFixture.read(old.dataSource(), "SELECT code, note FROM " + table);
                assertThat(expected).hasSize(table.equals("codes_exact") ? 3_000 : (int) defaultRows);
                assertThat(BackfillFixture.differences(expected,
                        BackfillFixture.read(fresh.dataSource(), "SELECT code, note FROM " + table)))
                        .as(table).isEmpty();
                assertThat(syncs.keySet()).as(table + ": keys synced").isEqualTo(expected.keySet());
                assertThat(syncs.values()).as(table + ": each key once").allMatch(count -> count.get() == 1);
                assertThat(result.rowsCopied()).isEqualTo(expected.size());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRES", "MARIADB"})
    void uuidKeysIntoPostgres(TestDatabases.Kind source) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(source);
             TestDatabase fresh = TestDatabases.postgres()) {
            old.execute("CREATE TABLE payments (id " + (source == TestDatabases.Kind.POSTGRES ? "UUID" : "CHAR(36)")
                    + " PRIMARY KEY, amount DECIMAL(10,2))");
            fresh.execute("CREATE TABLE payments (id UUID PRIMARY KEY, amount NUMERIC(10,2))");
            Random random = new Random(3);
            Set<String> ids = new LinkedHashSet<>();
            while (ids.size() < 5_000) {
                ids.add(new UUID(random.nextLong(), random.nextLong()).toString());
            }
            try (Connection connection = old.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO payments VALUES (?, ?)")) {
                int i = 0;
                for (String id : ids) {
                    insert.setObject(1, source == TestDatabases.Kind.POSTGRES ? UUID.fromString(id) : id);
                    insert.setBigDecimal(2, java.math.BigDecimal.valueOf(i++, 2));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            BackfillResult result = BackfillJob.builder().migration("payments").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(TableMapping.identity("payments"))
                    .chunkRows(50, 200).workers(2).build().run();
            assertThat(result.rowsCopied()).isEqualTo(5_000);
            assertThat(BackfillFixture.differences(
                    BackfillFixture.read(old.dataSource(), "SELECT id, amount FROM payments"),
                    BackfillFixture.read(fresh.dataSource(), "SELECT id, amount FROM payments"))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(BackfillFixture.Pair.class)
    void compositeKeysNumericAndTextFirst(BackfillFixture.Pair pair) throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(pair.oldKind);
             TestDatabase fresh = TestDatabases.create(pair.newKind)) {
            old.execute("CREATE TABLE order_items (order_id BIGINT, line_no INT, sku VARCHAR(20), qty INT,"
                            + " PRIMARY KEY (order_id, line_no))",
                    "CREATE TABLE ledger (merchant VARCHAR(20), entry_no BIGINT, amount DECIMAL(10,2),"
                            + " PRIMARY KEY (merchant, entry_no))");
            fresh.execute("CREATE TABLE order_items (order_id BIGINT, line_no INT, sku VARCHAR(20), quantity INT,"
                            + " PRIMARY KEY (order_id, line_no))",
                    "CREATE TABLE ledger (merchant VARCHAR(20)" + (pair.newKind == TestDatabases.Kind.MARIADB
                            ? " COLLATE utf8mb4_nopad_bin" : "") + ", entry_no BIGINT, amount DECIMAL(10,2),"
                            + " PRIMARY KEY (merchant, entry_no))");
            Random random = new Random(5);
            List<Object[]> items = new ArrayList<>();
            for (long order = 1; order <= 2_000; order++) {
                for (int line = 1, lines = 1 + random.nextInt(5); line <= lines; line++) {
                    items.add(new Object[] {order, line, "sku|" + random.nextInt(100), random.nextInt(9)});
                }
            }
            insertRows(old, "INSERT INTO order_items VALUES (?, ?, ?, ?)", items);
            // merchants that differ in case and trailing space: one merchant each where text compares exactly,
            // one under MariaDB's default collation (the entry numbers never collide)
            List<Object[]> entries = new ArrayList<>();
            List<String> merchants = List.of("m-1", "M-1", "m-1 ", "m|2", "a", "B", "b");
            for (long entry = 1; entry <= 3_000; entry++) {
                entries.add(new Object[] {merchants.get((int) (entry % merchants.size())), entry,
                        java.math.BigDecimal.valueOf(entry, 2)});
            }
            insertRows(old, "INSERT INTO ledger VALUES (?, ?, ?)", entries);

            TableMapping itemsMapping = TableMapping.builder("order_items").primaryKey("order_id", "line_no")
                    .rename("qty", "quantity").build();
            TableMapping ledgerMapping = TableMapping.builder("ledger").primaryKey("merchant", "entry_no").build();
            Map<String, AtomicInteger> syncs = BackfillFixture.CountingCopier.counts();
            io.dualwrite.jdbc.copy.RowCopier copier = io.dualwrite.jdbc.copy.RowCopier.builder()
                    .oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
            BackfillResult result = BackfillJob.builder().migration("shop").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mappings(List.of(itemsMapping, ledgerMapping))
                    .chunkRows(11, 37).workers(3).rowCopier(new BackfillFixture.CountingCopier(copier, syncs))
                    .build().run();

            assertThat(result.tables()).extracting(BackfillResult.TableResult::table).containsExactly("order_items", "ledger");
            assertThat(result.rowsCopied()).isEqualTo(items.size() + 3_000L);
            assertThat(syncs).hasSize(items.size() + 3_000).allSatisfy((key, count) -> assertThat(count).hasValue(1));
            assertThat(BackfillFixture.differences(
                    BackfillFixture.read(old.dataSource(), "SELECT CONCAT(CONCAT(order_id, '/'), line_no), sku, qty FROM order_items"),
                    BackfillFixture.read(fresh.dataSource(), "SELECT CONCAT(CONCAT(order_id, '/'), line_no), sku, quantity FROM order_items")))
                    .isEmpty();
            assertThat(BackfillFixture.differences(
                    BackfillFixture.read(old.dataSource(), "SELECT CONCAT(CONCAT(merchant, '/'), entry_no), amount FROM ledger"),
                    BackfillFixture.read(fresh.dataSource(), "SELECT CONCAT(CONCAT(merchant, '/'), entry_no), amount FROM ledger")))
                    .isEmpty();
        }
    }

    /** The walk reads the primary-key index from its bound on, never the whole table: MariaDB's handler counters. */
    @Test
    void theWalkReadsOnlyItsPageOfTheIndexOnMariaDb() throws Exception {
        try (TestDatabase db = TestDatabases.mariadb()) {
            DualWriteSchema.create(db.dataSource());
            db.execute("CREATE TABLE ledger (merchant VARCHAR(20), entry_no BIGINT, amount DECIMAL(10,2),"
                            + " PRIMARY KEY (merchant, entry_no))",
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20),"
                            + " KEY orders_merchant (merchant_id, id))",
                    "INSERT INTO ledger SELECT CONCAT('m-', seq % 10), seq, seq FROM seq_1_to_50000",
                    "INSERT INTO orders SELECT seq, CONCAT('m-', seq % 10), 'x' FROM seq_1_to_50000");
            try (Connection connection = db.dataSource().getConnection()) {
                KeyWalk ledger = KeyWalk.open(connection, TableMapping.builder("ledger").primaryKey("merchant", "entry_no")
                        .build(), Store.OLD);
                assertThat(rowsRead(connection, () -> ledger.keys(connection, "m-5|25005", null, null, 100)))
                        .isLessThan(300);
                assertThat(rowsRead(connection, () -> ledger.keys(connection, "m-5|25005", "m-6|99999", null, 100)))
                        .isLessThan(300);
                KeyWalk orders = KeyWalk.open(connection, TableMapping.builder("orders").merchantIdColumn("merchant_id")
                        .build(), Store.OLD);
                assertThat(rowsRead(connection, () -> orders.keys(connection, "25000", null, "m-3", 100))).isLessThan(300);
                assertThat(orders.keys(connection, "25000", null, "m-3", 3)).containsExactly("25003", "25013", "25023");
                // the counters do count a scan: ordering by an unindexed column reads the whole table
                assertThat(rowsRead(connection, () -> {
                    List<String> amounts = new ArrayList<>();
                    try (Statement scan = connection.createStatement();
                         ResultSet rows = scan.executeQuery("SELECT amount FROM ledger ORDER BY amount LIMIT 100")) {
                        while (rows.next()) {
                            amounts.add(rows.getString(1));
                        }
                    }
                    return amounts;
                })).isGreaterThan(50_000);
            }
        }
    }

    private interface Walk {
        List<String> run() throws SQLException;
    }

    private static long rowsRead(Connection connection, Walk walk) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("FLUSH STATUS");
            assertThat(walk.run()).hasSize(100);
            long read = 0;
            try (ResultSet rows = statement.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
                while (rows.next()) {
                    read += rows.getLong(2);
                }
            }
            return read;
        }
    }

    private static void insertAll(TestDatabase db, String sql, Set<String> keys) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        int i = 0;
        for (String key : keys) {
            rows.add(new Object[] {key, "note " + i++});
        }
        insertRows(db, sql, rows);
    }

    private static void insertRows(TestDatabase db, String sql, List<Object[]> rows) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    insert.setObject(i + 1, row[i]);
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
