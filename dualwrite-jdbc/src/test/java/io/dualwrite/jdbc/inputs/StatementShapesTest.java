package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Write statements of shapes the inputs do not cover; each ends exact, or with a scoped resync, never silent. */
class StatementShapesTest {

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    private static void run(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    // data-modifying CTE whose outer statement writes an unmapped table
    @Test
    void postgresCteDeleteFeedingAnInsertIntoAnUnmappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE archive (id BIGINT, code VARCHAR(20), qty INT)");
            run(fixture, "WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING *) INSERT INTO archive SELECT * FROM d");
            assertThat(Mirrored.exactOrResynced(fixture, "pg cte delete→insert archive")).hasSize(2);
        }
    }

    // data-modifying CTE whose outer statement is a SELECT, read with executeQuery
    @Test
    void postgresCteDeleteReadWithExecuteQuery() throws SQLException {
        try (Fixture fixture = pg()) {
            List<Long> deleted = new ArrayList<>();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("WITH d AS (DELETE FROM orders WHERE code = 'b' RETURNING id) SELECT id FROM d")) {
                while (rows.next()) {
                    deleted.add(rows.getLong(1));
                }
            }
            assertThat(deleted).containsExactly(2L);
            assertThat(Mirrored.exactOrResynced(fixture, "pg cte delete→select")).hasSize(2);
        }
    }

    @Test
    void postgresCteUpdateFeedingASelect() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("WITH u AS (UPDATE orders SET qty = 40 WHERE id = 3 RETURNING id) SELECT count(*) FROM u")) {
                assertThat(rows.next()).isTrue();
            }
            assertThat(Mirrored.exactOrResynced(fixture, "pg cte update→select")).contains(expected("id", 3, "code", "c", "qty", 40));
        }
    }

    @Test
    void postgresReadOnlyCteBeforeAnUpdate() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "WITH x AS (SELECT id FROM orders WHERE code = 'a') UPDATE orders SET qty = 9 WHERE id IN (SELECT id FROM x)");
            assertThat(Mirrored.exactOrResynced(fixture, "pg with-select update")).contains(expected("id", 1, "code", "a", "qty", 9));
        }
    }

    @Test
    void postgresOnConflictOnConstraint() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "INSERT INTO orders (id, code, qty) VALUES (1, 'zz', 5) ON CONFLICT ON CONSTRAINT orders_pkey"
                    + " DO UPDATE SET qty = EXCLUDED.qty", "INSERT INTO orders (id, code, qty) VALUES (9, 'b', 5)"
                    + " ON CONFLICT ON CONSTRAINT orders_code_key DO UPDATE SET qty = 50");
            assertThat(Mirrored.exactOrResynced(fixture, "pg on conflict on constraint"))
                    .contains(expected("id", 1, "code", "a", "qty", 5), expected("id", 2, "code", "b", "qty", 50));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresDeleteReturningReadWithExecuteQuery() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("DELETE FROM orders WHERE code = 'b' OR qty = 3 RETURNING id, qty")) {
                int n = 0;
                while (rows.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(2);
            }
            assertThat(Mirrored.exactOrResynced(fixture, "pg delete returning")).hasSize(1);
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresUpdateThatShiftsThePrimaryKeyByAnExpression() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "UPDATE orders SET id = id + 100 WHERE id = 1");
            assertThat(Mirrored.exactOrResynced(fixture, "pg set id = id + 100")).extracting(r -> r.get("id"))
                    .containsExactly("2", "3", "101");
        }
    }

    @Test
    void postgresUpdateThatAssignsAnotherKeyToARowFoundByACode() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "UPDATE orders SET id = 101 WHERE code = 'a'");
            assertThat(Mirrored.exactOrResynced(fixture, "pg set id = 101 where code")).extracting(r -> r.get("id"))
                    .containsExactly("2", "3", "101");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresTupleAssignmentOfTheKey() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "UPDATE orders SET (qty, id) = (8, 201) WHERE id = 2");
            assertThat(Mirrored.exactOrResynced(fixture, "pg tuple set id")).extracting(r -> r.get("id"))
                    .containsExactly("1", "3", "201");
        }
    }

    @Test
    void postgresUpdateWhereIdInAndWhereIdOr() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (PreparedStatement in = connection.prepareStatement("UPDATE orders SET qty = 70 WHERE id IN (?, ?)")) {
                    in.setLong(1, 1);
                    in.setLong(2, 2);
                    assertThat(in.executeUpdate()).isEqualTo(2);
                }
                try (PreparedStatement or = connection.prepareStatement("DELETE FROM orders WHERE id = ? OR id = ?")) {
                    or.setLong(1, 2);
                    or.setLong(2, 3);
                    assertThat(or.executeUpdate()).isEqualTo(2);
                }
            }
            assertThat(Mirrored.exactOrResynced(fixture, "pg in / or")).containsExactly(expected("id", 1, "code", "a", "qty", 70));
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresInsertSelectWithExplicitIds() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "INSERT INTO orders (id, code, qty) SELECT id + 10, code || 'x', qty FROM orders WHERE id <= 2");
            assertThat(Mirrored.exactOrResynced(fixture, "pg insert-select explicit ids")).hasSize(5);
        }
    }

    @Test
    void postgresExecuteLargeUpdateWithAPreselect() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeLargeUpdate("UPDATE orders SET qty = qty * 10 WHERE qty >= 2")).isEqualTo(2L);
            }
            assertThat(Mirrored.exactOrResynced(fixture, "pg executeLargeUpdate")).extracting(r -> r.get("qty"))
                    .containsExactly("1", "20", "30");
            assertThat(fixture.records()).isEmpty();
        }
    }

    // ---- MariaDB

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    @Test
    void mariadbReplaceIntoAnExistingKey() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "REPLACE INTO orders (id, code, qty) VALUES (1, 'a', 42)", "REPLACE INTO orders (id, code, qty) VALUES (4, 'd', 4)");
            assertThat(Mirrored.exactOrResynced(fixture, "maria replace")).contains(expected("id", 1, "code", "a", "qty", 42),
                    expected("id", 4, "code", "d", "qty", 4));
        }
    }

    @Test
    void mariadbReplaceSetForm() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "REPLACE INTO orders SET id = 2, code = 'b', qty = 22");
            assertThat(Mirrored.exactOrResynced(fixture, "maria replace set")).contains(expected("id", 2, "code", "b", "qty", 22));
        }
    }

    @Test
    void mariadbInsertSetWithExplicitAndGeneratedKeys() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB),
                "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)")) {
            run(fixture, "INSERT INTO orders SET id = 5, code = 'e', qty = 5", "INSERT INTO orders SET code = 'f', qty = 6");
            assertThat(Mirrored.exactOrResynced(fixture, "maria insert set")).hasSize(5);
        }
    }

    @Test
    void mariadbDeleteReturning() throws SQLException {
        try (Fixture fixture = maria()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("DELETE FROM orders WHERE qty >= 2 RETURNING id")) {
                int n = 0;
                while (rows.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(2);
            }
            assertThat(Mirrored.exactOrResynced(fixture, "maria delete returning")).hasSize(1);
        }
    }

    // ---- H2

    private static Fixture h2() {
        return Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG);
    }

    @Test
    void h2MergeIntoKeyValues() throws SQLException {
        try (Fixture fixture = h2()) {
            run(fixture, "MERGE INTO orders KEY (id) VALUES (1, 'a', 77)", "MERGE INTO orders (id, code, qty) KEY (id) VALUES (4, 'd', 4)");
            assertThat(Mirrored.exactOrResynced(fixture, "h2 merge key")).contains(expected("id", 1, "code", "a", "qty", 77),
                    expected("id", 4, "code", "d", "qty", 4));
        }
    }

    @Test
    void h2MergeUsing() throws SQLException {
        try (Fixture fixture = h2()) {
            run(fixture, "MERGE INTO orders o USING (SELECT 2 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET qty = 55");
            assertThat(Mirrored.exactOrResynced(fixture, "h2 merge using")).contains(expected("id", 2, "code", "b", "qty", 55));
        }
    }
}
