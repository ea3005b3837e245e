package io.dualwrite.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DualWriteSchemaTest {

    private static SchemaScript scriptOf(TestDatabases.Kind kind) {
        return switch (kind) {
            case H2 -> SchemaScript.H2;
            case POSTGRES -> SchemaScript.POSTGRESQL;
            case MARIADB -> SchemaScript.MARIADB;
        };
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void createIsIdempotentAndKeepsExistingRows(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind)) {
            DualWriteSchema.create(db.dataSource());
            db.execute("INSERT INTO dualwrite_order_pin (migration, order_id, merchant_id, phase, pinned_at)"
                    + " VALUES ('m', 'o1', 'x', 'DUAL_WRITE', CURRENT_TIMESTAMP)");

            DualWriteSchema.create(db.dataSource());

            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_order_pin")).isEqualTo(1);
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_switch")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_change_log")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theScriptIsChosenByTheRealServer(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind); Connection connection = db.dataSource().getConnection()) {
            assertThat(SchemaScript.of(connection)).isEqualTo(scriptOf(kind));
        }
    }

    @Test
    void scriptsAreOfferedPerDatabaseWithoutComments() {
        for (SchemaScript script : SchemaScript.values()) {
            assertThat(script.resourcePath()).startsWith("io/dualwrite/jdbc/schema/").endsWith(".sql");
            assertThat(script.text()).contains("dualwrite_change_log");
            assertThat(script.statements())
                    .allSatisfy(sql -> assertThat(sql).doesNotContain("--").doesNotEndWith(";"))
                    .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE IF NOT EXISTS dualwrite_switch"));
        }
        assertThat(SchemaScript.POSTGRESQL.statements()).hasSize(11);
        assertThat(SchemaScript.MYSQL.statements()).hasSize(6)
                .allSatisfy(sql -> assertThat(sql).endsWith("COLLATE = utf8mb4_0900_bin"));
        assertThat(SchemaScript.MARIADB.statements())
                .containsExactlyElementsOf(SchemaScript.MYSQL.statements().stream()
                        .map(sql -> sql.replace("utf8mb4_0900_bin", "utf8mb4_nopad_bin")).toList());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void verifyNamesEveryMissingTableAndTheScriptOfTheDatabase(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind)) {
            assertThatThrownBy(() -> DualWriteSchema.verify(db.dataSource()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("missing: dualwrite_switch, dualwrite_order_pin, dualwrite_change_log,"
                            + " dualwrite_verification")
                    .hasMessageContaining("DualWriteSchema.create(dataSource)")
                    .hasMessageContaining(scriptOf(kind).resourcePath());

            DualWriteSchema.create(db.dataSource());
            db.execute("DROP TABLE dualwrite_order_pin");

            assertThatThrownBy(() -> DualWriteSchema.verify(db.dataSource()))
                    .hasMessageContaining("missing: dualwrite_order_pin;").hasMessageNotContaining("dualwrite_switch");
            assertThatCode(() -> DualWriteSchema.verify(db.dataSource(),
                    List.of(DualWriteSchema.SWITCH_TABLE, DualWriteSchema.CHANGE_LOG_TABLE))).doesNotThrowAnyException();
            DualWriteSchema.create(db.dataSource());
            assertThatCode(() -> DualWriteSchema.verify(db.dataSource())).doesNotThrowAnyException();
        }
    }

    @Test
    void verifyRefusesTablesThatAreNotDualwrites() {
        try (TestDatabase db = TestDatabases.h2()) {
            assertThatThrownBy(() -> DualWriteSchema.verify(db.dataSource(), List.of("orders")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tables must name some of [dualwrite_switch, dualwrite_order_pin,"
                            + " dualwrite_change_log, dualwrite_verification, dualwrite_backfill_checkpoint,"
                            + " dualwrite_verification_checkpoint],"
                            + " but was [orders]");
        }
    }

    @Test
    void verifyNamesMariaDbColumnsThatCompareIdsLooselyAndTheStatementThatFixesThem() throws SQLException {
        try (TestDatabase db = TestDatabases.mariadb()) {
            // the tables as an earlier script made them: the server's default, case-insensitive collation
            for (String statement : SchemaScript.MARIADB.statements()) {
                db.execute(statement.replace(" COLLATE = utf8mb4_nopad_bin", " COLLATE = utf8mb4_general_ci"));
            }
            db.execute("ALTER TABLE dualwrite_change_log MODIFY claim_token VARCHAR(64) COLLATE utf8mb4_bin");

            assertThatThrownBy(() -> DualWriteSchema.verify(db.dataSource()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dualwrite_switch.subject_id compares with collation utf8mb4_general_ci")
                    .hasMessageContaining("dualwrite_order_pin.order_id compares with collation utf8mb4_general_ci")
                    .hasMessageContaining("dualwrite_change_log.row_key compares with collation utf8mb4_general_ci")
                    .hasMessageContaining("dualwrite_change_log.claim_token compares with collation utf8mb4_bin")
                    .hasMessageContaining("dualwrite_backfill_checkpoint.job_id compares with collation utf8mb4_general_ci")
                    .hasMessageContaining("ALTER TABLE dualwrite_switch CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
                    .hasMessageNotContaining("missing:");

            for (String table : DualWriteSchema.TABLES) {
                db.execute("ALTER TABLE " + table + " CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
            }
            assertThatCode(() -> DualWriteSchema.verify(db.dataSource())).doesNotThrowAnyException();
        }
    }

    @Test
    void mariaDbsAliasOfMySqlsNoPadCollationIgnoresTrailingSpacesSoTheMySqlScriptIsNotUsedThere() {
        try (TestDatabase db = TestDatabases.mariadb()) {
            db.execute("CREATE TABLE probe (id VARCHAR(10) COLLATE utf8mb4_0900_bin PRIMARY KEY)",
                    "INSERT INTO probe VALUES ('m-1')");

            assertThatThrownBy(() -> db.execute("INSERT INTO probe VALUES ('m-1 ')"))
                    .hasMessageContaining("Duplicate entry");
        }
    }

    @Test
    void verifyNamesH2ColumnsThatIgnoreCase() throws SQLException {
        JdbcDataSource ignoringCase = new JdbcDataSource();
        ignoringCase.setURL("jdbc:h2:mem:ignorecase_" + System.nanoTime() + ";IGNORECASE=TRUE;DB_CLOSE_DELAY=-1");
        try (Connection connection = ignoringCase.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : SchemaScript.H2.statements()) {
                statement.execute(sql);   // the script run by hand, without turning the setting off
            }
        }

        assertThatThrownBy(() -> DualWriteSchema.verify(ignoringCase))
                .hasMessageContaining("dualwrite_switch.migration is VARCHAR_IGNORECASE")
                .hasMessageContaining("IGNORECASE=FALSE");
    }

    @Test
    void createOnAnH2DatabaseThatIgnoresCaseMakesCaseSensitiveIdColumnsAndKeepsTheSetting() throws SQLException {
        JdbcDataSource ignoringCase = new JdbcDataSource();
        ignoringCase.setURL("jdbc:h2:mem:ignorecase_" + System.nanoTime() + ";IGNORECASE=TRUE;DB_CLOSE_DELAY=-1");
        DualWriteSchema.create(ignoringCase);

        DualWriteSchema.verify(ignoringCase);
        try (Connection connection = ignoringCase.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO dualwrite_order_pin (migration, order_id, phase, pinned_at)"
                    + " VALUES ('orders', 'M-1', 'DUAL_WRITE', CURRENT_TIMESTAMP)");
            statement.execute("INSERT INTO dualwrite_order_pin (migration, order_id, phase, pinned_at)"
                    + " VALUES ('orders', 'm-1', 'OLD_ONLY', CURRENT_TIMESTAMP)");
            try (ResultSet rows = statement.executeQuery(
                    "SELECT order_id FROM dualwrite_order_pin ORDER BY order_id")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("M-1");
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("m-1");
                assertThat(rows.next()).isFalse();
            }
            statement.execute("CREATE TABLE application_table (name VARCHAR(10))");
            try (ResultSet rows = statement.executeQuery("SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_NAME = 'APPLICATION_TABLE' AND COLUMN_NAME = 'NAME'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).as("the database's own setting is back on").contains("IGNORECASE");
            }
        }
    }

    @Test
    void createByAnH2UserWithoutAdminRightsStillCreatesTheTablesAndVerifyNamesTheColumnsThatIgnoreCase()
            throws SQLException {
        String name = "jdbc:h2:mem:ignorecase_user_" + System.nanoTime();
        JdbcDataSource admin = new JdbcDataSource();
        admin.setURL(name + ";IGNORECASE=TRUE;DB_CLOSE_DELAY=-1");
        admin.setUser("sa");
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE USER app PASSWORD 'app-pw'");
            statement.execute("GRANT ALTER ANY SCHEMA TO app");
        }
        JdbcDataSource app = new JdbcDataSource();
        app.setURL(name);   // settings in the URL would need admin rights too
        app.setUser("app");
        app.setPassword("app-pw");

        try (io.dualwrite.testing.LogCapture log = io.dualwrite.testing.LogCapture.of(DualWriteSchema.class)) {
            DualWriteSchema.create(app);

            assertThat(log.messages(ch.qos.logback.classic.Level.WARN)).singleElement().satisfies(line ->
                    assertThat(line).contains("IGNORECASE=TRUE").contains("SET IGNORECASE FALSE")
                            .contains("io/dualwrite/jdbc/schema/h2.sql"));
        }
        assertThatThrownBy(() -> DualWriteSchema.verify(app))
                .hasMessageContaining("dualwrite_switch.migration is VARCHAR_IGNORECASE");
        DualWriteSchema.create(admin);   // idempotent: the tables exist, nothing is recreated
    }

    @Test
    void aMissingTableIsRecognisedByItsSqlStateOnEveryDatabase() {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.create(kind)) {
                assertThatThrownBy(() -> db.execute("SELECT * FROM dualwrite_switch"))
                        .satisfies(e -> assertThat(DualWriteSchema.isMissingTable((SQLException) e.getCause()))
                                .as("missing on an empty %s", kind).isTrue());
                db.execute("CREATE TABLE other (id INT)");
                assertThatThrownBy(() -> db.execute("SELECT * FROM dualwrite_switch"))
                        .satisfies(e -> assertThat(DualWriteSchema.isMissingTable((SQLException) e.getCause()))
                                .as("missing on %s with other tables", kind).isTrue());
                assertThatThrownBy(() -> db.execute("SELECT nope FROM other"))
                        .satisfies(e -> assertThat(DualWriteSchema.isMissingTable((SQLException) e.getCause()))
                                .as("a missing column on %s is not a missing table", kind).isFalse());
            }
        }
    }
}
