package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
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
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
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
 * Keys a store keeps in another form than the MyBatis write named them, on both MyBatis paths: the two-factory
 * {@link DualWriteMappers} (marked methods, synced by key through the tables' read/upsert/delete statements) and
 * MyBatis with the interceptor over a {@code DualWriteDataSource}. Each test writes real rows into a real old
 * store (MariaDB, H2) and ends comparing both stores row by row with plain JDBC: the same rows, or the
 * difference recorded in the change log.
 */
class KeyFormsMyBatisBreakTest {

    private static final String M = "io.dualwrite.mybatis.KeyFormsBreakMapper.";
    private static final String L = "io.dualwrite.mybatis.KeyFormsBreakLongMapper.";
    private static final String ROWS = "SELECT id, qty FROM codes";
    private static final String LABEL_ROWS = "SELECT code AS id, qty FROM labels";
    private static final String NON_STRICT = "SET SESSION sql_mode = ''";

    // ---------------------------------------------------------------- two session factories (DualWriteMappers)

    // Failed before its fix: MariaDB key VARCHAR(20) COLLATE utf8mb4_bin, BEFORE INSERT trigger SET NEW.id = UPPER(NEW.id);
    // marked insert of 'abc' stores 'ABC'. DualWriteMappers.invoke -> keyOf gives the key as written ('abc'),
    // the sync (MapperStore.read) finds no 'abc', deletes 'abc' on the new store: 'ABC' never arrives, nothing
    // recorded. The two-factory path never reads an inserted key back, whatever the catalog says of triggers.
    @Test
    void markedInsertIntoATableWhoseTriggerUppercasesTheKeyReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "CREATE TRIGGER codes_upper BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = UPPER(NEW.id)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).insert(row("abc", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("ABC");
        }
    }

    // Failed before its fix: the same trigger on updates (BEFORE UPDATE ... SET NEW.id = UPPER(NEW.id)); a marked
    // updateQty('abc', 5) moves row 'abc' to 'ABC'. DualWriteMappers.storedSpelling reads the row BEFORE the call
    // (it is still 'abc'), keyOf gives 'abc': the sync finds no 'abc' and deletes it on the new store; 'ABC' is
    // never copied, nothing recorded.
    @Test
    void markedUpdateInATableWhoseTriggerUppercasesTheKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1), ('z', 2)",
                    "CREATE TRIGGER codes_upper BEFORE UPDATE ON codes FOR EACH ROW SET NEW.id = UPPER(NEW.id)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1), ('z', 2)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).updateQty("abc", 5)).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("ABC", "z");
        }
    }

    // Failed before its fix: the application's MariaDB sessions run sql_mode = '' (non-strict); a marked insert of
    // 'abcdef' into VARCHAR(3) stores 'abc' with a warning. keyOf gives 'abcdef'; MapperStore.read('abcdef')
    // finds nothing, the new store gets a delete of 'abcdef' and never row 'abc'; nothing recorded. Unlike
    // the JDBC path, DualWriteMappers never looks at the warnings.
    @Test
    void markedInsertCutByANonStrictSessionReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            twoFactories(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, M + "selectById",
                    M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).insert(row("abcdef", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("abc");
        }
    }

    // Failed before its fix: non-strict session again; a marked upsert (INSERT … ON DUPLICATE KEY UPDATE qty =
    // VALUES(qty)) of ('abcdef', 9) is cut to 'abc', collides with the existing row 'abc' and updates its
    // quantity to 9. keyOf gives 'abcdef' (UPSERT: no storedSpelling read): the sync reads nothing and deletes
    // 'abcdef' on the new store, whose 'abc' keeps quantity 1; nothing recorded.
    @Test
    void markedUpsertCutByANonStrictSessionOntoAnExistingRowLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            twoFactories(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, M + "selectById",
                    M + "deleteById",
                    mappers -> mappers.mapper(KeyFormsBreakMapper.class).upsert(row("abcdef", 9)));
            assertThat(rows(oldDb)).containsEntry("abc", "9");
        }
    }

    // Failed before its fix: a String key property on a MariaDB DATETIME key: the marked insert of id
    // '2024-01-01 10:00:00.6' stores 2024-01-01 10:00:00 (DATETIME(0) drops the fraction, no warning). keyOf
    // gives the text as written; MapperStore.read compares the column with '… 10:00:00.6' and finds nothing;
    // the new store (MariaDB, same column) gets a delete and never the row; nothing recorded.
    @Test
    void markedInsertOfATextKeyWithAFractionIntoADatetimeKeyReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.mariadb()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE codes (id DATETIME PRIMARY KEY, qty INT)");
            }
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class)
                            .insert(row("2024-01-01 10:00:00.6", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).hasSize(1);
        }
    }

    // Failed before its fix: the old side's mapper names rows of a MariaDB VARCHAR key by long ids (its read statement
    // takes a long); the new side's statements take the text. deleteByLong(7) deletes row '007' (MariaDB compares
    // text with a number as numbers). DualWriteMappers.storedSpelling skips its read ("a number for a numeric
    // key names its row exactly": isWholeNumber(7) && isNumeric(read's parameter type)), although the column is
    // text; the key synced is '7', the new store deletes '7' and keeps '007'; nothing recorded.
    @Test
    void markedDeleteByALongOfAZeroPaddedTextKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('007', 1), ('8', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('007', 1), ('8', 2)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, L + "selectByLong", L + "deleteByLongId",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakLongMapper.class).deleteByLong(7)).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("8");
        }
    }

    // passes: the same for a marked update by long id: updateQtyByLong(7, 9) updates row '007'; the key synced
    // is '7' only, but the sync's read by the long 7 finds the row '007' (compared as numbers) and copies it
    @Test
    void markedUpdateByALongOfAZeroPaddedTextKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('007', 1), ('8', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('007', 1), ('8', 2)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, L + "selectByLong", L + "deleteByLongId",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakLongMapper.class).updateQtyByLong(7, 9)).isEqualTo(1));
            assertThat(rows(oldDb)).containsEntry("007", "9");
        }
    }

    // Failed before its fix: H2 old store with a VARCHAR_IGNORECASE key, rows read as maps (H2 labels columns in upper
    // case: the map holds 'ID', not 'id'). A marked delete('C0') removes row 'c0'; DualWriteMappers.storedSpelling
    // reads the row but looks its key up as property 'id' (ContextExtractor.meta(row).getValue("id") on a map
    // keyed 'ID' gives null), so only 'C0' is synced: PostgreSQL deletes 'C0' and keeps 'c0'; nothing recorded.
    @Test
    void markedDeleteByAKeyInAnotherCaseOnAnH2IgnoreCaseKeyWithMapRowsLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR_IGNORECASE(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('c0', 1), ('z', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('c0', 1), ('z', 2)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).delete("C0")).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("z");
        }
    }

    // passes: a String key property '007' on a MariaDB INT key stores row 7; the sync reads '007',
    // which MariaDB compares as the number 7, and copies the row under its own key
    @Test
    void markedInsertOfAZeroPaddedTextIntoAnIntegerKeyReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).insert(row("007", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("7");
        }
    }

    // passes: a case-insensitive MariaDB key, marked upsert of 'ABC' onto row 'abc' updates 'abc'; the
    // sync's read of 'ABC' returns row 'abc', copied under its own spelling
    @Test
    void markedUpsertInAnotherCaseOntoAnExistingRowLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> mappers.mapper(KeyFormsBreakMapper.class).upsert(row("ABC", 9)));
            assertThat(rows(oldDb)).containsEntry("abc", "9");
        }
    }

    // ---------------------------------------------------------------- MyBatis over a DualWriteDataSource

    // passes: BATCH executor in a non-strict MariaDB session: three inserts, the middle one cut from 'abcdef' to
    // 'abc' (the driver sends the inserts as one bulk command, whose warning count covers all rows)
    @Test
    void batchInsertsWithOneKeyCutByANonStrictSessionLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.insertRow(row("x", 1));
                    codes.insertRow(row("abcdef", 2));
                    codes.insertRow(row("y", 3));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("x", "abc", "y");
        }
    }

    // passes: BATCH executor, a non-strict session and ON DUPLICATE KEY UPDATE: ('x', 1), then ('abcdef', 9) cut
    // onto row 'abc' (the cut statement is the batch's last)
    @Test
    void batchUpsertCutByANonStrictSessionOntoAnExistingRowLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.upsert(row("x", 1));
                    codes.upsert(row("abcdef", 9));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsEntry("abc", "9");
        }
    }

    // passes: BATCH executor into a table whose BEFORE INSERT trigger upper-cases the key (utf8mb4_bin)
    @Test
    void batchInsertsIntoATableWhoseTriggerUppercasesTheKeyLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "CREATE TRIGGER codes_upper BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = UPPER(NEW.id)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.insertRow(row("a", 1));
                    codes.insertRow(row("b", 2));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("A", "B");
        }
    }

    // passes: BATCH executor, BEFORE UPDATE trigger upper-casing the key: an update by 'abc' moves the row to 'ABC'
    @Test
    void updateInATableWhoseTriggerUppercasesTheKeyLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1), ('z', 2)",
                    "CREATE TRIGGER codes_upper BEFORE UPDATE ON codes FOR EACH ROW SET NEW.id = UPPER(NEW.id)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('abc', 1), ('z', 2)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    assertThat(session.getMapper(KeyFormsBreakMapper.class).updateQty("abc", 5)).isNotNull();
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("ABC", "z");
        }
    }

    // passes: BATCH executor, case- and accent-insensitive key: updates and a delete by keys spelt otherwise
    @Test
    void batchUpdatesAndDeleteByKeysSpeltOtherwiseLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('c0', 1), ('e', 2), ('z', 3)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('c0', 1), ('e', 2), ('z', 3)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.updateQty("C0", 7);
                    codes.updateQty("É", 8);
                    codes.delete("Z ");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("c0", "e").containsEntry("c0", "7").containsEntry("e", "8");
        }
    }

    // passes: BATCH executor on a connection whose session runs time_zone '+05:00': TIMESTAMP keys as LocalDateTime
    @Test
    void batchInsertsOfTimestampKeysInASessionOfAnotherZoneLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.mariadb()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE codes (id TIMESTAMP PRIMARY KEY, qty INT)");
            }
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                {
                    Connection connection = sessions.getConfiguration().getEnvironment().getDataSource().getConnection();
                    try (Statement zone = connection.createStatement()) {
                        zone.execute("SET time_zone = '+05:00'");
                    }
                    try (SqlSession session = sessions.openSession(ExecutorType.BATCH, connection)) {
                        KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                        codes.insertRow(row(LocalDateTime.of(2024, 1, 1, 10, 0), 1));
                        codes.insertRow(row(LocalDateTime.of(2024, 1, 1, 11, 0), 2));
                        session.commit();
                        try (Statement zone = session.getConnection().createStatement()) {
                            zone.execute("SET time_zone = @@global.time_zone");
                        }
                    }
                }
            });
            assertThat(rows(oldDb)).hasSize(2);
        }
    }

    // passes: the common case pays nothing extra: MyBatis inserts of integer keys (BATCH, no trigger) on H2
    // select from the table on the old store once (the copier's read of both keys), never to read a key back
    @Test
    void integerKeysWithoutTriggersAreReadOnlyByTheCopier() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE codes (id BIGINT PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES (9, 9)");
            }
            AtomicInteger reads = new AtomicInteger();
            overDataSource(oldDb, KeyFormsStores.counting(oldDb.dataSource(), reads), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.insertRow(row(1L, 1));
                    codes.insertRow(row(2L, 2));
                    session.commit();
                }
            });
            assertThat(reads.get()).as("selects of codes on the old store").isEqualTo(1);
            assertThat(rows(oldDb)).containsOnlyKeys("1", "2", "9");
        }
    }

    // Failed before its fix: labels (code VARCHAR COLLATE utf8mb4_unicode_ci) whose read statement maps column code to
    // property id with a result map (TextKeyResultMapMapper.selectById, typed String). A marked
    // deleteLabelByNumber(7) deletes row '007' on MariaDB. DualWriteMappers.storedSpelling: the read refuses the
    // Integer (StringTypeHandler), so storedKey runs the read's SQL with setObject(7) and finds '007', but then
    // looks for a result COLUMN labelled as the PROPERTY 'id' (the column is 'code'): null. Only '7' is synced;
    // the new store deletes '7' and keeps '007'; nothing recorded.
    @Test
    void markedDeleteByANumberThroughAResultMapRenamingTheKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE labels (code VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO labels VALUES ('007', 1), ('8', 2)");
            newDb.execute("CREATE TABLE labels (code VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO labels VALUES ('007', 1), ('8', 2)");
            twoFactoriesOnLabels(oldDb, newDb,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakLabelMapper.class).deleteLabelByNumber(7)).isEqualTo(1));
            assertThat(KeyFormsStores.rows(oldDb, LABEL_ROWS)).containsOnlyKeys("8");
        }
    }

    // Failed before its fix: the same for a marked update by a number: updateLabelQtyByNumber(7, 9) updates row '007';
    // storedKey finds it but no column labelled 'id', so only '7' is synced: the String-typed read of '7' finds
    // nothing on MariaDB (text compared with text), the new store deletes '7', its '007' keeps quantity 1.
    @Test
    void markedUpdateByANumberThroughAResultMapRenamingTheKeyLeavesTheSameRows() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE labels (code VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO labels VALUES ('007', 1), ('8', 2)");
            newDb.execute("CREATE TABLE labels (code VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO labels VALUES ('007', 1), ('8', 2)");
            twoFactoriesOnLabels(oldDb, newDb,
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakLabelMapper.class).updateLabelQtyByNumber(7, 9)).isEqualTo(1));
            assertThat(KeyFormsStores.rows(oldDb, LABEL_ROWS)).containsEntry("007", "9");
        }
    }

    // passes: DualWriteDataSource, useGeneratedKeys insert into an AUTO_INCREMENT key whose BEFORE INSERT trigger sets the
    // key itself (NEW.id = 500 + NEW.qty): the driver's generated key is not the row's key
    @Test
    void generatedKeyInsertIntoATableWhoseTriggerSetsTheKeyLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id INT AUTO_INCREMENT PRIMARY KEY, qty INT)",
                    "CREATE TRIGGER codes_key BEFORE INSERT ON codes FOR EACH ROW SET NEW.id = 500 + NEW.qty");
            newDb.execute("CREATE TABLE codes (id INT PRIMARY KEY, qty INT)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreakMoreMapper.class).insertGenerated(row(null, 1));
                    session.getMapper(KeyFormsBreakMoreMapper.class).insertGenerated(row(null, 2));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("501", "502");
        }
    }

    // passes: DualWriteDataSource, statementType STATEMENT (${} literals) in a non-strict session cutting the key
    @Test
    void literalInsertCutByANonStrictSessionLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreakMoreMapper.class).insertLiteral(row("abcdef", 1));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc");
        }
    }

    // passes: DualWriteDataSource, a <foreach> multi-row insert in a non-strict session, one key cut
    @Test
    void foreachInsertWithOneKeyCutByANonStrictSessionLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreakMoreMapper.class)
                            .insertAll(List.of(row("x", 1), row("abcdef", 2), row("y", 3)));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("x", "abc", "y");
        }
    }

    // Failed before its fix: DualWriteDataSource, MyBatis BATCH executor, non-strict MariaDB session: UPDATE codes SET id =
    // 'abcdef' WHERE id = 'a' (row 'abc', with a warning), then SET id = 'b2' WHERE id = 'b'. BatchExecution
    // (line ~130) asks WriteExecution.warned once for the whole batch; MariaDB Connector/J pipelines UPDATEs of a
    // batch (only INSERTs go as one bulk command), and the connection keeps the LAST statement's warning count
    // (0), so the first statement's assigned key is synced as written ('abcdef'): the copier finds no such row,
    // the new store loses 'a' and never gets 'abc'; nothing recorded. The same statement alone (SIMPLE) or last
    // in the batch passes.
    @Test
    void batchKeyAssignmentCutByANonStrictSessionLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.renameKey("a", "abcdef");
                    codes.renameKey("b", "b2");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "b2");
        }
    }

    // passes: DualWriteDataSource, a CALLABLE mapper statement whose procedure stores the key upper-cased
    @Test
    void callableInsertOfAnUppercasedKeyLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(20) COLLATE utf8mb4_bin PRIMARY KEY, qty INT)",
                    "CREATE PROCEDURE add_code(IN k VARCHAR(20), IN q INT) INSERT INTO codes VALUES (UPPER(k), q)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    session.getMapper(KeyFormsBreakMoreMapper.class).addCode(row("abc", 1));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("ABC");
        }
    }

    // passes: DualWriteDataSource, SIMPLE executor: the same cut key assignment, one statement at a time
    @Test
    void keyAssignmentCutByANonStrictSessionLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.renameKey("a", "abcdef");
                    codes.renameKey("b", "b2");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "b2");
        }
    }

    // passes: DualWriteDataSource, BATCH: the cut key assignment as the LAST statement of the batch
    @Test
    void batchKeyAssignmentCutOnTheLastStatementLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.renameKey("b", "b2");
                    codes.renameKey("a", "abcdef");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "b2");
        }
    }

    // Failed before its fix: DualWriteDataSource, MyBatis BATCH executor, non-strict session: INSERT … ON DUPLICATE KEY
    // UPDATE of ('abcdef', 9), cut onto the existing row 'abc', then of ('x', 1). Same diagnosis: BatchExecution
    // reads one warning count for the batch, the driver keeps only the last statement's; the key 'abcdef' is
    // synced as written and row 'abc' keeps quantity 1 on the new store; nothing recorded.
    @Test
    void batchUpsertsWithTheFirstCutOntoAnExistingRowLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('abc', 1)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.upsert(row("abcdef", 9));
                    codes.upsert(row("x", 1));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsEntry("abc", "9").containsOnlyKeys("abc", "x");
        }
    }

    // passes: DualWriteDataSource, BATCH: inserts, the cut one first, then one whose quantity is null (MyBatis binds
    // setNull(OTHER): the parameter types of the batch's rows differ)
    @Test
    void batchInsertsOfMixedParameterTypesWithTheFirstKeyCutLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMapper codes = session.getMapper(KeyFormsBreakMapper.class);
                    codes.insertRow(row("abcdef", 1));
                    Map<String, Object> nullQty = row("y", 2);
                    nullQty.put("qty", null);
                    codes.insertRow(nullQty);
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "y");
        }
    }

    // Failed before its fix: two factories, STRICT mode: a marked insert of 'abc  ' into a VARCHAR(3) utf8mb4_nopad_bin key
    // stores 'abc' (MariaDB cuts trailing spaces with a note, even in strict mode). keyOf gives 'abc  ';
    // MapperStore.read('abc  ') under a NO PAD collation finds nothing; the new store gets a delete of 'abc  ' and
    // never 'abc'; nothing recorded (the JDBC path reads such keys back: "a text ending in white space").
    @Test
    void markedInsertOfATrailingSpaceKeyCutByItsNoPadColumnReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) COLLATE utf8mb4_nopad_bin PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMapper.class).insert(row("abc  ", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("abc");
        }
    }

    // Failed before its fix: DualWriteDataSource, MyBatis BATCH with useGeneratedKeys (prepared with RETURN_GENERATED_KEYS),
    // non-strict session: the insert of 'abcdef' (row 'abc') first, then 'y'. With generated keys asked for, the
    // driver does not send the batch as one bulk command (as it does the plain inserts above) and keeps only the
    // last statement's warning count; BatchExecution asks WriteExecution.warned once per batch and sees none:
    // 'abcdef' is synced as written, 'abc' never reaches the new store; nothing recorded.
    @Test
    void batchInsertsAskingForGeneratedKeysWithTheFirstKeyCutLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT, seq INT AUTO_INCREMENT UNIQUE)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT, seq INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.insertReturningSeq(row("abcdef", 1));
                    codes.insertReturningSeq(row("y", 2));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "y");
        }
    }

    // Failed before its fix: two factories, MariaDB in its default STRICT mode: a marked INSERT IGNORE of 'abcdef' into a
    // VARCHAR(3) key stores 'abc' with a warning (IGNORE turns the error into one). Same diagnosis as the
    // non-strict insert: DualWriteMappers.keyOf syncs 'abcdef', which MapperStore.read does not find.
    @Test
    void markedInsertIgnoreCutInStrictModeReachesTheNewStore() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)");
            twoFactories(oldDb, oldDb.dataSource(), newDb, M + "selectById", M + "deleteById",
                    mappers -> assertThat(mappers.mapper(KeyFormsBreakMoreMapper.class).insertIgnore(row("abcdef", 1))).isEqualTo(1));
            assertThat(rows(oldDb)).containsOnlyKeys("abc");
        }
    }

    // Failed before its fix: DualWriteDataSource, MyBatis BATCH, default STRICT mode: UPDATE IGNORE codes SET id = 'abcdef'
    // WHERE id = 'a' (row 'abc', a warning), then SET id = 'b2' WHERE id = 'b'. Same diagnosis as the non-strict
    // batch: BatchExecution's one warning count per batch is the last statement's.
    @Test
    void batchUpdateIgnoreKeyAssignmentCutInStrictModeLeavesTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            overDataSource(oldDb, oldDb.dataSource(), newDb, sessions -> {
                try (SqlSession session = sessions.openSession(ExecutorType.BATCH)) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.renameKeyIgnoring("a", "abcdef");
                    codes.renameKeyIgnoring("b", "b2");
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "b2");
        }
    }

    // passes: DualWriteDataSource, SIMPLE executor with useGeneratedKeys, non-strict session, the cut insert first
    @Test
    void insertsAskingForGeneratedKeysWithTheFirstKeyCutLeaveTheSameRowsOrARecord() throws Exception {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute("CREATE TABLE codes (id VARCHAR(3) PRIMARY KEY, qty INT, seq INT AUTO_INCREMENT UNIQUE)");
            newDb.execute("CREATE TABLE codes (id VARCHAR(20) PRIMARY KEY, qty INT, seq INT)");
            overDataSource(oldDb, onEachConnection(oldDb.dataSource(), NON_STRICT), newDb, sessions -> {
                try (SqlSession session = sessions.openSession()) {
                    KeyFormsBreakMoreMapper codes = session.getMapper(KeyFormsBreakMoreMapper.class);
                    codes.insertReturningSeq(row("abcdef", 1));
                    codes.insertReturningSeq(row("y", 2));
                    session.commit();
                }
            });
            assertThat(rows(oldDb)).containsOnlyKeys("abc", "y");
        }
    }

    // ---------------------------------------------------------------- fixtures

    /** What a test runs against the stores. */
    private interface Call<T> {
        void accept(T target) throws Exception;
    }

    private static Map<String, Object> row(Object id, int qty) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("qty", qty);
        return row;
    }

    private static DualWriter writer(InMemoryChangeLog changeLog) {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase("codes", MigrationPhase.DUAL_WRITE);
        return DualWriter.builder()
                .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of("codes")).build())
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(10)).build())
                .build();
    }

    /**
     * Two session factories (the old one over {@code oldSource}), SYNC, DUAL_WRITE; the old side reads with
     * {@code oldRead} and deletes with {@code oldDelete}, the new side with the text statements; runs
     * {@code call}, then compares both stores.
     */
    private static void twoFactories(TestDatabase oldDb, DataSource oldSource, TestDatabase newDb, String oldRead,
                                     String oldDelete, Call<DualWriteMappers> call) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (DualWriter writer = writer(changeLog)) {
            List<String> upserts = List.of(M + "deleteRow", M + "insertRow");
            DualWriteMappers mappers = DualWriteMappers.builder(writer, "codes")
                    .sessions(Store.OLD, factory(oldSource)).sessions(Store.NEW, factory(newDb.dataSource()))
                    .table("codes", Store.OLD, oldRead, upserts, List.of(oldDelete))
                    .table("codes", Store.NEW, M + "selectById", upserts, List.of(M + "deleteById"))
                    .build();
            call.accept(mappers);
            KeyFormsStores.sameOrRecorded(oldDb, newDb, changeLog, ROWS);
        }
    }

    /** Two session factories on {@code labels (code, qty)}, through {@link TextKeyResultMapMapper}'s statements. */
    private static void twoFactoriesOnLabels(TestDatabase oldDb, TestDatabase newDb, Call<DualWriteMappers> call)
            throws Exception {
        String labels = "io.dualwrite.mybatis.TextKeyResultMapMapper.";
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (DualWriter writer = writer(changeLog)) {
            List<String> upserts = List.of(labels + "deleteRow", labels + "insertRow");
            List<String> deletes = List.of(labels + "deleteById");
            DualWriteMappers mappers = DualWriteMappers.builder(writer, "codes")
                    .sessions(Store.OLD, factory(oldDb.dataSource())).sessions(Store.NEW, factory(newDb.dataSource()))
                    .table("labels", Store.OLD, labels + "selectById", upserts, deletes)
                    .table("labels", Store.NEW, labels + "selectById", upserts, deletes)
                    .build();
            call.accept(mappers);
            KeyFormsStores.sameOrRecorded(oldDb, newDb, changeLog, LABEL_ROWS);
        }
    }

    /** MyBatis with the interceptor over a DualWriteDataSource (old store {@code oldSource}), SYNC, DUAL_WRITE. */
    private static void overDataSource(TestDatabase oldDb, DataSource oldSource, TestDatabase newDb,
                                       Call<SqlSessionFactory> call) throws Exception {
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (DualWriter writer = writer(changeLog)) {
            DualWriteDataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(oldSource).newDataSource(newDb.dataSource())
                    .migration("codes").dualWriter(writer).mapping(TableMapping.builder("codes").build())
                    .build();
            Configuration configuration = new Configuration(new Environment("ds", new JdbcTransactionFactory(), dataSource));
            configuration.addMapper(KeyFormsBreakMapper.class);
            configuration.addMapper(KeyFormsBreakMoreMapper.class);
            MigrationContextInterceptor.install(configuration, ContextRules.builder("codes").build());
            call.accept(new SqlSessionFactoryBuilder().build(configuration));
            KeyFormsStores.sameOrRecorded(oldDb, newDb, changeLog, ROWS);
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(KeyFormsBreakMapper.class);
        configuration.addMapper(KeyFormsBreakLongMapper.class);
        configuration.addMapper(KeyFormsBreakMoreMapper.class);
        configuration.addMapper(TextKeyResultMapMapper.class);
        configuration.addMapper(KeyFormsBreakLabelMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** The rows of {@code codes} by exact key text (as the database gives it to a plain JDBC select). */
    private static Map<String, String> rows(TestDatabase db) {
        return KeyFormsStores.rows(db, ROWS);
    }

    /** {@code real}, running {@code sql} on every connection it hands out (a session setting of the application). */
    private static DataSource onEachConnection(DataSource real, String sql) {
        return (DataSource) Proxy.newProxyInstance(KeyFormsMyBatisBreakTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = KeyFormsStores.invoke(real, method, args);
                    if (result instanceof Connection connection) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute(sql);
                        }
                    }
                    return result;
                });
    }
}
