package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.mirror.MirrorTask;
import io.dualwrite.mybatis.KeyFormsBreak2Mapper.Code;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/**
 * Round 3 of the MyBatis key-form inputs, against the "expect a row" backstop (a sync that finds no row under a key
 * an insert or update left a row under records a scoped resync unless a later removal explains it) and the UTC
 * naming of MySQL/MariaDB TIMESTAMP keys. Both ways MyBatis reaches the library: (a) MyBatis over a
 * {@code DualWriteDataSource} (built-in copier or a {@link MapperCopier}), (b) two session factories with
 * {@link DualWriteMappers}. Real MariaDB and PostgreSQL; each test ends comparing both stores row by row with plain
 * JDBC, after resolving any recorded scoped resync with the library's own resolver, or (COST) asserting nothing
 * was recorded at all.
 */
class KeyFormsMyBatisBreak3Test {

    /** How long the catalog is trusted here: triggers created after the first write are read again within it. */
    private static final Duration CATALOG_REFRESH = Duration.ofSeconds(2);

    private static final String M = "io.dualwrite.mybatis.KeyFormsBreak2Mapper.";
    private static final String ROWS = "SELECT id, qty FROM codes";
    private static final String HEX_ROWS = "SELECT HEX(id) AS id, qty FROM codes";
    private static final String PG_HEX_ROWS = "SELECT upper(encode(convert_to(id, 'UTF8'), 'hex')) AS id, qty FROM codes";
    private static final String INSTANT_ROWS = "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM codes";
    private static final String PG_CODES = "CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))";
    private static final String MARIA_CI = "CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY,"
            + " qty INT, tag VARCHAR(20))";
    private static final String PG_RENAME = "CREATE FUNCTION codes_rename() RETURNS trigger AS $$ BEGIN"
            + " NEW.id := NEW.id || '-1'; RETURN NEW; END $$ LANGUAGE plpgsql";
    private static final String PG_RENAME_TRIGGER =
            "CREATE TRIGGER codes_rename BEFORE INSERT ON codes FOR EACH ROW EXECUTE FUNCTION codes_rename()";
    private static final String MARIA_RENAME_TRIGGER =
            "CREATE TRIGGER codes_rename BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = CONCAT(NEW.id, '-1')";
    private static final AtomicInteger MIGRATIONS = new AtomicInteger();

    /** Statements these inputs need beyond {@link KeyFormsBreak2Mapper}'s. */
    public interface Codes {

        @org.apache.ibatis.annotations.Delete("DELETE FROM codes WHERE qty = #{qty}")
        int deleteByQty(int qty);

        /** A hand-written update that sets every column, the key too (to the value it is found by). */
        @Update("UPDATE codes SET id = #{id}, qty = #{qty}, tag = #{tag,jdbcType=VARCHAR} WHERE id = #{id}")
        int updateAll(Code row);

        @Insert("INSERT IGNORE INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})")
        int insertIgnore(Code row);

