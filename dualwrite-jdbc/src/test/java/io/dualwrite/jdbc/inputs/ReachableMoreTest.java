package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/**
 * More JDBC objects reachable from a proxy by other paths (a refcursor out parameter,
 * an array nested in an out parameter, a statement's or the metadata's connection) lead back to the proxies only,
 * and rows written through an updatable result set reached otherwise (a prepared query, {@code getResultSet()},
 * a transaction) are mirrored or resynced.
 */
class ReachableMoreTest {

    // Input (PostgreSQL): prepareStatement("SELECT id, code, qty FROM orders WHERE id = ?", TYPE_SCROLL_INSENSITIVE,
    //   CONCUR_UPDATABLE) in a transaction; next(); deleteRow(); commit().
    // Plain JDBC (pgjdbc): the driver deletes row 2 itself, committed with the transaction.
    // Expected: the new store loses row 2 too, or a scoped resync of orders is recorded at commit.
    @Test
    void postgresDeleteRowThroughAPreparedUpdatableQueryInATransactionIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT id, code, qty FROM orders WHERE id = ?", ResultSet.TYPE_SCROLL_INSENSITIVE,
                        ResultSet.CONCUR_UPDATABLE)) {
                    query.setLong(1, 2);
                    try (ResultSet rows = query.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        rows.deleteRow();
                    }
                }
                connection.commit();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1), Rows.expected("id", 3));
            Mirrored.exactOrResynced(fixture, "postgres deleteRow in a transaction");
        }
    }

    // Input (H2): auto-commit off; createStatement(TYPE_SCROLL_INSENSITIVE, CONCUR_UPDATABLE); updateRow of row 1
    //   (qty 55) and insertRow of row 9; rollback().
    // Plain JDBC (H2): both writes are undone with the transaction.
    // Expected: the stores stay equal and nothing is recorded: a row write's resync goes with its transaction.
    @Test
    void h2RowsWrittenThroughAnUpdatableResultSetAndRolledBackLeaveBothStoresEqualAndNothingRecorded()
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                        ResultSet.CONCUR_UPDATABLE);
                     ResultSet rows = statement.executeQuery("SELECT id, code, qty FROM orders WHERE id = 1")) {
                    assertThat(rows.next()).isTrue();
                    rows.updateInt("qty", 55);
                    rows.updateRow();
                    rows.moveToInsertRow();
                    rows.updateLong("id", 9);
                    rows.updateString("code", "i");
                    rows.updateInt("qty", 9);
                    rows.insertRow();
                }
                connection.rollback();
            }
            assertThat(fixture.records()).as("a rolled-back row write records nothing").isEmpty();
            Mirrored.exactOrResynced(fixture, "h2 updatable result set rolled back");
        }
    }

    // Input (MariaDB): createStatement(TYPE_SCROLL_INSENSITIVE, CONCUR_UPDATABLE); execute("SELECT id, code, qty
    //   FROM orders WHERE id = 3") (not executeQuery); getResultSet(); next(); updateInt("qty", 33); updateRow().
    // Plain JDBC (MariaDB Connector/J): the result set reached through getResultSet() is updatable like the one
    //   executeQuery returns; row 3 gets qty 33 (auto-commit).
    // Expected: the new store gets qty 33 too, or a scoped resync of orders is recorded.
    @Test
    void mariadbUpdatableResultSetReachedThroughGetResultSetIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE,
                         ResultSet.CONCUR_UPDATABLE)) {
                assertThat(statement.execute("SELECT id, code, qty FROM orders WHERE id = 3")).isTrue();
                try (ResultSet rows = statement.getResultSet()) {
                    assertThat(rows.getStatement()).isSameAs(statement);
                    assertThat(rows.next()).isTrue();
                    rows.updateInt("qty", 33);
                    rows.updateRow();
                }
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 3"))
                    .containsExactly(Rows.expected("qty", 33));
            Mirrored.exactOrResynced(fixture, "mariadb getResultSet updateRow");
        }
    }

    // Input (PostgreSQL): CREATE FUNCTION open_orders() RETURNS refcursor; in a transaction prepareCall("{? = call
    //   open_orders()}") with an OTHER out parameter, getObject(1) is the cursor's result set; its getStatement()
    //   and that statement's getConnection(); commit (the call's procedure-call scoped resync is then resolved, as
    //   verification does); then UPDATE orders SET qty = 44 WHERE id = 2 through that connection, committed.
    // Plain JDBC (pgjdbc): the cursor's result set answers a PgStatement of the raw connection.
    // Expected: the cursor leads to the library's statement or none, and a write through it is mirrored.
    @Test
    void postgresRefcursorOutParameterLeadsBackToTheProxiesAndWritesThroughItAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE FUNCTION open_orders() RETURNS refcursor AS $$ DECLARE c refcursor;"
                    + " BEGIN OPEN c FOR SELECT id, qty FROM orders ORDER BY id; RETURN c; END $$ LANGUAGE plpgsql");
            Statement owner;
            Connection ownerConnection;
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false); // pgjdbc reads a refcursor only inside a transaction
                try (CallableStatement call = connection.prepareCall("{? = call open_orders()}")) {
                    call.registerOutParameter(1, Types.OTHER);
                    call.execute();
                    try (ResultSet cursor = (ResultSet) call.getObject(1)) {
                        assertThat(cursor.next()).isTrue();
                        assertThat(cursor.getLong("id")).isOne();
                        owner = cursor.getStatement();
                        ownerConnection = owner == null ? null : owner.getConnection();
                    }
                }
                connection.commit();
                fixture.resolveScopedResyncs(Fixture.ORDERS);
                assertThat(fixture.records()).isEmpty();
                if (ownerConnection != null) {
                    try (Statement write = ownerConnection.createStatement()) {
                        assertThat(write.executeUpdate("UPDATE orders SET qty = 44 WHERE id = 2")).isEqualTo(1);
                    }
                    ownerConnection.commit();
                }
            }
            Mirrored.exactOrResynced(fixture, "postgres refcursor back reference");
            assertThat(owner == null || Proxy.isProxyClass(owner.getClass()))
                    .as("the cursor leads to the library's statement or none, but was %s", owner).isTrue();
            assertThat(ownerConnection == null || Proxy.isProxyClass(ownerConnection.getClass()))
                    .as("and to the library's connection or none, but was %s", ownerConnection).isTrue();
        }
    }

    // Input (PostgreSQL): CREATE FUNCTION grid() RETURNS int[] (two dimensions); prepareCall("{? = call grid()}")
    //   with an ARRAY out parameter; getArray(1).getResultSet(): each row's VALUE is itself an array, whose own
    //   getResultSet().getStatement().getConnection() is reached; after the call's scoped resync is resolved,
    //   UPDATE orders SET qty = 66 WHERE id = 3 through that connection (auto-commit).
    // Plain JDBC (pgjdbc): the inner array's result set answers a PgStatement of the raw connection.
    // Expected: every array and result set on the way leads to the library's statement or none; a write through
    //   it is mirrored.
    @Test
    void postgresArrayNestedInACallableOutParameterLeadsBackToTheProxiesAndWritesThroughItAreMirrored()
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE FUNCTION grid() RETURNS int[] AS $$ SELECT ARRAY[[1, 2], [3, 4]] $$ LANGUAGE sql");
            Statement owner;
            Connection ownerConnection;
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (CallableStatement call = connection.prepareCall("{? = call grid()}")) {
                    call.registerOutParameter(1, Types.ARRAY);
                    call.execute();
                    Array outer = call.getArray(1);
                    assertThat(Proxy.isProxyClass(outer.getClass())).as("the out array %s", outer).isTrue();
                    try (ResultSet rows = outer.getResultSet()) {
                        assertThat(rows.next()).isTrue();
                        Array inner = rows.getArray(2);
                        try (ResultSet elements = inner.getResultSet()) {
                            assertThat(elements.next()).isTrue();
                            assertThat(elements.getInt(2)).isOne();
                            owner = elements.getStatement();
                            ownerConnection = owner == null ? null : owner.getConnection();
                        }
                    }
                }
                fixture.resolveScopedResyncs(Fixture.ORDERS);
                assertThat(fixture.records()).isEmpty();
                if (ownerConnection != null) {
                    try (Statement write = ownerConnection.createStatement()) {
                        assertThat(write.executeUpdate("UPDATE orders SET qty = 66 WHERE id = 3")).isEqualTo(1);
                    }
                }
            }
            Mirrored.exactOrResynced(fixture, "postgres nested array back reference");
            assertThat(owner == null || Proxy.isProxyClass(owner.getClass()))
                    .as("the inner array's result set leads to the library's statement or none, but was %s", owner)
                    .isTrue();
        }
    }

    // Input (MariaDB): a prepared query's getConnection(), and getMetaData().getConnection(); an UPDATE through
    //   each (auto-commit): qty 12 for row 1 by the first, qty 13 for row 2 by the second.
    // Plain JDBC: both answer the connection the statement and the metadata came from.
    // Expected: both answer the library's connection, and both writes are mirrored.
    @Test
    void mariadbPreparedStatementAndMetaDataConnectionsAreTheProxyAndWritesThroughThemAreMirrored()
            throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement query = connection.prepareStatement("SELECT qty FROM orders WHERE id = ?")) {
                Connection fromStatement = query.getConnection();
                DatabaseMetaData metaData = connection.getMetaData();
                Connection fromMetaData = metaData.getConnection();
                assertThat(fromStatement).isSameAs(connection);
                assertThat(fromMetaData).isSameAs(connection);
                try (Statement write = fromStatement.createStatement()) {
                    assertThat(write.executeUpdate("UPDATE orders SET qty = 12 WHERE id = 1")).isEqualTo(1);
                }
                try (PreparedStatement write =
                             fromMetaData.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                    write.setInt(1, 13);
                    write.setLong(2, 2);
                    assertThat(write.executeUpdate()).isEqualTo(1);
                }
            }
            Mirrored.exactOrResynced(fixture, "mariadb statement and metadata connections");
            assertThat(fixture.records()).isEmpty();
        }
    }
}
