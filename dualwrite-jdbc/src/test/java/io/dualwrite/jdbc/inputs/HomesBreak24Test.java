package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mapped tables' homes, twenty-fourth break (round 23's {@code OwnTable.homeOf}, attacked): an H2 database whose
 * URL folds names to lower case ({@code DATABASE_TO_LOWER}, as the compatibility modes are used) or keeps them as
 * written, or names the schema its sessions start in ({@code SCHEMA=}), holds the mapped table in its home and a
 * table of the same name (a decoy, other rows under the same keys) in another schema, and the copier's pools leave
 * their sessions in the decoy's schema ({@code SET SCHEMA}). The reconciler must read and write the homes only. Each
 * test ends comparing both homes row by row with plain JDBC on fresh sessions, and the decoys as they were.
 */
class HomesBreak24Test {

    private static final String MIGRATION = "b24";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private static HikariDataSource pool(String url, String initSql) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setMaximumPoolSize(3);
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        return new HikariDataSource(config);
    }

    private static void execute(HikariDataSource pool, String... sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String one : sql) {
                statement.execute(one);
            }
        }
    }

    private static List<String> rows(HikariDataSource pool, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getLong(1) + "|" + result.getString(2) + "|" + result.getInt(3));
            }
        }
        return rows;
    }

    private static Switchboard dualWrite() {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
        return Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(MIGRATION)).build();
    }

    // Failed before the fix (the first four): with DATABASE_TO_LOWER the main schema is "public", and the home rule
    // looked for "PUBLIC" (the URL's SCHEMA setting, which H2's driver never reports, else PUBLIC as written): with
    // two holders no home was found and the name was left to the session, which the pool had left in the decoy's
    // schema: the reconciler read the decoy's row 1 (qty 999) as the old row, wrote the new store's decoy (the home
    // kept 1, 2, 3), and completed the entries. The last two held before (the default folding, a decoy schema in either case).
    @ParameterizedTest(name = "H2 {0}: the reconciler reads and writes the homes, not the decoys in {2}")
    @CsvSource(delimiter = '|', value = {
        ";DATABASE_TO_LOWER=TRUE|public|side",
        ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH|public|side",
        ";MODE=MariaDB;DATABASE_TO_LOWER=TRUE|public|side",
        ";DATABASE_TO_LOWER=TRUE|public|Side",
        ";DB_CLOSE_ON_EXIT=FALSE|PUBLIC|side",
        ";DB_CLOSE_ON_EXIT=FALSE|PUBLIC|SIDE",
    })
    void theReconcilerOnSessionsLeftInTheDecoysSchemaUsesTheHomes(String settings, String home, String decoy)
            throws Exception {
        int n = SEQUENCE.incrementAndGet();
        String oldUrl = "jdbc:h2:mem:b24_old_" + n + ";DB_CLOSE_DELAY=-1";
        String newUrl = "jdbc:h2:mem:b24_new_" + n + ";DB_CLOSE_DELAY=-1";
        // the schemas first, on a URL without the settings that name one that does not exist yet
        try (HikariDataSource plainOld = pool(oldUrl + settings.replaceAll(";(?i)schema=[^;]*", ""), null);
             HikariDataSource plainNew = pool(newUrl + settings.replaceAll(";(?i)schema=[^;]*", ""), null)) {
            for (HikariDataSource plain : List.of(plainOld, plainNew)) {
                String table = plain == plainOld ? "orders" : "orders_v2";
                String qty = plain == plainOld ? "qty" : "quantity";
                execute(plain, "CREATE SCHEMA IF NOT EXISTS \"" + home + "\"",
                        "CREATE SCHEMA IF NOT EXISTS \"" + decoy + "\"",
                        "CREATE TABLE \"" + home + "\"." + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20), "
                                + qty + " INT)",
                        "CREATE TABLE \"" + decoy + "\"." + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20), "
                                + qty + " INT)",
                        "INSERT INTO \"" + home + "\"." + table + " VALUES (1, 'c1', 1), (2, 'c2', 2), (3, 'c3', 3)",
                        "INSERT INTO \"" + decoy + "\"." + table + " VALUES (1, 'decoy', 999), (2, 'decoy', 998)");
            }
            execute(plainOld, "UPDATE \"" + home + "\".orders SET qty = 100 WHERE id = 1",
                    "DELETE FROM \"" + home + "\".orders WHERE id = 2",
                    "INSERT INTO \"" + home + "\".orders VALUES (5, 'c5', 5)");
        }
        String leave = "SET SCHEMA \"" + decoy + "\"";
        try (HikariDataSource oldStore = pool(oldUrl + settings, leave);
             HikariDataSource newStore = pool(newUrl + settings, leave);
             HikariDataSource checkOld = pool(oldUrl, null);
             HikariDataSource checkNew = pool(newUrl, null)) {
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            changeLog.record(MIGRATION, "orders", "1", Operation.UPDATE, "test");
            changeLog.record(MIGRATION, "orders", "2", Operation.DELETE, "test");
            changeLog.record(MIGRATION, "orders", "5", Operation.INSERT, "test");
            Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore).newDataSource(newStore)
                    .mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite()).build().runOnce();
            assertThat(changeLog.pendingCount(MIGRATION)).as("every entry done").isZero();
            List<String> old = rows(checkOld, "SELECT id, code, qty FROM \"" + home + "\".orders ORDER BY id");
            assertThat(old).containsExactly("1|c1|100", "3|c3|3", "5|c5|5");
            assertThat(rows(checkNew, "SELECT id, code, quantity FROM \"" + home + "\".orders_v2 ORDER BY id"))
                    .as("the new store's home, row by row").isEqualTo(old);
            assertThat(rows(checkOld, "SELECT id, code, qty FROM \"" + decoy + "\".orders ORDER BY id"))
                    .as("the old store's decoy").containsExactly("1|decoy|999", "2|decoy|998");
            assertThat(rows(checkNew, "SELECT id, code, quantity FROM \"" + decoy + "\".orders_v2 ORDER BY id"))
                    .as("the new store's decoy").containsExactly("1|decoy|999", "2|decoy|998");
        }
    }
    // Failed before the fix: the verification compared the decoys (equal to each other), and reported CLEAN with a
    // row of the new store's home changed and another deleted.
    @org.junit.jupiter.api.Test
    void aVerificationAndRepairOnLowerCaseH2SessionsLeftInTheDecoysSchemaUseTheHomes() throws Exception {
        int n = SEQUENCE.incrementAndGet();
        String settings = ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        String oldUrl = "jdbc:h2:mem:b24_vold_" + n + settings;
        String newUrl = "jdbc:h2:mem:b24_vnew_" + n + settings;
        try (HikariDataSource plainOld = pool(oldUrl, null); HikariDataSource plainNew = pool(newUrl, null)) {
            io.dualwrite.jdbc.schema.DualWriteSchema.create(plainOld);
            for (HikariDataSource plain : List.of(plainOld, plainNew)) {
                String table = plain == plainOld ? "orders" : "orders_v2";
                String qty = plain == plainOld ? "qty" : "quantity";
                execute(plain, "CREATE SCHEMA side",
                        "CREATE TABLE public." + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20), " + qty + " INT)",
                        "CREATE TABLE side." + table + " (id BIGINT PRIMARY KEY, code VARCHAR(20), " + qty + " INT)",
                        "INSERT INTO public." + table + " SELECT \"X\", 'c' || \"X\", \"X\" FROM SYSTEM_RANGE(1, 12)",
                        "INSERT INTO side." + table + " VALUES (1, 'decoy', 999), (2, 'decoy', 998)");
            }
            verifyAndRepair(plainOld, plainNew, pool(oldUrl, "SET SCHEMA side"), pool(newUrl, "SET SCHEMA side"));
        }
    }

    private static void verifyAndRepair(HikariDataSource plainOld, HikariDataSource plainNew,
                                        HikariDataSource oldStore, HikariDataSource newStore) throws Exception {
        try (oldStore; newStore) {
            io.dualwrite.jdbc.verify.Verifier verifier = io.dualwrite.jdbc.verify.Verifier.builder()
                    .oldDataSource(oldStore).newDataSource(newStore).results(plainOld).build();
            io.dualwrite.jdbc.verify.VerificationJob job = io.dualwrite.jdbc.verify.VerificationJob.builder(MIGRATION)
                    .table(Fixture.ORDERS).build();
            assertThat(verifier.verify(job).clean()).as("the homes are equal").isTrue();
            execute(plainNew, "UPDATE public.orders_v2 SET quantity = 0 WHERE id = 7",
                    "DELETE FROM public.orders_v2 WHERE id = 8");
            io.dualwrite.jdbc.verify.VerificationResult dirty = verifier.verify(job);
            assertThat(dirty.clean()).as("the homes differ").isFalse();
            io.dualwrite.jdbc.verify.Repairer.of(io.dualwrite.jdbc.copy.RowCopier.builder().oldDataSource(oldStore)
                    .newDataSource(newStore).build(), verifier).repair(job, dirty);
            List<String> old = rows(plainOld, "SELECT id, code, qty FROM public.orders ORDER BY id");
            assertThat(old).hasSize(12);
            assertThat(rows(plainNew, "SELECT id, code, quantity FROM public.orders_v2 ORDER BY id"))
                    .as("the new store's home, row by row").isEqualTo(old);
            assertThat(rows(plainNew, "SELECT id, code, quantity FROM side.orders_v2 ORDER BY id"))
                    .as("the new store's decoy").containsExactly("1|decoy|999", "2|decoy|998");
        }
    }
    // Held (no fix needed): a MariaDB URL naming no database (the pool's init SQL chooses it) whose parameters hold a
    // path ("serverSslCert=/side_db/ca.pem") could be read as naming the path's first part as its database, which holds
    // a table of the same name; MariaDB's driver reports its URL rebuilt with a "/" after the hosts
    // ("…:port/?user=…&serverSslCert=…"), so no database is read from it and the home is the session's current one.
    @org.junit.jupiter.api.Test
    void aMariadbUrlWithoutADatabaseWhoseParametersHoldAPathHasNoDatabaseOfThatName() throws Exception {
        try (io.dualwrite.jdbc.testing.TestDatabase home = io.dualwrite.jdbc.testing.TestDatabases.create(
                io.dualwrite.jdbc.testing.TestDatabases.Kind.MARIADB);
             io.dualwrite.jdbc.testing.TestDatabase side = io.dualwrite.jdbc.testing.TestDatabases.create(
                     io.dualwrite.jdbc.testing.TestDatabases.Kind.MARIADB);
             io.dualwrite.jdbc.testing.TestDatabase newDb = io.dualwrite.jdbc.testing.TestDatabases.create(
                     io.dualwrite.jdbc.testing.TestDatabases.Kind.H2)) {
            home.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)",
                    "INSERT INTO orders VALUES (1, 'c1', 100), (3, 'c3', 3)");
            side.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)",
                    "INSERT INTO orders VALUES (1, 'decoy', 999), (3, 'decoy', 998)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 'c1', 1), (3, 'c3', 3)");
            String url = home.pool().getJdbcUrl();
            String server = url.substring(0, url.indexOf('/', "jdbc:mariadb://".length()));
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(server + "?sslMode=disable&serverSslCert=/" + side.name() + "/ca.pem");
            config.setUsername(home.pool().getUsername());
            config.setMaximumPoolSize(3);
            config.setConnectionInitSql("USE " + home.name());
            try (HikariDataSource oldStore = new HikariDataSource(config)) {
                InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                changeLog.record(MIGRATION, "orders", "1", Operation.UPDATE, "test");
                Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore).newDataSource(newDb.dataSource())
                        .mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite()).build().runOnce();
                assertThat(changeLog.pendingCount(MIGRATION)).as("every entry done").isZero();
            }
            assertThat(Rows.assertSame(home, "SELECT id, code, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(2);
            assertThat(Rows.of(side, "SELECT qty FROM orders ORDER BY id")).as("the decoy")
                    .containsExactly(Rows.expected("qty", 999), Rows.expected("qty", 998));
        }
    }
    // Failed before the fix (both): a PostgreSQL login role whose sessions start as another role (ALTER ROLE … SET role, as a
    // login-role-and-application-role setup does), the search_path "$user", public: the application's unqualified
    // name reaches the application role's schema, but the home rule read "$user" as the login role (session_user),
    // found no such schema among the holders, and took public, where a table of the same name holds other rows: the
    // reconciler copied the decoy's row 1 (qty 999) into the new store.
    @ParameterizedTest(name = "the role set {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"for the login role", "for the login role in the database"})
    void aPostgresSearchPathUserIsTheRoleSessionsStartAs(String where) throws Exception {
        // roles belong to the server, which other tests of this JVM share: names of this test's own
        String suffix = Long.toString(System.nanoTime(), 36);
        String login = "b24_login_" + suffix;
        String app = "b24_app_" + suffix;
        try (io.dualwrite.jdbc.testing.TestDatabase old = io.dualwrite.jdbc.testing.TestDatabases.create(
                io.dualwrite.jdbc.testing.TestDatabases.Kind.POSTGRES);
             io.dualwrite.jdbc.testing.TestDatabase newDb = io.dualwrite.jdbc.testing.TestDatabases.create(
                     io.dualwrite.jdbc.testing.TestDatabases.Kind.H2)) {
            old.execute("CREATE ROLE " + app, "CREATE ROLE " + login + " LOGIN IN ROLE " + app,
                    "ALTER ROLE " + login + (where.endsWith("database") ? " IN DATABASE " + old.name() : "")
                            + " SET role = '" + app + "'",
                    "CREATE SCHEMA " + app + " AUTHORIZATION " + app,
                    "CREATE TABLE " + app + ".orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)",
                    "INSERT INTO " + app + ".orders VALUES (1, 'c1', 100), (3, 'c3', 3)",
                    "CREATE TABLE public.orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)",
                    "INSERT INTO public.orders VALUES (1, 'decoy', 999), (3, 'decoy', 998)",
                    "GRANT ALL ON ALL TABLES IN SCHEMA " + app + " TO " + app,
                    "GRANT ALL ON public.orders TO " + app);
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 'c1', 1), (3, 'c3', 3)");
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(old.pool().getJdbcUrl().replaceAll("[?&]user=[^&]*", "")); // the login role's sessions
            config.setUsername(login);
            config.setMaximumPoolSize(3);
            config.setConnectionInitSql("SET search_path TO public");
            try (HikariDataSource oldStore = new HikariDataSource(config)) {
                InMemoryChangeLog changeLog = ChangeLogs.inMemory();
                changeLog.record(MIGRATION, "orders", "1", Operation.UPDATE, "test");
                Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore).newDataSource(newDb.dataSource())
                        .mapping(Fixture.ORDERS).resolver(MIGRATION, dualWrite()).build().runOnce();
                assertThat(changeLog.pendingCount(MIGRATION)).as("every entry done").isZero();
            }
            assertThat(Rows.assertSame(old, "SELECT id, code, qty FROM " + app + ".orders ORDER BY id",
                    newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id")).hasSize(2);
            assertThat(Rows.of(old, "SELECT qty FROM public.orders ORDER BY id")).as("the decoy")
                    .containsExactly(Rows.expected("qty", 999), Rows.expected("qty", 998));
            old.execute("DROP OWNED BY " + login + " CASCADE", "DROP SCHEMA " + app + " CASCADE",
                    "DROP OWNED BY " + app + " CASCADE", "DROP ROLE " + login, "DROP ROLE " + app);
        }
    }
    // Failed before the fix (both): the library's own tables, held in the main schema and (another environment's) in
    // side; on H2 their home among several holders was the session's current schema, so the change log on a pool
    // whose sessions an earlier borrower left in side recorded its entry into side's table, where the other
    // environment's reconciler claims it and this one never sees it. Now by the mapped tables' rule: the main schema.
    @ParameterizedTest(name = "H2 {0}: the change log records into the main schema''s table")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", ";DATABASE_TO_LOWER=TRUE"})
    void theChangeLogOnH2SessionsLeftInAnotherSchemaHoldingItsTablesRecordsInTheMainSchema(String settings)
            throws Exception {
        String url = "jdbc:h2:mem:b24_own_" + SEQUENCE.incrementAndGet() + ";DB_CLOSE_DELAY=-1" + settings;
        try (HikariDataSource plain = pool(url, null)) {
            io.dualwrite.jdbc.schema.DualWriteSchema.create(plain);
            execute(plain, "CREATE SCHEMA side");
            try (HikariDataSource inSide = pool(url, "SET SCHEMA side")) {
                io.dualwrite.jdbc.schema.DualWriteSchema.create(inSide); // another environment's tables, in side
                io.dualwrite.jdbc.changelog.JdbcChangeLog.create(inSide)
                        .record(MIGRATION, "orders", "7", Operation.UPDATE, "test");
            }
            String main = settings.isEmpty() ? "PUBLIC" : "public";
            assertThat(count(plain, "SELECT COUNT(*) FROM \"" + main + "\".dualwrite_change_log WHERE row_key = '7'"))
                    .as("the main schema's change log").isEqualTo(1);
            assertThat(count(plain, "SELECT COUNT(*) FROM side.dualwrite_change_log")).as("the other one").isZero();
        }
    }

    private static long count(HikariDataSource pool, String sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
