package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.TxEdgesSupport.oldRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 25 of breaking the transaction edges and session settings of the write path: each test ends comparing the
 * two stores row by row with plain JDBC; the comments say which cases failed before their fix.
 */
class TxEdgesBreak25Test {

    private static final AtomicInteger ROLES = new AtomicInteger();

    /** A pool of the old PostgreSQL store's database whose sessions log in as {@code role}, as an application's would. */
    private static java.util.function.UnaryOperator<javax.sql.DataSource> loggingInAs(String role,
            AtomicReference<HikariDataSource> opened) {
        return pool -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(((HikariDataSource) pool).getJdbcUrl().replace("user=postgres", "user=" + role));
            config.setUsername(role);
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setInitializationFailTimeout(-1); // the role is created after the pool
            opened.set(new HikariDataSource(config));
            return opened.get();
        };
    }

    // PostgreSQL: the application's pool logs in as a role that row security applies to (round 24 left it open). The
    // policy shows that role the rows of qty < 100 only, and lets it insert and update any row. The application writes
    // rows it cannot see afterwards; the copier reads the old store through the same pool (the live mirror, the
    // reconciler, the verification and the repair the application builds over it), so the policy hides them from
    // every one of them. Failed before the fix (all six): the sync took the hidden rows for absent (a scoped resync,
    // row-not-under-written-key; the DO blocks record one anyway), and the resolver's verification over the same pool
    // called the stores equal (inserts: row 4 never reached the new store) or repaired the new store down to what the
    // policy showed (updates: rows 1-3 deleted from it), completing the entry: nothing left recorded. Now every read
    // of the table through that role is refused by name (the keys stay recorded, verification stops), and once the
    // role bypasses row security the reconciler and resolver converge.
    @ParameterizedTest(name = "PostgreSQL {0}, login role under row security: {1}")
    @CsvSource(delimiter = '~', value = {
        "ASYNC ~ INSERT INTO orders (id, code, qty) VALUES (4, 'q', 400) ~ 1=1 2=2 3=3 4=400",
        "SYNC  ~ INSERT INTO orders (id, code, qty) VALUES (4, 'q', 400) ~ 1=1 2=2 3=3 4=400",
        "ASYNC ~ UPDATE orders SET qty = 300                             ~ 1=300 2=300 3=300",
        "SYNC  ~ UPDATE orders SET qty = 300                             ~ 1=300 2=300 3=300",
        "ASYNC ~ DO $$BEGIN UPDATE orders SET qty = 300; END$$            ~ 1=300 2=300 3=300",
        "SYNC  ~ DO $$BEGIN INSERT INTO orders VALUES (4, 'q', 400); END$$   ~ 1=1 2=2 3=3 4=400"})
    void aLoginRoleUnderRowSecurityIsNamedNotTakenForAbsentRows(MirrorMode mode, String write, String expectedOld)
            throws Exception {
        String role = "app_" + ROLES.incrementAndGet() + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        AtomicReference<HikariDataSource> opened = new AtomicReference<>();
        Fixture.Builder builder = Fixture.builder(Kind.POSTGRES, Kind.H2).mode(mode)
                .wrapOld(loggingInAs(role, opened));
        try (Fixture fixture = Mirrored.seed(builder.build(), Mirrored.PG)) {
            io.dualwrite.jdbc.schema.DualWriteSchema.create(fixture.oldDb.dataSource()); // the verifier's tables
            fixture.onOld("CREATE ROLE " + role + " LOGIN",
                    "GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role,
                    "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO " + role,
                    "GRANT CREATE ON SCHEMA public TO " + role,
                    "ALTER TABLE orders ENABLE ROW LEVEL SECURITY",
                    "CREATE POLICY low_reads ON orders FOR SELECT USING (qty < 100)",
                    "CREATE POLICY any_inserts ON orders FOR INSERT WITH CHECK (true)",
                    "CREATE POLICY any_updates ON orders FOR UPDATE USING (true) WITH CHECK (true)",
                    "CREATE POLICY any_deletes ON orders FOR DELETE USING (true)");
            try {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    statement.execute(write);
                    connection.commit();
                }
                if (mode == MirrorMode.ASYNC) {
                    assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
                }
                assertThat(oldRows(fixture)).isEqualTo(expectedOld);
                var oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
                var newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
                if (!newRows.equals(oldRows)) {
                    assertThat(fixture.records()).as("new %s differs from old %s: something must be recorded",
                            newRows, oldRows).isNotEmpty();
                }
                // the tools as the application builds them, over its own pool: they must not call the stores equal
                // nor "repair" the new store to what the policy lets them see
                Verifier verifier = fixture.verifierOf(fixture.oldStore, fixture.newDb.dataSource());
                RowCopier copier = RowCopier.builder().oldDataSource(fixture.oldStore)
                        .newDataSource(fixture.newDb.dataSource()).build();
                Throwable resolving = null;
                try {
                    if (!fixture.scopedResyncs().isEmpty()) {
                        ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog)
                                .verifier(verifier).repairer(Repairer.of(copier, verifier))
                                .mapping(Fixture.ORDERS).build().resolveOnce();
                    }
                    fixture.reconcilerBuilder().oldDataSource(fixture.oldStore)
                            .resolver(Fixture.MIGRATION, fixture.resolver).build().runOnce();
                } catch (Exception e) {
                    resolving = e;
                }
                var newAfter = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
                if (!newAfter.equals(oldRows)) {
                    assertThat(fixture.records()).as("after the tools, new %s differs from old %s (tools: %s)",
                            newAfter, oldRows, resolving).isNotEmpty();
                }
                assertThat(fixture.records()).as("the tools over the role's pool leave the entries for later (%s)",
                        resolving).isNotEmpty();
                // refused by name: the table, the role and the fix
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> copier.sync(io.dualwrite.Store.OLD,
                                java.util.List.of(new RowCopier.TableKeys(Fixture.ORDERS,
                                        java.util.List.of(io.dualwrite.jdbc.KeyCodec.encode(java.util.List.of(1L))), null))))
                        .hasMessageContaining("row security applies to the role " + role + " on the table orders")
                        .hasMessageContaining("BYPASSRLS");
                // the fix the refusal names: the copier's role bypasses row security; then everything converges (a
                // clock two days on: every entry the tools tried is due again)
                fixture.onOld("ALTER ROLE " + role + " BYPASSRLS");
                java.time.Clock later = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(2));
                if (!fixture.scopedResyncs().isEmpty()) {
                    ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog)
                            .verifier(verifier).repairer(Repairer.of(copier, verifier)).clock(later)
                            .mapping(Fixture.ORDERS).build().resolveOnce();
                }
                if (!fixture.records().isEmpty()) {
                    fixture.reconcilerBuilder().oldDataSource(fixture.oldStore).clock(later)
                            .resolver(Fixture.MIGRATION, fixture.resolver).build().runOnce();
                }
                assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(expectedOld.split(" ").length);
                assertThat(fixture.records()).isEmpty();
            } finally {
                if (opened.get() != null) {
                    opened.get().close();
                }
                fixture.onOld("DROP POLICY low_reads ON orders", "DROP POLICY any_inserts ON orders",
                        "DROP POLICY any_updates ON orders", "DROP POLICY any_deletes ON orders",
                        "ALTER TABLE orders DISABLE ROW LEVEL SECURITY", "DROP OWNED BY " + role, "DROP ROLE " + role);
            }
        }
    }

    // MariaDB (11.2 on lists a session's temporary tables), SYNC: the application's session, lent to the sync after a
    // commit, was found without a temporary table hiding orders at an earlier loan; then the application creates a
    // temporary table orders on it (with rows of its own) and writes that table in a transaction it commits. The
    // library takes the write for one of the mapped table (its keys are synced: harmless, the mapped table is read)
    // but the sync read them on the lent session, whose check was trusted for the catalog refresh (a minute), so it
    // read the temporary table's rows: {@code write} is what the transaction does there.
    @ParameterizedTest(name = "MariaDB SYNC, a temporary orders created after the session's check: {0}")
    @CsvSource(delimiter = '~', value = {
        "UPDATE orders SET qty = 444 WHERE id = 3",
        "INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)",
        "DELETE FROM orders WHERE id = 2",
        "UPDATE orders SET qty = qty + 1"})
    void aTemporaryTableCreatedOnALentSessionIsNeverReadAsTheMappedTable(String write) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.H2).mode(MirrorMode.SYNC).build(),
                Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1"); // a loan: the session checked
                connection.commit();
                connection.setAutoCommit(true);
                statement.execute("CREATE TEMPORARY TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)");
                statement.execute("INSERT INTO orders (id, code, qty) VALUES (2, 'tb', 200), (3, 'tc', 300)");
                connection.setAutoCommit(false);
                statement.execute(write);
                connection.commit();
                connection.setAutoCommit(true);
                // compared before the temporary table is dropped (a DROP of orders records a scoped resync itself)
                var oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
                var newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
                if (!newRows.equals(oldRows)) {
                    assertThat(fixture.records()).as("new %s differs from old %s: something must be recorded",
                            newRows, oldRows).isNotEmpty();
                }
                statement.execute("DROP TEMPORARY TABLE orders");
            }
            assertThat(oldRows(fixture)).isEqualTo("1=10 2=2 3=3");
            Mirrored.exactOrResynced(fixture, "MariaDB temporary orders " + write);
        }
    }
}
