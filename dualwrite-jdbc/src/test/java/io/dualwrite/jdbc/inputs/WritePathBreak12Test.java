package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twelfth review of the write path, on statements that write mapped tables other than, or besides, the one they
 * name: a MariaDB multi-table {@code UPDATE} or {@code DELETE} whose first target is not mapped, PostgreSQL
 * data-modifying {@code WITH} items, texts the parser cannot read or that hold several statements, foreign keys that
 * cascade into mapped tables (through views, from names quoted or qualified, along chains, onto the table itself),
 * and texts that end the transaction after such a write. Old MariaDB, PostgreSQL or H2; new PostgreSQL (H2 beside
 * H2) with orders' qty renamed quantity and items kept as is. Each test checks the old store's rows, then the new
 * store against them row by row: equal, or a scoped resync of the table recorded and the stores equal after
 * resolving it. A write that provably changed only what it names records nothing and is synced exactly.
 */
class WritePathBreak12Test {

    private static final TableMapping ITEMS = TableMapping.identity("items");

    private static final String ITEMS_ROWS = "SELECT id, val, p, up FROM items ORDER BY id";

    private static String oldOrders(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id").stream()
                .map(r -> r.get("id") + ":" + r.get("qty")).collect(Collectors.joining(" "));
    }

    private static String oldItems(Fixture fixture) {
        return Rows.of(fixture.oldDb, ITEMS_ROWS).stream()
                .map(r -> r.get("id") + ":" + r.get("val") + ":" + r.get("p") + ":" + r.get("up"))
                .collect(Collectors.joining(" "));
    }

