package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.keys.KeyGeneratorGate;
import io.dualwrite.jdbc.keys.KeySplit;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Input 22: split authority end to end through {@code DualWriteDataSource}. Both stores generate the ids of one
 * table; merchant m-1 is moved to {@code NEW_PRIMARY} through {@link SwitchAdmin} with a {@link KeyGeneratorGate}
 * after {@code split()} set the generators apart; then inserts of m-1 (on the new store, mirrored to the old one
 * with explicit ids) interleave with inserts of m-2 (on the old store, mirrored to the new one): no caller ever
 * sees a duplicate key, and both stores end identical row by row. Without a split the gate refuses the move and
 * names the fix (and, forced anyway, the move makes a caller see a duplicate key).
 */
class SplitAuthorityEndToEndTest {

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").merchantIdColumn("merchant_id").build();

    private static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of(Kind.H2, Kind.H2, KeySplit.disjointRanges(1_000)),
                Arguments.of(Kind.H2, Kind.H2, KeySplit.interleaved(2, 1, 2)),
                Arguments.of(Kind.POSTGRES, Kind.POSTGRES, KeySplit.disjointRanges(1_000)),
                Arguments.of(Kind.POSTGRES, Kind.POSTGRES, KeySplit.interleaved(2, 1, 2)),
                Arguments.of(Kind.MARIADB, Kind.POSTGRES, KeySplit.interleaved(2, 1, 2)));
    }

    private static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.H2, Kind.H2), Arguments.of(Kind.POSTGRES, Kind.POSTGRES),
                Arguments.of(Kind.MARIADB, Kind.POSTGRES));
    }

    // input 22
    @ParameterizedTest(name = "{0} -> {1}, {2}")
    @MethodSource("splits")
    void interleavedInsertsOfANewPrimaryAndAnOldAuthoritativeMerchantNeverCollide(Kind oldKind, Kind newKind,
                                                                                KeySplit split) throws Exception {
        try (Stores stores = new Stores(oldKind, newKind, split instanceof KeySplit.Interleaved interleaved
                ? interleaved : null)) {
            KeyGeneratorGate gate = KeyGeneratorGate.of(Fixture.MIGRATION, stores.oldStore, stores.fixture.newStore,
                    List.of(ORDERS), split);
            SwitchAdmin admin = SwitchAdmin.of(stores.fixture.resolver, gate);
            assertThatThrownBy(() -> admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, false))
                    .as("before split()").isInstanceOf(PhaseMoveRefusedException.class);

            int moved = gate.split();
            System.out.println("input 22 (" + oldKind + " -> " + newKind + ", " + split + "): split() moved " + moved
                    + " generator(s)");
            assertThat(admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, false).allowed()).isTrue();
            assertThat(stores.fixture.resolver.merchantPhase(Fixture.MIGRATION, "m-1").phase())
                    .isEqualTo(MigrationPhase.NEW_PRIMARY);

            List<Long> m1 = new ArrayList<>();
            List<Long> m2 = new ArrayList<>();
            for (int round = 0; round < 10; round++) { // strictly alternating
                m1.add(stores.insert("m-1", round));
                m2.add(stores.insert("m-2", round));
            }
            m2.addAll(stores.insertTwoRows("m-2", 50)); // a multi-row insert on the old store
            m1.addAll(stores.insertTwoRows("m-1", 60)); // and on the new store
            // then both merchants at once, from two threads
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                Future<List<Long>> first = threads.submit(stores.inserts("m-1", 15));
                Future<List<Long>> second = threads.submit(stores.inserts("m-2", 15));
                m1.addAll(first.get());
                m2.addAll(second.get());
            } finally {
                threads.shutdownNow();
            }

            Set<Long> all = new HashSet<>(m1);
            all.addAll(m2);
            assertThat(all).as("every key a caller got is distinct").hasSize(m1.size() + m2.size()).hasSize(54);
            if (split instanceof KeySplit.Interleaved) {
                assertThat(m1).as("m-1's keys come from the new store's series").allSatisfy(key -> assertThat(key % 2).isZero());
                assertThat(m2).as("m-2's keys come from the old store's series").allSatisfy(key -> assertThat(key % 2).isOne());
            } else {
                long lowestNew = m1.stream().mapToLong(Long::longValue).min().orElseThrow();
                assertThat(lowestNew).isGreaterThan(1_000);
                assertThat(m2).allSatisfy(key -> assertThat(key).isLessThan(lowestNew));
            }
            assertThat(stores.fixture.records()).as("no mirror failed").isEmpty();
            assertThat(stores.fixture.events).allSatisfy(event -> assertThat(event.outcome().name()).isEqualTo("SUCCEEDED"));
            List<Map<String, String>> rows = stores.assertSameRows();
            assertThat(rows).hasSize(3 + 54);
            io.dualwrite.switches.GateVerdict after = gate.check(Fixture.MIGRATION, MigrationPhase.DUAL_WRITE,
                    MigrationPhase.NEW_PRIMARY);
            System.out.println("input 22 (" + oldKind + " -> " + newKind + ", " + split + "): the gate after the writes: "
                    + after.allowed() + ", " + after.reason());
            if (split instanceof KeySplit.Interleaved) {
                assertThat(after.allowed()).as("interleaved series stay apart whatever is written").isTrue();
            } else {
                // documented: once the old generator comes within the headroom of the new range (here 27 old keys
                // into a headroom of 1,000), further moves to the new store are refused
                assertThat(after.reason()).contains("less than the headroom of 1000");
            }
        }
    }

    // input 22: without a split the gate refuses the move, naming the fix; forced anyway, a caller sees a duplicate
    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void withoutASplitTheMoveIsRefusedNamingTheFix(Kind oldKind, Kind newKind) throws Exception {
        try (Stores stores = new Stores(oldKind, newKind, null)) {
            KeyGeneratorGate gate = KeyGeneratorGate.of(Fixture.MIGRATION, stores.oldStore, stores.fixture.newStore,
                    List.of(ORDERS));
            gate.align(); // the new store's generator past the highest key: all a gate without a split can do
            SwitchAdmin admin = SwitchAdmin.of(stores.fixture.resolver, gate);

            assertThatThrownBy(() -> admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, false))
                    .isInstanceOf(PhaseMoveRefusedException.class)
                    .hasMessageContaining("both stores generate keys for this table")
                    .hasMessageContaining("KeySplit.disjointRanges(headroom)")
                    .hasMessageContaining("KeySplit.interleaved(step, oldOffset, newOffset)")
                    .hasMessageContaining("then call split()");
            assertThat(stores.fixture.resolver.merchantPhase(Fixture.MIGRATION, "m-1").phase())
                    .as("a refused move changes nothing").isEqualTo(MigrationPhase.DUAL_WRITE);

            // what the refusal prevents: forced, the interleaved inserts hand a caller a duplicate key
            admin.moveMerchant(Fixture.MIGRATION, "m-1", MigrationPhase.NEW_PRIMARY, true);
            SQLException duplicate = null;
            for (int round = 0; round < 3 && duplicate == null; round++) {
                try {
                    stores.insert("m-1", round);
                    stores.insert("m-2", round);
                } catch (SQLException e) {
                    duplicate = e;
                }
            }
            assertThat((Object) duplicate).as("a caller saw a duplicate key").isNotNull();
            assertThat(duplicate.getSQLState()).startsWith("23");
            System.out.println("input 22 (" + oldKind + " -> " + newKind + ", forced without a split): the caller saw "
                    + duplicate.getSQLState() + " " + duplicate.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The fixture with generated ids in both stores and three rows written in DUAL_WRITE (and mirrored). */
    private static final class Stores implements AutoCloseable {
        final Fixture fixture;
        final DataSource oldStore;
        private final List<HikariDataSource> extraPools = new ArrayList<>();

        Stores(Kind oldKind, Kind newKind, KeySplit.Interleaved interleaved) throws SQLException {
            fixture = Fixture.builder(oldKind, newKind).mappings(ORDERS)
                    .wrapOld(pool -> oldKind == Kind.MARIADB && interleaved != null
                            ? stepping((HikariDataSource) pool, interleaved.step(), interleaved.oldOffset()) : pool)
                    .build();
            oldStore = fixture.oldStore;
            fixture.onOld(table(oldKind, "orders", "qty"));
            fixture.onNew(table(newKind, "orders_v2", "quantity"));
            for (String merchant : List.of("m-1", "m-2", "m-1")) {
                insert(merchant, 0);
            }
            assertSameRows();
        }

        /** A pool on the same MariaDB database whose sessions step AUTO_INCREMENT (the documented per-session fix). */
        private HikariDataSource stepping(HikariDataSource mariadb, int step, int offset) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(mariadb.getJdbcUrl() + "&sessionVariables=auto_increment_increment=" + step
                    + ",auto_increment_offset=" + offset);
            config.setUsername("root");
            config.setMaximumPoolSize(8);
            HikariDataSource pool = new HikariDataSource(config);
            extraPools.add(pool);
            return pool;
        }

        static String table(Kind kind, String name, String qty) {
            return switch (kind) {
                case H2, POSTGRES -> "CREATE TABLE " + name + " (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                        + " merchant_id VARCHAR(20), " + qty + " INT)";
                case MARIADB -> "CREATE TABLE " + name + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, merchant_id VARCHAR(20), "
                        + qty + " INT)";
            };
        }

        /** One insert of {@code merchant} through the data source, under its context; the key the caller got. */
        long insert(String merchant, int qty) throws SQLException {
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
                 Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO orders (merchant_id, qty) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, merchant);
                insert.setInt(2, qty);
                assertThat(insert.executeUpdate()).isOne();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    return keys.getLong(1);
                }
            }
        }

        /** A two-row insert with literal values; the keys as the database assigned them (read back by qty). */
        List<Long> insertTwoRows(String merchant, int qty) throws SQLException {
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId(merchant).open();
                 Connection connection = fixture.dataSource.getConnection();
                 Statement insert = connection.createStatement()) {
                assertThat(insert.executeUpdate("INSERT INTO orders (merchant_id, qty) VALUES ('" + merchant + "', " + qty
                        + "), ('" + merchant + "', " + (qty + 1) + ")")).isEqualTo(2);
            }
            TestDatabase authoritative = merchant.equals("m-1") ? fixture.newDb : fixture.oldDb;
            String table = merchant.equals("m-1") ? "orders_v2" : "orders";
            String column = merchant.equals("m-1") ? "quantity" : "qty";
            List<Long> keys = new ArrayList<>();
            authoritative.query("SELECT id FROM " + table + " WHERE merchant_id = ? AND " + column + " IN (?, ?) ORDER BY id",
                    merchant, qty, qty + 1).forEach(row -> keys.add(((Number) row.get("id")).longValue()));
            assertThat(keys).hasSize(2);
            return keys;
        }

        Callable<List<Long>> inserts(String merchant, int count) {
            return () -> {
                List<Long> keys = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    keys.add(insert(merchant, 100 + i));
                }
                return keys;
            };
        }

        List<Map<String, String>> assertSameRows() {
            return Rows.assertOrdersSame(fixture, "id, merchant_id, qty");
        }

        @Override
        public void close() {
            fixture.close();
            extraPools.forEach(HikariDataSource::close);
        }
    }
}
