package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Round 23's attack on round 22's home of the library's tables on MySQL/MariaDB (the URL's database, never another
 * database of the server): a database whose name differs from the URL's in case only. Each test reads the library's
 * tables with plain JDBC in the test.
 */
class OwnTablesBreak23Test {

    private static final String MIGRATION = "b23";

    private static HikariDataSource pool(TestDatabase like, String database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(like.pool().getJdbcUrl().replace("/" + like.name() + "?", "/" + database + "?"));
        config.setUsername(like.pool().getUsername());
        config.setPassword(like.pool().getPassword());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    // Failed before the fix: MariaDB on Linux keeps database names by case (lower_case_table_names = 0), so `shop`
    // and `SHOP` are two databases. The application's database (the URL's) has no dualwrite_switch; another database
    // of the same name in capitals (another environment's) has one whose system phase is NEW_PRIMARY. The home was
    // chosen by a case-blind comparison of the URL's database with the catalog's holders, so the switch store read
    // the other database's NEW_PRIMARY as this application's. Now the comparison is exact where the server keeps
    // the case, and the read refuses, naming the missing table; so does the schema check.
    @Test
    void aMariadbSwitchStoreNeverReadsTheTableOfADatabaseNamedLikeItsOwnInAnotherCase() throws Exception {
        try (TestDatabase app = TestDatabases.create(Kind.MARIADB)) {
            String other = app.name().toUpperCase(Locale.ROOT);
            assertThat(other).isNotEqualTo(app.name());
            assertThat(String.valueOf(app.query("SELECT @@lower_case_table_names AS l").get(0).get("l"))).isEqualTo("0");
            app.execute("CREATE DATABASE `" + other + "`");
            try (HikariDataSource elsewhere = pool(app, other)) {
                DualWriteSchema.create(elsewhere);
                JdbcSwitchStore.create(elsewhere).setSystemPhase(MIGRATION, MigrationPhase.NEW_PRIMARY);
                assertThat(app.query("SELECT phase FROM `" + other + "`.dualwrite_switch WHERE migration = '"
                        + MIGRATION + "'")).extracting(row -> String.valueOf(row.get("phase"))).containsExactly("NEW_PRIMARY");
                assertThatThrownBy(() -> JdbcSwitchStore.create(app.dataSource()).load(MIGRATION))
                        .hasMessageContaining("dualwrite_switch");
                assertThatThrownBy(() -> DualWriteSchema.verify(app.dataSource(), List.of("dualwrite_switch")))
                        .hasMessageContaining("missing: dualwrite_switch");
            } finally {
                app.execute("DROP DATABASE `" + other + "`");
            }
        }
    }

    // Failed before the fix too: both databases hold the table, and the home was the first holder the catalog listed
    // that matched case-blind, here the other one: the switch store of the application's own data source wrote its
    // DUAL_WRITE into the other database's table (over its NEW_PRIMARY) and read it from there. Now the URL's database,
    // in its own case, is the home.
    @Test
    void aMariadbSwitchStoreReadsItsOwnDatabasesTableBesideOneNamedInAnotherCase() throws Exception {
        try (TestDatabase app = TestDatabases.createWithDualWriteSchema(Kind.MARIADB)) {
            String other = app.name().toUpperCase(Locale.ROOT);
            app.execute("CREATE DATABASE `" + other + "`");
            try (HikariDataSource elsewhere = pool(app, other)) {
                DualWriteSchema.create(elsewhere);
                JdbcSwitchStore.create(elsewhere).setSystemPhase(MIGRATION, MigrationPhase.NEW_PRIMARY);
                JdbcSwitchStore.create(app.dataSource()).setSystemPhase(MIGRATION, MigrationPhase.DUAL_WRITE);
                assertThat(JdbcSwitchStore.create(app.dataSource()).load(MIGRATION).systemPhase())
                        .isEqualTo(MigrationPhase.DUAL_WRITE);
                assertThat(app.query("SELECT phase FROM dualwrite_switch WHERE migration = '" + MIGRATION + "'"))
                        .extracting(row -> String.valueOf(row.get("phase"))).containsExactly("DUAL_WRITE");
                assertThat(app.query("SELECT phase FROM `" + other + "`.dualwrite_switch WHERE migration = '"
                        + MIGRATION + "'")).extracting(row -> String.valueOf(row.get("phase"))).containsExactly("NEW_PRIMARY");
            } finally {
                app.execute("DROP DATABASE `" + other + "`");
            }
        }
    }
}
