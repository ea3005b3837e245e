package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mybatis.KeyFormsBreak2Mapper.Code;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/**
 * More MyBatis writes whose row the store keeps, moves or names otherwise than the write's key, on both paths:
 * the two-factory {@link DualWriteMappers} (after 0457a56, which reads a marked write's key back) and MyBatis with
 * the interceptor over a {@code DualWriteDataSource}. Real rows in real stores (MariaDB, PostgreSQL); each test ends
 * comparing both stores row by row with plain JDBC, or asserting the change log records the difference.
 */
class KeyFormsMyBatisBreak2Test {

    private static final String M = "io.dualwrite.mybatis.KeyFormsBreak2Mapper.";
    private static final String ROWS = "SELECT id, qty FROM codes";
    private static final String COMPOSITE_ROWS = "SELECT CONCAT(id, '/', tag) AS id, qty FROM codes";
    private static final String PG_CODES = "CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))";

    // ---------------------------------------------------------------- two session factories (DualWriteMappers)

    // Failed before its fix: MariaDB key utf8mb4_bin, BEFORE INSERT trigger SET NEW.id = UPPER(NEW.id), row 'abc' already in
    // both stores. A marked insert of 'abc' stores a NEW row 'ABC' (no conflict under a binary collation).
    // DualWriteMappers.keptKey reads the row back by the key as written ('abc') and finds the OTHER, pre-existing
    // row 'abc': it takes that row's key for the written one, so only 'abc' is synced; 'ABC' never reaches the new
    // store and nothing is recorded. (The JDBC path reads keys before an insert on a key-rewriting table for this.)
    @Test
    void markedInsertWhoseTriggerRenamesTheKeyBesideARowOfTheWrittenKeyReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_bin PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('abc', 1, NULL)",
                    "CREATE TRIGGER codes_upper BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = UPPER(NEW.id)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('abc', 1, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreak2Mapper.class).insert(new Code("abc", 2, null))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "ABC");
        }
    }

    // Failed before its fix: a text-keyed MariaDB table with an AUTO_INCREMENT surrogate seq; the marked insert asks for the
    // generated seq (useGeneratedKeys, keyProperty "seq"), as the application wants it. DualWriteMappers.keyOf takes
    // the statement's keyProperty as the ROW's key: it syncs key "1" (the seq), and keptKey skips its read-back
    // ("a whole-number key the database generated"). The sync reads no row '1' and deletes '1' on the new store;
    // row 'abc' never arrives; nothing recorded.
    @Test
    void markedInsertAskingForAGeneratedSurrogateColumnSyncsTheRowsOwnKey() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20),"
                    + " seq INT AUTO_INCREMENT UNIQUE)");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                Code row = new Code("abc", 1, null);
                assertThat(mappers.mapper(KeyFormsBreak2Mapper.class).insertReturningSeq(row)).isEqualTo(1);
                assertThat(row.getSeq()).isEqualTo(1L);
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc");
        }
    }

    // Failed before its fix: key = DualWrite.ORDER_ID on a MariaDB utf8mb4_unicode_ci key; the request's context carries order
    // id 'ORD-1', the row was stored as 'ord-1'. The marked delete deletes 'ord-1'. DualWriteMappers.storedSpelling
    // returns null at once for a negative key argument (write.keyArgument() < 0), so the row's own spelling is never
    // read; only 'ORD-1' is synced: PostgreSQL deletes 'ORD-1' and keeps 'ord-1'; nothing recorded.
    @Test
    void markedDeleteByTheContextsOrderIdSpeltOtherwiseLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('ord-1', 1, NULL), ('z', 2, NULL)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('ord-1', 1, NULL), ('z', 2, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                try (MigrationContext.Scope scope = MigrationContext.forMigration("codes").orderId("ORD-1").open()) {
                    assertThat(mappers.mapper(KeyFormsBreak2Mapper.class).deleteOrder("ORD-1")).isEqualTo(1);
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("z");
        }
    }

    // Failed before its fix: a marked upsert written as MariaDB REPLACE, on a table with a UNIQUE tag: ('b', 'x') replaces row
    // 'a' (which held tag 'x') — REPLACE deletes every row it conflicts with. DualWriteMappers.invoke syncs 'b' (and
    // keptKey finds 'b'); nothing names 'a', which stays in the new store; nothing recorded. (The JDBC path reads
    // the rows an upsert conflicts with first: StatementAnalysis.movesRows.)
    @Test
    void markedReplaceTakingAnotherRowsUniqueValueLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20) UNIQUE)",
                    "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).replace(new Code("b", 3, "x")));
            assertThat(rows(oldDb)).containsOnlyKeys("b", "z");
        }
    }

    // Failed before its fix: a marked REPLACE of 'ABC' on a MariaDB utf8mb4_unicode_ci key holding row 'abc' deletes 'abc' and
    // inserts 'ABC'. An UPSERT gets no storedSpelling read (only updates and deletes do), keptKey finds 'ABC': the
    // sync copies 'ABC' into PostgreSQL, which keeps 'abc' too; nothing recorded.
    @Test
    void markedReplaceInAnotherCaseOnACaseInsensitiveKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('abc', 1, NULL)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('abc', 1, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).replace(new Code("ABC", 9, null)));
            assertThat(rows(oldDb)).containsOnlyKeys("ABC");
        }
    }

    // Failed before its fix: a marked insert into a MariaDB table whose key the column DEFAULT fills (DEFAULT uuid()); the bean's
    // id stays null. The old store commits the row, then DualWriteMappers.keyOf throws IllegalStateException ("the
    // key property 'id' ... is null after the call") before writeState: no sync, no record, the caller gets an
    // exception for a write that happened. mapper() accepted the method.
    @Test
    void markedInsertOfARowWhoseKeyTheColumnDefaultFillsReachesTheNewStoreOrIsRecorded() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) DEFAULT (uuid()) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                try {
                    mappers.mapper(KeyFormsBreak2Mapper.class).insertWithDefaultKey(new Code(null, 1, null));
                } catch (RuntimeException afterTheWrite) {
                    // whatever the caller is told, the stores must end the same or the difference recorded
                }
            });
            assertThat(rows(oldDb)).hasSize(1);
        }
    }

    // Failed before its fix: a marked <foreach> insert of a List (key = 0, the list). The old store commits both rows, then
    // DualWriteMappers.keyOf asks the list for property 'id' (ContextExtractor.meta(list).getValue) and throws
    // before writeState: no sync, no record. mapper() accepted the method.
    @Test
    void markedForeachInsertOfAListReachesTheNewStoreOrIsRecorded() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                try {
                    mappers.mapper(KeyFormsBreak2Mapper.class).insertAll(List.of(new Code("a", 1, null), new Code("b", 2, null)));
                } catch (RuntimeException afterTheWrite) {
                    // whatever the caller is told, the stores must end the same or the difference recorded
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("a", "b");
        }
    }

    // passes: MariaDB AUTO_INCREMENT key whose BEFORE INSERT trigger sets the key (NEW.id = 500 + NEW.qty); the marked
    // insert asks for generated keys, and the driver hands MyBatis the key the trigger set (501, 502)
    @Test
    void markedGeneratedKeyInsertWhoseTriggerSetsTheKeyReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "CREATE TRIGGER codes_key BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = 500 + NEW.qty");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                KeyFormsBreak2Mapper codes = mappers.mapper(KeyFormsBreak2Mapper.class);
                assertThat(codes.insertGenerated(new Code(null, 1, null))).isEqualTo(1);
                assertThat(codes.insertGenerated(new Code(null, 2, null))).isEqualTo(1);
            });
            assertThat(rows(oldDb)).containsOnlyKeys("501", "502");
        }
    }

    // passes: the common case reads nothing extra: two marked inserts with integer keys MariaDB generates select from
    // codes on the old store twice (each sync's read), never to read a key back
    @Test
    void markedInsertsOfGeneratedIntegerKeysAreReadOnlyBySyncs() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            AtomicInteger reads = new AtomicInteger();
            twoFactories(oldDb, KeyFormsStores.counting(oldDb.dataSource(), reads), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                KeyFormsBreak2Mapper codes = mappers.mapper(KeyFormsBreak2Mapper.class);
                codes.insertGenerated(new Code(null, 1, null));
                codes.insertGenerated(new Code(null, 2, null));
            });
            assertThat(reads.get()).as("selects of codes on the old store").isEqualTo(2);
            assertThat(rows(oldDb)).containsOnlyKeys("1", "2");
        }
    }

    // passes: NEW_PRIMARY, the new store (MariaDB utf8mb4_unicode_ci) authoritative, the old one PostgreSQL: a marked
    // delete of 'C0' removes row 'c0' on the new store; storedSpelling reads it there, and 'c0' is synced to the old
    @Test
    void markedDeleteSpeltOtherwiseUnderNewPrimaryLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.mariadb()) {
            oldDb.execute(PG_CODES, "INSERT INTO codes VALUES ('c0', 1, NULL), ('z', 2, NULL)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('c0', 1, NULL), ('z', 2, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.NEW_PRIMARY,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreak2Mapper.class).delete("C0")).isEqualTo(1));
            assertThat(rows(newDb)).containsOnlyKeys("z");
        }
    }

    // passes: the old factory's default executor is BATCH (the marked call's statements go at its commit): a marked
    // update by 'ÀBC' (utf8mb4_unicode_ci) of row 'abc' is synced under the row's own spelling
    @Test
    void markedUpdateSpeltOtherwiseUnderADefaultBatchExecutorLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('abc', 1, NULL), ('z', 2, NULL)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('abc', 1, NULL), ('z', 2, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), ExecutorType.BATCH, newDb, MigrationPhase.DUAL_WRITE,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).updateQty("ÀBC", 9));
            assertThat(rows(oldDb)).containsEntry("abc", "9");
        }
    }

    // Failed before its fix: a MyISAM (non-transactional) MariaDB table whose AFTER INSERT trigger refuses a negative quantity
    // with SIGNAL: the marked insert fails, but MyISAM keeps the row it inserted. DualWriteMappers.invoke runs the
    // call (DualWriteMappers.call) BEFORE writeState and lets its exception out, so no sync is handed off and
    // nothing is recorded; DualWriter.writeState itself hands one off "even when write throws: a store call that
    // fails may still have written".
    @Test
    void markedInsertThatFailsAfterANonTransactionalTableKeptTheRowReachesTheNewStoreOrIsRecorded() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20)) ENGINE = MyISAM",
                    "CREATE TRIGGER codes_check AFTER INSERT ON codes FOR EACH ROW BEGIN IF NEW.qty < 0 THEN"
                            + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative quantity'; END IF; END");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                try {
                    mappers.mapper(KeyFormsBreak2Mapper.class).insert(new Code("neg", -1, null));
                } catch (RuntimeException refused) {
                    // the caller is told the insert failed; the old store holds the row all the same
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("neg");
        }
    }

    // Failed before its fix: H2 2.3 VARCHAR_IGNORECASE key holding 'abc'; a marked upsert MERGE INTO codes KEY (id) of ('ABC', 9).
    // H2 rewrites the row as 'ABC' (a scan shows 'ABC') but a lookup by key still answers 'abc' (the primary index
    // entry keeps the old spelling). DualWriteMappers.keptKey and the sync (MapperStore.read) both read by key and
    // get 'abc': PostgreSQL ends with 'abc', the old store's rows say 'ABC'; nothing recorded. (An UPSERT gets no
    // storedSpelling read; over a DualWriteDataSource the same MERGE passes, test below.)
    @Test
    void markedMergeInAnotherCaseOnAnH2IgnoreCaseKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR_IGNORECASE(40) PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('abc', 1, NULL)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('abc', 1, NULL)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).merge(new Code("ABC", 9, null)));
            assertThat(rows(oldDb)).hasSize(1);
        }
    }

    // passes: a composite key (id, tag) on MariaDB and PostgreSQL; the read statement by id returns two rows. A marked
    // updateQty('a', 9) updates both: keptKey's read throws TooManyResultsException (a scoped resync is recorded)
    // and the sync's read fails the same way (recorded)
    @Test
    void markedUpdateOfTwoRowsOfACompositeKeyLeavesTheSameRowsOrARecord() throws Exception {
        String composite = "CREATE TABLE codes (id VARCHAR(40), qty INT, tag VARCHAR(20), PRIMARY KEY (id, tag))";
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute(composite, "INSERT INTO codes VALUES ('a', 1, 'x'), ('a', 2, 'y'), ('b', 3, 'x')");
            }
            twoFactories(oldDb, oldDb.dataSource(), ExecutorType.SIMPLE, newDb, MigrationPhase.DUAL_WRITE, COMPOSITE_ROWS,
                    mappers -> mappers.mapper(KeyFormsBreak2Mapper.class).updateQty("a", 9));
            assertThat(KeyFormsStores.rows(oldDb, COMPOSITE_ROWS)).containsEntry("a/x", "9").containsEntry("a/y", "9");
        }
    }

    // Failed before its fix: a marked insert of a @Param("row") bean asking for MariaDB's generated key, with the keyProperty
    // MyBatis needs for a named parameter ("row.id"); MyBatis sets row.id = 1 and the old store commits the row.
    // DualWriteMappers.keyOf reads the statement's keyProperty "row.id" from the ARGUMENT (the bean itself, not
    // MyBatis' parameter map): ContextExtractor.meta(bean).getValue("row.id") throws (no property 'row') before
    // writeState, so no sync and no record; the caller gets a ReflectionException for a committed write.
    @Test
    void markedGeneratedKeyInsertOfANamedParameterReachesTheNewStoreOrIsRecorded() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                Code row = new Code(null, 1, null);
                try {
                    mappers.mapper(KeyFormsBreak2Mapper.class).insertGeneratedNamed(row);
                } catch (RuntimeException afterTheWrite) {
                    // whatever the caller is told, the stores must end the same or the difference recorded
                }
                assertThat(row.getId()).isEqualTo("1");
            });
            assertThat(rows(oldDb)).containsOnlyKeys("1");
        }
    }

    // passes: the old factory's default executor is BATCH: marked inserts of MariaDB-generated keys (MyBatis sets the
    // keys at the commit that flushes the batch, before keyOf reads them)
    @Test
    void markedGeneratedKeyInsertsUnderADefaultBatchExecutorReachTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            twoFactories(oldDb, oldDb.dataSource(), ExecutorType.BATCH, newDb, MigrationPhase.DUAL_WRITE, mappers -> {
                KeyFormsBreak2Mapper codes = mappers.mapper(KeyFormsBreak2Mapper.class);
                codes.insertGenerated(new Code(null, 1, null));
                codes.insertGenerated(new Code(null, 2, null));
            });
            assertThat(rows(oldDb)).containsOnlyKeys("1", "2");
        }
    }

    // ---------------------------------------------------------------- MyBatis over a DualWriteDataSource

    // passes: DualWriteDataSource, MyBatis BATCH executor: two REPLACEs, each taking another row's UNIQUE tag ('b'
    // replaces 'a', 'c' replaces 'z')
    @Test
    void batchReplacesTakingOtherRowsUniqueValuesOverTheDataSourceLeaveTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20) UNIQUE)",
                    "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            overDataSource(oldDb, newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreak2Mapper codes = session.getMapper(KeyFormsBreak2Mapper.class);
                    codes.replaceRow(new Code("b", 3, "x"));
                    codes.replaceRow(new Code("c", 4, "y"));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("b", "c");
        }
    }

    // passes: DualWriteDataSource, H2 VARCHAR_IGNORECASE key holding 'abc': MyBatis MERGE INTO codes KEY (id) of
    // ('ABC', 9)
    @Test
    void mergeInAnotherCaseOnAnH2IgnoreCaseKeyOverTheDataSourceLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR_IGNORECASE(40) PRIMARY KEY, qty INT, tag VARCHAR(20))",
                    "INSERT INTO codes VALUES ('abc', 1, NULL)");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('abc', 1, NULL)");
            overDataSource(oldDb, newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreak2Mapper.class).mergeRow(new Code("ABC", 9, null));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- MyBatis over a DualWriteDataSource

    // passes: DualWriteDataSource, a MyBatis REPLACE taking another row's UNIQUE tag (row 'a' deleted, 'b' inserted)
    @Test
    void replaceTakingAnotherRowsUniqueValueOverTheDataSourceLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20) UNIQUE)",
                    "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            newDb.execute(PG_CODES, "INSERT INTO codes VALUES ('a', 1, 'x'), ('z', 2, 'y')");
            overDataSource(oldDb, newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreak2Mapper.class).replaceRow(new Code("b", 3, "x"));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("b", "z");
        }
    }

    // passes: DualWriteDataSource, a MyBatis session (not auto-commit) inserts 'a' and 'b' and rolls back after a
    // committed 'c': only 'c' in either store
    @Test
    void sessionRolledBackAfterItsWritesLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            overDataSource(oldDb, newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.REUSE)) {
                    KeyFormsBreak2Mapper codes = session.getMapper(KeyFormsBreak2Mapper.class);
                    codes.insertRow(new Code("c", 3, null));
                    session.commit();
                    codes.insertRow(new Code("a", 1, null));
                    codes.insertRow(new Code("b", 2, null));
                    session.rollback();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("c");
        }
    }

    // passes: DualWriteDataSource, an INSERT … RETURNING mapped as a MyBatis @Select. MyBatis does not mark the session
    // dirty for a select, so session.commit() does not commit the connection; the insert commits when the session
    // closes (JdbcTransaction.resetAutoCommit: setAutoCommit(true)), and the data source syncs it then
    @Test
    void insertReturningMappedAsASelectCommittedAtCloseLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(40) PRIMARY KEY, qty INT, tag VARCHAR(20))");
            newDb.execute(PG_CODES);
            overDataSource(oldDb, newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    assertThat(session.getMapper(KeyFormsBreak2Mapper.class).insertReturning(new Code("a", 1, null)))
                            .isEqualTo("a");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("a");
        }
    }

    // ---------------------------------------------------------------- fixtures

    /** What a test runs against the stores. */
    private interface Call<T> {
        void accept(T target) throws Exception;
    }

    private static DualWriter writer(InMemoryChangeLog changeLog, MigrationPhase phase) {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase("codes", phase);
        return DualWriter.builder()
                .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of("codes")).build())
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(10)).build())
                .build();
    }

    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, TestDatabase newDb, MigrationPhase phase,
                                     Call<DualWriteMappers> call) throws Exception {
        twoFactories(oldDb, oldSource, ExecutorType.SIMPLE, newDb, phase, ROWS, call);
    }

    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, ExecutorType oldExecutor, TestDatabase newDb,
                                     MigrationPhase phase, Call<DualWriteMappers> call) throws Exception {
        twoFactories(oldDb, oldSource, oldExecutor, newDb, phase, ROWS, call);
    }

    /** Two session factories (the old one over {@code oldSource}) in {@code phase}, SYNC; runs {@code call}, then compares. */
    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, ExecutorType oldExecutor, TestDatabase newDb,
                                     MigrationPhase phase, String rowsSql, Call<DualWriteMappers> call) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (DualWriter writer = writer(changeLog, phase)) {
            List<String> upserts = List.of(M + "deleteRow", M + "insertRow");
            SqlSessionFactory old = factory(oldSource);
            old.getConfiguration().setDefaultExecutorType(oldExecutor);
            DualWriteMappers mappers = DualWriteMappers.builder(writer, "codes")
                    .sessions(Store.OLD, old).sessions(Store.NEW, factory(newDb.dataSource()))
                    .table("codes", Store.OLD, M + "selectById", upserts, List.of(M + "deleteById"))
                    .table("codes", Store.NEW, M + "selectById", upserts, List.of(M + "deleteById"))
                    .build();
            call.accept(mappers);
            KeyFormsStores.sameOrRecorded(oldDb, newDb, changeLog, rowsSql);
        }
    }

    /** MyBatis with the interceptor over a DualWriteDataSource, SYNC, DUAL_WRITE. */
    private static void overDataSource(TestDatabase oldDb, TestDatabase newDb, Call<SqlSessionFactory> call) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (DualWriter writer = writer(changeLog, MigrationPhase.DUAL_WRITE)) {
            DualWriteDataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .migration("codes").dualWriter(writer).mapping(TableMapping.builder("codes").build())
                    .build();
            Configuration configuration = new Configuration(new Environment("ds", new JdbcTransactionFactory(), dataSource));
            configuration.addMapper(KeyFormsBreak2Mapper.class);
            MigrationContextInterceptor.install(configuration, ContextRules.builder("codes").build());
            call.accept(new SqlSessionFactoryBuilder().build(configuration));
            KeyFormsStores.sameOrRecorded(oldDb, newDb, changeLog, ROWS);
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(KeyFormsBreak2Mapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** The rows of {@code codes} by exact key text (as the database gives it to a plain JDBC select). */
    private static Map<String, String> rows(TestDatabase db) {
        return KeyFormsStores.rows(db, ROWS);
    }
}
