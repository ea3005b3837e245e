package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * More members of the kind "a backfill starts on tables it cannot copy exactly": a new table that cannot take
 * upserts by the mapping's key, and a key that cannot be walked exactly. Each is refused before any row is
 * touched, or, where the tables are fit, copied and compared row by row with plain JDBC.
 */
class NewTableKeyPreflightTest {

    private static List<List<String>> rows(TestDatabase db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(values);
        }
        return rows;
    }

    private static BackfillJob job(TestDatabase old, TestDatabase fresh, TableMapping mapping) {
        return BackfillJob.builder().migration("events").oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(mapping).build();
    }

    @Test
    void postgresNewTableWithoutAKeyOnARenamedColumnIsRefusedBeforeAnyRowIsCopied() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO events VALUES (1, 'a'), (2, 'b')");
            fresh.execute("CREATE TABLE events_v2 (event_id BIGINT NOT NULL, note VARCHAR(20))");
            TableMapping mapping = TableMapping.builder("events").newTable("events_v2").rename("id", "event_id").build();

            assertThatThrownBy(() -> job(old, fresh, mapping).run()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("new table 'events_v2'").hasMessageContaining("no primary key")
                    .hasMessageContaining("[event_id]").hasMessageContaining("ADD PRIMARY KEY (event_id)");
            assertThat(fresh.count("SELECT COUNT(*) FROM events_v2")).as("no row touched").isZero();
        }
    }

    @Test
    void h2NewTableWhosePrimaryKeyIsWiderThanTheMappingsIsRefused() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, kind VARCHAR(10) NOT NULL)",
                    "INSERT INTO events VALUES (1, 'a')");
            fresh.execute("CREATE TABLE events (id BIGINT NOT NULL, kind VARCHAR(10) NOT NULL, PRIMARY KEY (id, kind))");

            assertThatThrownBy(() -> job(old, fresh, TableMapping.identity("events")).run())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("new table 'events'")
                    .hasMessageContaining("primary key [ID, KIND]").hasMessageContaining("ADD UNIQUE (id)");
            assertThat(fresh.count("SELECT COUNT(*) FROM events")).as("no row touched").isZero();
        }
    }

    @Test
    void mariaDbNewTableWithAUniqueKeyOnTheMappingsKeyIsCopiedOnceWhenRunTwice() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO events VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            fresh.execute("CREATE TABLE events (seq BIGINT AUTO_INCREMENT PRIMARY KEY, id BIGINT NOT NULL,"
                    + " note VARCHAR(20), UNIQUE KEY events_id (id))");
            BackfillJob job = job(old, fresh, TableMapping.identity("events"));
            job.run();
            job.resetCheckpoints();
            job.run();

            String sql = "SELECT id, note FROM events ORDER BY id";
            assertThat(rows(fresh, sql)).as("plain JDBC, row by row").isEqualTo(rows(old, sql));
        }
    }

    @Test
    void postgresDoublePrecisionKeyIsRefusedNamingTheColumn() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            for (TestDatabase db : List.of(old, fresh)) {
                db.execute("CREATE TABLE readings (k DOUBLE PRECISION PRIMARY KEY, note VARCHAR(20))");
            }
            old.execute("INSERT INTO readings VALUES (0.1, 'a'), (0.3, 'b')");

            assertThatThrownBy(() -> BackfillJob.builder().migration("readings").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(TableMapping.builder("readings").primaryKey("k").build())
                    .build().run()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("old table 'readings' is keyed by a floating-point column [k]");
            assertThat(fresh.count("SELECT COUNT(*) FROM readings")).as("no row touched").isZero();
        }
    }

    @Test
    void postgresTextKeyIntoAMariaDbKeyThatIgnoresCaseIsRefusedNamingTheFix() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO codes VALUES ('x', 'lower'), ('X', 'upper')");
            fresh.execute("CREATE TABLE codes (code VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, note VARCHAR(20))");

            assertThatThrownBy(() -> BackfillJob.builder().migration("codes").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(TableMapping.builder("codes").primaryKey("code").build())
                    .build().run()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("key column code compares text ignoring case")
                    .hasMessageContaining("utf8mb4_bin");
            assertThat(fresh.count("SELECT COUNT(*) FROM codes")).as("no row touched").isZero();
        }
    }

    @Test
    void mariaDbKeysThatIgnoreCaseOnBothSidesAreCopiedRowByRow() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE codes (code VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO codes VALUES ('x', 'lower'), ('Y', 'upper')");
            fresh.execute("CREATE TABLE codes (code VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY, note VARCHAR(20))");
            BackfillJob.builder().migration("codes").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.builder("codes").primaryKey("code").build()).build().run();

            String sql = "SELECT HEX(code) AS code, note FROM codes ORDER BY HEX(code)";
            assertThat(rows(fresh, sql)).as("plain JDBC, row by row").isEqualTo(rows(old, sql)).hasSize(2);
        }
    }
}
