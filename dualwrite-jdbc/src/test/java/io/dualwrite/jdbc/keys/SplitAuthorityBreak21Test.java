package io.dualwrite.jdbc.keys;

import static io.dualwrite.jdbc.keys.SplitAuthority.ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.GateVerdict;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Round 21, split authority: a key generator whose series ends or starts over. The gate approved a move to
 * {@code NEW_PRIMARY} (and {@code split()} moved the generator) by the generator's next key alone, without asking
 * whether the generator or the key column can hold that key, or whether the generator cycles back to keys already
 * handed out; the first insert of a {@code NEW_PRIMARY} merchant then failed for the caller, or a cycled key hit the
 * other store's rows. Each case ends by comparing both stores row by row in plain JDBC.
 */
class SplitAuthorityBreak21Test {

    private static GateVerdict moveToNewPrimary(KeyGeneratorGate gate) {
        return gate.check("orders", MigrationPhase.SHADOW_READ, MigrationPhase.NEW_PRIMARY);
    }

    /** Old store: BIGINT identity and three rows; new store: {@code newTable} (created by the test) with their copies. */
    private static SplitAuthority seed(TestDatabase oldDb, TestDatabase newDb, String... newTable) throws SQLException {
        oldDb.execute(SplitAuthority.table(oldDb.kind(), "orders"));
        newDb.execute(newTable);
        try (Connection old = oldDb.dataSource().getConnection(); Statement statement = old.createStatement()) {
            statement.executeUpdate("INSERT INTO orders (merchant_id) VALUES ('m-1'), ('m-2'), ('m-1')");
        }
        newDb.execute("INSERT INTO orders_v2 (id, merchant_id) VALUES (1, 'm-1'), (2, 'm-2'), (3, 'm-1')");
        return SplitAuthority.over(oldDb.dataSource(), newDb.dataSource());
    }

