package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** Every JDBC object reachable from a proxy is a proxy, and writes through it are mirrored. */
class ReachableArraysAndResultSetsTest {

    // Failed before its fix: Connection.createArrayOf returns the driver's array, whose result set leads to a raw statement
    // Input (PostgreSQL): connection.createArrayOf("int4", {1, 2}).getResultSet().getStatement().getConnection()
    //   .createStatement().executeUpdate("UPDATE orders SET qty = 99 WHERE id = 1")
    // Plain JDBC (pgjdbc): the array's result set answers a PgStatement of the connection that made it.
    // Library: createArrayOf is passed through unwrapped (ResultSet.getArray is wrapped, this is not): getStatement()
    // answers a raw PgStatement, its getConnection() the raw PgConnection, and the UPDATE run through it is never
    // mirrored: old qty 99, new qty 1, nothing recorded.
    // Kind 3 (the caller's view: reachable objects are proxies, writes through them mirrored).
    @Test
    void postgresArrayMadeByTheConnectionLeadsBackToTheProxiesAndWritesThroughItAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            Statement owner;
            Connection ownerConnection = null;
            try (Connection connection = fixture.dataSource.getConnection()) {
                Array array = connection.createArrayOf("int4", new Object[] {1, 2});
                try (ResultSet elements = array.getResultSet()) {
                    owner = elements.getStatement();
                    if (owner != null) {
                        ownerConnection = owner.getConnection();
                        try (Statement write = ownerConnection.createStatement()) {
                            assertThat(write.executeUpdate("UPDATE orders SET qty = 99 WHERE id = 1")).isEqualTo(1);
                        }
                    }
                }
                array.free();
            }
            Mirrored.exactOrResynced(fixture, "postgres createArrayOf back reference");
            assertThat(owner == null || Proxy.isProxyClass(owner.getClass()))
                    .as("the array's result set leads to the library's statement or none, but was %s", owner).isTrue();
            assertThat(ownerConnection == null || Proxy.isProxyClass(ownerConnection.getClass()))
                    .as("and to the library's connection or none, but was %s", ownerConnection).isTrue();
        }
    }

    // Failed before its fix: a CallableStatement's array (and refcursor) out parameters are the driver's objects
    // Input (PostgreSQL): CREATE FUNCTION ids() RETURNS int[]; prepareCall("{? = call ids()}") with an ARRAY out
    //   parameter, execute (auto-commit), getArray(1).getResultSet().getStatement().getConnection(); the call's
    //   procedure-call scoped resync is then resolved (as verification does); later the application writes
    //   UPDATE orders SET qty = 99 WHERE id = 1 through that connection.
    // Plain JDBC (pgjdbc): the array's result set answers a PgStatement of the connection that made it.
    // Library: CallableStatement getters are passed through unwrapped (getObject(1) of a refcursor likewise answers a
    // raw PgResultSet whose getStatement() is raw): the UPDATE through the raw connection is not mirrored and not
    // recorded: old qty 99, new qty 1.
    // Kind 3 (the caller's view: reachable objects are proxies, writes through them mirrored).
    @Test
    void postgresCallableArrayOutParameterLeadsBackToTheProxiesAndWritesThroughItAreMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE FUNCTION ids() RETURNS int[] AS $$ SELECT ARRAY[1, 2] $$ LANGUAGE sql");
            Statement owner;
            Connection ownerConnection = null;
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (java.sql.CallableStatement call = connection.prepareCall("{? = call ids()}")) {
                    call.registerOutParameter(1, java.sql.Types.ARRAY);
                    call.execute();
                    Array array = call.getArray(1);
                    ResultSet elements = array.getResultSet();
                    owner = elements.getStatement();
                    ownerConnection = owner == null ? null : owner.getConnection();
                }
                // the call's own scoped resync (procedure-call) is resolved by verification before the next write
                fixture.resolveScopedResyncs(Fixture.ORDERS);
                assertThat(fixture.records()).isEmpty();
                if (ownerConnection != null) {
                    try (Statement write = ownerConnection.createStatement()) {
                        assertThat(write.executeUpdate("UPDATE orders SET qty = 99 WHERE id = 1")).isEqualTo(1);
                    }
                }
            }
            Mirrored.exactOrResynced(fixture, "postgres callable array back reference");
            assertThat(owner == null || Proxy.isProxyClass(owner.getClass()))
                    .as("the out array's result set leads to the library's statement or none, but was %s", owner).isTrue();
        }
    }

    // Failed before its fix: writes through an updatable result set (updateRow, insertRow, deleteRow) are neither mirrored nor
    // resynced
    // Input (H2, PostgreSQL and MariaDB alike): createStatement(TYPE_SCROLL_INSENSITIVE, CONCUR_UPDATABLE),
    //   executeQuery("SELECT id, code, qty FROM orders WHERE id = 1"); next(); updateInt("qty", 77); updateRow();
    //   moveToInsertRow(); id 8, code 'h', qty 8; insertRow()
    // Plain JDBC: getConcurrency() is CONCUR_UPDATABLE; row 1 has qty 77 and row 8 exists (auto-commit).
    // Library: the result set proxy passes updateRow/insertRow to the driver, which writes the table itself: no keys,
    // no scoped resync; the new store keeps (1, 'a', 1) and never gets row 8. (The statement was a SELECT, so the
    // library never looks at it as a write.)
    // Kind 3 (writes through objects reachable from a proxy are mirrored).
    @Test
    void h2WritesThroughAnUpdatableResultSetAreMirroredOrResynced() throws SQLException {
        updatableResultSet(Kind.H2);
    }

    // Failed before its fix: the same on PostgreSQL (see above)
    @Test
    void postgresWritesThroughAnUpdatableResultSetAreMirroredOrResynced() throws SQLException {
        updatableResultSet(Kind.POSTGRES);
    }

    // Failed before its fix: the same on MariaDB (see above)
    @Test
    void mariadbWritesThroughAnUpdatableResultSetAreMirroredOrResynced() throws SQLException {
        updatableResultSet(Kind.MARIADB);
    }

    private static void updatableResultSet(Kind kind) throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rows = statement.executeQuery("SELECT id, code, qty FROM orders WHERE id = 1")) {
                assertThat(rows.getConcurrency()).isEqualTo(ResultSet.CONCUR_UPDATABLE);
                assertThat(rows.next()).isTrue();
                rows.updateInt("qty", 77);
                rows.updateRow();
                rows.moveToInsertRow();
                rows.updateLong("id", 8);
                rows.updateString("code", "h");
                rows.updateInt("qty", 8);
                rows.insertRow();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders WHERE id IN (1, 8) ORDER BY id"))
                    .containsExactly(Rows.expected("id", 1, "qty", 77), Rows.expected("id", 8, "qty", 8));
            Mirrored.exactOrResynced(fixture, kind + " updatable result set");
        }
    }
}
