package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Statement shapes whose touched keys the library must know exactly or record a scoped
 * resync. Every test ends with {@link Mirrored#exactOrResynced}: the new store equals the old one row by row, or a
 * change-log entry was recorded and resolving it makes them equal.
 */
class UnusualStatementShapesTest {

    // Failed before its fix: a multi-row upsert whose key select finds as many rows as it has rows, but not the row it moved
    // Input (MariaDB -> MariaDB, orders 1 'a', 2 'b', 3 'c', code UNIQUE):
    //   INSERT INTO orders (id, code, qty) VALUES (2, 'c', 20), (7, 'a', 70)
    //     ON DUPLICATE KEY UPDATE qty = VALUES(qty), code = IF(code = 'a', 'moved', code)
    // Plain JDBC: count 4; row 2 (met on its id) gets qty 20, row 1 (met on code 'a') becomes (1, 'moved', 70).
    // Library: the key select (id = 2 OR code = 'c' OR id = 7 OR code = 'a') finds rows 2 and 3 -- row 3 only holds
    // 'c', it was not written -- which is as many rows as the statement has, so "a row it wrote holds none of its
    // unique values" is not noticed: row 1 stays (1, 'a', 1) in the new store and nothing is recorded.
    // Kind 1 (upserts, multi-row ON DUPLICATE KEY UPDATE with VALUES()).
    @Test
    void mariadbMultiRowUpsertMovingTheUniqueValueOfARowItMetIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (2, 'c', 20), (7, 'a', 70)"
                        + " ON DUPLICATE KEY UPDATE qty = VALUES(qty), code = IF(code = 'a', 'moved', code)")).isEqualTo(4);
            }
            Mirrored.exactOrResynced(fixture, "mariadb multi-row upsert moving a unique value");
        }
    }

    // Failed before its fix: the same on PostgreSQL's ON CONFLICT
    // Input (PostgreSQL -> PostgreSQL, orders 1 'a', 2 'b', 3 'c', code UNIQUE):
    //   INSERT INTO orders (id, code, qty) VALUES (2, 'c', 20), (7, 'a', 70) ON CONFLICT (code) DO UPDATE
    //     SET qty = EXCLUDED.qty, code = CASE WHEN orders.code = 'a' THEN 'moved' ELSE orders.code END
    // Plain JDBC: count 2; row 3 (met on 'c') gets qty 20, row 1 (met on 'a') becomes (1, 'moved', 70).
    // Library: the key select finds rows 2 (id = 2, untouched) and 3, two rows for two rows inserted: row 1 is never
    // synced, the new store keeps (1, 'a', 1), no change-log entry.
    // Kind 1 (upserts, ON CONFLICT DO UPDATE).
    @Test
    void postgresMultiRowOnConflictMovingTheUniqueValueOfARowItMetIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (2, 'c', 20), (7, 'a', 70)"
                        + " ON CONFLICT (code) DO UPDATE SET qty = EXCLUDED.qty,"
                        + " code = CASE WHEN orders.code = 'a' THEN 'moved' ELSE orders.code END")).isEqualTo(2);
            }
            Mirrored.exactOrResynced(fixture, "postgres multi-row on conflict moving a unique value");
        }
    }

    // Failed before its fix: a DO block whose body is an ordinary string literal is neither mirrored nor resynced
    // Input (PostgreSQL): DO 'BEGIN UPDATE orders SET qty = 5 WHERE id = 1; END'
    // Plain JDBC: runs, row 1 gets qty 5. (The $$-quoted body is resynced as `unparsable`, this one is not.)
    // Library: the write-word check strips quoted text, so the quoted body's UPDATE is not seen: no keys, no scoped
    // resync; the new store keeps qty 1.
    // Kind 1 (statements through DO blocks).
    @Test
    void postgresDoBlockWithAQuotedBodyIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.execute("DO 'BEGIN UPDATE orders SET qty = 5 WHERE id = 1; END'")).isFalse();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 5));
            Mirrored.exactOrResynced(fixture, "postgres DO with a quoted body");
        }
    }

    // Failed before its fix: COPY ... FROM inserts rows that are neither mirrored nor resynced
    // Input (PostgreSQL, as the embedded superuser): COPY orders (id, code, qty) FROM PROGRAM 'echo 9,z,9' WITH (FORMAT csv)
    // Plain JDBC: update count 1, row (9, 'z', 9) in orders.
    // Library: COPY is no write word and does not parse: passed through, no keys, no scoped resync; the new store
    // never gets row 9.
    // Kind 1 (statement shapes that write a mapped table).
    @Test
    void postgresCopyIntoAMappedTableIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("COPY orders (id, code, qty) FROM PROGRAM 'echo 9,z,9' WITH (FORMAT csv)"))
                        .isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres COPY FROM");
        }
    }

    // Failed before its fix: a numeric key named by a text MariaDB converts leniently is buffered as written
    // Input (MariaDB, BIGINT key): DELETE FROM orders WHERE id = '1abc'
    // Plain JDBC: count 1 (MariaDB compares '1abc' as the number 1, with a warning): row 1 is deleted.
    // Library: the key '1abc' is buffered as written (no pre-select, no read back); its sync fails to parse it and
    // records orders/1abc/DELETE, an entry no repair can resolve: the reconciler runs it again and again, and row 1
    // stays in the new store. (A text against a text key is pre-selected; a text against a numeric key is not.)
    // Kind 1 (key of a DELETE known exactly, or a scoped resync).
    @Test
    void mariadbDeleteByANumericKeyWrittenAsLenientTextReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = '1abc'")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "mariadb delete by '1abc'");
        }
    }

    // Failed before its fix: EXPLAIN ANALYZE runs the write it explains, and nothing of it is mirrored
    // Input (PostgreSQL): EXPLAIN ANALYZE UPDATE orders SET qty = 5 WHERE id = 1
    // Plain JDBC: execute() answers true (the plan as a result set) and the UPDATE really runs: row 1 has qty 5.
    // Library: the statement parses as an EXPLAIN, classified as "other" and passed through: no keys, no scoped
    // resync; the new store keeps qty 1. (MariaDB's ANALYZE UPDATE is resynced; PostgreSQL's and H2's are not.)
    // Kind 1 (statement shapes that write a mapped table).
    @Test
    void postgresExplainAnalyzeOfAnUpdateIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.execute("EXPLAIN ANALYZE UPDATE orders SET qty = 5 WHERE id = 1")).isTrue();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 5));
            Mirrored.exactOrResynced(fixture, "postgres EXPLAIN ANALYZE UPDATE");
        }
    }

    // Failed before its fix: the same on H2, with a DELETE
    // Input (H2): EXPLAIN ANALYZE DELETE FROM orders WHERE id = 1
    // Plain JDBC: execute() answers true and row 1 is deleted.
    // Library: passed through as "other": the new store keeps row 1, nothing recorded.
    // Kind 1 (statement shapes that write a mapped table).
    @Test
    void h2ExplainAnalyzeOfADeleteIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.H2, Kind.H2), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.execute("EXPLAIN ANALYZE DELETE FROM orders WHERE id = 1")).isTrue();
            }
            Mirrored.exactOrResynced(fixture, "h2 EXPLAIN ANALYZE DELETE");
        }
    }

    // Failed before its fix: an update through an (automatically updatable) view of a mapped table is neither mirrored nor
    // resynced
    // Input (PostgreSQL): CREATE VIEW orders_view AS SELECT id, code, qty FROM orders (old store only; the view is
    //   not mapped), then UPDATE orders_view SET qty = 6 WHERE id = 2
    // Plain JDBC: count 1, row 2 of orders has qty 6.
    // Library: orders_view is no mapped table, so the write passes through: no keys, no scoped resync; the new store
    // keeps qty 2. (The same on MariaDB is resynced; cascades from unmapped tables are resynced too.)
    // Kind 1 (statement shapes whose touched keys must be known or resynced).
    @Test
    void postgresUpdateThroughAViewOfAMappedTableIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT id, code, qty FROM orders");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders_view SET qty = 6 WHERE id = 2")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres update through a view");
        }
    }

    // Failed before its fix: REPLACE with the LOW_PRIORITY modifier is neither mirrored nor resynced
    // Input (MariaDB, orders 1 'a', 2 'b', 3 'c'): REPLACE LOW_PRIORITY INTO orders (id, code, qty) VALUES (3, 'c', 33)
    //   (also REPLACE LOW_PRIORITY INTO orders SET id = 9, code = 'i', qty = 9)
    // Plain JDBC: count 2 (row 3 deleted and inserted again): row 3 has qty 33.
    // Library: no keys, no scoped resync: the new store keeps (3, 'c', 3). Plain REPLACE, INSERT LOW_PRIORITY and
    // INSERT HIGH_PRIORITY IGNORE are mirrored; only the REPLACE with a modifier is lost.
    // Kind 1 (REPLACE).
    @Test
    void mariadbReplaceLowPriorityIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("REPLACE LOW_PRIORITY INTO orders (id, code, qty) VALUES (3, 'c', 33)"))
                        .isEqualTo(2);
            }
            Mirrored.exactOrResynced(fixture, "mariadb REPLACE LOW_PRIORITY");
        }
    }

    // Failed before its fix: a write naming a partition of a mapped partitioned table is neither mirrored nor resynced
    // Input (PostgreSQL): orders PARTITION BY RANGE (id), orders_p1 PARTITION OF orders FOR VALUES FROM (0) TO (100)
    //   (the mapping names orders); UPDATE orders_p1 SET qty = 6 WHERE id = 2 and
    //   INSERT INTO orders_p1 (id, code, qty) VALUES (5, 'e', 5)
    // Plain JDBC: count 1 each; orders (which reads its partitions) shows (2, 'b', 6) and (5, 'e', 5).
    // Library: orders_p1 is no mapped table: both writes pass through, no keys, no scoped resync; the new store keeps
    // (2, 'b', 2) and never gets row 5. (Partitions' triggers already count as the table's; their writes do not.)
    // Kind 1 (statement shapes whose touched keys must be known or resynced).
    @Test
    void postgresWritesNamingAPartitionOfAMappedTableAreMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT) PARTITION BY RANGE (id)",
                    "CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (0) TO (100)",
                    "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders_p1 SET qty = 6 WHERE id = 2")).isEqualTo(1);
                assertThat(statement.executeUpdate("INSERT INTO orders_p1 (id, code, qty) VALUES (5, 'e', 5)")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "postgres writes naming a partition");
        }
    }

    private static final String PG_BUMP =
            "CREATE PROCEDURE bump(n BIGINT) LANGUAGE sql AS $$ UPDATE orders SET qty = qty + 10 WHERE id = n $$";

    // Failed before its fix: a CALL preceded by a comment is not taken for a procedure call
    // Input (PostgreSQL): CREATE PROCEDURE bump(n) ... UPDATE orders SET qty = qty + 10 WHERE id = n;
    //   then statement.execute("/* app */ CALL bump(1)") (a leading comment, as SQL commenters and tracers add)
    // Plain JDBC: row 1 has qty 11.
    // Library: the procedure-call check only looks at the first characters (whitespace, then call/{call): the comment
    // hides it; the statement is not analysed as a write (CALL is no write word): no procedure-call scoped resync,
    // the new store keeps qty 1. Without the comment, the same call resyncs every mapped table.
    // Kind 1 (statements through stored procedures).
    @Test
    void postgresCallAfterALeadingCommentIsResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld(PG_BUMP);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("/* app */ CALL bump(1)");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 1")).containsExactly(Rows.expected("qty", 11));
            Mirrored.exactOrResynced(fixture, "postgres commented CALL");
        }
    }

    // Failed before its fix: the same on MariaDB
    // Input (MariaDB): CREATE PROCEDURE bump(n BIGINT) UPDATE orders SET qty = qty + 10 WHERE id = n;
    //   then statement.execute("/* app */ CALL bump(1)")
    // Plain JDBC: update count 1, row 1 has qty 11. Library: nothing mirrored or recorded; new keeps qty 1.
    // Kind 1 (statements through stored procedures).
    @Test
    void mariadbCallAfterALeadingCommentIsResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            fixture.onOld("CREATE PROCEDURE bump(n BIGINT) UPDATE orders SET qty = qty + 10 WHERE id = n");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("/* app */ CALL bump(1)");
            }
            Mirrored.exactOrResynced(fixture, "mariadb commented CALL");
        }
    }

    // Failed before its fix: a CALL that is not the first of several statements in one execute is not resynced
    // Input (PostgreSQL, procedure bump as above): statement.execute("SELECT 1; CALL bump(2)")
    // Plain JDBC: execute() answers true (the SELECT's rows) and row 2 has qty 12.
    // Library: the string does not start with CALL, so no procedure-call resync; its parts are not analysed as a
    // write either: nothing recorded, the new store keeps qty 2.
    // Kind 1 (several statements in one execute; stored procedures).
    @Test
    void postgresCallAsTheSecondOfSeveralStatementsIsResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            fixture.onOld(PG_BUMP);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.execute("SELECT 1; CALL bump(2)")).isTrue();
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 12));
            Mirrored.exactOrResynced(fixture, "postgres CALL second of several");
        }
    }

    // Failed before its fix: TRUNCATE ... CASCADE of an unmapped table empties a mapped table that references it, unseen
    // Input (PostgreSQL): merchants (mid PK) unmapped; orders (..., mid BIGINT REFERENCES merchants (mid)) -- a plain
    //   foreign key, no ON DELETE action -- holding rows 1 (mid 1) and 2 (mid NULL); then TRUNCATE merchants CASCADE
    // Plain JDBC: PostgreSQL truncates every table referencing merchants, whatever the foreign key's action: orders is
    //   empty (row 2, which references nothing, too).
    // Library: the TRUNCATE names no mapped table, and the cascade check only follows foreign keys with a CASCADE /
    //   SET NULL / SET DEFAULT action: no scoped resync, the new store keeps rows 1 and 2.
    // Kind 1 (TRUNCATE ... CASCADE).
    @Test
    void postgresTruncateCascadeOfAReferencedUnmappedTableIsResynced() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE merchants (mid BIGINT PRIMARY KEY)", "INSERT INTO merchants (mid) VALUES (1)",
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT, mid BIGINT REFERENCES merchants (mid))",
                    "INSERT INTO orders (id, code, qty, mid) VALUES (1, 'a', 1, 1), (2, 'b', 2, NULL)");
            fixture.onNew(Mirrored.NEW, "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1), (2, 'b', 2)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE merchants CASCADE");
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).isEmpty();
            Mirrored.exactOrResynced(fixture, "postgres TRUNCATE referenced table CASCADE");
        }
    }

    // Failed before its fix: MariaDB runs the SQL inside an executable comment; the analysis takes it for a comment
    // Input (MariaDB, orders 1, 2, 3): DELETE FROM orders WHERE id = 1 /*! OR id = 2 */
    //   (likewise UPDATE orders SET qty = 60 WHERE id = 1 /*M!100000 OR id = 3 */)
    // Plain JDBC: count 2, rows 1 and 2 deleted (MariaDB executes the /*! ... */ text).
    // Library: the parser drops the comment and sees WHERE id = 1: only key 1 is synced, and a key WHERE gets no
    //   count check, so the count of 2 goes unnoticed: row 2 stays in the new store, nothing recorded.
    // Kind 1 (statement shapes whose touched keys must be known exactly or resynced).
    @Test
    void mariadbExecutableCommentWideningAKeyWhereIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("DELETE FROM orders WHERE id = 1 /*! OR id = 2 */")).isEqualTo(2);
            }
            Mirrored.exactOrResynced(fixture, "mariadb executable comment in a WHERE");
        }
    }

    // Failed before its fix: a whole write inside a MariaDB executable comment is neither mirrored nor resynced
    // Input (MariaDB): /*!50000 UPDATE orders SET qty = 50 WHERE id = 3 */ (as mysqldump and some tools write)
    // Plain JDBC: count 1, row 3 has qty 50.
    // Library: to the parser the text is only a comment (no statement): passed through, nothing synced or recorded;
    //   the new store keeps qty 3.
    // Kind 1 (statement shapes that write a mapped table).
    @Test
    void mariadbWriteInsideAnExecutableCommentIsMirroredOrResynced() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("/*!50000 UPDATE orders SET qty = 50 WHERE id = 3 */")).isEqualTo(1);
            }
            Mirrored.exactOrResynced(fixture, "mariadb write inside an executable comment");
        }
    }

    // Failed before its fix: on MariaDB "--" followed by no space is no comment; the analysis reads it as one
    // Input (MariaDB, orders 1, 2, 3): UPDATE orders SET qty = 70 WHERE id = 1 --1
    // Plain JDBC: count 1; MariaDB reads WHERE id = 1 - (-1), i.e. id = 2: row 2 has qty 70, row 1 unchanged.
    // Library: the parser takes "--1" for a line comment and sees WHERE id = 1: key 1 is synced (unchanged), row 2
    //   stays qty 2 in the new store, nothing recorded.
    // Kind 1 (statement shapes whose touched keys must be known exactly).
    @Test
    void mariadbDoubleDashWithoutASpaceIsNoCommentAndItsRowIsMirrored() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 70 WHERE id = 1 --1")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 70));
            Mirrored.exactOrResynced(fixture, "mariadb --1");
        }
    }

    // Failed before its fix: a backslash-escaped quote whose standard (no-escape) reading is valid SQL too is read the standard way
    // Input (MariaDB, default sql_mode: backslash escapes on), a literal as MySQL-style escaping produces it:
    //   UPDATE orders SET code = 'a\' WHERE id = 2 -- ' WHERE id = 1
    // Plain JDBC: count 1; MariaDB reads code = "a' WHERE id = 2 -- " and WHERE id = 1: row 1 changes.
    // Library: the standard grammar is tried first and succeeds ('a\' ends the string, then WHERE id = 2 and a
    //   comment), so the backslash-escape fallback is never tried: key 2 is synced (unchanged), row 1 keeps code 'a' in
    //   the new store, nothing recorded. Escaped user text can thus steer which row is mirrored.
    // Kind 1 (statement shapes whose touched keys must be known exactly; backslashes and escapes).
    @Test
    void mariadbBackslashEscapedQuoteThatAlsoParsesWithoutEscapesIsMirroredByTheRowMariadbWrote() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET code = 'a\\' WHERE id = 2 -- ' WHERE id = 1")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT code FROM orders WHERE id = 1"))
                    .containsExactly(Rows.expected("code", "a' WHERE id = 2 -- "));
            Mirrored.exactOrResynced(fixture, "mariadb backslash quote read two ways");
        }
    }

    // Failed before its fix: the same on PostgreSQL with an E'' string, whose backslashes are escapes
    // Input (PostgreSQL): UPDATE orders SET code = E'a\' WHERE id = 2 -- ' WHERE id = 1
    // Plain JDBC: count 1; PostgreSQL reads code = "a' WHERE id = 2 -- " and WHERE id = 1: row 1 changes.
    // Library: the standard grammar reads E'a\' as a string ending at the backslash, then WHERE id = 2: key 2 is
    //   synced (unchanged), row 1 keeps code 'a' in the new store, nothing recorded.
    // Kind 1 (statement shapes whose touched keys must be known exactly; backslashes and escapes).
    @Test
    void postgresEscapeStringThatAlsoParsesWithoutEscapesIsMirroredByTheRowPostgresWrote() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET code = E'a\\' WHERE id = 2 -- ' WHERE id = 1")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT code FROM orders WHERE id = 1"))
                    .containsExactly(Rows.expected("code", "a' WHERE id = 2 -- "));
            Mirrored.exactOrResynced(fixture, "postgres E-string read two ways");
        }
    }
}
