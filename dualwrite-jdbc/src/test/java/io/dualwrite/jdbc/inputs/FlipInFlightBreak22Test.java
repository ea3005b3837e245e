package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 22: round 21's decision on a switch moving inside an open transaction (the transaction stays on its store,
 * the caller never fails, a key left in one store is recorded as {@code authority-moved}), tried with an order's own
 * switch under an order context, and on H2. Each case ends by comparing both stores row by row with plain JDBC.
 */
class FlipInFlightBreak22Test {

    private static List<Map<String, String>> oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id");
    }

    private static List<Map<String, String>> newRows(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2 ORDER BY id");
    }

    private static Set<String> differing(Fixture fixture) {
        Set<String> ids = new TreeSet<>();
        List<Map<String, String>> old = oldRows(fixture);
        List<Map<String, String>> fresh = newRows(fixture);
        old.stream().filter(row -> !fresh.contains(row)).forEach(row -> ids.add(row.get("id")));
        fresh.stream().filter(row -> !old.contains(row)).forEach(row -> ids.add(row.get("id")));
        return ids;
    }

    // An order's switch flipped while a transaction under that order's context writes: the caller never fails, every
    // key left in one store only or different is recorded, named authority-moved, and the operator's repair from
    // the store the transaction wrote makes the stores equal.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "MARIADB  | NEW_PRIMARY | DUAL_WRITE  | NEW",
        "H2       | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "H2       | NEW_PRIMARY | DUAL_WRITE  | NEW",
    })
    void anOrderFlipInsideItsOwnTransactionIsRecordedByNameNeverThrown(Kind kind, MigrationPhase before,
                                                                      MigrationPhase after, Store written)
            throws Exception {
        try (Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)",
                    "INSERT INTO orders (id, qty) VALUES (1, 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 (id, quantity) VALUES (1, 1)");
            fixture.resolver.switchStore().setOrderPhase(Fixture.MIGRATION, "o-7", before);
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId("m-1")
                    .orderId("o-7").open(); Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (2, 2)");
                    fixture.resolver.switchStore().setOrderPhase(Fixture.MIGRATION, "o-7", after);
                    assertThatCode(() -> {
                        statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (3, 3)");
                        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                        connection.commit();
                    }).as("writes and commit after an order flip %s -> %s", before, after).doesNotThrowAnyException();
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
            fixture.reconciler().runOnce();

            Set<String> recorded = new TreeSet<>();
            fixture.changeLog.entries().forEach(entry -> recorded.add(entry.record().key()));
            assertThat(differing(fixture)).as("keys in one store only or different, records %s", fixture.records())
                    .isNotEmpty().isSubsetOf(recorded);
            assertThat(fixture.changeLog.entries()).extracting(ChangeEntry::lastError)
                    .allSatisfy(error -> assertThat(error).contains("authority-moved"));

            fixture.resolveScopedResyncs(fixture.mappings.get(0), written);
            assertThat(newRows(fixture)).isEqualTo(oldRows(fixture));
        }
    }
}
