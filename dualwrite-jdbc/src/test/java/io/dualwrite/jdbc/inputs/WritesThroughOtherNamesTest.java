package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Writes reaching a mapped table under another name (views, partitions, inheritance
 * parents, INSTEAD OF triggers, quoted view names) through statement paths that only match mapped names. Each
 * ends with {@link Mirrored#exactOrResynced}.
 */
class WritesThroughOtherNamesTest {

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    // Failed before its fix: a data-modifying WITH item writing a view over a mapped table is taken for a plain SELECT
    // Input (PostgreSQL, orders 1 'a', 2 'b', 3 'c'; CREATE VIEW orders_view AS SELECT id, code, qty FROM orders):
    //   executeQuery("WITH u AS (UPDATE orders_view SET qty = 9 WHERE id = 1 RETURNING id) SELECT id FROM u")
    // Expected: row 1 (qty 9) mirrored to orders_v2, or a scoped resync of orders recorded.
    // Before its fix: writtenByWithItems only looks for mapped table names in the WITH item (not views): no keys, no entry;
    //   the new store keeps (1, 'a', 1). Kind 1 (views; updatable CTE).
    @Test
    void postgresDataModifyingCteWritingThroughAViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(
                         "WITH u AS (UPDATE orders_view SET qty = 9 WHERE id = 1 RETURNING id) SELECT id FROM u")) {
                assertThat(rows.next()).isTrue();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 9));
            Mirrored.exactOrResynced(fixture, "pg cte through view");
        }
    }

    // Failed before its fix: EXPLAIN ANALYZE of a write through a view is neither mirrored nor resynced
    // Input (PostgreSQL, orders_view over orders): execute("EXPLAIN ANALYZE UPDATE orders_view SET qty = 9 WHERE id = 2")
    // Expected: row 2 (qty 9) mirrored, or a scoped resync recorded (EXPLAIN ANALYZE runs the update).
    // Before its fix: the EXPLAIN ANALYZE path resyncs only the mapped tables it names literally; the view is not followed to
    //   orders: nothing recorded, the new store keeps qty 2. Kind 1 (views).
    @Test
    void postgresExplainAnalyzeOfAnUpdateThroughAViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("EXPLAIN ANALYZE UPDATE orders_view SET qty = 9 WHERE id = 2");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 9));
            Mirrored.exactOrResynced(fixture, "pg explain analyze through view");
        }
    }

    // Failed before its fix: a write through a view among transaction-control statements in one string is lost
    // Input (PostgreSQL, orders_view over orders): execute("BEGIN; UPDATE orders_view SET qty = 9 WHERE id = 3; COMMIT")
    // Expected: row 3 (qty 9) mirrored, or a scoped resync recorded.
    // Before its fix: the MIXED parts are matched against mapped table names only; the view is not followed: nothing recorded,
    //   the new store keeps qty 3. Kind 1 (views; several statements in one execute).
    @Test
    void postgresBeginUpdateThroughAViewCommitInOneStringIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN; UPDATE orders_view SET qty = 9 WHERE id = 3; COMMIT");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3")).containsExactly(Rows.expected("qty", 9));
            Mirrored.exactOrResynced(fixture, "pg begin/update view/commit");
        }
    }

    // Failed before its fix: TRUNCATE of several tables, one of them a partition of a mapped table, is not resynced
    // Input (PostgreSQL, orders PARTITION BY RANGE (id), orders_p1 its only partition; unmapped audit):
    //   execute("TRUNCATE audit, orders_p1")
    // Expected: a scoped resync of orders (orders is empty now).
    // Before its fix: the several-table TRUNCATE branch keeps only names that are mapped tables; the partition is not followed
    //   to its parent: nothing recorded, the new store keeps rows 1, 2, 3. Kind 1 (partitions; TRUNCATE of several tables).
    @Test
    void postgresTruncateOfAnUnmappedTableAndAPartitionIsResynced() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT) PARTITION BY RANGE (id)",
                    "CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (0) TO (100)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)",
                    "CREATE TABLE audit (n INT)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE audit, orders_p1");
            }
            Mirrored.exactOrResynced(fixture, "pg truncate audit, partition");
        }
    }

    // Failed before its fix: writes on an inheritance parent reach the mapped child table unseen
    // Input (PostgreSQL): orders_base (unmapped) and orders (PRIMARY KEY id, UNIQUE code) INHERITS (orders_base), rows 1-3;
    //   UPDATE orders_base SET qty = 9 WHERE id = 1; DELETE FROM orders_base WHERE id = 2 (no ONLY: children included)
    // Expected: orders shows (1, 'a', 9) and no row 2; the new store equal, or a scoped resync recorded.
    // Before its fix: only the parents of the written table are followed, not its children: nothing recorded; the new store keeps
    //   (1, 'a', 1) and row 2. Kind 1 (inheritance).
    @Test
    void postgresWritesToAnInheritanceParentReachTheMappedChild() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id BIGINT, code VARCHAR(20), qty INT)",
                    "CREATE TABLE orders (PRIMARY KEY (id), UNIQUE (code)) INHERITS (orders_base)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders_base SET qty = 9 WHERE id = 1")).isEqualTo(1);
                assertThat(statement.executeUpdate("DELETE FROM orders_base WHERE id = 2")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "pg inheritance parent write");
        }
    }

    // Failed before its fix: TRUNCATE of an inheritance parent empties the mapped child unseen
    // Input (PostgreSQL): orders INHERITS (orders_base), rows 1-3; execute("TRUNCATE orders_base") (no ONLY)
    // Expected: a scoped resync of orders (plain JDBC: orders is empty).
    // Before its fix: orders_base is no mapped table and its children are not followed: nothing recorded, the new store keeps
    //   rows 1-3. Kind 1 (inheritance; TRUNCATE).
    @Test
    void postgresTruncateOfAnInheritanceParentEmptiesTheMappedChild() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id BIGINT, code VARCHAR(20), qty INT)",
                    "CREATE TABLE orders (PRIMARY KEY (id), UNIQUE (code)) INHERITS (orders_base)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE orders_base");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).isEmpty();
            Mirrored.exactOrResynced(fixture, "pg truncate inheritance parent");
        }
    }

    // Failed before its fix: writes naming the partitioned parent of a mapped partition are lost
    // Input (PostgreSQL): all_orders PARTITION BY RANGE (id) (unmapped), orders PARTITION OF all_orders (the mapped table),
    //   rows 1-3; UPDATE all_orders SET qty = 9 WHERE id = 1; INSERT INTO all_orders (id, code, qty) VALUES (5, 'e', 5)
    // Expected: orders shows (1, 'a', 9) and row 5; mirrored, or a scoped resync recorded.
    // Before its fix: the parent's partitions are not followed: nothing recorded, the new store keeps qty 1 and has no row 5.
    //   Kind 1 (partitions).
    @Test
    void postgresUpdateOfAPartitionedParentReachesTheMappedPartition() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE all_orders (id BIGINT, code VARCHAR(20), qty INT) PARTITION BY RANGE (id)",
                    "CREATE TABLE orders PARTITION OF all_orders (PRIMARY KEY (id), UNIQUE (code)) FOR VALUES FROM (0) TO (100)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE all_orders SET qty = 9 WHERE id = 1")).isEqualTo(1);
                assertThat(statement.executeUpdate("INSERT INTO all_orders (id, code, qty) VALUES (5, 'e', 5)")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "pg partitioned parent write");
        }
    }

    // Failed before its fix: COPY ... FROM into a partition of a mapped table is not resynced
    // Input (PostgreSQL, orders partitioned, partition orders_p1): execute("COPY orders_p1 FROM '<a temporary file>' (FORMAT csv)")
    //   loading row (5, 'e', 5)
    // Expected: a scoped resync of orders (COPY FROM loads rows, which the library resyncs for a mapped table).
    // Before its fix: the COPY path resyncs the mapped tables it names literally; orders_p1 is not followed to its parent:
    //   nothing recorded, the new store never gets row 5. Kind 1 (COPY into a partition).
    @Test
    void postgresCopyFromAFileIntoAPartitionIsResynced() throws SQLException, IOException {
        // the server writes and reads the file; it runs as this JVM's user on this machine, and the file is removed
        Path csv = Files.createTempFile("copy-into-partition", ".csv");
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            String file = csv.toAbsolutePath().toString();
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT) PARTITION BY RANGE (id)",
                    "CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (0) TO (100)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)",
                    "COPY (SELECT 5::bigint, 'e', 5) TO '" + file + "' (FORMAT csv)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("COPY orders_p1 FROM '" + file + "' (FORMAT csv)");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id = 5")).hasSize(1);
            Mirrored.exactOrResynced(fixture, "pg copy into partition");
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    // Failed before its fix: an INSTEAD OF trigger on a view that writes the mapped table is not followed
    // Input (PostgreSQL): view order_entry (reads no table) with an INSTEAD OF INSERT trigger that inserts NEW into
    //   orders; INSERT INTO order_entry (id, code, qty) VALUES (6, 'f', 6)
    // Expected: row 6 mirrored to orders_v2, or a scoped resync of orders recorded.
    // Before its fix: the view's bases come from its query (none) and its triggers' bodies are not read for writes to mapped
    //   tables: nothing recorded, the new store never gets row 6. Kind 1 (INSTEAD OF trigger on a view).
    @Test
    void postgresInsertIntoAViewWhoseInsteadOfTriggerWritesTheMappedTableIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW order_entry AS SELECT 0::bigint AS id, ''::varchar(20) AS code, 0 AS qty WHERE false",
                    "CREATE FUNCTION order_entry_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                            + " INSERT INTO orders (id, code, qty) VALUES (NEW.id, NEW.code, NEW.qty); RETURN NEW; END $$",
                    "CREATE TRIGGER order_entry_ins INSTEAD OF INSERT ON order_entry FOR EACH ROW EXECUTE FUNCTION order_entry_ins()");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO order_entry (id, code, qty) VALUES (6, 'f', 6)")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders WHERE id = 6")).hasSize(1);
            Mirrored.exactOrResynced(fixture, "pg instead-of trigger view");
        }
    }

    // Failed before its fix: a write through a schema-qualified, quoted, mixed-case view name is lost
    // Input (PostgreSQL): CREATE SCHEMA app; CREATE VIEW app."Orders View" AS SELECT id, code, qty FROM public.orders;
    //   UPDATE app."Orders View" SET qty = 9 WHERE id = 1
    // Expected: row 1 (qty 9) mirrored, or a scoped resync recorded.
    // Before its fix: nothing recorded, the new store keeps qty 1 (the quoted name is apparently not resolved to the view;
    //   the unquoted orders_view is). Kind 1 (schema-qualified view, case/quoting).
    @Test
    void postgresUpdateThroughASchemaQualifiedQuotedMixedCaseViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE SCHEMA app", "CREATE VIEW app.\"Orders View\" AS SELECT id, code, qty FROM public.orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE app.\"Orders View\" SET qty = 9 WHERE id = 1")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "pg quoted schema view");
        }
    }

    // Failed before its fix: a write through a quoted mixed-case view name is lost
    // Input (PostgreSQL): CREATE VIEW "OrdersView" AS SELECT id, code, qty FROM orders; UPDATE "OrdersView" SET qty = 9 WHERE id = 1
    // Expected: row 1 (qty 9) mirrored, or a scoped resync recorded.
    // Before its fix: nothing recorded, the new store keeps qty 1 (the quoted name is apparently not resolved to the view). Kind 1 (view with a different case/quoting).
    @Test
    void postgresUpdateThroughAMixedCaseQuotedViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW \"OrdersView\" AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE \"OrdersView\" SET qty = 9 WHERE id = 1")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "pg mixed case quoted view");
        }
    }

    // Failed before its fix: REPLACE LOW_PRIORITY into a view of a mapped table is lost
    // Input (MariaDB, orders_view over orders): REPLACE LOW_PRIORITY INTO orders_view (id, code, qty) VALUES (3, 'c', 33)
    // Expected: row 3 (qty 33) mirrored, or a scoped resync recorded.
    // Before its fix: the unparsed statement resyncs only mapped tables it names literally; the view is not followed: nothing
    //   recorded, the new store keeps qty 3. Kind 1 (views; statements the parser keeps unread).
    @Test
    void mariadbReplaceLowPriorityIntoAViewIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("REPLACE LOW_PRIORITY INTO orders_view (id, code, qty) VALUES (3, 'c', 33)");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3")).containsExactly(Rows.expected("qty", 33));
            Mirrored.exactOrResynced(fixture, "maria replace low priority view");
        }
    }

    // Failed before its fix: a write through a view inside a MariaDB executable comment is lost
    // Input (MariaDB, orders_view over orders): executeUpdate("/*!50000 UPDATE orders_view SET qty = 50 WHERE id = 3 */")
    // Expected: row 3 (qty 50) mirrored, or a scoped resync recorded.
    // Before its fix: the executable-comment path resyncs only mapped tables named literally: nothing recorded, new keeps qty 3.
    //   Kind 1 (views).
    @Test
    void mariadbWriteThroughAViewInsideAnExecutableCommentIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("/*!50000 UPDATE orders_view SET qty = 50 WHERE id = 3 */")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "maria exec comment view");
        }
    }

    // Failed before its fix (borderline: a trigger on an unmapped table; PostgreSQL's rule on an unmapped table IS resynced)
    // Input (MariaDB): audit (unmapped) with AFTER INSERT trigger UPDATE orders SET qty = qty + 100 WHERE id = NEW.n;
    //   INSERT INTO audit (n) VALUES (1)
    // Expected: row 1 (qty 101) mirrored, or a scoped resync of orders recorded.
    // Before its fix: nothing recorded; the new store keeps qty 1. Kind 1 (writes reaching a mapped table under another name).
    @Test
    void mariadbInsertIntoUnmappedTableWhoseTriggerUpdatesTheMappedTableIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE TABLE audit (n BIGINT)",
                    "CREATE TRIGGER audit_bump AFTER INSERT ON audit FOR EACH ROW UPDATE orders SET qty = qty + 100 WHERE id = NEW.n");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO audit (n) VALUES (1)");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 101));
            Mirrored.exactOrResynced(fixture, "maria trigger on unmapped table");
        }
    }
}
