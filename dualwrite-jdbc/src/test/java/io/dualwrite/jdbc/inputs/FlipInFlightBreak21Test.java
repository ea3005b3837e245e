package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 21, a switch flip while a JDBC transaction is open on a data source connection: the transaction writes
 * under one system phase, the operator moves the switch (seen by this node at once), the transaction writes again
 * and commits. Decided: the transaction stays on the store its first statement chose, every write of it runs there,
 * and the phase in force at each sync decides the copy. The caller never fails because of the flip; a key the
 * transaction wrote that ends in one store only is in the change log, named ({@code authority-moved} when the new
 * phase makes the other store authoritative, {@code phase-moved} when it starts mirroring). Each case ends by
 * comparing both stores row by row with plain JDBC, before and after the operator's repair.
 */
class FlipInFlightBreak21Test {

    private static Fixture seeded(Kind kind, MigrationPhase phase) {
        Fixture fixture = Fixture.builder(kind, kind).phase(phase).build();
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)",
                "INSERT INTO orders (id, qty) VALUES (1, 1)");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)",
                "INSERT INTO orders_v2 (id, quantity) VALUES (1, 1)");
        return fixture;
    }

    /** Inserts 2, flips the system switch to {@code after}, inserts 3, updates 1 and commits; none may throw. */
    private static void writeAcrossAFlip(Fixture fixture, MigrationPhase after) throws SQLException,
            InterruptedException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (2, 2)");
                fixture.resolver.switchStore().setSystemPhase(Fixture.MIGRATION, after);
                assertThatCode(() -> {
                    statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (3, 3)");
                    statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                    connection.commit();
                }).as("writes and commit after a flip to %s", after).doesNotThrowAnyException();
            }
        }
        assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(fixture.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    private static List<Map<String, String>> oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id");
    }

    private static List<Map<String, String>> newRows(Fixture fixture) {
        return Rows.of(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2 ORDER BY id");
    }

    /** The ids whose rows differ between the stores, compared here (a row missing on one side differs). */
    private static Set<String> differing(Fixture fixture) {
        Set<String> ids = new TreeSet<>();
        List<Map<String, String>> old = oldRows(fixture);
        List<Map<String, String>> fresh = newRows(fixture);
        old.stream().filter(row -> !fresh.contains(row)).forEach(row -> ids.add(row.get("id")));
        fresh.stream().filter(row -> !old.contains(row)).forEach(row -> ids.add(row.get("id")));
        return ids;
    }

    // DUAL_WRITE -> NEW_PRIMARY: the transaction runs on the old store; at commit the new store is the rows'
    // authority, so nothing is copied over it. NEW_PRIMARY -> DUAL_WRITE (the rollback): the transaction runs on the
    // new store; the old store is the authority at commit. Expected: no exception, every differing key recorded
    // (target: the store the transaction did not write) and the reconciler's error naming authority-moved; after
    // the operator copies those keys from the store that holds the transaction (its latest write), the stores agree.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "MARIADB  | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "POSTGRES | NEW_PRIMARY | DUAL_WRITE  | NEW",
        "MARIADB  | NEW_PRIMARY | DUAL_WRITE  | NEW",
    })
    void aFlipOfAuthorityInsideATransactionIsRecordedByNameNeverThrown(Kind kind, MigrationPhase before,
                                                                      MigrationPhase after, Store written)
            throws Exception {
        try (Fixture fixture = seeded(kind, before)) {
            writeAcrossAFlip(fixture, after);
            List<Map<String, String>> transaction = written == Store.OLD ? oldRows(fixture) : newRows(fixture);
            assertThat(transaction).as("the transaction's own store")
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT 1 AS id, 10 AS qty UNION ALL SELECT 2, 2"
                            + " UNION ALL SELECT 3, 3"));
            fixture.reconciler().runOnce();

            Set<String> recorded = new TreeSet<>();
            fixture.changeLog.entries().forEach(entry -> {
                assertThat(entry.record().target()).isEqualTo(written.other());
                recorded.add(entry.record().key());
            });
            assertThat(differing(fixture)).as("keys in one store only or different").isNotEmpty()
                    .isSubsetOf(recorded);
            assertThat(fixture.changeLog.entries()).extracting(ChangeEntry::lastError)
                    .allSatisfy(error -> assertThat(error).contains("authority-moved"));

            fixture.resolveScopedResyncs(fixture.mappings.get(0), written);
            assertThat(newRows(fixture)).isEqualTo(oldRows(fixture));
        }
    }

    // The same flips of a merchant switch, the transaction's writes under that merchant's context (opened before
    // the connection's first statement, as documented): before the fix the write after the flip was refused with
    // SQLState 25000 ("its authoritative store is the new one, but this connection runs on the old store"), so the
    // caller failed because of the flip. Also the forced rollback NEW_PRIMARY -> OLD_ONLY and the move to NEW_ONLY.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "MARIADB  | DUAL_WRITE  | NEW_PRIMARY | OLD",
        "POSTGRES | NEW_PRIMARY | DUAL_WRITE  | NEW",
        "MARIADB  | NEW_PRIMARY | DUAL_WRITE  | NEW",
        "POSTGRES | NEW_PRIMARY | OLD_ONLY    | NEW",
        "MARIADB  | DUAL_WRITE  | NEW_ONLY    | OLD",
    })
    void aMerchantFlipInsideItsOwnTransactionIsRecordedByNameNeverThrown(Kind kind, MigrationPhase before,
                                                                        MigrationPhase after, Store written)
            throws Exception {
        try (Fixture fixture = seeded(kind, MigrationPhase.OLD_ONLY)) {
            fixture.resolver.switchStore().setMerchantPhase(Fixture.MIGRATION, "m-1", before);
            try (MigrationContext.Scope scope = MigrationContext.forMigration(Fixture.MIGRATION).merchantId("m-1")
                    .open(); Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (2, 2)");
                    fixture.resolver.switchStore().setMerchantPhase(Fixture.MIGRATION, "m-1", after);
                    assertThatCode(() -> {
                        statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (3, 3)");
                        statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                        connection.commit();
                    }).as("writes and commit after a flip %s -> %s", before, after).doesNotThrowAnyException();
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

    // Merchant moves racing a merchant flip, the mapping naming the merchant column: m-a mirrors (DUAL_WRITE), m-b
    // does not (OLD_ONLY); row 1 is m-a's (in both stores), row 2 m-b's (old store only). One transaction moves
    // row 1 to m-b and row 2 to m-a, and m-b is flipped to DUAL_WRITE between the two moves (flipAfterFirst) or
    // before the commit. Expected: every row lands where its merchant's phase at the end says (both mirror):
    // after the mirrors, what was recorded and one reconciler run, the stores are equal row by row.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | true",
        "POSTGRES | false",
        "MARIADB  | true",
        "MARIADB  | false",
    })
    void rowsMovedBetweenMerchantsWhileOneOfThemFlipsEndWhereTheirMerchantsPhaseSays(Kind kind, boolean flipAfterFirst)
            throws Exception {
        TableMapping byMerchant = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .merchantIdColumn("merchant_id").build();
        try (Fixture fixture = Fixture.builder(kind, kind).phase(MigrationPhase.OLD_ONLY).mappings(byMerchant)
                .build()) {
            fixture.resolver.switchStore().setMerchantPhase(Fixture.MIGRATION, "m-a", MigrationPhase.DUAL_WRITE);
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), qty INT)",
                    "INSERT INTO orders (id, merchant_id, qty) VALUES (1, 'm-a', 1), (2, 'm-b', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 (id, merchant_id, quantity) VALUES (1, 'm-a', 1)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE orders SET merchant_id = 'm-b', qty = 11 WHERE id = 1");
                    if (flipAfterFirst) {
                        fixture.resolver.switchStore().setMerchantPhase(Fixture.MIGRATION, "m-b",
                                MigrationPhase.DUAL_WRITE);
                    }
                    statement.executeUpdate("UPDATE orders SET merchant_id = 'm-a', qty = 12 WHERE id = 2");
                    if (!flipAfterFirst) {
                        fixture.resolver.switchStore().setMerchantPhase(Fixture.MIGRATION, "m-b",
                                MigrationPhase.DUAL_WRITE);
                    }
                    connection.commit();
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            if (!fixture.scopedResyncs().isEmpty()) {
                fixture.resolveScopedResyncs(byMerchant);
            }
            fixture.reconciler().runOnce();

            assertThat(Rows.of(fixture.newDb, "SELECT id, merchant_id, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("records %s", fixture.records())
                    .isEqualTo(Rows.of(fixture.oldDb, "SELECT id, merchant_id, qty FROM orders ORDER BY id"));
        }
    }

    // OLD_ONLY -> DUAL_WRITE: the first insert ran unmirrored; at commit the phase mirrors, so every mapped table
    // gets a scoped resync (phase-moved); its resolution makes the stores agree. DUAL_WRITE -> OLD_ONLY: the commit
    // is one of OLD_ONLY, which maintains no new store (a return to DUAL_WRITE needs a backfill, which the gate asks
    // for); the new store keeps what it had before the transaction, and nothing is recorded.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES",
        "MARIADB",
    })
    void aFlipIntoMirroringInsideATransactionResyncsItsTables(Kind kind) throws Exception {
        try (Fixture fixture = seeded(kind, MigrationPhase.OLD_ONLY)) {
            writeAcrossAFlip(fixture, MigrationPhase.DUAL_WRITE);
            assertThat(fixture.scopedResyncs()).extracting(record -> record.reason()).contains("phase-moved");
            assertThat(differing(fixture)).isSubsetOf(Set.of("1", "2", "3"));

            fixture.resolveScopedResyncs(fixture.mappings.get(0));
            assertThat(newRows(fixture)).isEqualTo(oldRows(fixture));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POSTGRES",
        "MARIADB",
    })
    void aFlipOutOfMirroringInsideATransactionLeavesTheNewStoreAsItWas(Kind kind) throws Exception {
        try (Fixture fixture = seeded(kind, MigrationPhase.DUAL_WRITE)) {
            writeAcrossAFlip(fixture, MigrationPhase.OLD_ONLY);
            fixture.reconciler().runOnce();

            assertThat(oldRows(fixture)).isEqualTo(Rows.of(fixture.oldDb, "SELECT 1 AS id, 10 AS qty UNION ALL"
                    + " SELECT 2, 2 UNION ALL SELECT 3, 3"));
            assertThat(newRows(fixture)).isEqualTo(Rows.of(fixture.oldDb, "SELECT 1 AS id, 1 AS qty"));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
