package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs against the MySQL/MariaDB upsert guard (a row meeting another on a secondary unique key fails) and the
 * respelling of text keys after the upsert. The right outcome is always: the new store holds exactly the old
 * store's rows, or the sync throws and the new store is unchanged.
 */
class UniqueKeyGuardAndRespellTest extends MariaDbTextTransactionStores {

    private static final TableMapping CODES = TableMapping.builder("codes").primaryKey("code").build();
    private static final String HEX_CODES = "SELECT HEX(code), qty FROM codes ORDER BY HEX(code)";

    /** Runs the sync; success must leave {@code sql} equal on both stores, failure must leave the new store unchanged. */
    private void assertCopiedOrUnchanged(TestDatabase source, List<RowCopier.TableKeys> keys, String oldSql,
                                         String newSql) {
        List<List<Object>> before = table(fresh, newSql);
        SQLException failure = null;
        try {
            RowCopier.builder().oldDataSource(source.dataSource()).newDataSource(target).build().sync(Store.OLD, keys);
        } catch (SQLException e) {
            failure = e;
        }
        if (failure == null) {
            assertThat(table(fresh, newSql)).as("a sync reported as success holds the old rows")
                    .isEqualTo(table(source, oldSql));
        } else {
            assertThat(table(fresh, newSql)).as("a failed sync (%s) wrote nothing", failure.getMessage())
                    .isEqualTo(before);
        }
    }

    private void assertCopiedOrUnchanged(List<RowCopier.TableKeys> keys, String sql) {
        assertCopiedOrUnchanged(old, keys, sql, sql);
    }

    private static void insert(TestDatabase db, String sql, Object... values) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Respelling
    // ---------------------------------------------------------------------------------------------------------

