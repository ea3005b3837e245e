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
 * Round 21's key-generator gate limits, attacked: a generator that counts down. Every check of the gate read a
 * generator's series upwards from its next key. Each case ends by comparing both stores row by row in plain JDBC.
 */
class SplitAuthorityFixesBreak21Test {

    private static GateVerdict moveToNewPrimary(KeyGeneratorGate gate) {
        return gate.check("orders", MigrationPhase.SHADOW_READ, MigrationPhase.NEW_PRIMARY);
    }

    /** Old store: an identity and three rows; new store: a key drawn from {@code sequence}, with their copies. */
    private static SplitAuthority seed(TestDatabase oldDb, TestDatabase newDb, String sequence) throws SQLException {
        oldDb.execute(SplitAuthority.table(oldDb.kind(), "orders"));
        newDb.execute(sequence, "CREATE TABLE orders_v2 (id BIGINT DEFAULT " + (newDb.kind() == TestDatabases.Kind.POSTGRES
                ? "nextval('order_ids')" : "NEXT VALUE FOR order_ids") + " PRIMARY KEY, merchant_id VARCHAR(20))");
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

    // Failed before its fix (PostgreSQL -> PostgreSQL, H2 -> H2, PostgreSQL -> MariaDB): the new key's sequence counts
    // down (INCREMENT BY -1 START WITH 20 MINVALUE 1), the old store's identity is at 4, KeySplit.disjointRangesFrom(20,
    // 5). split() moved nothing and the gate approved NEW_PRIMARY ("key generators of both stores are apart"); the new
    // store then handed out 20, 19, … while the old one handed out 4, 5, …, and both handed out 12: the mirror of the
    // second insert of key 12 hit a duplicate key. Expected: split() and the gate refuse it, naming the step and the
    // fix; once the sequence counts up, split() moves it and the keys stay apart. MariaDB's sequence was read with its
    // step forced to at least 1 (KeyGenerators), so its refusal needed that reading fixed too.
    @Test
    void aSequenceThatCountsDownTowardTheOtherStoresKeysIsRefused() throws SQLException {
        String descending = "CREATE SEQUENCE order_ids INCREMENT BY -1 MINVALUE 1 MAXVALUE 20 START WITH 20";
        for (TestDatabases.Kind kind : List.of(TestDatabases.Kind.POSTGRES, TestDatabases.Kind.H2)) {
            try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
                SplitAuthority stores = seed(oldDb, newDb, descending);
                KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                        List.of(ORDERS), KeySplit.disjointRangesFrom(20, 5));

                assertThatThrownBy(gate::split).as(kind.name()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("orders_v2.id").hasMessageContaining("counts down")
                        .hasMessageContaining("INCREMENT BY 1");
                assertThat(moveToNewPrimary(gate).allowed()).as(kind.name()).isFalse();
                assertThat(moveToNewPrimary(gate).reason()).contains("counts down");

                newDb.execute("ALTER SEQUENCE order_ids INCREMENT BY 1 NO MAXVALUE");
                gate.split();
                assertThat(moveToNewPrimary(gate).allowed()).as(kind.name()).isTrue();
                stores.run(12);
                assertThat(stores.newKeys).allSatisfy(key -> assertThat(key).isGreaterThanOrEqualTo(20));
                assertStoresEqualRowByRow(oldDb, newDb, 27);
            }
        }
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.mariadb()) {
            seed(oldDb, newDb, descending);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRangesFrom(20, 5));
            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("counts down");
            assertThat(moveToNewPrimary(gate).allowed()).isFalse();
            assertStoresEqualRowByRow(oldDb, newDb, 3);
        }
    }
}
