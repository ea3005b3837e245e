package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * In NEW_PRIMARY the statement runs on the new store, rewritten through the mapping
 * (orders.qty is orders_v2.quantity); the caller must still see what plain JDBC on the old schema returns.
 */
class NewPrimaryCallerViewTest {

    private static Fixture newPrimary(Kind kind) {
        return Mirrored.seed(Fixture.builder(kind, kind).phase(MigrationPhase.NEW_PRIMARY).build(), Mirrored.PG);
    }

    private static List<String> labels(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            labels.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        return labels;
    }

    // Failed before its fix: UPDATE ... RETURNING * answers the new store's column names
    // Input (PostgreSQL, NEW_PRIMARY, mapping qty -> quantity): executeQuery("UPDATE orders SET qty = 50 WHERE id = 1
    //   RETURNING *")
    // Plain JDBC (the application's schema): columns id, code, qty; getInt("qty") is 50.
    // Library: the result set's columns are id, code, quantity (SELECT * is answered in the old names, RETURNING * is
    //   not): getInt("qty") throws "The column name qty was not found".
    // Kind 1 (RETURNING read via executeQuery: the caller sees what plain JDBC returns).
    @Test
    void postgresNewPrimaryUpdateReturningStarAnswersTheApplicationsColumnNames() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("UPDATE orders SET qty = 50 WHERE id = 1 RETURNING *")) {
                assertThat(labels(rows)).containsExactly("id", "code", "qty");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt("qty")).isEqualTo(50);
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Failed before its fix: INSERT ... RETURNING a renamed column fails on the new store
    // Input (PostgreSQL, NEW_PRIMARY, mapping qty -> quantity): executeQuery("INSERT INTO orders (id, code, qty) VALUES
    //   (9, 'z', 9) RETURNING id, qty")
    // Plain JDBC (the application's schema): one row, id 9, qty 9.
    // Library: the RETURNING list is not rewritten: PSQLException "column \"qty\" does not exist" reaches the caller
    //   and no row is written.
    // Kind 1 (RETURNING read via executeQuery; exceptions plain JDBC would not give).
    @Test
    void postgresNewPrimaryInsertReturningARenamedColumnRunsOnTheNewStore() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("INSERT INTO orders (id, code, qty) VALUES (9, 'z', 9) RETURNING id, qty")) {
                assertThat(labels(rows)).containsExactly("id", "qty");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt("qty")).isEqualTo(9);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    // Failed before its fix: generated keys requested by a renamed column name fail on the new store
    // Input (H2, NEW_PRIMARY, mapping qty -> quantity): executeUpdate("INSERT INTO orders (id, code, qty) VALUES
    //   (10, 'y', 10)", new String[] {"qty"}), then getGeneratedKeys()
    // Plain JDBC (the application's schema): count 1, the keys result set holds one row with QTY = 10.
    // Library: the requested column names are passed to the new store as the application wrote them:
    //   JdbcSQLSyntaxErrorException "Column \"qty\" not found" reaches the caller, no row is written.
    // Kind 1 (executeUpdate(sql, columnNames)).
    @Test
    void h2NewPrimaryGeneratedKeysByARenamedColumnNameAreAnswered() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (10, 'y', 10)", new String[] {"qty"}))
                        .isEqualTo(1);
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt(1)).isEqualTo(10);
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    // Failed before its fix: a subquery of the mapped table kept the old table's name and columns
    // Input (PostgreSQL and H2, NEW_PRIMARY, mapping qty -> quantity): "UPDATE orders SET qty = (SELECT max(qty) FROM
    //   orders) WHERE id = 1", then "DELETE FROM orders WHERE qty = (SELECT min(qty) FROM orders)"
    // Plain JDBC (the application's schema): both run; row 1 gets qty 3, then row 2 (qty 2) is deleted.
    // Library: only the statement's own table was renamed: "relation orders does not exist" reached the caller.
    // Kind: the caller's view is untouched (NEW_PRIMARY statements rewritten for the new store).
    @Test
    void newPrimaryWritesWithSubqueriesOfTheirOwnTableRunAsOnTheApplicationsSchema() throws Exception {
        for (Kind kind : List.of(Kind.POSTGRES, Kind.H2)) {
            try (Fixture fixture = newPrimary(kind)) {
                try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                    assertThat(statement.executeUpdate("UPDATE orders SET qty = (SELECT max(qty) FROM orders) WHERE id = 1"))
                            .isEqualTo(1);
                    assertThat(statement.executeUpdate("DELETE FROM orders WHERE qty = (SELECT min(o.qty) FROM orders o)"))
                            .isEqualTo(1);
                }
                // the delete's condition reads a relation: the table's resync, not a second run of it (round 24)
                assertThat(fixture.toOld.awaitIdle(java.time.Duration.ofSeconds(20))).isTrue();
                assertThat(fixture.records()).extracting(io.dualwrite.changelog.ChangeRecord::reason)
                        .containsExactly("condition-reads-rows");
                fixture.resolveRecords();
                assertThat(fixture.records()).isEmpty();
                assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).as(kind.name())
                        .extracting(row -> row.get("id") + "/" + row.get("qty")).containsExactly("1/3", "3/3");
            }
        }
    }
}
