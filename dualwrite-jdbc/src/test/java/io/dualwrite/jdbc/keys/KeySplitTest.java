package io.dualwrite.jdbc.keys;

import static io.dualwrite.jdbc.keys.SplitAuthority.ORDERS;
import static io.dualwrite.jdbc.testing.TestDatabases.Kind.H2;
import static io.dualwrite.jdbc.testing.TestDatabases.Kind.MARIADB;
import static io.dualwrite.jdbc.testing.TestDatabases.Kind.POSTGRES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.GateVerdict;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Split authority on real databases: merchant m-1 is NEW_PRIMARY, merchant m-2 still old-authoritative, and
 * both stores generate keys for the one table (see {@link SplitAuthority}).
 */
class KeySplitTest {

    private static Stream<Arguments> storePairs() {
        return Stream.of(Arguments.of(H2, H2), Arguments.of(POSTGRES, POSTGRES), Arguments.of(MARIADB, POSTGRES));
    }

    private static Stream<Arguments> sequenceOldStores() {
        return Stream.of(Arguments.of(H2, H2), Arguments.of(POSTGRES, POSTGRES));
    }

    private static GateVerdict moveToNewPrimary(KeyGeneratorGate gate) {
        return gate.check("orders", MigrationPhase.SHADOW_READ, MigrationPhase.NEW_PRIMARY);
    }

    private static String product(TestDatabases.Kind kind) {
        return switch (kind) {
            case H2 -> "H2";
            case POSTGRES -> "PostgreSQL";
            case MARIADB -> "MariaDB";
        };
    }

