package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round 21, two application instances on the same stores while a switch moves across the authority: instance A
 * has seen {@code DUAL_WRITE -> NEW_PRIMARY}, instance B has not yet (its switch cache is within its refresh
 * interval). Both write one key; their syncs run in opposite directions at once. Ends comparing both stores row by
 * row: equal, or every differing key in the change log.
 */
class SecondInstanceBreak21Test {

    private static void write(Fixture instance, String sql) throws Exception {
        try (Connection connection = instance.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    // B (stale, DUAL_WRITE, async) updates key 1 on the old store; its sync has read the old row and is held just
    // before its upsert into the new store. A moves the system switch, which both instances share, to NEW_PRIMARY
    // (B's cache, on a ticker the test holds still, keeps DUAL_WRITE) and updates key 1 on the new store; its sync to
    // the old store reads the new row and writes it into the old store, unless it waits for B's sync (3 s at most, on
    // a latch). Then B's sync goes on. Before round 21's fix: old 3, new 2, nothing recorded (PostgreSQL and MariaDB).
    // Round 22 read and left the next member: with the two syncs excluding each other, B's upsert replaced A's later
    // write and A's sync copied B's value back (both stores 2, nothing recorded; this test asserted only that the
    // stores were equal). Since round 25: B's sync sees the move before its commit, rolls back and records key 1
    // (authority-moved); A's sync copies its own write, and both stores hold A's 3.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void syncsOfOneKeyInOppositeDirectionsNeverLeaveTheStoresSilentlyDifferent(Kind kind) throws Exception {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)",
                    "INSERT INTO orders (id, qty) VALUES (1, 1)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 (id, quantity) VALUES (1, 1)");
            Hold upsert = Hold.onPrepare(sql -> sql.toLowerCase(Locale.ROOT).contains("orders_v2")
                    && sql.trim().toLowerCase(Locale.ROOT).startsWith("insert"));
            Hold back = Hold.onPrepare(sql -> sql.trim().toLowerCase(Locale.ROOT).startsWith("insert"));
            try (Fixture a = Fixture.builder(kind, kind).on(oldDb, newDb).phase(MigrationPhase.DUAL_WRITE)
                    .mode(MirrorMode.ASYNC).wrapOld(real -> Intercepting.dataSource(real, back)).build()) {
                // B reads A's switch store through a cache of its own, which the test never lets expire
                Switchboard stale = Switchboard.builder().switchStore(a.switches).ticker((Ticker) () -> 0L)
                        .migration(MigrationSwitchConfig.of(Fixture.MIGRATION)).build();
                try (Fixture b = Fixture.builder(kind, kind).on(oldDb, newDb).phase(MigrationPhase.DUAL_WRITE)
                        .mode(MirrorMode.ASYNC).wrapNew(real -> Intercepting.dataSource(real, upsert))
                        .customize(builder -> builder.resolver(stale)).build()) {
                    upsert.arm();
                    write(b, "UPDATE orders SET qty = 2 WHERE id = 1");
                    upsert.awaitReached();
                    a.switches.setSystemPhase(Fixture.MIGRATION, MigrationPhase.NEW_PRIMARY);
                    back.arm();
                    write(a, "UPDATE orders SET qty = 3 WHERE id = 1");
                    // A's sync, unless it waits for B's, reads the new store's 3 and reaches its upsert into the old one
                    boolean aheadOfB = back.reachedWithin(Duration.ofSeconds(3));
                    back.release();
                    if (aheadOfB) {
                        assertThat(a.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();
                    }
                    upsert.release();
                    assertThat(b.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
                    assertThat(a.toOld.awaitIdle(Duration.ofSeconds(60))).isTrue();

                    List<Map<String, String>> oldRows = Rows.of(oldDb, "SELECT id, qty FROM orders ORDER BY id");
                    List<Map<String, String>> newRows = Rows.of(newDb,
                            "SELECT id, quantity AS qty FROM orders_v2 ORDER BY id");
                    assertThat(newRows).as("records A %s, B %s", a.records(), b.records()).isEqualTo(oldRows);
                    assertThat(oldRows).as("A's write, the later one").containsExactly(Rows.expected("id", 1, "qty", 3));
                    assertThat(b.records()).as("B's key, not copied over A's write").extracting(ChangeRecord::key)
                            .contains(KeyCodec.encode(List.of(1L)));
                }
            }
        }
    }
}