    private static List<String> rows(DataSource store, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, merchant_id FROM " + table + " ORDER BY id")) {
            while (result.next()) {
                rows.add(result.getLong(1) + "|" + result.getString(2));
            }
        }
        return rows;
    }

    private static void assertStoresEqualRowByRow(TestDatabase oldDb, TestDatabase newDb, int expectedRows)
            throws SQLException {
        List<String> oldRows = rows(oldDb.dataSource(), "orders");
        assertThat(rows(newDb.dataSource(), "orders_v2")).isEqualTo(oldRows);
        assertThat(oldRows).hasSize(expectedRows);
    }

    // Input (PostgreSQL -> MariaDB): the new table's key is INT AUTO_INCREMENT; KeySplit.disjointRangesFrom(10 billion).
    // MariaDB takes ALTER TABLE … AUTO_INCREMENT = 10000000000 without a word, the gate read the counter as the next key
    // and approved; the first insert of a NEW_PRIMARY merchant then failed for the caller ("Out of range value for
    // column 'id'"). Expected: split() and the gate refuse, naming the column's bound.
    @Test
    void aDisjointRangeBeyondAMariaDbIntKeyIsRefusedNamingTheBound() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.mariadb()) {
            seed(oldDb, newDb, "CREATE TABLE orders_v2 (id INT AUTO_INCREMENT PRIMARY KEY, merchant_id VARCHAR(20))");
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRangesFrom(10_000_000_000L, 1_000));

            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("orders_v2.id").hasMessageContaining("2147483647")
                    .hasMessageContaining("10000000000");
            GateVerdict verdict = moveToNewPrimary(gate);
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason()).contains("orders_v2.id", "2147483647");
            assertStoresEqualRowByRow(oldDb, newDb, 3);
        }
    }

    // Input (PostgreSQL -> PostgreSQL): the new key is INT with its default drawn from a BIGINT sequence created apart;
    // KeySplit.disjointRangesFrom(3 billion). setval took it, the gate approved, and the first NEW_PRIMARY insert
    // failed for the caller with "integer out of range". Expected: refused, naming the column's bound.
    @Test
    void aDisjointRangeBeyondAPostgresIntColumnFedByABigintSequenceIsRefused() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.postgres()) {
            seed(oldDb, newDb, "CREATE SEQUENCE order_ids",
                    "CREATE TABLE orders_v2 (id INT DEFAULT nextval('order_ids') PRIMARY KEY, merchant_id VARCHAR(20))");
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRangesFrom(3_000_000_000L, 1_000));

            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("orders_v2.id").hasMessageContaining("2147483647");
            assertThat(moveToNewPrimary(gate).reason()).contains("2147483647");
            assertThat(moveToNewPrimary(gate).allowed()).isFalse();
            assertStoresEqualRowByRow(oldDb, newDb, 3);
        }
    }

    // Input (PostgreSQL -> PostgreSQL and H2 -> H2): the new key is an INT identity (its generator's maximum is
    // 2147483647); KeySplit.disjointRangesFrom(3 billion). split() failed with the driver's "out of bounds" error (a
    // SQLException, not the documented IllegalStateException naming what is left). Expected: the refusal by name.
    @Test
    void aDisjointRangeBeyondAnIntIdentityIsRefusedByNameOnPostgresAndH2() throws SQLException {
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.POSTGRES, TestDatabases.Kind.H2)) {
            try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
                seed(oldDb, newDb, "CREATE TABLE orders_v2 (id INT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " merchant_id VARCHAR(20))");
                KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                        List.of(ORDERS), KeySplit.disjointRangesFrom(3_000_000_000L, 1_000));

                assertThatThrownBy(gate::split).as(kind.name()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("orders_v2.id").hasMessageContaining("2147483647");
                assertThat(moveToNewPrimary(gate).allowed()).isFalse();
                assertStoresEqualRowByRow(oldDb, newDb, 3);
            }
        }
    }

    // Input (PostgreSQL -> PostgreSQL and H2 -> H2): the new key's sequence was created MAXVALUE 20 CYCLE;
    // KeySplit.interleaved(2, 1, 2). split() and the gate approved; past 20 the sequence started over at 1, a key of
    // the old store's series, and the mirror of that NEW_PRIMARY insert collided with an old row (duplicate key).
    // Expected: a cycling generator is refused with the fix (NO CYCLE); once fixed, the split runs and keys stay apart.
    @Test
    void aCyclingSequenceIsRefusedUntilItNoLongerCycles() throws SQLException {
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.POSTGRES, TestDatabases.Kind.H2)) {
            try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
                SplitAuthority stores = seed(oldDb, newDb, "CREATE SEQUENCE order_ids MAXVALUE 20 CYCLE",
                        "CREATE TABLE orders_v2 (id BIGINT DEFAULT " + (kind == TestDatabases.Kind.H2
                                ? "NEXT VALUE FOR order_ids" : "nextval('order_ids')")
                                + " PRIMARY KEY, merchant_id VARCHAR(20))");
                KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                        List.of(ORDERS), KeySplit.interleaved(2, 1, 2));

                assertThatThrownBy(gate::split).as(kind.name()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("orders_v2.id").hasMessageContaining("cycles")
                        .hasMessageContaining("NO CYCLE");
                assertThat(moveToNewPrimary(gate).allowed()).isFalse();

                newDb.execute("ALTER SEQUENCE order_ids NO CYCLE NO MAXVALUE");
                gate.split();
                assertThat(moveToNewPrimary(gate).allowed()).as(kind.name()).isTrue();
                stores.run(12);
                assertThat(stores.newKeys).allSatisfy(key -> assertThat(key % 2).isZero());
                assertStoresEqualRowByRow(oldDb, newDb, 27);
            }
        }
    }

    // Input (PostgreSQL -> MariaDB): more members of the kind on MariaDB: a SMALLINT UNSIGNED AUTO_INCREMENT key (65535)
    // under KeySplit.disjointRangesFrom(70000), and a key drawn from a MariaDB sequence created MAXVALUE 100 CYCLE under
    // KeySplit.disjointRangesFrom(50). Expected: each refused by the gate and by split(), naming the bound or the cycle.
    @Test
    void mariaDbUnsignedKeysAndCyclingSequencesAreRefusedByTheGate() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.mariadb()) {
            seed(oldDb, newDb, "CREATE TABLE orders_v2 (id SMALLINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,"
                    + " merchant_id VARCHAR(20))");
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRangesFrom(70_000, 1_000));

            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("65535").hasMessageContaining("smallint unsigned");
            assertThat(moveToNewPrimary(gate).allowed()).isFalse();
            assertThat(KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.disjointRangesFrom(60_000, 1_000)).split()).as("a range below the bound").isEqualTo(1);
            assertStoresEqualRowByRow(oldDb, newDb, 3);
        }
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.mariadb()) {
            seed(oldDb, newDb, "CREATE SEQUENCE order_ids MAXVALUE 100 CYCLE",
                    "CREATE TABLE orders_v2 (id BIGINT DEFAULT NEXT VALUE FOR order_ids PRIMARY KEY,"
                    + " merchant_id VARCHAR(20))");
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRangesFrom(50, 10));

            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cycles").hasMessageContaining("NO CYCLE");
            assertThat(moveToNewPrimary(gate).allowed()).isFalse();
            newDb.execute("ALTER SEQUENCE order_ids NOCYCLE");
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();
            // a NEW_PRIMARY insert (MariaDB reports no generated key for a sequence default: read it back), mirrored
            newDb.execute("INSERT INTO orders_v2 (merchant_id) VALUES ('m-1')");
            assertThat(newDb.count("SELECT MAX(id) FROM orders_v2")).isEqualTo(50);
            oldDb.execute("INSERT INTO orders (id, merchant_id) VALUES (50, 'm-1')");
            assertStoresEqualRowByRow(oldDb, newDb, 4);
        }
    }
}
