package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Backfill inputs. Each test compares both stores row by row with plain JDBC after the job ran
 * (or checks that the job was refused before any row was touched, naming the problem).
 */
class BackfillKeyAndMerchantEdgesTest {

    private static List<List<String>> rows(TestDatabase db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(values);
        }
        return rows;
    }

    // Input: MariaDB -> MariaDB; the new table has no primary key (nor unique key) on the mapping's key `id` (the
    // old one has). The job is run, then run again after resetCheckpoints() (decisions.md: a chunk copied twice
    // is harmless, "a sync by key is idempotent").
    // Expected: the start refused before any row is touched, naming the new table's missing key (the old table's
    // missing key is refused so), or else the new table equal to the old one row by row.
    // Library: the preflight checks only the old table's key; the copier's INSERT … ON DUPLICATE KEY UPDATE has no
    // key to conflict on, so the second run inserts every row again: plain JDBC sees each id twice in the new table.
    // KIND 3: backfill bad input not refused before any row is touched (table without primary key, new side),
    // leading to rows copied twice.
    // Failed before its fix: the new table ends with every row twice
    @Test
    void newTableWithoutAPrimaryKeyIsRefusedOrCopiedOnce() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO events VALUES (1, 'a'), (2, 'b'), (3, 'c')");
            fresh.execute("CREATE TABLE events (id BIGINT NOT NULL, note VARCHAR(20))");
            BackfillJob job = BackfillJob.builder().migration("events").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(TableMapping.identity("events")).build();
            boolean refused = false;
            try {
                job.run();
                job.resetCheckpoints();
                job.run();
            } catch (IllegalStateException e) {
                refused = true;
                assertThat(e.getMessage()).contains("new table").contains("events").contains("primary key");
            }
            String sql = "SELECT id, note FROM events ORDER BY id";
            if (refused) {
                assertThat(fresh.count("SELECT COUNT(*) FROM events")).as("no row touched").isZero();
            } else {
                assertThat(rows(fresh, sql)).as("plain JDBC, row by row").isEqualTo(rows(old, sql));
            }
        }
    }

    // Input: MariaDB -> MariaDB; the new table's primary key is (merchant_id, id) while the mapping (and the old
    // table) key rows by id alone. Row 1 is backfilled under merchant m-1, then moved to merchant m-2 in the old
    // store (a write of the old application, before double writes), and the job is run again after
    // resetCheckpoints().
    // Expected: refused before any row is touched (the new table's key is not the mapping's), or the new table
    // equal to the old one row by row.
    // Library: the upsert conflicts on (merchant_id, id) only, so the second copy inserts (m-2, 1) beside the
    // stale (m-1, 1): plain JDBC sees id 1 twice in the new table.
    // KIND 3: backfill bad input not refused (new key not the mapping's), a row moved to another key copied twice.
    // Failed before its fix: the new table holds id 1 under both merchants
    @Test
    void newTableKeyedOtherwiseThanTheMappingIsRefusedOrCopiedOnce() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20) NOT NULL, note VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'm-1', 'b')");
            fresh.execute("CREATE TABLE orders (id BIGINT NOT NULL, merchant_id VARCHAR(20) NOT NULL, note VARCHAR(20),"
                    + " PRIMARY KEY (merchant_id, id))");
            BackfillJob job = BackfillJob.builder().migration("orders").oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(TableMapping.builder("orders")
                            .merchantIdColumn("merchant_id").build()).build();
            boolean refused = false;
            try {
                job.run();
                old.execute("UPDATE orders SET merchant_id = 'm-2' WHERE id = 1");
                job.resetCheckpoints();
                job.run();
            } catch (IllegalStateException e) {
                refused = true;
                assertThat(e.getMessage()).contains("new table").contains("primary key");
            }
            String sql = "SELECT id, merchant_id, note FROM orders ORDER BY id, merchant_id";
            if (refused) {
                assertThat(fresh.count("SELECT COUNT(*) FROM orders")).as("no row touched").isZero();
            } else {
                assertThat(rows(fresh, sql)).as("plain JDBC, row by row").isEqualTo(rows(old, sql));
            }
        }
    }

    // Input: PostgreSQL -> PostgreSQL; the old merchant column uses a nondeterministic (case-insensitive ICU)
    // collation, rows (1, 'm-1'), (2, 'M-1'), (3, 'm-2'); a merchant-scoped backfill of merchant 'm-1'.
    // Expected (decisions.md "The merchant filter compares exactly"; to the switches 'M-1' is another merchant):
    // only row 1 copied. Plain JDBC: the new table holds exactly the old rows whose merchant_id is 'm-1'.
    // Library: the walk's merchant filter is `merchant_id = ?` on PostgreSQL, which this collation answers
    // case-insensitively, so merchant M-1's row 2 is copied too.
    // KIND 3: merchant-scoped backfill copying another merchant's row.
    // Failed before its fix: merchant M-1's row is copied by merchant m-1's backfill
    @Test
    void merchantScopedBackfillOnACaseInsensitivePostgresColumnCopiesOnlyThatMerchant() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE COLLATION r19c_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20) COLLATE r19c_ci, note VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'M-1', 'b'), (3, 'm-2', 'c')");
            fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
            BackfillJob.builder().migration("orders").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.builder("orders").merchantIdColumn("merchant_id").build())
                    .scope(BackfillScope.merchant("m-1")).build().run();

            assertThat(rows(fresh, "SELECT id, merchant_id, note FROM orders ORDER BY id")).as("plain JDBC, row by row")
                    .isEqualTo(rows(old, "SELECT id, merchant_id, note FROM orders WHERE merchant_id COLLATE \"C\" = 'm-1'"
                            + " ORDER BY id"));
        }
    }

    // Input: old MariaDB table in a latin1 charset (as old schemas are) -> new PostgreSQL; merchant 'Zoë' (a
    // non-ASCII id) has rows 1 and 2, merchant 'm-2' row 3; a merchant-scoped backfill of merchant 'Zoë'.
    // Expected: rows 1 and 2 copied. Plain JDBC: the new table holds the old rows whose merchant_id = 'Zoë'.
    // Library: the walk's exact filter CAST(merchant_id AS BINARY) = CAST(? AS BINARY) compares the column's
    // latin1 bytes (5A 6F EB) with the parameter's utf8mb4 bytes (5A 6F C3 AB): no row matches, the job reports
    // success and copies nothing.
    // KIND 3: merchant-scoped backfill skipping its merchant's rows (old MariaDB with a non-UTF-8 charset).
    // Failed before its fix: nothing is copied for a merchant id with a non-ASCII letter on a latin1 table
    @Test
    void merchantScopedBackfillOfALatin1MariaDbTableCopiesANonAsciiMerchantsRows() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))"
                            + " DEFAULT CHARSET = latin1",
                    "INSERT INTO orders VALUES (1, 'Zoë', 'a'), (2, 'Zoë', 'b'), (3, 'm-2', 'c')");
            fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
            BackfillJob.builder().migration("orders").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.builder("orders").merchantIdColumn("merchant_id").build())
                    .scope(BackfillScope.merchant("Zoë")).build().run();

            assertThat(rows(fresh, "SELECT id, merchant_id, note FROM orders ORDER BY id")).as("plain JDBC, row by row")
                    .isEqualTo(rows(old, "SELECT id, merchant_id, note FROM orders WHERE merchant_id = 'Zoë' ORDER BY id"))
                    .hasSize(2);
        }
    }

    // Input: MariaDB -> MariaDB, a table keyed by a FLOAT (an old schema's measurement key) with keys 0.1, 0.5 and
    // 2.75. Backfill of the whole table.
    // Expected: the three rows copied (plain JDBC: new rows = old rows), or the start refused naming the
    // floating-point key (as the verification tools refuse it, decisions.md).
    // Actual: the job runs to its end without error and the row keyed 0.1 (a FLOAT that is not exactly 0.1) is not
    // in the new table; 0.5 and 2.75 (exact binary fractions) are: the walk's key text does not find its row again.
    // KIND 3: backfill of a key shape: rows skipped silently, and the input is not refused before the start.
    // Failed before its fix: the FLOAT key 0.1 is skipped silently
    @Test
    void floatKeyedTableIsCopiedWholeOrRefused() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE readings (k FLOAT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO readings VALUES (0.1, 'a'), (0.5, 'b'), (2.75, 'c')");
            fresh.execute("CREATE TABLE readings (k FLOAT PRIMARY KEY, note VARCHAR(20))");
            boolean refused = false;
            try {
                BackfillJob.builder().migration("readings").oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).mapping(TableMapping.builder("readings").primaryKey("k").build())
                        .build().run();
            } catch (IllegalStateException e) {
                refused = true;
                assertThat(e.getMessage()).contains("k");
            }
            String sql = "SELECT CAST(k AS DOUBLE) AS k, note FROM readings ORDER BY k";
            if (refused) {
                assertThat(fresh.count("SELECT COUNT(*) FROM readings")).as("no row touched").isZero();
            } else {
                assertThat(rows(fresh, sql)).as("plain JDBC, row by row").isEqualTo(rows(old, sql));
            }
        }
    }
}