    /** Runs a text and reads every result it gives, as the caller would. */
    private static void run(Fixture fixture, String sql) throws Exception {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
            while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
                // every result read
            }
        }
        WritePathBreak9Test.drained(fixture);
    }

    /** Items equal in both stores, or a scoped resync of items recorded and resolved; then orders likewise. */
    private static void itemsExactOrResynced(Fixture fixture, String label) throws Exception {
        if (!Rows.of(fixture.newDb, ITEMS_ROWS).equals(Rows.of(fixture.oldDb, ITEMS_ROWS))) {
            assertThat(fixture.scopedResyncs()).as("%s: items differ, so a scoped resync of items must be recorded", label)
                    .extracting(ChangeRecord::table).contains("items");
            fixture.resolveScopedResyncs(ITEMS);
        }
        Rows.assertSame(fixture.oldDb, ITEMS_ROWS, fixture.newDb, ITEMS_ROWS);
        Mirrored.exactOrResynced(fixture, label);
    }

    // ---- 1. a mapped table written behind another target --------------------------------------------------------

    private static Fixture mariadbWithCustomers() {
        Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(MirrorMode.SYNC).build(),
                Mirrored.MARIA);
        fixture.onOld("CREATE TABLE customers (id BIGINT PRIMARY KEY, flag INT)",
                "INSERT INTO customers VALUES (1, 0), (2, 0), (3, 0)");
        return fixture;
    }

    // Failed before its fix: the statement's first target (customers) is not mapped, so it ran as a write of
    // customers alone; the rows of orders it changed reached the old store only, with nothing recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE customers c JOIN orders o ON o.id = c.id SET c.flag = 1, o.qty = 5 WHERE c.id = 1          | 1:5 2:2 3:3",
        "UPDATE customers c, orders o SET c.flag = 1, o.qty = 6 WHERE o.id = c.id AND c.id = 2           | 1:1 2:6 3:3",
        "UPDATE customers c JOIN orders o ON o.id = c.id SET o.qty = o.qty + 10 WHERE c.id > 1           | 1:1 2:12 3:13",
        "UPDATE customers JOIN orders ON orders.id = customers.id SET qty = 4 WHERE customers.id = 3     | 1:1 2:2 3:4",
        "DELETE c, o FROM customers c JOIN orders o ON o.id = c.id WHERE c.id = 1                        | 2:2 3:3",
        "DELETE FROM c, o USING customers c JOIN orders o ON o.id = c.id WHERE c.id = 2                  | 1:1 3:3",
        "DELETE c, o FROM customers c, orders o WHERE o.id = c.id AND c.id = 3                           | 1:1 2:2",
        "DELETE customers, orders FROM customers JOIN orders ON orders.id = customers.id WHERE orders.qty < 3 | 3:3"})
    void mariadbMultiTableWritesOfOrdersBehindAnUnmappedFirstTargetAreRecorded(String sql, String expectedOld)
            throws Exception {
        try (Fixture fixture = mariadbWithCustomers()) {
            run(fixture, sql);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "MariaDB " + sql);
        }
    }

    // Passed before the fix, and must go on passing: a multi-table write that assigns or deletes only customers
    // reads orders without writing it, so nothing of orders is recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE customers c JOIN orders o ON o.id = c.id SET c.flag = o.qty WHERE o.qty = 2",
        "DELETE c FROM customers c JOIN orders o ON o.id = c.id WHERE o.qty = 1",
        "DELETE FROM c USING customers c JOIN orders o ON o.id = c.id WHERE o.qty = 3"})
    void mariadbMultiTableWritesOfTheUnmappedTableAloneRecordNothing(String sql) throws Exception {
        try (Fixture fixture = mariadbWithCustomers()) {
            run(fixture, sql);
            assertThat(oldOrders(fixture)).isEqualTo("1:1 2:2 3:3");
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix (the main target was audit or customers, the WITH item that writes orders was read as
    // a query, or through a view of orders): orders changed in the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "EXECUTE | WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING id) INSERT INTO audit SELECT id FROM d         | 2:2 3:3",
        "QUERY   | WITH u AS (UPDATE orders SET qty = 9 WHERE id = 2 RETURNING *) SELECT id FROM u                    | 1:1 2:9 3:3",
        "EXECUTE | WITH a AS (SELECT 1 AS x), u AS (UPDATE orders SET qty = 8 WHERE id = 3 RETURNING id) UPDATE customers SET flag = 1 WHERE id IN (SELECT id FROM u) | 1:1 2:2 3:8",
        "QUERY   | WITH u AS (UPDATE ov SET qty = 4 WHERE id = 1 RETURNING id), d AS (DELETE FROM audit RETURNING id) SELECT id FROM u | 1:4 2:2 3:3",
        "EXECUTE | WITH d AS (DELETE FROM customers WHERE id = 2 RETURNING id) DELETE FROM audit WHERE id IN (SELECT id FROM d) | 1:1 3:3"})
    void postgresDataModifyingWithItemsWritingOrdersAreRecorded(String way, String sql, String expectedOld)
            throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.SYNC).build(),
                Mirrored.PG)) {
            fixture.onOld("CREATE TABLE audit (id BIGINT)", "INSERT INTO audit VALUES (7)",
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, flag INT)",
                    "INSERT INTO customers VALUES (1, 0), (2, 0), (3, 0)",
                    "ALTER TABLE orders ADD FOREIGN KEY (id) REFERENCES customers (id) ON DELETE CASCADE",
                    "CREATE VIEW ov AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                if (way.equals("QUERY")) {
                    try (ResultSet rows = statement.executeQuery(sql)) {
                        assertThat(rows.next()).isTrue();
                    }
                } else {
                    statement.execute(sql);
                }
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(oldOrders(fixture)).isEqualTo(expectedOld);
            Mirrored.exactOrResynced(fixture, "PostgreSQL " + sql);
        }
    }

    // ---- 2 and 3. foreign keys cascading into items, from texts read whole, in part, or not at all -----------------

    /** Old store: parents, items (p onto parents, up onto items itself), as {@code ddl} makes them; new store: items. */
    private static Fixture cascading(Kind kind, AtomicReference<HikariDataSource> pool, String... ddl) {
        Fixture.Builder builder = Fixture.builder(kind, kind == Kind.H2 ? Kind.H2 : Kind.POSTGRES).mode(MirrorMode.SYNC)
                .mappings(Fixture.ORDERS, ITEMS);
        Fixture fixture = Mirrored.seed((kind == Kind.MARIADB ? builder.wrapOld(Fixture.multiQueries(pool)) : builder)
                .build(), Mirrored.MARIA);
        fixture.onOld(ddl);
        fixture.onNew("CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT, up BIGINT)",
                "INSERT INTO items VALUES (1, 'a', 1, NULL), (2, 'b', 2, 1), (3, 'c', 2, NULL)");
        return fixture;
    }

    private static String[] plainCascades(String onDelete, String onUpdate) {
        return new String[] {"CREATE TABLE parents (id BIGINT PRIMARY KEY, n INT)",
            "INSERT INTO parents VALUES (1, 0), (2, 0)",
            "CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT, up BIGINT,"
                + " FOREIGN KEY (p) REFERENCES parents (id) ON DELETE " + onDelete + " ON UPDATE " + onUpdate + ","
                + " FOREIGN KEY (up) REFERENCES items (id) ON DELETE " + onDelete + " ON UPDATE " + onUpdate + ")",
            "INSERT INTO items VALUES (1, 'a', 1, NULL), (2, 'b', 2, 1), (3, 'c', 2, NULL)"};
    }

    /**
     * Runs {@code sql} through the library on {@code kind}'s stores made by {@code ddl}, then checks that the old
     * store's items are {@code expectedItems} and the new store's the same or their resync recorded.
     */
    private static void cascadeRecordedOrExact(Kind kind, String sql, String expectedItems, String... ddl) throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (Fixture fixture = cascading(kind, pool, ddl)) {
            try {
                run(fixture, sql);
            } finally {
                closing(pool);
            }
            assertThat(oldItems(fixture)).isEqualTo(expectedItems);
            itemsExactOrResynced(fixture, kind + " " + sql);
        }
    }

    private static void closing(AtomicReference<HikariDataSource> pool) {
        if (pool.get() != null) {
            pool.get().close();
        }
    }

    // Failed before its fix: none of these texts could be analysed as one write of a named table (unparsable, or
    // several statements of which one cannot be parsed), so the cascade from parents was never looked up: items
    // lost or changed rows in the old store only, nothing recorded.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DELETE FROM parents WHERE id = 1 AND n OPERATOR(pg_catalog.=) 0                                  | 3:c:2:<null>",
        "POSTGRES | UPDATE orders SET qty = 5 WHERE id = 1; DELETE FROM \"parents\" WHERE n OPERATOR(pg_catalog.=) 0 AND id = 2 | 1:a:1:<null>",
        "POSTGRES | DELETE FROM public.parents WHERE id = 1 AND n OPERATOR(pg_catalog.=) 0                           | 3:c:2:<null>",
        "MARIADB  | DELETE LOW_PRIORITY QUICK IGNORE FROM parents WHERE id = 1 ORDER BY id LIMIT 1                   | 3:c:2:<null>",
        "MARIADB  | UPDATE orders SET qty = 5 WHERE id = 1; DELETE LOW_PRIORITY QUICK IGNORE FROM `parents` WHERE id = 2 ORDER BY id LIMIT 1 | 1:a:1:<null>"})
    void cascadesFromTheTargetsOfUnparsableTextsAreRecorded(Kind kind, String sql, String expectedItems) throws Exception {
        cascadeRecordedOrExact(kind, sql, expectedItems, plainCascades("CASCADE", "CASCADE"));
    }

    // Failed before its fix: a write through a view of parents cascades from parents, but only the view's mapped
    // bases were looked up; a quoted mixed-case or schema-qualified parent, or a mixed-case table in the middle of
    // the chain, was looked up folded to lower case, which PostgreSQL's to_regclass does not find.
    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | VIEW    | DELETE FROM pv WHERE id = 1                            | 3:c:2:<null>",
        "MARIADB  | VIEW    | DELETE FROM pv WHERE id = 1                            | 3:c:2:<null>",
        "POSTGRES | VIEW    | UPDATE pv SET id = 5 WHERE id = 2                      | 1:a:1:<null> 2:b:5:1 3:c:5:<null>",
        "POSTGRES | QUOTED  | DELETE FROM \"Parents\" WHERE id = 1                   | 2:b:2:1 3:c:2:<null>",
        "POSTGRES | SCHEMA  | DELETE FROM \"Shop\".\"Parents\" WHERE id = 2          | 1:a:1:<null> 2:b:<null>:1 3:c:<null>:<null>",
        "POSTGRES | MIDDLE  | DELETE FROM parents WHERE id = 2                       | 1:a:1:<null>",
        "H2       | CHAIN   | DELETE FROM parents WHERE id = 2                       | 1:a:1:<null>",
        "MARIADB  | CHAIN   | UPDATE parents SET id = 7 WHERE id = 1                 | 1:a:7:<null> 2:b:2:1 3:c:2:<null>"})
    void cascadesReachedThroughViewsQuotedNamesAndChainsAreRecorded(Kind kind, String shape, String sql,
                                                                     String expectedItems) throws Exception {
        String items = "CREATE TABLE items (id BIGINT PRIMARY KEY, val VARCHAR(20), p BIGINT, up BIGINT)";
        String rows = "INSERT INTO items VALUES (1, 'a', 1, NULL), (2, 'b', 2, 1), (3, 'c', 2, NULL)";
        String[] ddl = switch (shape) {
            case "VIEW" -> {
                String[] plain = plainCascades("CASCADE", "CASCADE");
                yield new String[] {plain[0], plain[1], plain[2], plain[3], "CREATE VIEW pv AS SELECT id, n FROM parents"};
            }
            case "QUOTED" -> new String[] {"CREATE TABLE \"Parents\" (id BIGINT PRIMARY KEY)",
                "INSERT INTO \"Parents\" VALUES (1), (2)", items.replace(" up BIGINT)",
                        " up BIGINT, FOREIGN KEY (p) REFERENCES \"Parents\" (id) ON DELETE CASCADE)"), rows};
            case "SCHEMA" -> new String[] {"CREATE SCHEMA \"Shop\"", "CREATE TABLE \"Shop\".\"Parents\" (id BIGINT PRIMARY KEY)",
                "INSERT INTO \"Shop\".\"Parents\" VALUES (1), (2)", items.replace(" up BIGINT)",
                        " up BIGINT, FOREIGN KEY (p) REFERENCES \"Shop\".\"Parents\" (id) ON DELETE SET NULL)"), rows};
            case "MIDDLE" -> new String[] {"CREATE TABLE parents (id BIGINT PRIMARY KEY)", "INSERT INTO parents VALUES (1), (2)",
                "CREATE TABLE \"Kids\" (id BIGINT PRIMARY KEY, p BIGINT REFERENCES parents (id) ON DELETE CASCADE)",
                "INSERT INTO \"Kids\" VALUES (1, 1), (2, 2)", items.replace(" up BIGINT)",
                        " up BIGINT, FOREIGN KEY (p) REFERENCES \"Kids\" (id) ON DELETE CASCADE)"), rows};
            default -> new String[] {"CREATE TABLE parents (id BIGINT PRIMARY KEY)", "INSERT INTO parents VALUES (1), (2)",
                "CREATE TABLE kids (id BIGINT PRIMARY KEY, FOREIGN KEY (id) REFERENCES parents (id)"
                    + " ON DELETE CASCADE ON UPDATE CASCADE)", "INSERT INTO kids VALUES (1), (2)",
                items.replace(" up BIGINT)", " up BIGINT, FOREIGN KEY (p) REFERENCES kids (id)"
                    + " ON DELETE CASCADE ON UPDATE CASCADE)"), rows};
        };
        cascadeRecordedOrExact(kind, sql, expectedItems, ddl);
    }

    // Passed before the fix, and must go on passing: foreign keys with SET NULL or SET DEFAULT, and one of items
    // onto its own key, change rows no statement names; each such write records a scoped resync of items.
    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | SET NULL    | RESTRICT | DELETE FROM parents WHERE id = 2             | 1:a:1:<null> 2:b:<null>:1 3:c:<null>:<null>",
        "POSTGRES | SET DEFAULT | CASCADE  | DELETE FROM parents WHERE id = 2             | 1:a:1:<null> 2:b:<null>:1 3:c:<null>:<null>",
        "POSTGRES | CASCADE     | CASCADE  | UPDATE items SET id = 10 WHERE id = 1        | 2:b:2:10 3:c:2:<null> 10:a:1:<null>",
        "MARIADB  | CASCADE     | CASCADE  | DELETE FROM items WHERE id = 1               | 3:c:2:<null>",
        "H2       | CASCADE     | CASCADE  | UPDATE items SET id = 10 WHERE id = 1        | 2:b:2:10 3:c:2:<null> 10:a:1:<null>"})
    void setNullSetDefaultAndSelfReferencingCascadesAreRecorded(Kind kind, String onDelete, String onUpdate, String sql,
                                                               String expectedItems) throws Exception {
        cascadeRecordedOrExact(kind, sql, expectedItems, plainCascades(onDelete, onUpdate));
    }

    // Failed before its fix: every update or upsert of a table with an ON UPDATE CASCADE foreign key onto it
    // recorded a scoped resync of items, though one that assigns no referenced column cannot cascade: the write is
    // now synced by its keys alone, with nothing recorded.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | UPDATE items SET val = 'w' WHERE id = 1                                              | 1:w:1:<null> 2:b:2:1 3:c:2:<null>",
        "MARIADB  | UPDATE items SET val = 'w', p = 1 WHERE id = 2                                       | 1:a:1:<null> 2:w:1:1 3:c:2:<null>",
        "H2       | UPDATE items SET val = 'w' WHERE id = 3                                              | 1:a:1:<null> 2:b:2:1 3:w:2:<null>",
        "POSTGRES | UPDATE parents SET n = 5 WHERE id = 1                                                | 1:a:1:<null> 2:b:2:1 3:c:2:<null>",
        "MARIADB  | UPDATE parents SET n = 5 WHERE id = 2                                                | 1:a:1:<null> 2:b:2:1 3:c:2:<null>",
        "POSTGRES | INSERT INTO items (id, val, p, up) VALUES (2, 'u', 2, 1) ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val | 1:a:1:<null> 2:u:2:1 3:c:2:<null>",
        "MARIADB  | INSERT INTO items (id, val, p, up) VALUES (2, 'u', 2, 1) ON DUPLICATE KEY UPDATE val = VALUES(val)       | 1:a:1:<null> 2:u:2:1 3:c:2:<null>"})
    void updatesAssigningNoReferencedColumnRecordNothing(Kind kind, String sql, String expectedItems) throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (Fixture fixture = cascading(kind, pool, plainCascades("CASCADE", "CASCADE"))) {
            try {
                run(fixture, sql);
            } finally {
                closing(pool);
            }
            assertThat(oldItems(fixture)).isEqualTo(expectedItems);
            assertThat(fixture.records()).as("nothing can have cascaded").isEmpty();
            Rows.assertSame(fixture.oldDb, ITEMS_ROWS, fixture.newDb, ITEMS_ROWS);
        }
    }

    // Failed before its fix: a batch of texts, each entry analysed on its own: a multi-table delete whose first
    // target is unmapped, and an unparsable delete of parents cascading into items. orders and items changed in the
    // old store only, nothing recorded.
    @Test
    void mariadbBatchEntriesWritingOrdersBehindAnotherTargetOrCascadingUnparsedAreRecorded() throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (Fixture fixture = cascading(Kind.MARIADB, pool, plainCascades("CASCADE", "CASCADE"))) {
            fixture.onOld("CREATE TABLE customers (id BIGINT PRIMARY KEY, flag INT)",
                    "INSERT INTO customers VALUES (1, 0), (2, 0), (3, 0)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.addBatch("UPDATE customers SET flag = 1 WHERE id = 1");
                statement.addBatch("DELETE c, o FROM customers c JOIN orders o ON o.id = c.id WHERE c.id = 2");
                statement.addBatch("DELETE LOW_PRIORITY QUICK IGNORE FROM parents WHERE id = 2 ORDER BY id LIMIT 1");
                assertThat(statement.executeBatch()).containsExactly(1, 2, 1);
            } finally {
                WritePathBreak9Test.drained(fixture);
                closing(pool);
            }
            assertThat(oldOrders(fixture)).isEqualTo("1:1 3:3");
            assertThat(oldItems(fixture)).isEqualTo("1:a:1:<null>");
            itemsExactOrResynced(fixture, "batch of texts");
        }
    }

    // ---- 4. texts that end the transaction after a write that cascades --------------------------------------------

    // Failed before its fix: the statements before the COMMIT of one text were resynced by the tables they name,
    // but the cascade from their targets was never looked up (nor could it be after the text, which had ended the
    // transaction): items changed in the old store only.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | DELETE FROM parents WHERE id = 1; COMMIT                                 | 3:c:2:<null>",
        "POSTGRES | DELETE FROM parents WHERE id = 1; COMMIT                                 | 3:c:2:<null>",
        "MARIADB  | UPDATE orders SET qty = 5 WHERE id = 1; UPDATE parents SET id = 9 WHERE id = 2; COMMIT | 1:a:1:<null> 2:b:9:1 3:c:9:<null>",
        "POSTGRES | UPDATE items SET id = 10 WHERE id = 1; COMMIT; UPDATE orders SET qty = 5 WHERE id = 1 | 2:b:2:10 3:c:2:<null> 10:a:1:<null>",
        "POSTGRES | BEGIN; DELETE FROM pv WHERE id = 2; COMMIT                               | 1:a:1:<null>"})
    void cascadesOfWritesInTextsEndingTheTransactionAreRecorded(Kind kind, String sql, String expectedItems)
            throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        String[] plain = plainCascades("CASCADE", "CASCADE");
        try (Fixture fixture = cascading(kind, pool, plain[0], plain[1], plain[2], plain[3],
                "CREATE VIEW pv AS SELECT id, n FROM parents")) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(sql.startsWith("BEGIN"));
                statement.execute(sql);
                while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
                    // every result read
                }
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
            } finally {
                WritePathBreak9Test.drained(fixture);
                closing(pool);
            }
            assertThat(oldItems(fixture)).isEqualTo(expectedItems);
            itemsExactOrResynced(fixture, kind + " " + sql);
        }
    }

    // Failed before its fix: a batch of texts with a COMMIT among them was replayed as resyncs of the tables each
    // entry names; the delete of parents names none, and its cascade into items went unrecorded.
    @Test
    void cascadeOfAnEntryOfABatchWithTransactionControlIsRecorded() throws Exception {
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        try (Fixture fixture = cascading(Kind.MARIADB, pool, plainCascades("CASCADE", "CASCADE"))) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.addBatch("UPDATE orders SET qty = 5 WHERE id = 1");
                statement.addBatch("DELETE FROM parents WHERE id = 2");
                statement.addBatch("COMMIT");
                statement.executeBatch();
                connection.commit();
            } finally {
                WritePathBreak9Test.drained(fixture);
                closing(pool);
            }
            assertThat(oldItems(fixture)).isEqualTo("1:a:1:<null>");
            assertThat(oldOrders(fixture)).isEqualTo("1:5 2:2 3:3");
            itemsExactOrResynced(fixture, "batch with COMMIT");
        }
    }
}