    /** Both stores binary: 'a' and 'A' are two rows in each; synced together they must both be copied. */
    @Test
    void twoCaseSpellingsSyncedTogetherIntoABinaryNewStoreAreBothCopied() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4", "INSERT INTO codes VALUES ('a', 1), ('A', 2)");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        copier(target).sync(Store.OLD, List.of(keys(CODES, "a", "A")));
        assertThat(table(fresh, HEX_CODES)).isEqualTo(table(old, HEX_CODES));
        assertClean(target, "");
    }

    /** Composite key (text, int): ('a', 11) and ('a1', 1) are distinct rows in every collation; both are copied. */
    @Test
    void compositeKeysWhosePartsConcatenateAlikeAreBothCopied() throws Exception {
        TableMapping lines = TableMapping.builder("olines2").primaryKey("code", "n").build();
        old.execute("CREATE TABLE olines2 (code VARCHAR(10) NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (code, n))",
                "INSERT INTO olines2 VALUES ('a', 11, 1), ('a1', 1, 2)");
        fresh.execute("CREATE TABLE olines2 (code VARCHAR(10) NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (code, n))");
        copier(target).sync(Store.OLD, List.of(keys(lines, KeyCodec.encode(List.of("a", 11)),
                KeyCodec.encode(List.of("a1", 1)))));
        String sql = "SELECT HEX(code), n, qty FROM olines2 ORDER BY code, n";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, "");
    }

    /**
     * utf8mb4_general_ci calls every supplementary character (emoji) equal: the new store holds a stale row
     * 'x😁' the old store deleted, the old store holds 'x😀'. The new store must end with 'x😀' only.
     */
    @Test
    void aStaleEmojiSpellingThatGeneralCiCallsEqualIsReplacedByTheOldSpelling() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO codes VALUES (?, 1)", "x\uD83D\uDE00");
        insert(fresh, "INSERT INTO codes VALUES (?, 9)", "x\uD83D\uDE01");
        assertCopiedOrUnchanged(List.of(keys(CODES, "x\uD83D\uDE00")), HEX_CODES);
        assertClean(target, "");
    }

    /**
     * The old store (binary) deleted 'A' and still holds 'a'; the new store (general_ci) holds the copy of 'a'. A
     * sync of 'A' deletes by that key, which the new store's collation matches to the copy of 'a': that copy must
     * stay. Also for an emoji and for 'ß' against 's', which general_ci calls equal too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"a|A", "x\uD83D\uDE00|x\uD83D\uDE01", "s|\u00DF"})
    void aDeletedKeyNeverTakesTheCopyOfAnotherSpellingTheOldStoreStillHolds(String pair) throws Exception {
        String kept = pair.substring(0, pair.indexOf('|'));
        String deleted = pair.substring(pair.indexOf('|') + 1);
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO codes VALUES (?, 1)", kept);
        copier(target).sync(Store.OLD, List.of(keys(CODES, kept)));

        copier(target).sync(Store.OLD, List.of(keys(CODES, deleted)));

        assertThat(fresh.query(HEX_CODES)).as("the new store's rows").isEqualTo(old.query(HEX_CODES));
        assertClean(target, "");
    }

    /** A stale copy under the deleted key's own spelling, or another the old store no longer holds, is deleted. */
    @ParameterizedTest
    @ValueSource(strings = {"A|A", "a|A"})
    void aDeletedKeysStaleCopyIsDeletedWhateverItsSpelling(String pair) throws Exception {
        String held = pair.substring(0, pair.indexOf('|'));
        String deleted = pair.substring(pair.indexOf('|') + 1);
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(fresh, "INSERT INTO codes VALUES (?, 9)", held);

        copier(target).sync(Store.OLD, List.of(keys(CODES, deleted)));

        assertThat(fresh.query(HEX_CODES)).as("the new store's rows").isEmpty();
        assertClean(target, "");
    }

    /** Two emoji keys the old store holds apart and general_ci calls one: never one of them silently dropped. */
    @Test
    void twoEmojiKeysGeneralCiCallsOneAreNeverMergedSilently() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO codes VALUES (?, 1)", "x\uD83D\uDE00");
        insert(old, "INSERT INTO codes VALUES (?, 2)", "x\uD83D\uDE01");
        assertCopiedOrUnchanged(List.of(keys(CODES, "x\uD83D\uDE00", "x\uD83D\uDE01")), HEX_CODES);
        assertClean(target, "");
    }

    /** general_ci calls 'ß' equal to 's': a stale 's' in the new store must end as the old store's 'ß'. */
    @Test
    void aStaleSpellingThatGeneralCiCallsEqualToSharpSIsReplaced() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_general_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO codes VALUES (?, 1)", "\u00DF");
        insert(fresh, "INSERT INTO codes VALUES (?, 9)", "s");
        assertCopiedOrUnchanged(List.of(keys(CODES, "\u00DF")), HEX_CODES);
        assertClean(target, "");
    }

    /** utf8mb4_unicode_ci (primary level) calls hiragana 'あ' and katakana 'ア' equal: a stale 'ア' is replaced. */
    @Test
    void aStaleKatakanaSpellingThatUnicodeCiCallsEqualIsReplaced() throws Exception {
        assertThat(fresh.count("SELECT 1 FROM DUAL WHERE _utf8mb4 X'E38182' COLLATE utf8mb4_unicode_ci"
                + " = _utf8mb4 X'E382A2' COLLATE utf8mb4_unicode_ci")).as("unicode_ci calls the kana equal").isEqualTo(1);
        old.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_bin PRIMARY KEY, qty INT) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO codes VALUES (?, 1)", "\u3042");
        insert(fresh, "INSERT INTO codes VALUES (?, 9)", "\u30A2");
        assertCopiedOrUnchanged(List.of(keys(CODES, "\u3042")), HEX_CODES);
        assertClean(target, "");
    }

    /** Composite (text, int) key where only the text part is stale in another case: ends as the old spelling. */
    @Test
    void aCompositeKeyWhoseTextPartIsStaleInAnotherCaseEndsWithTheOldSpelling() throws Exception {
        TableMapping lines = TableMapping.builder("olines2").primaryKey("code", "n").build();
        old.execute("CREATE TABLE olines2 (code VARCHAR(10) NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (code, n))",
                "INSERT INTO olines2 VALUES ('a', 1, 1), ('b', 2, 2)");
        fresh.execute("CREATE TABLE olines2 (code VARCHAR(10) NOT NULL, n INT NOT NULL, qty INT, PRIMARY KEY (code, n))",
                "INSERT INTO olines2 VALUES ('A', 1, 9), ('B', 1, 8)");
        copier(target).sync(Store.OLD, List.of(keys(lines, KeyCodec.encode(List.of("a", 1)),
                KeyCodec.encode(List.of("b", 2)))));
        String sql = "SELECT HEX(code), n, qty FROM olines2 WHERE NOT (code = 'b' AND n = 1) ORDER BY HEX(code), n";
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertClean(target, "");
    }

    /** A value transformer on a non-key column must not stop a stale spelling from being replaced. */
    @Test
    void aTransformerOnANonKeyColumnStillLetsAStaleSpellingBeReplaced() throws Exception {
        TableMapping codes = TableMapping.builder("codes").primaryKey("code")
                .transform("qty", ValueTransformer.of(v -> v, v -> v)).build();
        old.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1)");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('A', 9)");
        copier(target).sync(Store.OLD, List.of(keys(codes, "a")));
        assertThat(table(fresh, HEX_CODES)).isEqualTo(table(old, HEX_CODES));
        assertClean(target, "");
    }

    /** The key column is renamed (code → order_code): a stale 'A' still ends as 'a'. */
    @Test
    void aRenamedTextKeyColumnHeldInAnotherCaseEndsWithTheOldSpelling() throws Exception {
        TableMapping codes = TableMapping.builder("codes").newTable("codes_v2").primaryKey("code")
                .rename("code", "order_code").build();
        old.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1)");
        fresh.execute("CREATE TABLE codes_v2 (order_code VARCHAR(10) PRIMARY KEY, qty INT)",
                "INSERT INTO codes_v2 VALUES ('A', 9)");
        copier(target).sync(Store.OLD, List.of(keys(codes, "a")));
        assertThat(table(fresh, "SELECT HEX(order_code), qty FROM codes_v2")).isEqualTo(table(old, HEX_CODES));
        assertClean(target, "");
    }

    /** Old PostgreSQL char(3) key 'a' (padded); the new MariaDB _ci store holds a stale 'A': ends as 'a'. */
    @Test
    void aPostgresCharKeyHeldInAnotherCaseByMariaDbEndsWithTheOldSpelling() throws Exception {
        try (TestDatabase pg = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            pg.execute("CREATE TABLE codes (code CHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1)");
            fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('A', 9)");
            copier0(pg).sync(Store.OLD, List.of(keys(CODES, "a")));
            // char(3) may be copied padded ('a  ') or not; never as the stale 'A'
            assertThat(table(fresh, "SELECT HEX(code) REGEXP '^61(20)*$', qty FROM codes"))
                    .containsExactly(List.of(1L, 1L));
        }
    }

    /** Old PostgreSQL citext (case-insensitive) 'a'; the new MariaDB _ci store holds a stale 'A': ends as 'a'. */
    @Test
    void aPostgresCitextKeyHeldInAnotherCaseByMariaDbEndsWithTheOldSpelling() throws Exception {
        try (TestDatabase pg = TestDatabases.create(TestDatabases.Kind.POSTGRES)) {
            pg.execute("CREATE EXTENSION IF NOT EXISTS citext");
            pg.execute("CREATE TABLE codes (code citext PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1)");
            fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('A', 9)");
            copier0(pg).sync(Store.OLD, List.of(keys(CODES, "A")));
            assertThat(table(fresh, "SELECT HEX(code), qty FROM codes")).containsExactly(List.of("61", 1L));
        }
    }

    private RowCopier copier0(TestDatabase source) {
        return RowCopier.builder().oldDataSource(source.dataSource()).newDataSource(target).build();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The guard
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Key columns of many types: an own-row update and a fresh insert in one multi-row upsert converge (the key
     * kept exactly); then a row meeting another on the secondary unique key fails and writes nothing.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "DOUBLE|0.1|0.30000000000000004|1e300",
            "FLOAT|0.5|2.25|-3.75",
            "DECIMAL(12,4)|1.5000|2.2500|3.0000",
            "DATETIME(6)|2024-01-02 03:04:05.123456|2024-01-02 03:04:05.123457|1999-12-31 23:59:59.999999",
            "TIME(6)|01:02:03.000001|12:00:00.5|838:59:59",
            "YEAR|1999|2000|2155",
            "ENUM('x','y','z')|x|y|z",
            "VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin|\uD83D\uDE00|\uD83D\uDE00a|{\"k\":1}",
            "BIGINT UNSIGNED|18446744073709551615|0|9223372036854775808"})
    void keysOfEveryTypeUpdateTheirOwnRowAndFailOnAnotherRowsUniqueValue(String type, String k1, String k2, String k3)
            throws Exception {
        TableMapping t = TableMapping.builder("t").primaryKey("k").build();
        old.execute("CREATE TABLE t (k " + type + " NOT NULL PRIMARY KEY, qty INT, u VARCHAR(10)) DEFAULT CHARSET utf8mb4");
        fresh.execute("CREATE TABLE t (k " + type + " NOT NULL PRIMARY KEY, qty INT, u VARCHAR(10) UNIQUE)"
                + " DEFAULT CHARSET utf8mb4");
        insert(old, "INSERT INTO t VALUES (?, 2, 'p')", k1);
        insert(old, "INSERT INTO t VALUES (?, 3, 'q')", k2);
        insert(fresh, "INSERT INTO t VALUES (?, 1, 'p')", k1);
        String sql = "SELECT HEX(CAST(k AS CHAR)), qty, u FROM t ORDER BY k";
        copier(target).sync(Store.OLD, List.of(keys(t, k1, k2)));
        assertThat(table(fresh, sql)).as("own row updated, fresh row inserted").isEqualTo(table(old, sql));

        insert(fresh, "INSERT INTO t VALUES (?, 0, 'z')", k3);
        old.execute("UPDATE t SET u = 'z', qty = 4 WHERE qty = 3");
        List<List<Object>> before = table(fresh, sql);
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(t, k1, k2))))
                .isInstanceOf(SQLException.class);
        assertThat(table(fresh, sql)).as("nothing written").isEqualTo(before);
        assertClean(target, "");
    }

    /** 600 rows (several statements), half of them own-row updates: all converge. */
    @Test
    void sixHundredRowsMixingOwnRowUpdatesAndInsertsConverge() throws Exception {
        TableMapping t = TableMapping.builder("t").primaryKey("id").build();
        old.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT, u VARCHAR(10))");
        fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT, u VARCHAR(10) UNIQUE)");
        List<String> keys = new ArrayList<>();
        StringBuilder oldRows = new StringBuilder();
        StringBuilder newRows = new StringBuilder();
        for (int i = 1; i <= 600; i++) {
            keys.add(Integer.toString(i));
            oldRows.append(i == 1 ? "" : ",").append("(").append(i).append(", ").append(i).append(", 'u").append(i).append("')");
            if (i % 2 == 1) {
                newRows.append(i == 1 ? "" : ",").append("(").append(i).append(", 0, 'u").append(i).append("')");
            }
        }
        old.execute("INSERT INTO t VALUES " + oldRows);
        fresh.execute("INSERT INTO t VALUES " + newRows);
        String sql = "SELECT id, qty, u FROM t ORDER BY id";
        copier(target).sync(Store.OLD, List.of(new RowCopier.TableKeys(t, keys, null)));
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));

        // a conflict in the last statement rolls back the earlier statements too
        old.execute("UPDATE t SET qty = qty + 1000", "UPDATE t SET u = 'clash' WHERE id = 599");
        fresh.execute("INSERT INTO t VALUES (1000, 0, 'clash')");
        List<List<Object>> before = table(fresh, sql);
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(new RowCopier.TableKeys(t, keys, null))))
                .isInstanceOf(SQLException.class);
        assertThat(table(fresh, sql)).isEqualTo(before);
        assertClean(target, "");
    }

    /** The pool's session sql_mode is ANSI or ORACLE: the guard still fails a conflict and passes an own row. */
    @ParameterizedTest
    @ValueSource(strings = {"ANSI", "ORACLE", "TRADITIONAL,PAD_CHAR_TO_FULL_LENGTH", "NO_BACKSLASH_ESCAPES,EMPTY_STRING_IS_NULL"})
    void theGuardHoldsWhateverTheSessionsSqlMode(String mode) throws Exception {
        setSession(target, "SET SESSION sql_mode = '" + mode + "'");
        String expectedMode = sqlMode();
        TableMapping t = TableMapping.builder("t").primaryKey("id").build();
        old.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT, u VARCHAR(10))",
                "INSERT INTO t VALUES (1, 2, 'p'), (2, 3, 'q')");
        fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, qty INT, u VARCHAR(10) UNIQUE)",
                "INSERT INTO t VALUES (1, 1, 'p'), (5, 0, 'q')");
        String sql = "SELECT id, qty, u FROM t ORDER BY id";
        List<List<Object>> before = table(fresh, sql);
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(t, "1", "2"))))
                .isInstanceOf(SQLException.class);
        assertThat(table(fresh, sql)).isEqualTo(before);
        fresh.execute("DELETE FROM t WHERE id = 5");
        copier(target).sync(Store.OLD, List.of(keys(t, "1", "2")));
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        assertThat(sqlMode()).as("the pool session's sql_mode is restored").isEqualTo(expectedMode);
    }

    private String sqlMode() throws SQLException {
        try (Connection c = target.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT @@session.sql_mode")) {
            r.next();
            return r.getString(1);
        }
    }

    /** Two secondary unique keys, and one that includes the primary key column: own rows pass, others fail. */
    @Test
    void twoSecondaryUniqueKeysOneIncludingThePrimaryKeyGuardEachAlone() throws Exception {
        TableMapping t = TableMapping.builder("t").primaryKey("id").build();
        old.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10), qty INT)",
                "INSERT INTO t VALUES (1, 'a1', 'b1', 2), (2, 'a2', 'b2', 3)");
        fresh.execute("CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10), qty INT,"
                        + " UNIQUE KEY ua (a), UNIQUE KEY ub_id (b, id), UNIQUE KEY ub (b))",
                "INSERT INTO t VALUES (1, 'a1', 'b1', 1)");
        String sql = "SELECT id, a, b, qty FROM t ORDER BY id";
        copier(target).sync(Store.OLD, List.of(keys(t, "1", "2")));
        assertThat(table(fresh, sql)).isEqualTo(table(old, sql));
        // row 3 meets row 1 on ua and row 2 on ub
        old.execute("INSERT INTO t VALUES (3, 'x', 'y', 4)");
        fresh.execute("INSERT INTO t VALUES (7, 'x', 'q', 0), (8, 'p', 'y', 0)");
        List<List<Object>> before = table(fresh, sql);
        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(t, "3"))))
                .isInstanceOf(SQLException.class);
        assertThat(table(fresh, sql)).isEqualTo(before);
        assertClean(target, "");
    }

    /**
     * _ci key: the new store holds 'A' (unique tag t1) and 'b' (tag t2); the old store (case-insensitive) holds
     * 'a' with tag t2 and 'b' with tag t3. Synced together: converge or fail unchanged.
     */
    @Test
    void aCaseVariantOwnRowTakingAnotherRowsUniqueValueConvergesOrFailsUnchanged() throws Exception {
        old.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT, tag VARCHAR(10))",
                "INSERT INTO codes VALUES ('a', 1, 't2'), ('b', 2, 't3')");
        fresh.execute("CREATE TABLE codes (code VARCHAR(10) PRIMARY KEY, qty INT, tag VARCHAR(10) UNIQUE)",
                "INSERT INTO codes VALUES ('A', 9, 't1'), ('b', 8, 't2')");
        assertCopiedOrUnchanged(List.of(keys(CODES, "a", "b")), "SELECT HEX(code), qty, tag FROM codes ORDER BY 1");
        assertCopiedOrUnchanged(List.of(keys(CODES, "b", "a")), "SELECT HEX(code), qty, tag FROM codes ORDER BY 1");
        assertClean(target, "");
    }
}
