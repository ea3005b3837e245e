package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class MiscTest {

    @Test
    void postgresPlainBatchMixingMappedAndUnmappedStatements() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE audit (id BIGINT PRIMARY KEY, note VARCHAR(20))");
            int[] counts;
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.addBatch("INSERT INTO audit (id, note) VALUES (1, 'x')");
                statement.addBatch("UPDATE orders SET qty = 20 WHERE code = 'b'");
                statement.addBatch("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
                statement.addBatch("UPDATE audit SET note = 'y' WHERE id = 1");
                statement.addBatch("DELETE FROM orders WHERE id = 1");
                statement.addBatch("UPDATE orders SET qty = qty + 1 WHERE qty > 3");
                counts = statement.executeBatch();
            }
            assertThat(counts).containsExactly(1, 1, 1, 1, 1, 2);
            assertThat(Mirrored.exactOrResynced(fixture, "pg mixed plain batch")).containsExactly(
                    expected("id", 2, "code", "b", "qty", 21), expected("id", 3, "code", "c", "qty", 3),
                    expected("id", 4, "code", "d", "qty", 5));
        }
    }

    // the key pre-selects of a plain batch all run before the batch: an earlier (unmapped) entry changes which rows a
    // later entry's WHERE matches, with the same count
    @Test
    void postgresPlainBatchWhoseEarlierEntryChangesTheRowsALaterEntryMatches() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE audit (id BIGINT PRIMARY KEY, flag VARCHAR(1))",
                    "INSERT INTO audit VALUES (1, 'n')", "INSERT INTO audit VALUES (2, 'y')");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.addBatch("UPDATE audit SET flag = 'y' WHERE id = 1");
                statement.addBatch("UPDATE audit SET flag = 'n' WHERE id = 2");
                statement.addBatch("UPDATE orders SET qty = 99 WHERE id IN (SELECT id FROM audit WHERE flag = 'y')");
                assertThat(statement.executeBatch()).containsExactly(1, 1, 1);
            }
            assertThat(Mirrored.exactOrResynced(fixture, "pg batch preselect order")).contains(expected("id", 1, "code", "a", "qty", 99));
        }
    }

    // short statements (well under the 64 KiB cap) that are costly to parse: their analysis is bounded in time, and
    // they are mirrored or resynced all the same (how long they take is a benchmark's business)
    @Test
    void h2DeeplyNestedParenthesesAreMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            String nested = "(".repeat(40) + "2" + ")".repeat(40);
            String sql = "UPDATE orders SET qty = " + nested + " + 5 WHERE id = " + nested;
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql)).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "h2 nested parentheses");
        }
    }

    @Test
    void h2LongOrChainNeverFailsTheCallerAndConverges() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            StringBuilder sql = new StringBuilder("UPDATE orders SET qty = 9 WHERE id = 1");
            for (int i = 1000; sql.length() < 60_000; i++) {
                sql.append(" OR id = ").append(i);
            }
            try (Connection raw = fixture.oldDb.dataSource().getConnection(); Statement statement = raw.createStatement()) {
                assertThat(statement.executeUpdate(sql.toString().replace("qty = 9", "qty = 1"))).as("the driver alone").isEqualTo(1);
            }
            // the statement runs and converges (exact keys, or a scoped resync if its parse passed the time
            // limit); how long it takes is a benchmark's business, not a test's
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql.toString())).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "h2 long OR chain");
        }
    }

    @Test
    void noPasswordInToStringOfAnyProxy() throws SQLException {
        JdbcDataSource old = new JdbcDataSource();
        old.setURL("jdbc:h2:mem:pw_old;DB_CLOSE_DELAY=-1;PASSWORD=s3cr3t-old");
        old.setUser("sa");
        JdbcDataSource fresh = new JdbcDataSource();
        fresh.setURL("jdbc:h2:mem:pw_new;DB_CLOSE_DELAY=-1");
        fresh.setUser("sa");
        fresh.setPassword("s3cr3t-new");
        DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old).newDataSource(fresh)
                .migration("orders").mapping(Fixture.ORDERS)
                .resolver(io.dualwrite.switches.Switchboard.builder().switchStore(io.dualwrite.switches.SwitchStores.inMemory())
                        .migration(io.dualwrite.switches.MigrationSwitchConfig.of("orders")).build())
                .changeLog(io.dualwrite.changelog.ChangeLogs.inMemory())
                .mirrorExecutor(Store.NEW, io.dualwrite.mirror.MirrorExecutors.create("pw-new",
                        io.dualwrite.mirror.MirrorConfig.custom().build(), io.dualwrite.changelog.ChangeLogs.inMemory(), e -> { }))
                .mirrorExecutor(Store.OLD, io.dualwrite.mirror.MirrorExecutors.create("pw-old",
                        io.dualwrite.mirror.MirrorConfig.custom().build(), io.dualwrite.changelog.ChangeLogs.inMemory(), e -> { }))
                .build();
        StringBuilder all = new StringBuilder(dataSource.toString());
        try (Connection connection = dataSource.getConnection("sa", "s3cr3t-old")) {
            all.append(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (id INT)");
                all.append(statement).append(connection).append(connection.getMetaData());
                all.append(connection.getMetaData().getURL());
                try {
                    statement.execute("SELEC nonsense");
                } catch (SQLException e) {
                    all.append(e);
                }
            }
        }
        assertThat(all.toString()).doesNotContain("s3cr3t");
    }
}
