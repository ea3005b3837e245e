package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transaction control is told apart however it is spelt: comments anywhere (nested as PostgreSQL nests them, MySQL
 * version comments whose text runs), white space or none after the word, assignments next to {@code autocommit},
 * and several statements in one text; and bodies of routines and blocks, whose {@code BEGIN … END} and semicolons
 * are their own, are not taken for control.
 */
class TxControlSpellingsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "COMMIT/*done*/|COMMIT",
            "commit -- trailing|COMMIT",
            "/* a /* b */ c */ COMMIT|COMMIT",
            "/*!40101 COMMIT */|COMMIT",
            "ROLLBACK /* c */ TO SAVEPOINT s1|ROLLBACK_TO_SAVEPOINT",
            "COMMIT /* c */ AND CHAIN|COMMIT_AND_CHAIN",
            "ROLLBACK AND NO CHAIN|ROLLBACK",
            "END TRANSACTION|COMMIT",
            "ABORT|ROLLBACK",
            "BEGIN ISOLATION LEVEL SERIALIZABLE|BEGIN",
            "START TRANSACTION READ ONLY|BEGIN",
            "SET AUTOCOMMIT TRUE|AUTOCOMMIT_ON",
            "SET AUTOCOMMIT FALSE|AUTOCOMMIT_OFF",
            "SET autocommit = 1, sql_mode = 'STRICT_ALL_TABLES'|AUTOCOMMIT_ON",
            "set @@session.autocommit=0|AUTOCOMMIT_OFF",
            "BEGIN NOT ATOMIC UPDATE orders SET qty = 1 WHERE id = 1; END|NONE",
            "BEGIN; UPDATE orders SET qty = 1 WHERE id = 1; COMMIT|MIXED",
            "INSERT INTO orders VALUES (5); COMMIT|MIXED",
            "UPDATE orders SET qty = 1; DELETE FROM orders WHERE id = 2|NONE",
            "DO $$ BEGIN UPDATE orders SET qty = 1; END $$|NONE",
            "CREATE PROCEDURE p() BEGIN UPDATE orders SET qty = 1; COMMIT; END|NONE",
            "SELECT 'COMMIT; ROLLBACK'|NONE",
            "UPDATE orders SET note = 'BEGIN' WHERE id = 1|NONE",
            "COMMITTED|NONE",
            "ending|NONE",
            "PREPARE TRANSACTION 'tx-1'|PREPARE_TRANSACTION",
            "commit /* tm */ prepared 'tx-1'|XA_COMMIT",
            "ROLLBACK PREPARED 'tx-1';|XA_ROLLBACK",
            "PREPARE transaction FROM 'SELECT 1'|NONE",
            "ROLLBACK TO\"s\"|ROLLBACK_TO_SAVEPOINT",
            "ROLLBACK WORK TO`s`|ROLLBACK_TO_SAVEPOINT",
            "SAVEPOINT\"s\"|SAVEPOINT",
            "RELEASE`s`|RELEASE_SAVEPOINT",
    })
    void transactionControlIsToldApartHoweverItIsSpelt(String sql, TxControl expected) {
        assertThat(TxControl.of(sql)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "ROLLBACK TO SAVEPOINT s1 /* trace */|s1",
            "SAVEPOINT \"Mixed\" -- note|Mixed",
            "RELEASE SAVEPOINT S2;|s2",
            "ROLLBACK TO\"s\"|s",
            "SAVEPOINT \"a\"\"b\"|a\"b",
            "ROLLBACK TO SAVEPOINT `A``b`|a`b",
            "RELEASE SAVEPOINT \"a\"\"\"|a\"",
    })
    void savepointNamesIgnoreComments(String sql, String name) {
        assertThat(TxControl.savepointName(sql)).isEqualTo(name);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "CREATE TABLE t (id INT)|CERTAIN",
            "/* x */ alter table orders add column y int|CERTAIN",
            "CREATE TEMPORARY TABLE t (id INT)|NONE",
            "CREATE OR REPLACE TEMPORARY TABLE tmp_t (x INT)|NONE",
            "DROP TEMPORARY TABLE t|NONE",
            "LOCK TABLES orders WRITE|CERTAIN",
            "UNLOCK TABLES|POSSIBLE",
            "CHECK TABLE orders|CERTAIN",
            "ANALYZE NO_WRITE_TO_BINLOG TABLE orders|CERTAIN",
            "ANALYZE SELECT * FROM other_t|POSSIBLE",
            "OPTIMIZE TABLE orders|CERTAIN",
            "RESET QUERY CACHE|CERTAIN",
            "EXECUTE stmt|POSSIBLE",
            "SET NAMES utf8mb4|NONE",
            "SET @a = 1|NONE",
            "SET @@autocommit := 'ON'|POSSIBLE",
            "LOAD DATA LOCAL INFILE 'f' INTO TABLE audit|NONE",
            "UPDATE orders SET qty = 1|NONE",
            "SELECT 1|NONE",
    })
    void mysqlImplicitCommitsAreKnown(String sql, TxControl.ImplicitCommit commits) {
        assertThat(TxControl.implicitCommit(sql, true)).isEqualTo(commits);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "CREATE TABLE other_t (x INT)|CERTAIN",
            "CREATE INDEX orders_qty ON orders (qty)|CERTAIN",
            "TRUNCATE TABLE audit|CERTAIN",
            "CREATE LOCAL TEMPORARY TABLE t (x INT) TRANSACTIONAL|NONE",
            "CREATE LOCAL TEMPORARY TABLE t (x INT)|CERTAIN",
            "INSERT INTO audit VALUES (1)|NONE",
            "SET SCHEMA PUBLIC|NONE",
    })
    void h2DdlCommits(String sql, TxControl.ImplicitCommit commits) {
        assertThat(TxControl.implicitCommit(sql, false)).isEqualTo(commits);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SET LOCAL autocommit = 1|AUTOCOMMIT_ON",
            "SET autocommit := 1|AUTOCOMMIT_ON",
            "SET @@local.autocommit = 1|AUTOCOMMIT_ON",
            "SET autocommit = DEFAULT|AUTOCOMMIT_ON",
            "SET autocommit = 'ON'|AUTOCOMMIT_ON",
            "SET SESSION autocommit = 'off'|AUTOCOMMIT_OFF",
            "SET @@autocommit:=0|AUTOCOMMIT_OFF",
    })
    void autocommitSpellingsAreControl(String sql, TxControl control) {
        assertThat(TxControl.of(sql)).isEqualTo(control);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "LOCK TABLES orders WRITE|LOCKED",
            "lock table orders read, customers write|LOCKED",
            "/* c */ LOCK TABLES orders AS o WRITE|LOCKED",
            "UNLOCK TABLES|UNLOCKED",
            "unlock table|UNLOCKED",
            "LOCK TABLES orders WRITE; UNLOCK TABLES|UNLOCKED",
            "UNLOCK TABLES; LOCK TABLES orders WRITE|LOCKED",
            "LOCK TABLES orders WRITE; UPDATE orders SET qty = 1 WHERE id = 1|LOCKED",
            "SELECT 'LOCK TABLES orders WRITE'|UNCHANGED",
            "SELECT * FROM orders LOCK IN SHARE MODE|UNCHANGED",
            "UPDATE orders SET note = 'unlock tables' WHERE id = 1|UNCHANGED",
    })
    void tableLocksAreToldBySpelling(String sql, TxControl.TableLocks locks) {
        assertThat(TxControl.tableLocks(sql)).isEqualTo(locks);
    }

    // The text each server's lexer reads, spelt for the shared reading: only what that server reads otherwise changes.
    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "UPDATE t SET c = '\\';ROLLBACK;#' WHERE id = 2|MYSQL|UPDATE t SET c = ''';ROLLBACK;#' WHERE id = 2",
            "UPDATE t SET c = '\\\\';ROLLBACK;#'|MYSQL|UPDATE t SET c = '\\\\';ROLLBACK;#'",
            "UPDATE t SET c = '\\';ROLLBACK;#'|POSTGRESQL|UPDATE t SET c = '\\';ROLLBACK;#'",
            "UPDATE t SET c = E'\\';ROLLBACK;--'|POSTGRESQL|UPDATE t SET c = E''';ROLLBACK;--'",
            "UPDATE t SET c = name'\\';ROLLBACK;--'|POSTGRESQL|UPDATE t SET c = name'\\';ROLLBACK;--'",
            "UPDATE t SET q = q # 0; COMMIT|POSTGRESQL|UPDATE t SET q = q ~ 0; COMMIT",
            "UPDATE t SET q = q # 0; COMMIT|MYSQL|UPDATE t SET q = q # 0; COMMIT",
            "UPDATE t SET q = 1 --0;COMMIT|MYSQL|UPDATE t SET q = 1 - -0;COMMIT",
            "UPDATE t SET q = 1 -- 0;COMMIT|MYSQL|UPDATE t SET q = 1 -- 0;COMMIT",
            "SET @$t$ = 1;COMMIT;SET @$t$ = 2|MYSQL|SET @_t$ = 1;COMMIT;SET @$t$ = 2",
            "SELECT $t$;COMMIT;$t$|POSTGRESQL|SELECT $t$;COMMIT;$t$",
            "UPDATE t SET q = 1 // ; ROLLBACK|H2|UPDATE t SET q = 1 -- ; ROLLBACK",
            "SELECT '//' ; ROLLBACK|H2|SELECT '//' ; ROLLBACK",
    })
    void textsAreSpeltAsTheirServerLexesThem(String sql, io.dualwrite.jdbc.Dialect dialect, String lexed) {
        assertThat(TxControl.asLexedBy(sql, dialect)).isEqualTo(lexed);
    }
}