    /** A pool on a MariaDB database whose sessions step AUTO_INCREMENT by {@code step} from {@code offset}. */
    private static HikariDataSource steppingPool(TestDatabase mariadb, int step, int offset) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(mariadb.pool().getJdbcUrl() + "&sessionVariables=auto_increment_increment=" + step
                + ",auto_increment_offset=" + offset);
        config.setUsername("root");
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    @ParameterizedTest
    @MethodSource("storePairs")
    void withoutASplitTheGateRefusesBecauseMirroredKeysCollide(TestDatabases.Kind oldKind, TestDatabases.Kind newKind)
            throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS));
            gate.align();

            GateVerdict verdict = moveToNewPrimary(gate);

            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason()).contains("both stores generate keys for this table",
                    "old store (" + product(oldKind) + ") orders.id", "new store (" + product(newKind) + ") orders_v2.id",
                    "next 4", "KeySplit.disjointRanges(headroom)", "KeySplit.interleaved(step, oldOffset, newOffset)",
                    "then call split()");
            assertThatThrownBy(() -> stores.run(5)).as("what the refusal prevents")
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("23"));
        }
    }

    @ParameterizedTest
    @MethodSource("storePairs")
    void interleavedGeneratorsNeverHandOutTheSameKey(TestDatabases.Kind oldKind, TestDatabases.Kind newKind)
            throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind);
             HikariDataSource stepping = oldKind == MARIADB ? steppingPool(oldDb, 2, 1) : null) {
            DataSource oldStore = stepping != null ? stepping : oldDb.dataSource();
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldStore, newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldStore, newDb.dataSource(), List.of(ORDERS),
                    KeySplit.interleaved(2, 1, 2));

            assertThat(gate.split()).as("generators moved").isEqualTo(oldKind == MARIADB ? 1 : 2);
            assertThat(gate.split()).as("a second split finds them apart").isZero();
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();

            stores.run(20);

            assertThat(stores.newKeys).allSatisfy(key -> assertThat(key % 2).isZero());
            assertThat(stores.oldKeys).allSatisfy(key -> assertThat(key % 2).isOne());
            assertThat(oldDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(43);
            assertThat(newDb.count("SELECT COUNT(*) FROM orders_v2")).isEqualTo(43);
            assertThat(moveToNewPrimary(gate).allowed()).as("still apart after the writes").isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sequenceOldStores")
    void disjointRangesKeepTheOldGeneratorAHeadroomBelowTheNewRange(TestDatabases.Kind oldKind,
                                                                     TestDatabases.Kind newKind) throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.disjointRangesFrom(1_000_000, 1_000));

            assertThat(gate.split()).isEqualTo(1);
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();

            stores.run(20);

            assertThat(stores.newKeys).first().isEqualTo(1_000_000L);
            assertThat(stores.newKeys).allSatisfy(key -> assertThat(key).isBetween(1_000_000L, 1_000_019L));
            assertThat(stores.oldKeys).allSatisfy(key -> assertThat(key).isBetween(4L, 23L));
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sequenceOldStores")
    void aDisjointSplitWithLessThanTheHeadroomIsRefusedWithTheValuesAndTheFix(TestDatabases.Kind oldKind,
                                                                              TestDatabases.Kind newKind)
            throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            try (Connection connection = newDb.dataSource().getConnection()) {
                KeyGenerators.restartAt(connection, "orders_v2", "id", 14);
            }
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.disjointRanges(1_000));

            GateVerdict verdict = moveToNewPrimary(gate);

            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason()).contains("old store (" + product(oldKind) + "): orders.id generates 4 next and"
                    + " the new range (new store (" + product(newKind) + "), orders_v2.id) starts at 14: 10 keys apart,"
                    + " less than the headroom of 1000; fix: KeyGeneratorGate.split() restarts orders_v2.id at 1004");
            assertThat(gate.split()).isEqualTo(1);
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("sequenceOldStores")
    void interleavingIsRefusedUntilSplitPutsBothGeneratorsInTheirOwnSeries(TestDatabases.Kind oldKind,
                                                                           TestDatabases.Kind newKind)
            throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(oldKind); TestDatabase newDb = TestDatabases.create(newKind)) {
            SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.interleaved(3, 1, 2));

            GateVerdict verdict = moveToNewPrimary(gate);

            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason())
                    .contains("old store (" + product(oldKind) + "): orders.id (")
                    .contains("steps 1 and generates 4 next, but the split needs step 3 and the keys 1, 4, 7, …;"
                            + " fix: KeyGeneratorGate.split() restarts it at 4 with INCREMENT BY 3")
                    .contains("new store (" + product(newKind) + "): orders_v2.id (")
                    .contains("the keys 2, 5, 8, …; fix: KeyGeneratorGate.split() restarts it at 5 with INCREMENT BY 3");
            assertThat(gate.split()).isEqualTo(2);
            assertThat(moveToNewPrimary(gate).allowed()).isTrue();
        }
    }

    @Test
    void interleavingWithAMariaDbOldStoreNamesTheServerVariablesToSet() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.interleaved(2, 1, 2));
            String unsafe = "old store (MariaDB): orders.id (AUTO_INCREMENT) steps 1 from offset 1"
                    + " (auto_increment_increment = 1, auto_increment_offset = 1), but the split needs step 2 and the keys"
                    + " 1, 3, 5, …; fix: SET GLOBAL auto_increment_increment = 2, auto_increment_offset = 1 on that server";

            assertThat(moveToNewPrimary(gate).reason()).contains(unsafe);
            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the key generators are not apart yet (1 moved)").hasMessageContaining(unsafe);
            assertThat(moveToNewPrimary(gate).reason()).as("the new store's generator was set meanwhile")
                    .contains(unsafe).doesNotContain("orders_v2");
        }
    }

    @Test
    void disjointRangesAreRefusedForAMariaDbOldStoreWhoseAutoIncrementFollowsMirroredKeys() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate gate = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.disjointRanges(1_000));

            assertThat(moveToNewPrimary(gate).reason()).contains("old store (MariaDB) generates orders.id with"
                    + " AUTO_INCREMENT, and a row mirrored into it with a key from the new range moves AUTO_INCREMENT into"
                    + " that range", "use KeySplit.interleaved(2, 1, 2) with auto_increment_increment = 2");
            assertThatThrownBy(gate::split).isInstanceOf(IllegalStateException.class).hasMessageContaining("AUTO_INCREMENT");

            // why: with the new range set by hand, the first mirrored key drags the old generator into it
            newDb.execute("SELECT setval(pg_get_serial_sequence('orders_v2', 'id'), 1004, false)");
            assertThatThrownBy(() -> stores.run(3))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            assertThat(stores.oldKeys).containsExactly(1005L);
        }
    }

    @Test
    void aNewRangeAlreadyInUseIsNotWidenedBySplitAndTheRefusalSaysSo() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.disjointRanges(100)).split();
            stores.run(2);
            KeyGeneratorGate wider = KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(),
                    List.of(ORDERS), KeySplit.disjointRanges(1_000));

            assertThat(moveToNewPrimary(wider).reason()).contains("orders.id generates 6 next and the new range",
                    "starts at 104: 98 keys apart, less than the headroom of 1000",
                    "keys from 104 on are taken already, so moving the new generator cannot widen the gap");
            assertThatThrownBy(wider::split).hasMessageContaining("(0 moved)");
        }
    }

    @Test
    void keysAreDistinctAcrossBothStoresAfterAnInterleavedRun() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.postgres()) {
            SplitAuthority stores = SplitAuthority.seed(oldDb, oldDb.dataSource(), newDb);
            KeyGeneratorGate.of("orders", oldDb.dataSource(), newDb.dataSource(), List.of(ORDERS),
                    KeySplit.interleaved(2, 1, 2)).split();

            stores.run(50);

            Set<Long> all = new HashSet<>(stores.oldKeys);
            all.addAll(stores.newKeys);
            assertThat(all).hasSize(100);
            assertThat(oldDb.query("SELECT id, merchant_id FROM orders ORDER BY id"))
                    .isEqualTo(newDb.query("SELECT id, merchant_id FROM orders_v2 ORDER BY id"));
        }
    }
}
