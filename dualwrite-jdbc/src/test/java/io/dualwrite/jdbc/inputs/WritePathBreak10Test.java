package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tenth review of the write path: chains in the catalog longer than the library used to follow. A statement may
 * name a table that is not mapped and still write a mapped one, through views of views or foreign keys cascading
 * through unmapped tables, and a mapped table may lose rows to a foreign key back onto itself; the write must end
 * exact in the new store or be recorded, however long the chain.
 * Each test compares the stores row by row, or resolves the recorded scoped resync and compares then.
 */
class WritePathBreak10Test {

    private static final int CHAIN = 6;

    /**
     * Views v6 … v1, each over the one before, v6 over orders: every one of them auto-updatable. The names run
     * against the chain, so a catalog read in name order finds one more level per pass.
     */
    private static List<String> viewChain(String quote) {
        List<String> ddl = new ArrayList<>();
        for (int i = CHAIN; i >= 1; i--) {
            String below = i == CHAIN ? "orders" : "v" + (i + 1);
            ddl.add("CREATE VIEW " + quote + "v" + i + quote + " AS SELECT id, code, qty FROM " + quote + below + quote);
        }
        return ddl;
    }

    // Failed before its fix: Metadata.readOtherNames followed views of views four levels deep, so a delete through
    // the sixth view was taken for a write on a table no mapping names: row 2 stayed in the new store, unrecorded.
    @Test
    void postgresDeleteThroughSixViewsOfViewsReachesTheNewStore() throws Exception {
        throughViews(Kind.POSTGRES, "");
    }

    private static void throughViews(Kind oldKind, String quote) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(oldKind, Kind.POSTGRES).mode(MirrorMode.SYNC).build(), Mirrored.PG)) {
            fixture.onOld(viewChain(quote).toArray(String[]::new));
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM v1 WHERE id = 2")).isOne();
                assertThat(statement.executeUpdate("UPDATE v1 SET qty = 30 WHERE id = 3")).isOne();
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id")).hasSize(2);
            Mirrored.exactOrResynced(fixture, oldKind + " through " + CHAIN + " views");
        }
    }

    /** c0 ← c1 ← … ← c5 ← orders, every foreign key ON DELETE CASCADE: a delete of c0 row 1 empties orders. */
    private static String[] cascadeChain(boolean withOrders) {
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE TABLE c0 (id BIGINT PRIMARY KEY)");
        for (int i = 1; i < CHAIN; i++) {
            ddl.add("CREATE TABLE c" + i + " (id BIGINT PRIMARY KEY, p BIGINT REFERENCES c" + (i - 1)
                    + " (id) ON DELETE CASCADE)");
        }
        for (int i = 0; i < CHAIN; i++) {
            ddl.add(i == 0 ? "INSERT INTO c0 (id) VALUES (1)" : "INSERT INTO c" + i + " (id, p) VALUES (1, 1)");
        }
        if (withOrders) {
            ddl.add("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT, p BIGINT REFERENCES c"
                    + (CHAIN - 1) + " (id) ON DELETE CASCADE)");
            ddl.add("INSERT INTO orders (id, code, qty, p) VALUES (1, 'a', 1, 1), (2, 'b', 2, 1), (3, 'c', 3, NULL)");
        }
        return ddl.toArray(String[]::new);
    }

    // Failed before its fix: Metadata.cascadesFrom followed cascades onto cascades four levels deep, so deleting the
    // row at the head of a chain of six unmapped tables deleted orders 1 and 2 in the old store and nothing else knew.
    @Test
    void h2DeleteCascadingThroughSixUnmappedTablesIsResynced() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).mode(MirrorMode.SYNC).build()) {
            fixture.onOld(cascadeChain(true));
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT, p BIGINT)",
                    "INSERT INTO orders_v2 (id, code, quantity, p) VALUES (1, 'a', 1, 1), (2, 'b', 2, 1), (3, 'c', 3, NULL)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM c0 WHERE id = 1")).isOne();
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).hasSize(1);
            Mirrored.exactOrResynced(fixture, "cascade through " + CHAIN + " tables");
        }
    }

    // Failed before its fix: Metadata.follow never looked at a step back to the table it started from, so a mapped
    // table whose foreign key cascades into itself (orders.p references orders.id ON DELETE CASCADE) lost rows 2
    // and 3 with row 1 in the old store, and only key 1 was synced.
    @Test
    void h2DeleteCascadingIntoItsOwnMappedTableIsResynced() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).mode(MirrorMode.SYNC).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT,"
                    + " p BIGINT REFERENCES orders (id) ON DELETE CASCADE)",
                    "INSERT INTO orders (id, code, qty, p) VALUES (1, 'a', 1, NULL), (2, 'b', 2, 1), (3, 'c', 3, 2),"
                    + " (4, 'd', 4, NULL)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT, p BIGINT)",
                    "INSERT INTO orders_v2 (id, code, quantity, p) VALUES (1, 'a', 1, NULL), (2, 'b', 2, 1), (3, 'c', 3, 2),"
                    + " (4, 'd', 4, NULL)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 1")).isOne();
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).hasSize(1);
            Mirrored.exactOrResynced(fixture, "self cascade");
        }
    }

    // Failed before its fix: the same through an unmapped table, on PostgreSQL: orders.p references x.id and x.o
    // references orders.id, both ON DELETE CASCADE; deleting order 1 deletes x 10, which deletes orders 2 and 3.
    @Test
    void postgresDeleteCascadingBackIntoItsMappedTableThroughAnotherIsResynced() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.SYNC).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT, p BIGINT)",
                    "CREATE TABLE x (id BIGINT PRIMARY KEY, o BIGINT REFERENCES orders (id) ON DELETE CASCADE)",
                    "ALTER TABLE orders ADD FOREIGN KEY (p) REFERENCES x (id) ON DELETE CASCADE",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, 'd', 4)",
                    "INSERT INTO x (id, o) VALUES (10, 1)", "UPDATE orders SET p = 10 WHERE id IN (2, 3)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT, p BIGINT)",
                    "INSERT INTO orders_v2 (id, code, quantity, p) VALUES (1, 'a', 1, NULL), (2, 'b', 2, 10), (3, 'c', 3, 10),"
                    + " (4, 'd', 4, NULL)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 1")).isOne();
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).hasSize(1);
            Mirrored.exactOrResynced(fixture, "cascade back through x");
        }
    }
}
