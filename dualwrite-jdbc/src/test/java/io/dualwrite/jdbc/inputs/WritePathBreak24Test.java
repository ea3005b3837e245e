package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-fourth review of the write path's keys and values. For each input, the new store ends holding exactly the
 * old store's rows, or the write is recorded (its keys, or a scoped resync) and the library's own tools repair it:
 * never a difference with nothing recorded, never an exception for the caller. Each test ends with the stores compared
 * row by row with plain JDBC.
 */
class WritePathBreak24Test {

    // Failed before its fix: an UPDATE or DELETE whose condition reads other rows (a subquery: the largest id, a
    // flag in another table, no row above it) had its keys selected under lock first and the count checked against
    // them. Between that select and the statement another session committed a change the subquery reads: the
    // statement then touched another row than the one selected, and as many, so the count agreed and the selected
    // key was synced while the row really written never was: the new store kept its old value, nothing recorded
    // (READ COMMITTED on all three; MariaDB's REPEATABLE READ too, where an UPDATE reads its subqueries' tables as
    // committed now). Now such a condition is never run a second time: no pre-select, the table's scoped resync is
    // recorded, and the resolver repairs it (so the change in between, hooked on the pre-select, no longer runs).
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE id = (SELECT max(id) FROM orders)                   | LIBRARY | INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)",
        "POSTGRES | READ_COMMITTED  | DELETE FROM orders o WHERE NOT EXISTS (SELECT 1 FROM orders p WHERE p.id > o.id)    | LIBRARY | INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)",
        "POSTGRES | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE code IN (SELECT code FROM flags WHERE active = 1)   | RAW     | UPDATE flags SET active = 1 - active",
        "H2       | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE id = (SELECT max(id) FROM orders)                   | LIBRARY | INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)",
        "H2       | READ_COMMITTED  | DELETE FROM orders WHERE code = (SELECT code FROM flags WHERE active = 1)           | RAW     | UPDATE flags SET active = 1 - active",
        "MARIADB  | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE id = (SELECT max(id) FROM orders)                   | LIBRARY | INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)",
        "MARIADB  | READ_COMMITTED  | DELETE FROM orders WHERE code IN (SELECT code FROM flags WHERE active = 1)          | RAW     | UPDATE flags SET active = 1 - active",
        "MARIADB  | REPEATABLE_READ | UPDATE orders SET qty = 0 WHERE code IN (SELECT code FROM flags WHERE active = 1)   | RAW     | UPDATE flags SET active = 1 - active"})
    void aConditionReadingOtherRowsChangedAfterTheKeySelectIsResynced(Kind kind, String isolation, String sql,
            String through, String meanwhile) throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean changed = new AtomicBoolean();
        DataSource[] other = new DataSource[1];
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String query) throws SQLException {
                if (query.contains("FOR UPDATE") && armed.compareAndSet(true, false)) {
                    // another session commits a change the condition reads, after the key select, before the write
                    try (Connection session = other[0].getConnection(); Statement statement = session.createStatement()) {
                        if (kind == Kind.MARIADB) {
                            statement.execute("SET SESSION innodb_lock_wait_timeout = 5");
                        }
                        statement.executeUpdate(meanwhile);
                    }
                    changed.set(true);
                }
            }
        };
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind)
                .wrapOld(pool -> Intercepting.dataSource(pool, hooks)).build(), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE flags (code VARCHAR(20) PRIMARY KEY, active INT)",
                    "INSERT INTO flags (code, active) VALUES ('a', 1)", "INSERT INTO flags (code, active) VALUES ('b', 0)");
            other[0] = through.equals("LIBRARY") ? fixture.dataSource : fixture.oldDb.dataSource();
            armed.set(true);
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setTransactionIsolation(isolation.equals("READ_COMMITTED")
                        ? Connection.TRANSACTION_READ_COMMITTED : Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(statement.executeUpdate(sql)).as("one row written, as one was selected").isOne();
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            var oldRows = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
            var newRows = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
            assertThat(newRows.equals(oldRows) || !fixture.scopedResyncs().isEmpty())
                    .as("new %s equals old %s, or the table's resync is recorded %s", newRows, oldRows, fixture.records())
                    .isTrue();
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            if (!fixture.records().isEmpty()) {
                fixture.reconciler().runOnce();
            }
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Guards (held before the fix, and kept exact by it): a condition reading no other relation keeps its pre-select
    // and its exact keys, nothing recorded, at READ COMMITTED, REPEATABLE READ (PostgreSQL, with a row inserted and
    // committed in between, which the update does not see) and SERIALIZABLE.
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | REPEATABLE_READ | UPDATE orders SET qty = 0 WHERE qty > 2                                          | true",
        "H2       | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE qty > 2                                          | false",
        "MARIADB  | SERIALIZABLE    | UPDATE orders SET qty = 0 WHERE qty > 2                                          | false",
        "POSTGRES | READ_COMMITTED  | UPDATE orders SET qty = 0 WHERE qty > 2                                          | false",
        "MARIADB  | READ_COMMITTED  | DELETE FROM orders WHERE qty > 2                                                 | false"})
    void aConditionReadingNoRelationKeepsItsPreselectedKeys(Kind kind, String isolation, String sql,
            boolean insertMeanwhile) throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        DataSource[] other = new DataSource[1];
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String query) throws SQLException {
                if (query.contains("FOR UPDATE") && armed.compareAndSet(true, false)) {
                    try (Connection session = other[0].getConnection(); Statement statement = session.createStatement()) {
                        statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)");
                    }
                }
            }
        };
        try (Fixture fixture = Mirrored.seed(Fixture.builder(kind, kind)
                .wrapOld(pool -> Intercepting.dataSource(pool, hooks)).build(), Mirrored.PG)) {
            fixture.onOld("CREATE TABLE flags (code VARCHAR(20) PRIMARY KEY, active INT)",
                    "INSERT INTO flags (code, active) VALUES ('a', 1)", "INSERT INTO flags (code, active) VALUES ('b', 0)");
            other[0] = fixture.dataSource;
            armed.set(insertMeanwhile);
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                connection.setTransactionIsolation(switch (isolation) {
                    case "READ_COMMITTED" -> Connection.TRANSACTION_READ_COMMITTED;
                    case "REPEATABLE_READ" -> Connection.TRANSACTION_REPEATABLE_READ;
                    default -> Connection.TRANSACTION_SERIALIZABLE;
                });
                assertThat(statement.executeUpdate(sql)).isOne();
            }
            assertThat(armed).as("the insert in between ran where asked").isFalse();
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();

            assertThat(fixture.records()).as("keyed exactly: nothing recorded").isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }
    // Failed before its fix: a condition taking a sequence's next value without calling a function (NEXT VALUE FOR s,
    // on MariaDB and H2) was not seen as volatile, so the keys were selected first by the same condition: that select
    // took the sequence's values, and the application's statement then compared the rows with later ones. The old
    // store ended otherwise than the raw driver leaves it (and the sequence advanced further), the count and the keys
    // synced were not those of a run without the library. Now such a condition is volatile, as nextval() was: no
    // pre-select runs, the statement does what it does without the library, and the table's scoped resync is recorded.
    // The same through a view taking the next value (found next): on PostgreSQL and H2 at REPEATABLE READ, where the
    // subquery rule above had let the pre-select run, the old store lost row 2 where the raw driver deletes row 1 and
    // the key synced was 1, nothing recorded; a condition reading a relation is now never run twice.
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB | DELETE FROM orders WHERE id = NEXT VALUE FOR s",
        "MARIADB | UPDATE orders SET qty = 0 WHERE id = next value for s",
        "MARIADB | UPDATE orders SET qty = 0 WHERE code = 'a' AND id = NEXT VALUE FOR s",
        "MARIADB | DELETE FROM orders WHERE id < NEXT VALUE FOR s",
        "H2      | DELETE FROM orders WHERE id <= NEXT VALUE FOR s",
        "H2      | DELETE FROM orders WHERE id = NEXT VALUE FOR s",
        "H2      | UPDATE orders SET qty = 0 WHERE id = NEXT VALUE FOR PUBLIC.s",
        // found next, the same kind: the next value taken through a view the condition reads
        "POSTGRES | DELETE FROM orders WHERE id = (SELECT n FROM nexts)",
        "MARIADB  | DELETE FROM orders WHERE id = (SELECT n FROM nexts)",
        "H2       | UPDATE orders SET qty = 0 WHERE id IN (SELECT n FROM nexts)"})
    void aSequencesNextValueInTheConditionIsTakenOnlyByTheStatement(Kind kind, String sql) throws Exception {
        try (Fixture fixture = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG);
             Fixture twin = Mirrored.seed(Fixture.of(kind, kind), Mirrored.PG)) {
            String view = "CREATE VIEW nexts AS SELECT " + switch (kind) {
                case POSTGRES -> "nextval('s')";
                case MARIADB -> "NEXTVAL(s)";
                default -> "NEXT VALUE FOR s";
            } + " AS n";
            for (Fixture each : List.of(fixture, twin)) {
                each.onOld("CREATE SEQUENCE s START WITH 1", view);
            }
            int rawCount;
            try (Connection raw = twin.oldDb.dataSource().getConnection(); Statement statement = raw.createStatement()) {
                raw.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                rawCount = statement.executeUpdate(sql);
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                // REPEATABLE READ, where a subquery's pre-select was taken for repeatable before the fix
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThat(statement.executeUpdate(sql)).as("the count the raw driver gives").isEqualTo(rawCount);
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the old store as the statement leaves it without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            assertThat(Rows.of(fixture.oldDb, "SELECT n FROM nexts")).as("the sequence taken as often")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT n FROM nexts"));
            Mirrored.exactOrResynced(fixture, sql);
            assertThat(fixture.records()).isEmpty();
        }
    }
    // Failed before its fix, the same kind: a key WHERE that may name a row spelt otherwise (MariaDB's case-insensitive
    // text key: 'A' names row 'a') is pre-selected too, and the condition beside it read a view taking a sequence's
    // next value: the pre-select took value 1, the statement value 2, and wrote the row where the raw driver writes
    // none (count 1 against 0), or wrote it as the raw driver does with the sequence taken twice. Now such a key with
    // a condition reading a relation is not pre-selected: the statement does what it does without the library and,
    // when it wrote a row, the table's scoped resync is recorded.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders SET qty = 0 WHERE id = 'A' AND qty < (SELECT n FROM nexts)",
        "DELETE FROM orders WHERE id = 'A' AND qty < (SELECT n FROM nexts)",
        "UPDATE orders SET qty = 0 WHERE id = 'A' AND qty <= (SELECT n FROM nexts)",
        "DELETE FROM orders WHERE id = 'A' AND qty <= (SELECT n FROM nexts)"})
    void aKeySpeltOtherwiseBesideAConditionReadingAViewIsNotPreselected(String sql) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB); Fixture twin = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            for (Fixture each : List.of(fixture, twin)) {
                each.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, code VARCHAR(20), qty INT)",
                        "INSERT INTO orders (id, code, qty) VALUES ('a', 'a', 1), ('b', 'b', 2)",
                        "CREATE SEQUENCE s START WITH 1", "CREATE VIEW nexts AS SELECT NEXTVAL(s) AS n");
                each.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, code VARCHAR(20), quantity INT)",
                        "INSERT INTO orders_v2 (id, code, quantity) VALUES ('a', 'a', 1), ('b', 'b', 2)");
            }
            int rawCount;
            try (Connection raw = twin.oldDb.dataSource().getConnection(); Statement statement = raw.createStatement()) {
                rawCount = statement.executeUpdate(sql);
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(sql)).as("the count the raw driver gives").isEqualTo(rawCount);
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(20))).isTrue();
            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the old store as the statement leaves it without the library")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"));
            assertThat(Rows.of(fixture.oldDb, "SELECT n FROM nexts")).as("the sequence taken as often")
                    .isEqualTo(Rows.of(twin.oldDb, "SELECT n FROM nexts"));
            // a statement that wrote a row records the table's resync; one that wrote none has nothing to sync
            assertThat(fixture.scopedResyncs()).extracting(io.dualwrite.changelog.ChangeRecord::reason)
                    .isEqualTo(rawCount > 0 ? List.of("condition-reads-rows") : List.of());
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }
}
