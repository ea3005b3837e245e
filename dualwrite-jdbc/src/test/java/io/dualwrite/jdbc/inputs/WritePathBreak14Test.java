package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A fourteenth review of the write path. First, upserts on MySQL/MariaDB that meet a row through a unique key whose
 * values they do not name (a generated column, a prefix, a column left to its default): the rows found by the
 * statement's own unique values were counted against its rows, and one statement row holding the values of two
 * rows (its key of one, its code of another) made up for a row that found none, so the row it met changed in the
 * old store only, with nothing recorded. Second, what the library read of a table's columns and kept: the column
 * order an insert without a column list is keyed by, and the columns the copier reads and writes, were read once and
 * never again, so a column moved, dropped or added by a migration on another connection keyed inserts by another
 * column, or left a new column out of every copy, with nothing recorded. Each write test checks the old store's rows,
 * then the new store against them row by row: equal, or a scoped resync recorded and the stores equal after
 * resolving it.
 */
class WritePathBreak14Test {

    private static String oldOrders(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("code") + ":" + r.get("qty")).collect(Collectors.joining(" "));
    }

    private static void run(Fixture fixture, String... sql) throws Exception {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
        WritePathBreak9Test.drained(fixture);
    }

    // ---- 1. MariaDB: upserts meeting a row by a unique key they do not name ---------------------------------------

    // Failed before its fix: the first row of the statement meets row 1 through a unique key whose values it does
    // not name (the first letter of its code, kept by a generated column or a prefix index, or a column left to its
    // default), the second meets row 2 by its key and names row 3 by its code: two rows found for two statement rows,
    // so row 1 (qty 50 in the old store) was never synced and nothing was recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ALTER TABLE orders ADD COLUMN pfx CHAR(1) AS (LEFT(code, 1)) PERSISTENT UNIQUE",
        "ALTER TABLE orders ADD COLUMN pfx CHAR(1) AS (LEFT(code, 1)) VIRTUAL, ADD UNIQUE (pfx)",
        "ALTER TABLE orders ADD UNIQUE (code(1))",
        "ALTER TABLE orders ADD COLUMN tag VARCHAR(5) NOT NULL DEFAULT 't'; UPDATE orders SET tag = CONCAT('t', id) WHERE id > 1; ALTER TABLE orders ADD UNIQUE (tag)"})
    void mariadbUpsertMeetingARowByAUniqueKeyItDoesNotNameIsRecorded(String ddl) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.H2), Mirrored.MARIA)) {
            fixture.onOld(ddl.split("; "));
            fixture.onNew("ALTER TABLE orders_v2 ADD COLUMN pfx CHAR(1)", "ALTER TABLE orders_v2 ADD COLUMN tag VARCHAR(5)");
            run(fixture, "INSERT INTO orders (id, code, qty) VALUES (5, 'ax', 50), (2, 'c', 60)"
                    + " ON DUPLICATE KEY UPDATE qty = VALUES(qty)");
            assertThat(oldOrders(fixture)).isEqualTo("1:a:50 2:b:60 3:c:3");
            Mirrored.exactOrResynced(fixture, "MariaDB " + ddl);
        }
    }

    // Passed before the fix, and must go on passing: the same rows as entries of a prepared batch, one row each, sent
    // one by one or in MariaDB's bulk protocol (useBulkStmts): each entry is asked on its own, and one that found no
    // row records the resync (an entry whose count the driver does not give is now asked as one that wrote rows).
    @ParameterizedTest(name = "useBulkStmts={0}")
    @CsvSource({"false", "true"})
    void mariadbBatchedUpsertsMeetingARowByAUniqueKeyTheyDoNotNameAreRecorded(boolean bulk) throws Exception {
        java.util.concurrent.atomic.AtomicReference<com.zaxxer.hikari.HikariDataSource> opened =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.H2)
                .wrapOld(bulk ? Fixture.withDriverOption("useBulkStmts=true", opened)
                        : java.util.function.UnaryOperator.identity()).build(),
                Mirrored.MARIA)) {
            fixture.onOld("ALTER TABLE orders ADD COLUMN pfx CHAR(1) AS (LEFT(code, 1)) PERSISTENT UNIQUE");
            fixture.onNew("ALTER TABLE orders_v2 ADD COLUMN pfx CHAR(1)");
            try (Connection connection = fixture.dataSource.getConnection();
                 java.sql.PreparedStatement upsert = connection.prepareStatement("INSERT INTO orders (id, code, qty)"
                         + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE qty = VALUES(qty)")) {
                Object[][] rows = {{5, "ax", 50}, {2, "c", 60}, {6, "f", 70}};
                for (Object[] row : rows) {
                    for (int c = 0; c < row.length; c++) {
                        upsert.setObject(c + 1, row[c]);
                    }
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo("1:a:50 2:b:60 3:c:3 6:f:70");
            Mirrored.exactOrResynced(fixture, "MariaDB batch, bulk " + bulk);
        } finally {
            if (opened.get() != null) {
                opened.get().close();
            }
        }
    }

    // ---- 2. What was read of a table's columns, read again ----------------------------------------------------------

    /** The catalog is trusted this long by the fixtures of this section (a migration's DDL runs meanwhile). */
    private static Fixture refreshing(Kind oldKind) {
        return Fixture.builder(oldKind, Kind.H2).customize(builder -> builder.catalogRefresh(LooseKeyStores.SHORT_REFRESH))
                .build();
    }

    /** Waits, writing nothing, until the recheck of the catalog records the table's resync ({@code catalog-changed}). */
    private static void awaitCatalogChanged(Fixture fixture) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> fixture.scopedResyncs().stream().anyMatch(r -> r.reason().equals("catalog-changed")));
    }

    // Failed before its fix: the first insert without a column list read the table's columns (legacy, id, qty, code)
    // and the library kept them; a migration on another connection then dropped legacy, made it invisible or moved
    // qty first, and the next insert's key was read from the column now at the key's old place (4, an order that
    // exists, so the sync found the row it expected; for the upsert, the row holding its "unique values"): row 5
    // reached the old store only, and nothing was recorded.
    // The column order is now read again with the table's key facts, which hold every column, so the change is
    // found, and recorded, within the catalog's trust. (The last passed before the fix, and must go on passing.)
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB | ALTER TABLE orders DROP COLUMN legacy                | INSERT INTO orders VALUES (5, 4, 'e')     | 4:d:4 5:e:4",
        "MARIADB | ALTER TABLE orders MODIFY qty INT FIRST               | INSERT INTO orders VALUES (50, 4, 5, 'e') | 4:d:4 5:e:50",
        "MARIADB | ALTER TABLE orders DROP COLUMN legacy                | INSERT INTO orders VALUES (5, 4, 'e') ON DUPLICATE KEY UPDATE qty = VALUES(qty) | 4:d:4 5:e:4",
        "H2      | ALTER TABLE orders DROP COLUMN legacy                | INSERT INTO orders VALUES (5, 4, 'e')     | 4:d:4 5:e:4",
        "H2      | ALTER TABLE orders ALTER COLUMN legacy SET INVISIBLE | INSERT INTO orders VALUES (5, 4, 'e')     | 4:d:4 5:e:4"})
    void insertsWithoutAColumnListAfterAMigrationMovedTheColumnsAreRecorded(Kind kind, String ddl, String insert,
                                                                             String expectedOld) throws Exception {
        try (Fixture fixture = refreshing(kind)) {
            fixture.onOld("CREATE TABLE orders (legacy BIGINT, id BIGINT PRIMARY KEY, qty INT, code VARCHAR(20) UNIQUE)");
            fixture.onNew("CREATE TABLE orders_v2 (legacy BIGINT, id BIGINT PRIMARY KEY, quantity INT,"
                    + " code VARCHAR(20) UNIQUE)");
            run(fixture, "INSERT INTO orders VALUES (0, 4, 4, 'd')");
            fixture.onOld(ddl);
            run(fixture, insert);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            if (!Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")
                    .equals(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))) {
                awaitCatalogChanged(fixture);
            }
            Mirrored.exactOrResynced(fixture, kind + " " + ddl);
        }
    }

    // Failed before its fix: the copier read a table's columns once and kept them until a sync failed; a migration
    // that added a column to both stores (on connections of its own) left it out of every later copy, the syncs
    // succeeded, and the new store kept NULL where the old one held the value, with nothing recorded. The copier now
    // reads them again once the catalog's trust ends, and the writes synced before that are recorded by the change
    // the write path's catalog read finds.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"H2", "POSTGRES", "MARIADB"})
    void aColumnAddedToBothStoresIsCopiedOnceReadAndTheWritesBeforeAreRecorded(Kind kind) throws Exception {
        try (Fixture fixture = Mirrored.seed(refreshing(kind), Mirrored.PG)) {
            run(fixture, "UPDATE orders SET qty = 11 WHERE id = 1");
            fixture.onOld("ALTER TABLE orders ADD COLUMN note VARCHAR(20)");
            fixture.onNew("ALTER TABLE orders_v2 ADD COLUMN note VARCHAR(20)");
            run(fixture, "UPDATE orders SET note = 'x' WHERE id = 1");
            String oldRows = "SELECT id, code, qty, note FROM orders ORDER BY id";
            String newRows = "SELECT id, code, quantity AS qty, note FROM orders_v2 ORDER BY id";
            if (!Rows.of(fixture.newDb, newRows).equals(Rows.of(fixture.oldDb, oldRows))) {
                awaitCatalogChanged(fixture);
                fixture.resolveScopedResyncs(Fixture.ORDERS);
            }
            Rows.assertSame(fixture.oldDb, oldRows, fixture.newDb, newRows);
            // once the copier's read of the columns is no longer trusted, a write's own sync copies the column
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                run(fixture, "UPDATE orders SET note = 'y', qty = qty + 1 WHERE id = 2");
                return "y".equals(Rows.of(fixture.newDb, "SELECT note FROM orders_v2 WHERE id = 2").get(0).get("note"));
            });
            if (!fixture.scopedResyncs().isEmpty()) {
                fixture.resolveScopedResyncs(Fixture.ORDERS);
            }
            Rows.assertSame(fixture.oldDb, oldRows, fixture.newDb, newRows);
        }
    }
}
