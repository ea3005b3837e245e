package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * In NEW_PRIMARY the caller must see the application's column names in generated keys and
 * RETURNING results.
 */
class NewPrimaryGeneratedKeyNamesTest {

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    private static Fixture newPrimary(Kind kind) {
        return Mirrored.seed(Fixture.builder(kind, kind).phase(MigrationPhase.NEW_PRIMARY).build(), Mirrored.PG);
    }

    // Failed before its fix: generated keys asked for with RETURN_GENERATED_KEYS answer the new store's column names
    // Input (PostgreSQL, NEW_PRIMARY, mapping qty -> quantity): executeUpdate("INSERT INTO orders (id, code, qty) VALUES
    //   (9, 'z', 9)", Statement.RETURN_GENERATED_KEYS), then getGeneratedKeys().getInt("qty")
    // Expected (plain JDBC on the application's schema: pgjdbc appends RETURNING *): columns id, code, qty; qty is 9.
    // Before its fix: PSQLException "The column name qty was not found in this ResultSet" (the keys come back as quantity).
    // Kind 6 (getGeneratedKeys in the application's names).
    @Test
    void postgresNewPrimaryInsertWithReturnGeneratedKeysAnswersTheApplicationsColumnNames() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (9, 'z', 9)",
                        Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
                try (ResultSet keys = statement.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("qty")).isEqualTo(9);
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    // Failed before its fix: the same with prepareStatement(sql, RETURN_GENERATED_KEYS)
    // Input (PostgreSQL, NEW_PRIMARY): prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)",
    //   RETURN_GENERATED_KEYS), bound 9, 'z', 9; executeUpdate; getGeneratedKeys().getInt("qty")
    // Expected: qty 9. Before its fix: PSQLException "The column name qty was not found in this ResultSet". Kind 6.
    @Test
    void postgresNewPrimaryPreparedInsertWithReturnGeneratedKeysAnswersTheApplicationsColumnNames() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)",
                         Statement.RETURN_GENERATED_KEYS)) {
                insert.setLong(1, 9);
                insert.setString(2, "z");
                insert.setInt(3, 9);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("qty")).isEqualTo(9);
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    // Failed before its fix: RETURNING alias.* of an aliased upsert target answers the new store's column names
    // Input (PostgreSQL, NEW_PRIMARY): executeQuery("INSERT INTO orders AS o (id, code, qty) VALUES (1, 'a', 70)
    //   ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty RETURNING o.*")
    // Expected: columns id, code, qty; getInt("qty") is 70.
    // Before its fix: PSQLException "The column name qty was not found in this ResultSet" (o.* is not expanded into old names,
    //   unlike RETURNING *). Kind 6 (RETURNING in the application's names).
    @Test
    void postgresNewPrimaryUpsertReturningStarAnswersTheApplicationsNames() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.POSTGRES)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("INSERT INTO orders AS o (id, code, qty) VALUES (1, 'a', 70)"
                         + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty RETURNING o.*")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt("qty")).isEqualTo(70);
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(3);
        }
    }

    // Failed before its fix: prepareStatement(sql, String[]) with a renamed column answers the new name
    // Input (H2, NEW_PRIMARY, mapping qty -> quantity): prepareStatement("INSERT INTO orders (id, code, qty) VALUES
    //   (?, ?, ?)", new String[] {"id", "qty"}), bound 11, 'x', 11; executeUpdate; getGeneratedKeys().getInt("qty")
    // Expected (plain JDBC): the keys result set has a column QTY = 11.
    // Before its fix: JdbcSQLSyntaxErrorException Column "qty" not found (the columns are asked by the new name but the result set
    //   is not given the application's name back). Kind 6 (getGeneratedKeys by column names).
    @Test
    void h2NewPrimaryPreparedGeneratedKeysByARenamedColumnNameAnswerTheApplicationsName() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)",
                         new String[] {"id", "qty"})) {
                insert.setLong(1, 11);
                insert.setString(2, "x");
                insert.setInt(3, 11);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("qty")).isEqualTo(11);
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(4);
        }
    }

    // More of kind 6: a batch after a single insert of another table on the same statement
    // Input (H2, NEW_PRIMARY, mapping qty -> quantity): prepareStatement(insert, new String[] {"id", "qty"}), two rows
    //   batched; getGeneratedKeys().getInt("qty")
    // Expected: both rows' qty in the application's name, as a single execution answers it.
    @Test
    void h2NewPrimaryBatchedInsertAnswersGeneratedKeysInTheApplicationsNames() throws SQLException {
        try (Fixture fixture = newPrimary(Kind.H2)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)", new String[] {"id", "qty"})) {
                for (int id = 20; id <= 21; id++) {
                    insert.setLong(1, id);
                    insert.setString(2, "b" + id);
                    insert.setInt(3, id);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).containsExactly(1, 1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("qty")).isEqualTo(20);
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt("qty")).isEqualTo(21);
                }
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(5);
        }
    }
}
