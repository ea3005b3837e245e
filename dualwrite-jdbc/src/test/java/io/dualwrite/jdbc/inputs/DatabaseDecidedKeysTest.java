package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inserts whose keys the statement's text or values seem to name but the database decides otherwise: a
 * {@code DEFAULT} among explicit keys, {@code DEFAULT VALUES}, {@code OVERRIDING USER VALUE} (the given key is
 * thrown away), a sequence shared by two tables, a {@code BEFORE INSERT} trigger or an assignment cast that changes
 * the key ({@code numeric(5,0)} given 7.6), padded and case-insensitive text keys, an upsert whose update moves the
 * key, H2's {@code MERGE … KEY} on a non-key column and its data-change delta tables ({@code FINAL TABLE},
 * {@code OLD TABLE}).
 *
 * <p>Each input runs in the ways an application may send it: auto-commit or a transaction, a plain
 * {@link Statement} or a {@link PreparedStatement}, with or without asking for generated keys, and as a batch of
 * either kind; every input in a prepared insert asking for its keys and in about half the other ways, the next
 * pair of inputs in the other half (a half fraction, see {@link #cases()}). Every run sends the statement once
 * with plain JDBC to a database of its own set up alike and once through the data source, and what the caller
 * saw (results, counts, generated keys, exceptions) must be the same. Then the new store is compared with the old
 * one row by row with this test's own SQL. Where the database can report the keys it stored
 * ({@link #RESYNC_ALLOWED} lists the inputs where it cannot), they must be equal with nothing recorded.
 * Elsewhere: equal, or where they differ, a change-log record (the row's key, or a scoped resync of the table)
 * must cover every differing row, and resolving the records must make the stores equal. A run prints each case's
 * outcome ({@code OUTCOME … EXACT} or {@code DIFFERS} with what was recorded); {@code -Ddecided.only=h2} runs only
 * the inputs whose name contains it.
 */
class DatabaseDecidedKeysTest {

    /**
     * How the application sends the input's statement: plain or prepared, asking for generated keys or not (and then
     * maybe reading {@code getGeneratedKeys()} all the same), alone or as a batch.
     */
    enum Way {
        STATEMENT(false, false, false), STATEMENT_KEYS(false, true, false), PREPARED(true, false, false),
        PREPARED_KEYS(true, true, false), STATEMENT_BATCH(false, false, true), PREPARED_BATCH(true, false, true),
        PREPARED_BATCH_KEYS(true, true, true), STATEMENT_UNASKED_KEYS(false, false, false),
        PREPARED_UNASKED_KEYS(true, false, false);

        final boolean prepared;
        final boolean keys;
        final boolean batch;

        Way(boolean prepared, boolean keys, boolean batch) {
            this.prepared = prepared;
            this.keys = keys;
            this.batch = batch;
        }

        /** Whether the application reads {@code getGeneratedKeys()} after the execution. */
        boolean readsKeys() {
            return keys || this == STATEMENT_UNASKED_KEYS || this == PREPARED_UNASKED_KEYS;
        }
    }

    /** One input: its store, the DDL and seed of both stores, and the statement. */
    record Input(String name, Kind kind, List<String> oldSetup, List<String> newSetup, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String NEW_ORDERS = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)";
    private static final List<String> SEED = List.of("INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)",
            "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)", "INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
    private static final List<String> NEW_SEED = List.of("INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
            "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
            "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)");

    private static List<String> old(String... ddl) {
        List<String> all = new ArrayList<>(Arrays.asList(ddl));
        all.addAll(SEED);
        return all;
    }

    private static List<String> fresh(String ddl) {
        List<String> all = new ArrayList<>(List.of(ddl));
        all.addAll(NEW_SEED);
        return all;
    }

    private static final String PG_BY_DEFAULT = "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
            + " (START WITH 100) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String PG_ALWAYS = "CREATE TABLE orders (id BIGINT GENERATED ALWAYS AS IDENTITY"
            + " (START WITH 100) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String PG_SERIAL = "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String PG_PLAIN = "CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String H2_BY_DEFAULT = "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
            + " (START WITH 100) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String H2_ALWAYS = "CREATE TABLE orders (id BIGINT GENERATED ALWAYS AS IDENTITY"
            + " (START WITH 100) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";

    static List<Input> inputs() {
        List<Input> inputs = new ArrayList<>();
        // ---- PostgreSQL
        inputs.add(new Input("pg mixed DEFAULT and explicit keys", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (DEFAULT, 'd', 4), (7, 'e', 5)"));
        inputs.add(new Input("pg serial, explicit key then DEFAULT", Kind.POSTGRES, old(PG_SERIAL, "ALTER SEQUENCE orders_id_seq RESTART WITH 100"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (8, 'd', 4), (DEFAULT, 'e', 5)"));
        inputs.add(new Input("pg no column list with DEFAULT key", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders VALUES (DEFAULT, 'd', 4)"));
        inputs.add(new Input("pg DEFAULT VALUES", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders DEFAULT VALUES"));
        inputs.add(new Input("pg OVERRIDING SYSTEM VALUE on ALWAYS", Kind.POSTGRES,
                List.of(PG_ALWAYS, "INSERT INTO orders (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (7, 'd', 4)"));
        inputs.add(new Input("pg OVERRIDING USER VALUE on BY DEFAULT", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (7, 'd', 4)"));
        inputs.add(new Input("pg OVERRIDING USER VALUE on ALWAYS", Kind.POSTGRES,
                List.of(PG_ALWAYS, "INSERT INTO orders (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (7, 'd', 4), (8, 'e', 5)"));
        inputs.add(new Input("pg OVERRIDING USER VALUE given a key that exists", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (1, 'd', 4), (2, 'e', 5)"));
        inputs.add(new Input("pg before insert trigger moves the key off one that exists", Kind.POSTGRES,
                old(PG_PLAIN, "CREATE FUNCTION bump_id() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN NEW.id := NEW.id + 1000; RETURN NEW; END $$",
                        "CREATE TRIGGER bump BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.code = 'd') EXECUTE FUNCTION bump_id()"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (1, 'd', 4)"));
        inputs.add(new Input("pg numeric(5,0) key given 2.6 next to 3", Kind.POSTGRES,
                old("CREATE TABLE orders (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES (4.4, 'd', 4)"));
        inputs.add(new Input("pg insert rule that also writes an audit table", Kind.POSTGRES,
                old(PG_BY_DEFAULT, "CREATE TABLE audit (order_id BIGINT)",
                        "CREATE RULE audit_insert AS ON INSERT TO orders DO ALSO INSERT INTO audit VALUES (NEW.id)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (7, 'd', 4)"));
        inputs.add(new Input("pg conditional instead rule on insert", Kind.POSTGRES,
                old(PG_BY_DEFAULT, "CREATE TABLE audit (order_id BIGINT)",
                        "CREATE RULE skip_z AS ON INSERT TO orders WHERE NEW.code = 'z' DO INSTEAD INSERT INTO audit VALUES (NEW.id)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (7, 'd', 4)"));
        inputs.add(new Input("pg conditional instead rule on insert, generated key", Kind.POSTGRES,
                old(PG_BY_DEFAULT, "CREATE TABLE audit (order_id BIGINT)",
                        "CREATE RULE skip_z AS ON INSERT TO orders WHERE NEW.code = 'z' DO INSTEAD INSERT INTO audit VALUES (NEW.id)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4)"));
        inputs.add(new Input("pg insert rule, generated key", Kind.POSTGRES,
                old(PG_BY_DEFAULT, "CREATE TABLE audit (order_id BIGINT)",
                        "CREATE RULE audit_insert AS ON INSERT TO orders DO ALSO INSERT INTO audit VALUES (NEW.id)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4)"));
        inputs.add(new Input("pg key from a sequence shared by two tables", Kind.POSTGRES,
                old("CREATE SEQUENCE shared_seq START WITH 100",
                        "CREATE TABLE orders (id BIGINT PRIMARY KEY DEFAULT nextval('shared_seq'), code VARCHAR(20) UNIQUE, qty INT)",
                        "CREATE TABLE invoices (id BIGINT PRIMARY KEY DEFAULT nextval('shared_seq'), note TEXT)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4)"));
        inputs.add(new Input("pg shared sequence insert returning", Kind.POSTGRES,
                old("CREATE SEQUENCE shared_seq START WITH 100",
                        "CREATE TABLE orders (id BIGINT PRIMARY KEY DEFAULT nextval('shared_seq'), code VARCHAR(20) UNIQUE, qty INT)",
                        "CREATE TABLE invoices (id BIGINT PRIMARY KEY DEFAULT nextval('shared_seq'), note TEXT)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4) RETURNING code"));
        inputs.add(new Input("pg before insert trigger moves the key", Kind.POSTGRES,
                old(PG_PLAIN, "CREATE FUNCTION bump_id() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN NEW.id := NEW.id + 1000; RETURN NEW; END $$",
                        "CREATE TRIGGER bump BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.id > 5) EXECUTE FUNCTION bump_id()"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (7, 'd', 4)"));
        inputs.add(new Input("pg numeric(5,0) key given 7.6", Kind.POSTGRES,
                old("CREATE TABLE orders (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES (7.6, 'd', 4)"));
        inputs.add(new Input("pg bigint key given 7.6", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (7.6, 'd', 4), (9.4, 'e', 5)"));
        inputs.add(new Input("pg bigint key given a text '0012'", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES ('0012', 'd', 4)"));
        inputs.add(new Input("pg char(5) key given ' a'", Kind.POSTGRES,
                old("CREATE TABLE orders (id CHAR(5) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id CHAR(5) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES (' a', 'd', 4), ('b  ', 'e', 5)"));
        inputs.add(new Input("pg citext key", Kind.POSTGRES,
                old("CREATE EXTENSION IF NOT EXISTS citext",
                        "CREATE TABLE orders (id CITEXT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                List.of("CREATE EXTENSION IF NOT EXISTS citext",
                        "CREATE TABLE orders_v2 (id CITEXT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)",
                        "INSERT INTO orders_v2 (id, code, quantity) VALUES (1, 'a', 1)",
                        "INSERT INTO orders_v2 (id, code, quantity) VALUES (2, 'b', 2)",
                        "INSERT INTO orders_v2 (id, code, quantity) VALUES (3, 'c', 3)"),
                "INSERT INTO orders (id, code, qty) VALUES ('Xy', 'd', 4) ON CONFLICT (id) DO UPDATE SET qty = 40"));
        inputs.add(new Input("pg domain key with its own default", Kind.POSTGRES,
                old("CREATE SEQUENCE key_seq START WITH 100", "CREATE DOMAIN order_key AS BIGINT DEFAULT nextval('key_seq')",
                        "CREATE TABLE orders (id order_key PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4), ('e', 5)"));
        inputs.add(new Input("pg insert select returning", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (code, qty) SELECT code || 'x', qty FROM orders WHERE id < 3 RETURNING id, code"));
        inputs.add(new Input("pg on conflict update that moves the key", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (9, 'a', 9) ON CONFLICT (code) DO UPDATE SET id = EXCLUDED.id + 1000"));
        inputs.add(new Input("pg on conflict update that moves the key by the old row", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (9, 'b', 9), (10, 'e', 10) ON CONFLICT (code) DO UPDATE SET id = orders.id + 500"));
        inputs.add(new Input("pg stored generated key column", Kind.POSTGRES,
                List.of("CREATE TABLE orders (n BIGINT, id BIGINT GENERATED ALWAYS AS (n * 10 + 1) STORED PRIMARY KEY,"
                        + " code VARCHAR(20) UNIQUE, qty INT)", "INSERT INTO orders (n, code, qty) VALUES (0, 'a', 1)"),
                List.of("CREATE TABLE orders_v2 (n BIGINT, id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)",
                        "INSERT INTO orders_v2 (n, id, code, quantity) VALUES (0, 1, 'a', 1)"),
                "INSERT INTO orders (n, code, qty) VALUES (7, 'd', 4), (8, 'e', 5)"));
        inputs.add(new Input("pg varchar(2) key given trailing spaces", Kind.POSTGRES,
                old("CREATE TABLE orders (id VARCHAR(2) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id VARCHAR(2) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES ('x    ', 'd', 4), ('yz  ', 'e', 5)"));
        inputs.add(new Input("pg insert select with computed keys", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) SELECT id + 10, code || 'x', qty FROM orders WHERE id < 3"));
        inputs.add(new Input("pg insert select without column list", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                "INSERT INTO orders SELECT g, 'g' || g, g FROM generate_series(20, 22) g"));
        inputs.add(new Input("pg insert after a with clause", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "WITH src AS (SELECT 'w' || code AS code, qty FROM orders WHERE id = 1) INSERT INTO orders (code, qty) SELECT code, qty FROM src"));
        inputs.add(new Input("pg aliased insert with on conflict do nothing", Kind.POSTGRES, old(PG_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders AS o (id, code, qty) VALUES (DEFAULT, 'a', 9), (DEFAULT, 'f', 6) ON CONFLICT (code) DO NOTHING"));
        // ---- H2
        inputs.add(new Input("h2 insert select with computed keys", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) SELECT id + 10, code || 'x', qty FROM orders WHERE id < 3"));
        inputs.add(new Input("h2 varchar(2) key given trailing spaces", Kind.H2,
                old("CREATE TABLE orders (id VARCHAR(2) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id VARCHAR(2) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES ('x', 'd', 4)"));
        inputs.add(new Input("h2 merge key on code moves the key", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "MERGE INTO orders (id, code, qty) KEY (code) VALUES (9, 'a', 9)"));
        inputs.add(new Input("h2 merge key on code, no column list", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "MERGE INTO orders KEY (code) VALUES (9, 'b', 9)"));
        inputs.add(new Input("h2 no column list with DEFAULT key", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders VALUES (DEFAULT, 'd', 4)"));
        inputs.add(new Input("h2 mixed DEFAULT and explicit keys", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (DEFAULT, 'd', 4), (7, 'e', 5)"));
        inputs.add(new Input("h2 explicit identity values", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) VALUES (7, 'd', 4), (8, 'e', 5)"));
        inputs.add(new Input("h2 DEFAULT VALUES", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders DEFAULT VALUES"));
        inputs.add(new Input("h2 OVERRIDING USER VALUE", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (7, 'd', 4)"));
        inputs.add(new Input("h2 OVERRIDING USER VALUE given a key that exists", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (1, 'd', 4)"));
        inputs.add(new Input("h2 merge key on code moves the key onto a free one", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "MERGE INTO orders (id, code, qty) KEY (code) VALUES (5, 'c', 9), (6, 'f', 6)"));
        inputs.add(new Input("h2 before insert trigger moves the key off one that exists", Kind.H2,
                old(H2_BY_DEFAULT, "CREATE TRIGGER bump BEFORE INSERT ON orders FOR EACH ROW CALL \"" + BumpKeyOfD.class.getName() + "\""),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) VALUES (1, 'd', 4)"));
        inputs.add(new Input("h2 before insert trigger moves a generated key", Kind.H2,
                old(H2_BY_DEFAULT, "CREATE TRIGGER bump BEFORE INSERT ON orders FOR EACH ROW CALL \"" + BumpKeyOfD.class.getName() + "\""),
                fresh(NEW_ORDERS), "INSERT INTO orders (code, qty) VALUES ('d', 4)"));
        inputs.add(new Input("h2 OVERRIDING SYSTEM VALUE on ALWAYS", Kind.H2,
                List.of(H2_ALWAYS, "INSERT INTO orders (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)"),
                fresh(NEW_ORDERS), "INSERT INTO orders (id, code, qty) OVERRIDING SYSTEM VALUE VALUES (7, 'd', 4)"));
        inputs.add(new Input("h2 numeric(5,0) key given 7.6", Kind.H2,
                old("CREATE TABLE orders (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)"),
                fresh("CREATE TABLE orders_v2 (id NUMERIC(5,0) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)"),
                "INSERT INTO orders (id, code, qty) VALUES (7.6, 'd', 4)"));
        inputs.add(new Input("h2 select from final table of an insert", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "SELECT id, code FROM FINAL TABLE (INSERT INTO orders (code, qty) VALUES ('d', 4), ('e', 5))"));
        inputs.add(new Input("h2 select from new table of an insert with keys", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "SELECT * FROM NEW TABLE (INSERT INTO orders (id, code, qty) VALUES (7, 'd', 4))"));
        inputs.add(new Input("h2 select from old table of a delete", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "SELECT * FROM OLD TABLE (DELETE FROM orders WHERE code = 'b')"));
        inputs.add(new Input("h2 select from final table of an update", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "SELECT id FROM FINAL TABLE (UPDATE orders SET qty = qty + 10 WHERE code IN ('a', 'c'))"));
        inputs.add(new Input("h2 select from final table of a merge", Kind.H2, old(H2_BY_DEFAULT), fresh(NEW_ORDERS),
                "SELECT id FROM FINAL TABLE (MERGE INTO orders (id, code, qty) KEY (code) VALUES (9, 'c', 9))"));
        return inputs;
    }

    /**
     * The inputs whose keys the database cannot report, so that a scoped resync is the right answer: the old key of a
     * row an upsert or merge moved (the rows it met are not read first when the new key is computed), an insert with
     * a {@code RETURNING} of the application's (no key request can be added), a table whose {@code INSTEAD} rule
     * refuses the request, a trigger on H2 (its keys are reported from before the trigger), rules or triggers that may
     * write other rows, and H2's data-change delta tables (a query whose writes are not analysed). Every other input
     * must end with the stores equal and nothing recorded, sent any way but a plain {@link Statement} batch (which
     * never returns keys).
     */
    private static final Set<String> RESYNC_ALLOWED = Set.of("pg insert select returning",
            "pg shared sequence insert returning", "pg on conflict update that moves the key",
            "pg on conflict update that moves the key by the old row", "pg conditional instead rule on insert",
            "pg conditional instead rule on insert, generated key",
            "pg insert rule that also writes an audit table", "pg insert rule, generated key",
            "h2 merge key on code moves the key", "h2 merge key on code, no column list",
            "h2 merge key on code moves the key onto a free one", "h2 before insert trigger moves the key off one that exists",
            "h2 before insert trigger moves a generated key", "h2 select from final table of an insert",
            "h2 select from new table of an insert with keys", "h2 select from old table of a delete",
            "h2 select from final table of an update", "h2 select from final table of a merge");

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        String only = System.getProperty("decided.only", "");
        int index = 0;
        for (Input input : inputs()) {
            index++;
            if (!input.name().contains(only)) {
                continue;
            }
            for (Way way : Way.values()) {
                // a half fraction, to keep the suite's time: every input runs the common way (a prepared insert
                // asking for its keys) and about half the others, the next pair of inputs the other half; auto-commit
                // and transaction alternate over the ways an input runs, starting on the other one for the next
                // input. Every way runs both, for every kind of input, and every input runs both
                if (way != Way.PREPARED_KEYS && (index / 2 + way.ordinal()) % 2 == 1) {
                    continue;
                }
                boolean transaction = (index + way.ordinal() / 2) % 2 == 1;
                cases.add(Arguments.of(Named.of(input.name(), input), way, transaction));
            }
        }
        return cases.stream();
    }

    // ---------------------------------------------------------------- shared PostgreSQL databases

    private static TestDatabase pgPlain;
    private static TestDatabase pgOld;
    private static TestDatabase pgNew;

    private static synchronized TestDatabase[] postgres() {
        if (pgPlain == null) {
            pgPlain = TestDatabases.create(Kind.POSTGRES);
            pgOld = TestDatabases.create(Kind.POSTGRES);
            pgNew = TestDatabases.create(Kind.POSTGRES);
        } else {
            pgPlain.reset();
            pgOld.reset();
            pgNew.reset();
        }
        return new TestDatabase[] {pgPlain, pgOld, pgNew};
    }

    @AfterAll
    static void closeDatabases() {
        if (pgPlain != null) {
            pgPlain.close();
            pgOld.close();
            pgNew.close();
        }
    }

    // ---------------------------------------------------------------- the test

    @ParameterizedTest(name = "{0}, {1}, transaction {2}")
    @MethodSource("cases")
    void theNewStoreEndsEqualToTheOldByTheReportedKeysOrACoveringRecordIsKept(Input input, Way way, boolean transaction) throws SQLException {
        TestDatabase plain;
        Fixture fixture;
        if (input.kind() == Kind.POSTGRES) {
            TestDatabase[] dbs = postgres();
            plain = dbs[0];
            fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).on(dbs[1], dbs[2]).build();
        } else {
            plain = TestDatabases.create(Kind.H2);
            fixture = Fixture.of(Kind.H2, Kind.H2);
        }
        try (fixture) {
            plain.execute(input.oldSetup().toArray(String[]::new));
            fixture.onOld(input.oldSetup().toArray(String[]::new));
            fixture.onNew(input.newSetup().toArray(String[]::new));
            List<String> expected = new ArrayList<>();
            send(plain.dataSource(), input.sql(), way, transaction, expected);
            List<String> actual = new ArrayList<>();
            send(fixture.dataSource, input.sql(), way, transaction, actual);
            assertThat(String.join(" | ", actual)).as("what the caller saw through the data source")
                    .isEqualTo(String.join(" | ", expected));
            assertThat(Rows.of(fixture.oldDb, OLD_ROWS)).as("the old store holds what plain JDBC wrote")
                    .isEqualTo(Rows.of(plain, OLD_ROWS));
            String label = input + ", " + way + ", transaction " + transaction;
            if (!RESYNC_ALLOWED.contains(input.name()) && way != Way.STATEMENT_BATCH) {
                await(label).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !fixture.records().isEmpty()
                                || Rows.of(fixture.newDb, NEW_ROWS).equals(Rows.of(fixture.oldDb, OLD_ROWS)));
                System.out.println("OUTCOME " + label + ": " + fixture.recordKeys());
                assertThat(fixture.recordKeys()).as("%s: the database reported the keys it stored", label).isEmpty();
                assertThat(Rows.of(fixture.newDb, NEW_ROWS)).as("%s: the new store", label)
                        .isEqualTo(Rows.of(fixture.oldDb, OLD_ROWS));
            } else {
                equalOrCovered(fixture, label);
            }
        } finally {
            if (input.kind() == Kind.H2) {
                plain.close();
            }
        }
    }

    // ---------------------------------------------------------------- the new store authoritative

    private static final String PG_NEW_BY_DEFAULT = "CREATE TABLE orders_v2 (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
            + " (START WITH 100) PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)";

    /** Inputs for {@link MigrationPhase#NEW_PRIMARY}: the new store's table decides the keys, the old one follows. */
    static Stream<Arguments> newPrimaryCases() {
        List<Input> inputs = List.of(
                new Input("pg new primary, mixed DEFAULT and explicit keys", Kind.POSTGRES, old(PG_BY_DEFAULT),
                        fresh(PG_NEW_BY_DEFAULT), "INSERT INTO orders (id, code, qty) VALUES (DEFAULT, 'd', 4), (7, 'e', 5)"),
                new Input("pg new primary, OVERRIDING USER VALUE given a key that exists", Kind.POSTGRES, old(PG_BY_DEFAULT),
                        fresh(PG_NEW_BY_DEFAULT), "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (1, 'd', 4)"),
                new Input("pg new primary, bigint key given 7.6", Kind.POSTGRES, old(PG_PLAIN), fresh(NEW_ORDERS),
                        "INSERT INTO orders (id, code, qty) VALUES (7.6, 'd', 4)"),
                new Input("h2 new primary, mixed DEFAULT and explicit keys", Kind.H2, old(H2_BY_DEFAULT),
                        fresh(PG_NEW_BY_DEFAULT), "INSERT INTO orders (id, code, qty) VALUES (DEFAULT, 'd', 4), (7, 'e', 5)"),
                new Input("h2 new primary, OVERRIDING USER VALUE", Kind.H2, old(H2_BY_DEFAULT),
                        fresh(PG_NEW_BY_DEFAULT), "INSERT INTO orders (id, code, qty) OVERRIDING USER VALUE VALUES (1, 'd', 4)"));
        List<Arguments> cases = new ArrayList<>();
        for (int index = 0; index < inputs.size(); index++) {
            Input input = inputs.get(index);
            for (Way way : Way.values()) {
                if (way != Way.STATEMENT_BATCH) {
                    // auto-commit and transaction alternate over the ways, starting on the other one for the next
                    // input: every input and every way runs both
                    boolean transaction = (index + way.ordinal()) % 2 == 1;
                    cases.add(Arguments.of(Named.of(input.name(), input), way, transaction));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, transaction {2}")
    @MethodSource("newPrimaryCases")
    void onTheNewStoreTheKeysItStoredReachTheOldStoreWithNothingRecorded(Input input, Way way, boolean transaction)
            throws SQLException {
        TestDatabase plain;
        Fixture fixture;
        if (input.kind() == Kind.POSTGRES) {
            TestDatabase[] dbs = postgres();
            plain = dbs[0];
            fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).on(dbs[1], dbs[2]).build();
        } else {
            plain = TestDatabases.create(Kind.H2);
            fixture = Fixture.builder(Kind.H2, Kind.H2).phase(MigrationPhase.NEW_PRIMARY).build();
        }
        try (fixture) {
            plain.execute(input.oldSetup().toArray(String[]::new));
            // the old store follows: its key is written, never generated
            fixture.onOld(old(PG_PLAIN).toArray(String[]::new));
            fixture.onNew(input.newSetup().toArray(String[]::new));
            List<String> expected = new ArrayList<>();
            send(plain.dataSource(), input.sql(), way, transaction, expected);
            List<String> actual = new ArrayList<>();
            send(fixture.dataSource, input.sql(), way, transaction, actual);
            assertThat(String.join(" | ", actual)).as("what the caller saw through the data source")
                    .isEqualTo(String.join(" | ", expected));
            assertThat(Rows.of(fixture.newDb, NEW_ROWS)).as("the new store holds what plain JDBC wrote")
                    .isEqualTo(Rows.of(plain, OLD_ROWS));
            String label = input + ", " + way + ", transaction " + transaction;
            await(label).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !fixture.records().isEmpty()
                            || Rows.of(fixture.newDb, NEW_ROWS).equals(Rows.of(fixture.oldDb, OLD_ROWS)));
            System.out.println("OUTCOME " + label + ": " + fixture.recordKeys());
            assertThat(fixture.recordKeys()).as("%s: the database reported the keys it stored", label).isEmpty();
            assertThat(Rows.of(fixture.oldDb, OLD_ROWS)).as("%s: the old store", label)
                    .isEqualTo(Rows.of(fixture.newDb, NEW_ROWS));
        } finally {
            if (input.kind() == Kind.H2) {
                plain.close();
            }
        }
    }

    private static final String OLD_ROWS = "SELECT id, code, qty FROM orders ORDER BY id";
    private static final String NEW_ROWS = "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id";

    /**
     * Waits until the new store equals the old one or a record was kept, then asserts that every row that differs
     * is covered by a record (a scoped resync of orders, or its own key) and that resolving the records ends equal.
     */
    private static void equalOrCovered(Fixture fixture, String label) throws SQLException {
        await(label).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> !fixture.records().isEmpty()
                        || Rows.of(fixture.newDb, NEW_ROWS).equals(Rows.of(fixture.oldDb, OLD_ROWS)));
        List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, OLD_ROWS);
        List<Map<String, String>> newRows = Rows.of(fixture.newDb, NEW_ROWS);
        System.out.println("OUTCOME " + label + ": " + (oldRows.equals(newRows) ? "EXACT " : "DIFFERS ") + fixture.recordKeys());
        if (oldRows.equals(newRows)) {
            return;
        }
        Set<String> differing = new HashSet<>();
        Set<Map<String, String>> onlyOld = new HashSet<>(oldRows);
        newRows.forEach(onlyOld::remove);
        Set<Map<String, String>> onlyNew = new HashSet<>(newRows);
        oldRows.forEach(onlyNew::remove);
        onlyOld.forEach(row -> differing.add(row.get("id").trim().toLowerCase(Locale.ROOT)));
        onlyNew.forEach(row -> differing.add(row.get("id").trim().toLowerCase(Locale.ROOT)));
        List<ChangeRecord> records = fixture.records();
        boolean tableResynced = records.stream()
                .anyMatch(r -> r.isScoped() && r.table().equalsIgnoreCase("orders"));
        if (!tableResynced) {
            Set<String> recorded = new HashSet<>();
            records.forEach(r -> recorded.add(r.key().replaceAll("[\\[\\]\"]", "").trim().toLowerCase(Locale.ROOT)));
            assertThat(recorded).as("%s: new %s differs from old %s; the records %s must cover every differing key",
                    label, newRows, oldRows, fixture.recordKeys()).containsAll(differing);
        }
        if (tableResynced) {
            fixture.resolveScopedResyncs(Fixture.ORDERS);
        }
        if (!fixture.records().isEmpty()) {
            fixture.reconciler().runOnce();
        }
        assertThat(Rows.of(fixture.newDb, NEW_ROWS)).as("%s: the new store once the records %s are resolved", label, records)
                .isEqualTo(Rows.of(fixture.oldDb, OLD_ROWS));
    }

    /** Sends {@code sql} the given way on a connection of {@code dataSource}; what the caller saw goes to {@code out}. */
    private static void send(DataSource dataSource, String sql, Way way, boolean transaction, List<String> out)
            throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(!transaction);
            try {
                if (way.prepared) {
                    try (PreparedStatement statement = way.keys
                            ? connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS) : connection.prepareStatement(sql)) {
                        if (way.batch) {
                            statement.addBatch();
                            out.add("batch " + Arrays.toString(statement.executeBatch()));
                        } else {
                            results(statement, statement.execute(), out);
                        }
                        if (way.readsKeys()) {
                            out.add("keys " + rows(statement.getGeneratedKeys()));
                        }
                    }
                } else {
                    try (Statement statement = connection.createStatement()) {
                        if (way.batch) {
                            statement.addBatch(sql);
                            out.add("batch " + Arrays.toString(statement.executeBatch()));
                        } else {
                            boolean query = way.keys ? statement.execute(sql, Statement.RETURN_GENERATED_KEYS) : statement.execute(sql);
                            results(statement, query, out);
                            if (way.readsKeys()) {
                                out.add("keys " + rows(statement.getGeneratedKeys()));
                            }
                        }
                    }
                }
                if (transaction) {
                    connection.commit();
                }
            } catch (SQLException e) {
                out.add(PlainJdbc.describe(e));
                if (transaction) {
                    try {
                        connection.rollback();
                    } catch (SQLException closed) {
                        // a pool closes a connection whose statement failed with SQLState 0A000
                        out.add("rollback " + PlainJdbc.describe(closed));
                    }
                }
            }
        }
    }

    private static void results(Statement statement, boolean query, List<String> out) throws SQLException {
        for (boolean isQuery = query; ; isQuery = statement.getMoreResults()) {
            if (isQuery) {
                out.add("rows " + rows(statement.getResultSet()));
            } else {
                int count = statement.getUpdateCount();
                if (count == -1) {
                    return;
                }
                out.add("count " + count);
            }
        }
    }

    /** An H2 trigger that moves the row of code {@code 'd'} being inserted to its key plus 1000. */
    public static final class BumpKeyOfD implements org.h2.api.Trigger {
        @Override
        public void fire(Connection connection, Object[] oldRow, Object[] newRow) {
            if ("d".equals(newRow[1])) {
                newRow[0] = ((Number) newRow[0]).longValue() + 1000;
            }
        }
    }

    private static String rows(ResultSet rows) throws SQLException {
        try (rows) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> all = new ArrayList<>();
            all.add("columns " + meta.getColumnCount());
            while (rows.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    values.add(meta.getColumnLabel(i).toLowerCase(Locale.ROOT) + "=" + rows.getObject(i));
                }
                all.add(String.join(",", values));
            }
            return all.toString();
        }
    }
}