        @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR}) ON CONFLICT DO NOTHING")
        int insertOrNothing(Code row);

        /** A read by number, as an application whose ids are numbers writes it, on a text key. */
        @Select("SELECT id, qty, tag FROM codes WHERE id = #{id}")
        Code selectByNumber(long id);

        @Update("UPDATE codes SET qty = #{qty} WHERE id = #{id}")
        int updateQtyRow(@Param("id") String id, @Param("qty") int qty);

        @Insert("<script>INSERT INTO codes (qty, tag) VALUES <foreach collection='list' item='r' separator=','>"
                + "(#{r.qty}, #{r.tag,jdbcType=VARCHAR})</foreach></script>")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insertGeneratedAll(List<Code> rows);

        @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})"
                + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty")
        int upsertPostgres(Code row);

        @Insert("INSERT INTO codes (id, qty, tag) VALUES (#{id}, #{qty}, #{tag,jdbcType=VARCHAR})"
                + " ON DUPLICATE KEY UPDATE qty = VALUES(qty)")
        int upsertMariadb(Code row);
    }

    // =============================================================== (a) MyBatis over a DualWriteDataSource

    // Failed before its fix. PostgreSQL (exact varchar key); a BEFORE INSERT trigger renaming NEW.id to id || '-1' is created
    // after the first write (the catalog is read again only after a minute). One MyBatis transaction inserts 'abc'
    // (stored as 'abc-1') and updates row 'ABC'. Both keys are expected; the copier reads 'ABC' back and
    // JdbcRowCopier.vanished counts 'abc' as returned because CopyDialect.looseKey('ABC') == looseKey('abc'),
    // although the store compares exactly. 'abc-1' never reaches the new store; nothing recorded.
    @Test
    void insertRenamedByALateTriggerBesideAnUpdateOfAnotherCaseOnPostgresIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE, session -> {
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("abc", 2, null));
                session.getMapper(Codes.class).updateQtyRow("ABC", 9);
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("ABC", "abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. The same on MariaDB with a binary key (utf8mb4_bin: 'abc' and 'ABC' are two rows) and MyBatis'
    // BATCH executor: the insert of 'abc' (stored 'abc-1' by a trigger created after the first write) and the
    // update of 'ABC' go in one batch. The fold of 'ABC' excuses 'abc' in JdbcRowCopier.vanished; nothing recorded.
    @Test
    void batchInsertRenamedByALateTriggerBesideAnUpdateOfAnotherCaseOnABinaryMariadbKeyIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_bin PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.inSession(ExecutorType.BATCH, session -> {
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("abc", 2, null));
                session.getMapper(Codes.class).updateQtyRow("ABC", 9);
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("ABC", "abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. MariaDB utf8mb4_unicode_ci key holding 'ABC' (both stores); a trigger created after the first write
    // stores an insert of 'abc' as 'abc-1'. The sync's read of 'abc' matches row 'ABC' (the collation calls them
    // equal): JdbcRowCopier.vanished sees a returned row of the same fold and records nothing; 'abc-1' is lost.
    @Test
    void insertRenamedByALateTriggerBesideARowTheCollationCallsEqualIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(MARIA_CI, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.insert(new Code("abc", 2, null));
            assertThat(rows(over.oldDb)).containsOnlyKeys("ABC", "abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // passes: PostgreSQL through MyBatis' BATCH executor: two inserts renamed by a trigger created after the first
    // write are synced by the keys PostgreSQL reports as stored ('a-1', 'b-1'), nothing recorded
    @Test
    void batchInsertsRenamedByALateTriggerOnPostgresAreRecordedAndConverge() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.inSession(ExecutorType.BATCH, session -> {
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("a", 1, null));
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("b", 2, null));
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("a-1", "b-1", "seed");
            assertThat(over.scopedResyncs()).isEmpty();
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. PostgreSQL, trigger created after the first write; the insert of 'abc' (stored 'abc-1') is handed
    // over, and before its sync runs another session's cleanup deletes key 'abc' (no row: it deletes nothing).
    // Removals notes the delete before it runs, after the insert's hand-over, so MirrorDispatcher.recordVanished
    // takes it as the explanation for the missing row: 'abc-1' never reaches the new store, nothing recorded.
    @Test
    void insertRenamedByALateTriggerThenADeleteOfNothingUnderItsKeyIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.hold();
            over.insert(new Code("abc", 2, null));
            over.inSession(ExecutorType.SIMPLE,
                    session -> assertThat(session.getMapper(KeyFormsBreak2Mapper.class).deleteById("abc")).isZero());
            over.release();
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. COST, not loss: MariaDB INT key, no trigger: session A inserts 7 and has not committed; session B's
    // DELETE of 7 waits for A's row lock (Removals notes 7 before B's statement runs). A commits (hand-over), B
    // deletes the row and commits. A's sync finds no row 7; the removal was noted before A's hand-over, so a
    // scoped resync of the whole table is recorded for an ordinary delete-after-insert race. The stores agree.
    @Test
    void deleteWaitingOnAnUncommittedInsertOfTheSameKeyRecordsNoResync() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.hold();
            try (SqlSession a = over.sessions.openSession(ExecutorType.SIMPLE)) {
                a.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("7", 1, null));
                CompletableFuture<Void> b = CompletableFuture.runAsync(() -> {
                    try (SqlSession session = over.sessions.openSession(ExecutorType.SIMPLE)) {
                        assertThat(session.getMapper(KeyFormsBreak2Mapper.class).deleteById("7")).isEqualTo(1);
                        session.commit();
                    }
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> lockWaits(over.oldDb) > 0);
                a.commit();
                b.get(30, TimeUnit.SECONDS);
            }
            over.release();
            assertThat(rows(over.oldDb)).isEmpty();
            assertThat(over.records()).as("a delete racing an insert is no unknown key").isEmpty();
            assertThat(rows(over.newDb)).isEqualTo(rows(over.oldDb));
        }
    }

    // passes: (COST check) one MyBatis transaction on MariaDB inserts 'k' and then deletes it by another column (DELETE …
    // WHERE qty = 5); the row is gone on commit for an ordinary reason. A spurious "row-not-under-written-key"
    // resync here would be cost, not loss; the delete's keys are known and none is recorded.
    @Test
    void insertThenDeleteByAnotherColumnInOneTransactionRecordsNoResync() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('z', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('z', 1, NULL)");
            over.inSession(ExecutorType.SIMPLE, session -> {
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("k", 5, null));
                assertThat(session.getMapper(Codes.class).deleteByQty(5)).isEqualTo(1);
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("z");
            assertThat(over.records()).as("an insert deleted in its own transaction is no unknown key").isEmpty();
            assertThat(rows(over.newDb)).isEqualTo(rows(over.oldDb));
        }
    }

    // Failed before its fix. A MapperCopier (the user's selectById as the read) on a MariaDB utf8mb4_unicode_ci key holding 'ABC';
    // a trigger created after the first write stores an insert of 'abc' as 'abc-1'. MapperCopier's read of 'abc'
    // returns row 'ABC' (the collation calls them equal): row != null, so 'abc' is not "vanished"; the copier
    // upserts 'ABC' again, 'abc-1' never reaches the new store, nothing recorded.
    @Test
    void mapperCopierWhoseReadMatchesAnotherRowLooselyRecordsARenamedInsert() throws Exception {
        try (Over over = Over.mapperCopier(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity(),
                M + "selectById")) {
            over.oldDb.execute(MARIA_CI, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.insert(new Code("abc", 2, null));
            assertThat(rows(over.oldDb)).containsOnlyKeys("ABC", "abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. A MapperCopier whose old-side read takes a number (selectByNumber(long): the application's ids are
    // numbers) on a MariaDB text key holding '07'; a trigger created after the first write stores an insert of '7'
    // as 'x7'. MapperCopier.keyParameter binds 7, MariaDB compares the text key as a number and returns row '07':
    // not "vanished", '07' is upserted again, 'x7' never reaches the new store, nothing recorded.
    @Test
    void mapperCopierWhoseReadFindsAnotherRowByNumberRecordsARenamedInsert() throws Exception {
        try (Over over = Over.mapperCopier(TestDatabases.mariadb(), TestDatabases.postgres(),
                "io.dualwrite.mybatis.KeyFormsMyBatisBreak3Test$Codes.selectByNumber", M + "selectById")) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('07', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('07', 1, NULL)");
            over.insert(new Code("1", 0, null));
            over.oldDb.execute("CREATE TRIGGER codes_rename BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = CONCAT('x', NEW.id)");
            over.insert(new Code("7", 2, null));
            assertThat(rows(over.oldDb)).containsOnlyKeys("07", "1", "x7");
            over.converged(ROWS, ROWS);
        }
    }

    // passes: MyBatis BATCH over the data source, MariaDB outside strict mode; the key column is narrowed to
    // VARCHAR(3) after the first write (the catalog still says 40). 'abcdef' is stored as 'abc'; the write path
    // records a scoped resync (keys-not-returned), resolved
    @Test
    void batchInsertCutByAColumnNarrowedAfterTheFirstWriteIsRecordedAndConverges() throws Exception {
        try (Over over = Over.jdbcOldPool(TestDatabases.mariadb(), TestDatabases.postgres(), ds -> sqlMode(ds, ""))) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute(PG_CODES);
            over.insert(new Code("s", 0, null));
            over.oldDb.execute("ALTER TABLE codes MODIFY id VARCHAR(3)");
            over.inSession(ExecutorType.BATCH, session -> {
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("abcdef", 1, null));
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("z", 2, null));
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc", "s", "z");
            over.converged(ROWS, ROWS);
        }
    }

    // passes: a MapperCopier on PostgreSQL (exact key): a trigger created after the first write stores 'abc' as
    // 'abc-1'; the insert's key request (RETURNING) names 'abc-1', which the copier syncs: nothing recorded
    @Test
    void mapperCopierOnAnExactKeyRecordsARenamedInsertAndConverges() throws Exception {
        try (Over over = Over.mapperCopier(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity(),
                M + "selectById")) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.insert(new Code("abc", 2, null));
            assertThat(over.scopedResyncs()).isEmpty();
            over.converged(ROWS, ROWS);
        }
    }

    // passes: a MapperCopier under MyBatis' BATCH executor with a <foreach> insert on PostgreSQL; a trigger created
    // after the first write renames both rows: PostgreSQL reports them as stored ('a-1', 'b-1'), the copier syncs
    // those, nothing recorded
    @Test
    void mapperCopierBatchForeachInsertRenamedByALateTriggerIsRecordedAndConverges() throws Exception {
        try (Over over = Over.mapperCopier(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity(),
                M + "selectById")) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.inSession(ExecutorType.BATCH, session -> session.getMapper(KeyFormsBreak2Mapper.class)
                    .insertAll(List.of(new Code("a", 1, null), new Code("b", 2, null))));
            assertThat(rows(over.oldDb)).containsOnlyKeys("a-1", "b-1", "seed");
            assertThat(over.scopedResyncs()).isEmpty();
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. Both stores MariaDB, both pools put every session at '+05:00' (a pool's init SQL); TIMESTAMP key.
    // The write path names the updated row 2024-01-01 10:00 (+05:00) in UTC, '2024-01-01 05:00:00'; MapperCopier
    // binds that text to the user's read in a +05:00 session: it names the instant 00:00Z, where another row lives.
    // The read returns that other row (not "vanished"), it is copied unchanged, the update never reaches the new
    // store, nothing recorded. (The built-in copier runs such tables in UTC sessions; MapperCopier does not.)
    @Test
    void mapperCopierOnTimestampKeysWithPoolsInAnotherZoneCopiesTheUpdatedRow() throws Exception {
        String table = "CREATE TABLE codes (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT, tag VARCHAR(20))";
        String seed = "INSERT INTO codes VALUES (CONVERT_TZ('2024-01-01 05:00:00', '+00:00', @@session.time_zone), 1, NULL),"
                + " (CONVERT_TZ('2024-01-01 00:00:00', '+00:00', @@session.time_zone), 2, NULL)";
        try (Over over = Over.mapperCopier(TestDatabases.mariadb(), TestDatabases.mariadb(), ds -> zoned(ds, "+05:00"),
                M + "selectById")) {
            over.oldDb.execute(table, seed);
            over.newDb.execute(table, seed);
            over.inSession(ExecutorType.SIMPLE,
                    session -> assertThat(session.getMapper(Codes.class).updateQtyRow("2024-01-01 10:00:00", 9)).isEqualTo(1));
            assertThat(rows(over.oldDb, INSTANT_ROWS)).containsEntry("1704085200", "9");
            over.converged(INSTANT_ROWS, INSTANT_ROWS);
        }
    }

    // passes: the same zoned pools with the built-in copier (it reads and binds TIMESTAMP keys in UTC sessions)
    @Test
    void builtInCopierOnTimestampKeysWithPoolsInAnotherZoneCopiesTheUpdatedRow() throws Exception {
        String table = "CREATE TABLE codes (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT, tag VARCHAR(20))";
        String seed = "INSERT INTO codes VALUES (CONVERT_TZ('2024-01-01 05:00:00', '+00:00', @@session.time_zone), 1, NULL),"
                + " (CONVERT_TZ('2024-01-01 00:00:00', '+00:00', @@session.time_zone), 2, NULL)";
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.mariadb(), ds -> zoned(ds, "+05:00"))) {
            over.oldDb.execute(table, seed);
            over.newDb.execute(table, seed);
            over.inSession(ExecutorType.SIMPLE,
                    session -> assertThat(session.getMapper(Codes.class).updateQtyRow("2024-01-01 10:00:00", 9)).isEqualTo(1));
            assertThat(rows(over.oldDb, INSTANT_ROWS)).containsEntry("1704085200", "9");
            over.converged(INSTANT_ROWS, INSTANT_ROWS);
        }
    }

    // Failed before its fix. MariaDB utf8mb4_unicode_ci key holding 'CAFE'; the pooled connection the application borrows was left
    // with SET NAMES latin1 by an earlier borrower (not through the data source): MyBatis inserts 'café', the
    // server stores 'cafÃ©'. The sync (another, UTF-8 session) reads 'café', the collation matches 'CAFE', and
    // JdbcRowCopier.vanished excuses 'café' by the fold of 'CAFE': 'cafÃ©' never reaches the new store, nothing recorded.
    @Test
    void insertOnAPooledSessionLeftInLatin1BesideAnAccentlessRowIsRecorded() throws Exception {
        AtomicBoolean leftover = new AtomicBoolean();
        try (Over over = Over.jdbcOldPool(TestDatabases.mariadb(), TestDatabases.postgres(), ds -> latin1Once(ds, leftover))) {
            over.oldDb.execute(MARIA_CI, "INSERT INTO codes VALUES ('CAFE', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('CAFE', 1, NULL)");
            leftover.set(true);
            over.insert(new Code("café", 2, null));
            assertThat(leftover).as("the application's session was the latin1 one").isFalse();
            assertThat(rows(over.oldDb, HEX_ROWS)).containsOnlyKeys("43414645", "636166C383C2A9");
            over.converged(HEX_ROWS, PG_HEX_ROWS);
        }
    }

    // Failed before its fix. MariaDB AUTO_INCREMENT key; a trigger created after the first write sets NEW.id = 500 + NEW.qty. A
    // MyBatis <foreach> insert of qty 1 and 5 with useGeneratedKeys stores rows 501 and 505; the driver reports one
    // generated key for a multi-row insert (505 here) and the data source derives the others from it and
    // @@auto_increment_increment. Generated keys are not expected, so the sync of a derived key finding no row
    // records nothing; 501 never reaches the new store.
    @Test
    void foreachGeneratedKeyInsertWhoseLateTriggerSetsTheKeysIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(Codes.class).insertGeneratedAll(List.of(new Code(null, 0, null))));
            over.oldDb.execute("CREATE TRIGGER codes_key BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = 500 + NEW.qty");
            over.inSession(ExecutorType.SIMPLE, session -> session.getMapper(Codes.class)
                    .insertGeneratedAll(List.of(new Code(null, 1, null), new Code(null, 5, null))));
            assertThat(rows(over.oldDb)).containsOnlyKeys("1", "501", "505");
            over.converged(ROWS, ROWS);
        }
    }

    // passes: the same <foreach> with the trigger there from the start: the catalog sees a trigger that rewrites
    // the key, and the keys are read back
    @Test
    void foreachGeneratedKeyInsertWhoseTriggerSetsTheKeysReachesTheNewStore() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "CREATE TRIGGER codes_key BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = 500 + NEW.qty");
            over.newDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.inSession(ExecutorType.SIMPLE, session -> session.getMapper(Codes.class)
                    .insertGeneratedAll(List.of(new Code(null, 1, null), new Code(null, 5, null))));
            assertThat(rows(over.oldDb)).containsOnlyKeys("501", "505");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. MariaDB; a trigger created after the first write renames inserted keys (CONCAT(NEW.id, '-1')). A
    // MyBatis REPLACE of 'abc' stores 'abc-1'. "Upserts' own keys are not expected", so the sync of 'abc' that finds
    // no row deletes 'abc' from the new store and records nothing; 'abc-1' never arrives.
    @Test
    void replaceRenamedByALateTriggerIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(KeyFormsBreak2Mapper.class).replaceRow(new Code("abc", 2, null)));
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. The same with INSERT … ON DUPLICATE KEY UPDATE through a mapper on MariaDB.
    @Test
    void onDuplicateKeyUpdateRenamedByALateTriggerIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(Codes.class).upsertMariadb(new Code("abc", 2, null)));
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. The same with PostgreSQL INSERT … ON CONFLICT (id) DO UPDATE through a mapper (the BEFORE INSERT
    // trigger renames the row before the conflict check, so it is inserted as 'abc-1').
    @Test
    void onConflictUpsertRenamedByALateTriggerOnPostgresIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(Codes.class).upsertPostgres(new Code("abc", 2, null)));
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. PostgreSQL; a BEFORE UPDATE trigger created after the first write keeps the old version
    // of a row under id || '-old' (NEW.id := OLD.id || '-old'). One MyBatis transaction updates 'k' (the row becomes
    // 'k-old') and inserts the new version under 'k'. The sync of 'k' finds a row, so nothing is "vanished"; nobody
    // names 'k-old', which never reaches the new store; nothing recorded. Fixed by the catalog read again: the next
    // read (here within CATALOG_REFRESH; by default a minute) finds the trigger and resyncs the table.
    @Test
    void updateMovedByALateTriggerThenAnInsertOfTheSameKeyIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES, "INSERT INTO codes VALUES ('k', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('k', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute("CREATE FUNCTION codes_keep() RETURNS trigger AS $$ BEGIN"
                            + " NEW.id := OLD.id || '-old'; RETURN NEW; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER codes_keep BEFORE UPDATE ON codes FOR EACH ROW EXECUTE FUNCTION codes_keep()");
            over.inSession(ExecutorType.SIMPLE, session -> {
                assertThat(session.getMapper(Codes.class).updateQtyRow("k", 1)).isEqualTo(1);
                session.getMapper(KeyFormsBreak2Mapper.class).insertRow(new Code("k", 2, null));
            });
            assertThat(rows(over.oldDb)).containsOnlyKeys("k", "k-old", "seed");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        over.insert(new Code("touch-" + System.nanoTime(), 0, null));
                        return over.scopedResyncs().stream().anyMatch(r -> r.reason().equals("catalog-changed"));
                    });
            over.converged(ROWS, ROWS);
        }
    }

    // passes: PostgreSQL; a hand-written MyBatis update that sets every column, the key to the value it is found by
    // (SET id = #{id}, … WHERE id = #{id}); a BEFORE UPDATE trigger created after the first write stores the row under
    // id || '-1'. The key it assigns is still expected: the sync finds no row under 'k' and records a scoped resync
    // (row-not-under-written-key), resolved
    @Test
    void updateAssigningTheKeyItsOwnValueMovedByALateTriggerIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES, "INSERT INTO codes VALUES ('k', 1, NULL)");
            over.newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('k', 1, NULL)");
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, "CREATE TRIGGER codes_rename BEFORE UPDATE ON codes FOR EACH ROW"
                    + " EXECUTE FUNCTION codes_rename()");
            over.inSession(ExecutorType.SIMPLE,
                    session -> assertThat(session.getMapper(Codes.class).updateAll(new Code("k", 9, null))).isEqualTo(1));
            assertThat(rows(over.oldDb)).containsOnlyKeys("k-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // passes: MariaDB INSERT IGNORE through a mapper; a trigger created after the first write stores 'abc' as 'abc-1'.
    // INSERT IGNORE counts as an insert: its key is expected, the scoped resync is recorded and resolved
    @Test
    void insertIgnoreRenamedByALateTriggerIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.mariadb(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(MARIA_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(Codes.class).insertIgnore(new Code("abc", 2, null)));
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // Failed before its fix. PostgreSQL INSERT … ON CONFLICT DO NOTHING through a mapper; a trigger created after the first
    // write stores 'abc' as 'abc-1'. ON CONFLICT makes it an upsert, whose own keys are not expected (unlike MariaDB's
    // INSERT IGNORE, the same statement in effect): the sync of 'abc' finds no row and records nothing.
    @Test
    void insertOnConflictDoNothingRenamedByALateTriggerIsRecorded() throws Exception {
        try (Over over = Over.jdbc(TestDatabases.postgres(), TestDatabases.postgres(), UnaryOperator.identity())) {
            over.oldDb.execute(PG_CODES);
            over.newDb.execute(PG_CODES);
            over.insert(new Code("seed", 0, null));
            over.oldDb.execute(PG_RENAME, PG_RENAME_TRIGGER);
            over.inSession(ExecutorType.SIMPLE,
                    session -> session.getMapper(Codes.class).insertOrNothing(new Code("abc", 2, null)));
            assertThat(rows(over.oldDb)).containsOnlyKeys("abc-1", "seed");
            over.converged(ROWS, ROWS);
        }
    }

    // =============================================================== (b) two session factories (DualWriteMappers)

    // Failed before its fix. Two MariaDB factories; every session of the old pool is at '+05:00' (init SQL), the new pool's are
    // UTC. A marked insert of TIMESTAMP key '2024-01-01 10:00:00' stores 05:00Z; keptKey and the sync read the row
    // in the old pool's zone and write its text through the new pool: 10:00Z. The JDBC path names such keys in
    // UTC; DualWriteMappers copies the zone-dependent text. Nothing recorded; the instants differ by five hours.
    @Test
    void markedInsertOfATimestampKeyThroughPoolsInDifferentZonesKeepsTheInstant() throws Exception {
        String table = "CREATE TABLE codes (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT, tag VARCHAR(20))";
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.mariadb()) {
            oldDb.execute(table);
            newDb.execute(table);
            twoFactories(oldDb, zoned(oldDb.dataSource(), "+05:00"), newDb, INSTANT_ROWS, INSTANT_ROWS,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreak2Mapper.class)
                            .insert(new Code("2024-01-01 10:00:00", 1, null))).isEqualTo(1));
            assertThat(rows(oldDb, INSTANT_ROWS)).containsOnlyKeys("1704085200");
        }
    }

    // Failed before its fix. Two MariaDB factories over plain pools; an earlier borrower left one pooled connection of the old
    // store at '+05:00' (the application thread gets it back). A marked insert of TIMESTAMP key '2024-01-01 10:00:00'
    // stores 05:00Z; keyTakenBefore, keptKey and the sync's read get that session again and see the row as
    // '2024-01-01 10:00:00', which the new store's UTC session stores as 10:00Z. DualWriteMappers carries the
    // zone-dependent text (the JDBC path names such keys in UTC): the instant moves five hours, nothing recorded.
    @Test
    void markedInsertOfATimestampKeyOnAPooledSessionLeftZonedReachesTheNewStore() throws Exception {
        String table = "CREATE TABLE codes (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT, tag VARCHAR(20))";
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.mariadb()) {
            oldDb.execute(table);
            newDb.execute(table);
            try (Connection leftover = oldDb.dataSource().getConnection()) {
                run(leftover, "SET time_zone = '+05:00'");
            }
            twoFactories(oldDb, oldDb.dataSource(), newDb, INSTANT_ROWS, INSTANT_ROWS,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreak2Mapper.class)
                            .insert(new Code("2024-01-01 10:00:00", 1, null))).isEqualTo(1));
            assertThat(rows(oldDb, INSTANT_ROWS)).containsOnlyKeys("1704085200");
        }
    }

    // Failed before its fix. Two factories; the old MariaDB pool's sessions are in SET NAMES latin1 (left by an earlier
    // borrower / a charset init). A marked insert of 'café' stores 'cafÃ©'; keyTakenBefore, keptKey and the sync all
    // read in latin1 and find the row as 'café', which the new store (PostgreSQL) gets. The old store holds other
    // text than the new one; nothing recorded.
    @Test
    void markedInsertOnAPoolInLatin1IsRecorded() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) CHARACTER SET utf8mb4 PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, latin1(oldDb.dataSource()), newDb, HEX_ROWS, PG_HEX_ROWS,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreak2Mapper.class).insert(new Code("café", 1, null)))
                            .isEqualTo(1));
            assertThat(rows(oldDb, HEX_ROWS)).containsOnlyKeys("636166C383C2A9");
        }
    }

    // passes: two factories, MariaDB utf8mb4_unicode_ci key holding 'ABC'; a trigger renames an insert of 'abc' to
    // 'abc-1'. keyTakenBefore's read of 'abc' finds 'ABC' (a row held its key before): a scoped resync is recorded
    // and resolved
    @Test
    void markedInsertRenamedByATriggerBesideARowTheCollationCallsEqualIsRecordedAndConverges() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute(MARIA_CI, "INSERT INTO codes VALUES ('ABC', 1, NULL)", MARIA_RENAME_TRIGGER);
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ABC', 1, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, ROWS, ROWS,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).insert(new Code("abc", 2, null)));
            assertThat(rows(oldDb)).containsOnlyKeys("ABC", "abc-1");
        }
    }

    // passes: two factories, MariaDB outside strict mode cuts 'abcdef' into VARCHAR(3) as 'abc' for a marked
    // <foreach> insert under the old factory's BATCH executor; keptKey finds no row under 'abcdef' and records a
    // scoped resync, resolved
    @Test
    void markedForeachInsertCutOutsideStrictModeUnderBatchIsRecordedAndConverges() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, sqlMode(oldDb.dataSource(), ""), ExecutorType.BATCH, newDb, ROWS, ROWS,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class)
                            .insertAll(List.of(new Code("abcdef", 1, null), new Code("z", 2, null))));
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "z");
        }
    }

    // =============================================================== fixtures

    /** What a test runs. */
    private interface Call<T> {
        void accept(T target) throws Exception;
    }

    /** A unique migration name: {@code Removals} is static, keyed by migration, table and key. */
    private static String migration() {
        return "codes_b3_" + MIGRATIONS.incrementAndGet();
    }

    /** MyBatis with the interceptor over a DualWriteDataSource, DUAL_WRITE, SYNC mirrors behind a gate. */
    private static final class Over implements AutoCloseable {
        final TestDatabase oldDb;
        final TestDatabase newDb;
        final String migration = migration();
        final TableMapping mapping = TableMapping.builder("codes").build();
        final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        final Gate toNew;
        final Gate toOld;
        final DualWriteDataSource dataSource;
        final SqlSessionFactory sessions;

        private Over(TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> oldPools,
                     UnaryOperator<DataSource> newPools, String copierRead, String newRead) {
            this.oldDb = oldDb;
            this.newDb = newDb;
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase(migration, MigrationPhase.DUAL_WRITE);
            Switchboard resolver = Switchboard.builder().switchStore(switches)
                    .migration(MigrationSwitchConfig.of(migration)).build();
            MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
            toNew = new Gate(MirrorExecutors.create("b3-to-new", config, changeLog, MirrorObserver.NOOP));
            toOld = new Gate(MirrorExecutors.create("b3-to-old", config, changeLog, MirrorObserver.NOOP));
            DataSource oldPool = oldPools.apply(oldDb.dataSource());
            DataSource newPool = newPools.apply(newDb.dataSource());
            Configuration configuration = new Configuration();
            configuration.addMapper(KeyFormsBreak2Mapper.class);
            configuration.addMapper(Codes.class);
            DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                    .catalogRefresh(CATALOG_REFRESH) // triggers created after the first write are read within it
                    .oldDataSource(oldPool).newDataSource(newPool)
                    .migration(migration).resolver(resolver).changeLog(changeLog)
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld).mapping(mapping);
            if (copierRead != null) {
                builder.tableCopier("codes", MapperCopier.builder(configuration, mapping)
                        .dataSource(Store.OLD, oldPool).dataSource(Store.NEW, newPool)
                        .read(Store.OLD, copierRead).read(Store.NEW, newRead)
                        .upsert(Store.NEW, M + "deleteRow", M + "insertRow").upsert(Store.OLD, M + "deleteRow", M + "insertRow")
                        .delete(Store.NEW, M + "deleteById").delete(Store.OLD, M + "deleteById")
                        .build());
            }
            dataSource = builder.build();
            configuration.setEnvironment(new Environment("b3", new JdbcTransactionFactory(), dataSource));
            MigrationContextInterceptor.install(configuration, ContextRules.builder(migration).build());
            sessions = new SqlSessionFactoryBuilder().build(configuration);
        }

        static Over jdbc(TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> pools) {
            return new Over(oldDb, newDb, pools, pools, null, null);
        }

        /** The built-in copier; only the old store's pool wrapped. */
        static Over jdbcOldPool(TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> oldPools) {
            return new Over(oldDb, newDb, oldPools, UnaryOperator.identity(), null, null);
        }

        static Over mapperCopier(TestDatabase oldDb, TestDatabase newDb, UnaryOperator<DataSource> pools, String read) {
            return new Over(oldDb, newDb, pools, pools, read, read);
        }

        static Over mapperCopier(TestDatabase oldDb, TestDatabase newDb, String oldRead, String newRead) {
            return new Over(oldDb, newDb, UnaryOperator.identity(), UnaryOperator.identity(), oldRead, newRead);
        }

        /** One committed MyBatis transaction. */
        void inSession(ExecutorType executor, Call<SqlSession> call) throws Exception {
            try (SqlSession session = sessions.openSession(executor)) {
                call.accept(session);
                session.commit();
            }
        }

        void insert(Code row) throws Exception {
            inSession(ExecutorType.SIMPLE,
                    session -> assertThat(session.getMapper(KeyFormsBreak2Mapper.class).insertRow(row)).isEqualTo(1));
        }

        /** Holds every sync handed over from now on until {@link #release()}. */
        void hold() {
            toNew.held.set(true);
            toOld.held.set(true);
        }

        void release() {
            toNew.release();
            toOld.release();
        }

        List<ChangeRecord> records() {
            return changeLog.entries().stream().map(ChangeEntry::record).toList();
        }

        List<ChangeRecord> scopedResyncs() {
            return records().stream().filter(ChangeRecord::isScoped).toList();
        }

        /**
         * Resolves recorded scoped resyncs as the verification tools would; then nothing pending, same rows. The
         * catalog's recheck ({@code CATALOG_REFRESH} after a write relied on it, on a thread of its own) may record a
         * {@code catalog-changed} resync of the table at any moment, also after a resolution (seen on a busy machine,
         * where a test outlasts the refresh): so resolving is repeated until the change log holds nothing.
         */
        void converged(String oldSql, String newSql) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                if (!scopedResyncs().isEmpty()) {
                    DualWriteSchema.create(oldDb.dataSource());
                    Verifier verifier = verifier(oldDb, newDb, changeLog);
                    RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource())
                            .newDataSource(newDb.dataSource()).build();
                    assertThat(ScopedResyncResolver.builder().migration(migration).changeLog(changeLog)
                            .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(mapping).build()
                            .resolveOnce().failed()).as("scoped resyncs the repair could not resolve").isZero();
                }
                assertThat(records()).as("change log after resolving").isEmpty();
            });
            assertThat(rows(newDb, newSql)).as("new store rows by exact key").isEqualTo(rows(oldDb, oldSql));
        }

        @Override
        public void close() {
            try {
                release();
            } finally {
                toNew.close();
                toOld.close();
                oldDb.close();
                newDb.close();
            }
        }
    }

    /** A mirror executor that can hold the tasks it is given and hand them to the real one later. */
    private static final class Gate implements MirrorExecutor {
        final MirrorExecutor real;
        final AtomicBoolean held = new AtomicBoolean();
        final List<MirrorTask> queued = new CopyOnWriteArrayList<>();

        Gate(MirrorExecutor real) {
            this.real = real;
        }

        @Override
        public void submit(MirrorTask task) {
            if (held.get()) {
                queued.add(task);
            } else {
                real.submit(task);
            }
        }

        void release() {
            held.set(false);
            for (MirrorTask task : queued) {
                real.submit(task);
            }
            queued.clear();
        }

        @Override
        public boolean awaitIdle(Duration timeout) throws InterruptedException {
            return queued.isEmpty() && real.awaitIdle(timeout);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    private static DualWriter writer(InMemoryChangeLog changeLog, String migration) {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(migration, MigrationPhase.DUAL_WRITE);
        return DualWriter.builder()
                .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of(migration)).build())
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build())
                .build();
    }

    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, TestDatabase newDb, String oldSql,
                                     String newSql, Call<DualWriteMappers> call) throws Exception {
        twoFactories(oldDb, oldSource, ExecutorType.SIMPLE, newDb, oldSql, newSql, call);
    }

    /** Two session factories (the old one over {@code oldSource}), DUAL_WRITE, SYNC; runs {@code call}, resolves, compares. */
    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, ExecutorType oldExecutor, TestDatabase newDb,
                                     String oldSql, String newSql, Call<DualWriteMappers> call) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        String migration = migration();
        TableMapping mapping = TableMapping.builder("codes").build();
        try (DualWriter writer = writer(changeLog, migration)) {
            List<String> upserts = List.of(M + "deleteRow", M + "insertRow");
            SqlSessionFactory old = factory(oldSource);
            old.getConfiguration().setDefaultExecutorType(oldExecutor);
            DualWriteMappers mappers = DualWriteMappers.builder(writer, migration)
                    .sessions(Store.OLD, old).sessions(Store.NEW, factory(newDb.dataSource()))
                    .table("codes", Store.OLD, M + "selectById", upserts, List.of(M + "deleteById"))
                    .table("codes", Store.NEW, M + "selectById", upserts, List.of(M + "deleteById"))
                    .build();
            call.accept(mappers);
            List<ChangeRecord> records = changeLog.entries().stream().map(ChangeEntry::record).toList();
            if (records.stream().anyMatch(ChangeRecord::isScoped)) {
                DualWriteSchema.create(oldDb.dataSource());
                Verifier verifier = verifier(oldDb, newDb, changeLog);
                RowCopier copier = RowCopier.builder().oldDataSource(oldDb.dataSource())
                        .newDataSource(newDb.dataSource()).build();
                assertThat(ScopedResyncResolver.builder().migration(migration).changeLog(changeLog)
                        .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(mapping).build()
                        .resolveOnce().failed()).as("scoped resyncs the repair could not resolve").isZero();
            }
            assertThat(changeLog.entries()).as("change log after resolving").isEmpty();
            assertThat(rows(newDb, newSql)).as("new store rows by exact key").isEqualTo(rows(oldDb, oldSql));
        }
    }

    /**
     * The verifier the resolving tools use. The mirrors are SYNC and released before resolving, so no write is in
     * flight: a row found different is read again at once, not after the delay meant for live traffic (three
     * re-reads 200 ms apart, in the verification and again in the repair's re-verification).
     */
    private static Verifier verifier(TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog) {
        return Verifier.builder().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .changeLog(changeLog).recheckDelay(Duration.ZERO).build();
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(KeyFormsBreak2Mapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    private static Map<String, String> rows(TestDatabase db) {
        return KeyFormsStores.rows(db, ROWS);
    }

    private static Map<String, String> rows(TestDatabase db, String sql) {
        return KeyFormsStores.rows(db, sql);
    }

    /** Sessions of the server waiting for a row lock. */
    private static int lockWaits(TestDatabase db) {
        Object count = db.query("SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")
                .get(0).get("n");
        return ((Number) count).intValue();
    }

    /** {@code real}, each connection put through {@code setup} when borrowed and {@code reset} when given back. */
    private static DataSource sessionState(DataSource real, AtomicBoolean when, String setup, String reset) {
        ClassLoader loader = KeyFormsMyBatisBreak3Test.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = KeyFormsStores.invoke(real, method, args);
            if (result instanceof Connection connection && when.getAndSet(when == ALWAYS)) {
                run(connection, setup);
                return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().equals("close")) {
                        run(connection, reset);
                    }
                    return KeyFormsStores.invoke(connection, m, a);
                });
            }
            return result;
        });
    }

    private static final AtomicBoolean ALWAYS = new AtomicBoolean(true);

    /** Every session at {@code zone}, as a pool's init SQL would set it (reset when given back to the pool). */
    private static DataSource zoned(DataSource real, String zone) {
        return sessionState(real, ALWAYS, "SET time_zone = '" + zone + "'", "SET time_zone = DEFAULT");
    }

    /** Every session in {@code SET NAMES latin1} (reset when given back). */
    private static DataSource latin1(DataSource real) {
        return sessionState(real, ALWAYS, "SET NAMES latin1", "SET NAMES utf8mb4");
    }

    /** The next session borrowed once {@code armed} is set is in latin1, as an earlier borrower left it. */
    private static DataSource latin1Once(DataSource real, AtomicBoolean armed) {
        return sessionState(real, armed, "SET NAMES latin1", "SET NAMES utf8mb4");
    }

    /** Every session with the given {@code sql_mode}. */
    private static DataSource sqlMode(DataSource real, String mode) {
        return sessionState(real, ALWAYS, "SET SESSION sql_mode = '" + mode + "'", "SET SESSION sql_mode = DEFAULT");
    }

    private static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
