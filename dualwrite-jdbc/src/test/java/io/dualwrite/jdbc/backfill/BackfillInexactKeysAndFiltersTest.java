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
 * Backfill preflight accepting new tables whose key does not tell the mapping's keys apart,
 * and merchant filters that are not exact.
 */
class BackfillInexactKeysAndFiltersTest {

    private static List<List<String>> rows(TestDatabase db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<String> values = new ArrayList<>();
            row.values().forEach(value -> values.add(String.valueOf(value)));
            rows.add(values);
        }
        return rows;
    }

    /** Runs the job (twice, resetting checkpoints); refused before any row, or the new table equals the old one. */
    private static void refusedOrCopied(TestDatabase old, TestDatabase fresh, TableMapping mapping, String oldSql,
                                        String newSql, String newTable) throws Exception {
        BackfillJob job = BackfillJob.builder().migration("m").oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(mapping).build();
        boolean refused = false;
        try {
            job.run();
            job.resetCheckpoints();
            job.run();
        } catch (IllegalStateException e) {
            refused = true;
        }
        if (refused) {
            assertThat(fresh.count("SELECT COUNT(*) FROM " + newTable)).as("no row touched").isZero();
        } else {
            assertThat(rows(fresh, newSql)).as("plain JDBC, row by row").isEqualTo(rows(old, oldSql));
        }
    }

    // Failed before its fix: a new table whose only unique key is a prefix index of the key column is accepted
    // Input: MariaDB -> MariaDB, mapping key code; old items (code VARCHAR(20) PRIMARY KEY) rows 'abc-1' a, 'abc-2' b,
    //   'xyz-1' c; new items has only UNIQUE KEY (code(3)) -- a 3-character prefix.
    // Expected: refused before any row is copied (the new key is not the mapping's), or the new table equal row by row.
    // Before its fix: the job runs; the upsert of 'abc-2' conflicts on the prefix and overwrites row 'abc-1': the new table
    //   holds ('abc-1', 'b'), ('xyz-1', 'c') -- a row lost, another corrupted. Kind 5 (backfill preflight, new key).
    @Test
    void mariadbNewTableWhoseUniqueKeyIsAPrefixOfTheKeyColumnIsRefusedOrCopiedWhole() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES ('abc-1', 'a'), ('abc-2', 'b'), ('xyz-1', 'c')");
            fresh.execute("CREATE TABLE items (code VARCHAR(20) NOT NULL, note VARCHAR(20), UNIQUE KEY (code(3)))");
            String sql = "SELECT code, note FROM items ORDER BY code";
            refusedOrCopied(old, fresh, TableMapping.builder("items").primaryKey("code").build(), sql, sql, "items");
        }
    }

    // Failed before its fix: a new key column with a case-insensitive collation under a binary old key is accepted
    // Input: MariaDB -> MariaDB; old items.code utf8mb4_bin PRIMARY KEY with 'a', 'A', 'b'; new items.code
    //   utf8mb4_general_ci PRIMARY KEY.
    // Expected: refused before any row is copied (the new key does not tell the old keys apart), or equal row by row.
    // Before its fix: the job runs; 'A' lands on 'a''s row: the new table has 2 rows for 3 (one key's row lost).
    //   Kind 5 (backfill preflight: new key equal to the mapping's).
    @Test
    void mariadbNewKeyCaseInsensitiveWhereTheOldIsBinaryIsRefusedOrCopiedWhole() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE items (code VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES ('a', 'lower'), ('A', 'upper'), ('b', 'other')");
            fresh.execute("CREATE TABLE items (code VARCHAR(20) COLLATE utf8mb4_general_ci PRIMARY KEY, note VARCHAR(20))");
            String sql = "SELECT HEX(code) AS code, note FROM items ORDER BY HEX(code)";
            refusedOrCopied(old, fresh, TableMapping.builder("items").primaryKey("code").build(), sql, sql, "items");
        }
    }

    // Failed before its fix: a new table whose only unique index on the key is partial passes the preflight
    // Input: PostgreSQL -> PostgreSQL, mapping key id; new items has no primary key, only CREATE UNIQUE INDEX ... ON
    //   items (id) WHERE note IS NOT NULL.
    // Expected: refused at the start (IllegalStateException naming the new table's key) before any row, as a missing key is.
    // Before its fix: the preflight accepts it and the run fails on its first chunk: BackfillException ... PSQLException "there is
    //   no unique or exclusion constraint matching the ON CONFLICT specification". Kind 5 (backfill preflight).
    @Test
    void postgresNewTableKeyedByAPartialUniqueIndexIsRefusedOrCopiedWhole() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE items (id BIGINT PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO items VALUES (1, 'a'), (2, NULL), (3, 'c')");
            fresh.execute("CREATE TABLE items (id BIGINT NOT NULL, note VARCHAR(20))",
                    "CREATE UNIQUE INDEX items_id_noted ON items (id) WHERE note IS NOT NULL");
            String sql = "SELECT id, note FROM items ORDER BY id";
            refusedOrCopied(old, fresh, TableMapping.identity("items"), sql, sql, "items");
        }
    }

    // Failed before its fix: a merchant-scoped backfill on a citext merchant column copies another merchant's rows
    // Input: PostgreSQL -> PostgreSQL; old orders.merchant_id citext, rows (1, 'm-1'), (2, 'M-1'), (3, 'm-2');
    //   BackfillScope.merchant("m-1").
    // Expected (the merchant filter compares exactly): only row 1 copied.
    // Before its fix: rows 1 and 2 copied (the filter's '=' on citext ignores case; the ICU-collation case was fixed, citext not).
    //   Kind 5 (merchant filters exact).
    @Test
    void postgresCitextMerchantScopedBackfillCopiesOnlyThatMerchant() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE EXTENSION IF NOT EXISTS citext",
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id citext, note VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'M-1', 'b'), (3, 'm-2', 'c')");
            fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
            BackfillJob.builder().migration("orders").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.builder("orders").merchantIdColumn("merchant_id").build())
                    .scope(BackfillScope.merchant("m-1")).build().run();
            assertThat(rows(fresh, "SELECT id, merchant_id, note FROM orders ORDER BY id")).as("plain JDBC, row by row")
                    .isEqualTo(rows(old, "SELECT id, merchant_id::text, note FROM orders WHERE merchant_id::text = 'm-1' ORDER BY id"));
        }
    }

    // Failed before its fix: the same on H2 with a VARCHAR_IGNORECASE merchant column
    // Input: H2 -> H2; old orders.merchant_id VARCHAR_IGNORECASE(20), rows (1, 'm-1'), (2, 'M-1'), (3, 'm-2');
    //   BackfillScope.merchant("m-1").
    // Expected: only row 1 copied. Before its fix: rows 1 and 2 copied. Kind 5 (merchant filters exact).
    @Test
    void h2IgnoreCaseMerchantScopedBackfillCopiesOnlyThatMerchant() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR_IGNORECASE(20), note VARCHAR(20))",
                    "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'M-1', 'b'), (3, 'm-2', 'c')");
            fresh.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
            BackfillJob.builder().migration("orders").oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .mapping(TableMapping.builder("orders").merchantIdColumn("merchant_id").build())
                    .scope(BackfillScope.merchant("m-1")).build().run();
            assertThat(rows(fresh, "SELECT id, merchant_id, note FROM orders ORDER BY id")).as("plain JDBC, row by row")
                    .isEqualTo(rows(old, "SELECT id, CAST(merchant_id AS VARCHAR(20)), note FROM orders"
                            + " WHERE CAST(merchant_id AS VARCHAR(20)) = 'm-1' ORDER BY id"));
        }
    }

    // Failed before its fix: a floating-point key on the new side only is not refused
    // Input: PostgreSQL -> PostgreSQL, mapping key k; old k NUMERIC(30,20) PRIMARY KEY with 0.1, 0.10000000000000000001,
    //   2.75; new k DOUBLE PRECISION PRIMARY KEY.
    // Expected: refused before any row (floating-point keys are refused), or equal row by row.
    // Before its fix: the job runs; both 0.1 keys become the same double, the second overwrites the first: the new table holds
    //   2 rows for 3 (row 'a' lost). Kind 5 (floating-point keys refused).
    @Test
    void newSideDoubleKeyUnderAnExactOldKeyIsRefusedOrCopiedWhole() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE readings (k NUMERIC(30,20) PRIMARY KEY, note VARCHAR(20))",
                    "INSERT INTO readings VALUES (0.1, 'a'), (0.10000000000000000001, 'b'), (2.75, 'c')");
            fresh.execute("CREATE TABLE readings (k DOUBLE PRECISION PRIMARY KEY, note VARCHAR(20))");
            refusedOrCopied(old, fresh, TableMapping.builder("readings").primaryKey("k").build(),
                    "SELECT k::text AS k, note FROM readings ORDER BY k", "SELECT k::numeric(30,20)::text AS k, note FROM readings ORDER BY k",
                    "readings");
        }
    }
}
