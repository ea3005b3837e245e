package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.FunctionWrites.NEW_ROWS;
import static io.dualwrite.jdbc.inputs.FunctionWrites.converges;
import static io.dualwrite.jdbc.inputs.FunctionWrites.drain;
import static io.dualwrite.jdbc.inputs.FunctionWrites.maria;
import static io.dualwrite.jdbc.inputs.FunctionWrites.oldRows;
import static io.dualwrite.jdbc.inputs.FunctionWrites.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorMode;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Writes to a mapped table that the database does on behalf of a statement that does not name the row: functions
 * called in spellings the text hides (dollar quotes, executable comments, nested comments), user functions named
 * like built-ins, aggregates, stable wrappers, SQL-standard bodies, operators, casts, domains, defaults, checks,
 * generated columns, views, triggers' {@code WHEN}, rules and cascades reached from a function, and catalog changes
 * while it is trusted. Each input runs through the data source; then the library's resolver runs and both stores are
 * compared row by row with plain JDBC. Ordinary statements record nothing.
 */
class HiddenFunctionWritesTest {

    /** The PostgreSQL databases the tests of the default settings share, emptied before each. */
    private static final FunctionWrites.SharedPostgres POSTGRES = new FunctionWrites.SharedPostgres();

    @AfterAll
    static void closeDatabases() {
        POSTGRES.close();
    }

    private static Fixture pg() {
        return POSTGRES.fixture();
    }

    private static Map<String, String> row(long id, String code, long qty) {
        return Rows.expected("id", id, "code", code, "qty", qty);
    }

    // ================================================================ PostgreSQL: how the name is spelt

    @Test
    void postgresOddSpellingsOfTheNameAreSeen() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT \"public\".\"bump\"(1)", "SELECT PUBLIC.BUMP (2)", "SELECT bump /* x */ (3)",
                    "SELECT bump\n\t(1)", "SELECT public . bump(2)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 21), row(2, "b", 22), row(3, "c", 13));
            converges(fixture, "pg odd spellings");
        }
    }

    // Failed before its fix: a dollar-quoted string holding an apostrophe hides the call: SqlText.stripQuoted knows no $$ quoting, so
    // the ' inside $$it's$$ opens a "string" that runs to the end; orders row 1 is bumped on the old store only and
    // nothing is recorded
    @Test
    void postgresCallAfterADollarQuotedStringWithAnApostrophe() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT $$it's$$ AS note, bump(1)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg $$it's$$");
        }
    }

    // Failed before its fix: with standard_conforming_strings (PostgreSQL's default) 'C:\' is a whole string, but SqlText reads \' as an
    // escaped quote, so the string "runs on" over the call; nothing is recorded
    @Test
    void postgresCallAfterAStringEndingInABackslash() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT 'C:\\' AS path, bump(2), 'x' AS y");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg 'C:\\'");
        }
    }

    // Failed before its fix: PostgreSQL nests block comments; SqlText ends the comment at the first */ and the apostrophe in the rest of
    // the comment hides the call; nothing is recorded
    @Test
    void postgresCallAfterANestedComment() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT /* outer /* inner */ it's still a comment */ bump(3)");
            assertThat(oldRows(fixture)).contains(row(3, "c", 13));
            converges(fixture, "pg nested comment");
        }
    }

    // Failed before its fix: a user's function named like a built-in of SqlText's STABLE list (repeat), called qualified: calledNames
    // drops "repeat" as a built-in although the schema makes it the user's (callsVolatile counts qualified names as the
    // user's); nothing is recorded
    @Test
    void postgresQualifiedUserFunctionNamedLikeABuiltIn() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION public.repeat(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                    + " BEGIN UPDATE orders SET qty = 50 WHERE id = i; RETURN i; END $$");
            run(fixture, "SELECT public.repeat(2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 50));
            converges(fixture, "pg public.repeat");
        }
    }

    // Failed before its fix: a function in pg_temp (created and called on the same connection, through the data source) is left out
    // of the catalog read (n.nspname NOT LIKE 'pg\_%' excludes pg_temp_N); nothing is recorded
    @Test
    void postgresTemporaryFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE FUNCTION pg_temp.tbump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                        + " BEGIN UPDATE orders SET qty = 40 WHERE id = i; RETURN i; END $$");
                drain(statement, statement.execute("SELECT pg_temp.tbump(1)"));
            }
            assertThat(oldRows(fixture)).contains(row(1, "a", 40));
            converges(fixture, "pg pg_temp function");
        }
    }

    // ================================================================ PostgreSQL: calls without a name and a parenthesis

    // Failed before its fix: an operator backed by a writing function (CREATE OPERATOR ### (RIGHTARG = bigint, FUNCTION = bump)): the
    // text has no "name(" at all; nothing is recorded
    @Test
    void postgresOperatorBackedByAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE OPERATOR ### (RIGHTARG = BIGINT, FUNCTION = bump)");
            run(fixture, "SELECT ### 2::BIGINT");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg operator");
        }
    }

    // Failed before Writers read routine bodies with SqlText's names: a function whose body uses an operator backed by the
    // writing function (PERFORM ### i): the body's words left operators out, so obump reached nothing; nothing is
    // recorded
    @Test
    void postgresFunctionWhoseBodyUsesAnOperatorBackedByAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE OPERATOR ### (RIGHTARG = BIGINT, FUNCTION = bump)",
                    "CREATE FUNCTION obump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM ### i; RETURN i; END $$");
            run(fixture, "SELECT obump(3)");
            assertThat(oldRows(fixture)).contains(row(3, "c", 13));
            converges(fixture, "pg operator in a function body");
        }
    }

    // Failed before its fix: a cast WITH FUNCTION that writes: CAST(...) is in SqlText's STABLE list and the cast's function is never
    // named in the text; nothing is recorded
    @Test
    void postgresCastWithAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TYPE bumped AS (v BIGINT)",
                    "CREATE FUNCTION to_bumped(i BIGINT) RETURNS bumped LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM bump(i); RETURN ROW(i)::bumped; END $$",
                    "CREATE CAST (BIGINT AS bumped) WITH FUNCTION to_bumped(BIGINT)");
            run(fixture, "SELECT CAST(1::BIGINT AS bumped)", "SELECT 3::BIGINT::bumped");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", 13));
            converges(fixture, "pg cast");
        }
    }

    // Failed before its fix: a domain whose CHECK calls the writing function: SELECT 2::bumpy calls bump(2) with no call in the text;
    // nothing is recorded
    @Test
    void postgresDomainCheckCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE DOMAIN bumpy AS BIGINT CHECK (bump(VALUE) > 0)");
            run(fixture, "SELECT 2::bumpy");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg domain check");
        }
    }

    // Failed before its fix: attribute notation (a.abump is abump(a)) calls a writing function with no parenthesis; nothing is recorded
    @Test
    void postgresFunctionCalledByAttributeNotation() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("INSERT INTO audit VALUES (2)",
                    "CREATE FUNCTION abump(a audit) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN RETURN bump(a.v); END $$");
            run(fixture, "SELECT a.abump FROM audit a");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg attribute notation");
        }
    }

    // Failed before its fix: an aggregate whose state function writes: the catalog read keeps prokind 'f' and 'p' only, so bump_all
    // (prokind 'a') is "no routine"; nothing is recorded
    @Test
    void postgresAggregateWhoseStateFunctionWrites() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("INSERT INTO audit VALUES (1), (3)",
                    "CREATE FUNCTION bump_step(s BIGINT, v BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN PERFORM bump(v); RETURN s + v; END $$",
                    "CREATE AGGREGATE bump_all(BIGINT) (SFUNC = bump_step, STYPE = BIGINT, INITCOND = '0')");
            run(fixture, "SELECT bump_all(v) FROM audit");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", 13));
            converges(fixture, "pg aggregate");
        }
    }

    // Failed before its fix: a STABLE wrapper of the writing function (PostgreSQL lets a stable function call a volatile one, whose
    // writes happen): the catalog read keeps volatile functions only, so sbump writes "nothing"; nothing is recorded
    @Test
    void postgresStableWrapperOfAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION sbump(i BIGINT) RETURNS BIGINT STABLE LANGUAGE plpgsql AS $$"
                    + " BEGIN RETURN bump(i); END $$");
            run(fixture, "SELECT sbump(1)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg stable wrapper");
        }
    }

    // Failed before its fix: a SQL-standard function body (RETURN bump(i) / BEGIN ATOMIC): prosrc is empty (the body is in
    // prosqlbody), so the routine names nothing; nothing is recorded
    @Test
    void postgresSqlStandardBody() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION rbump(i BIGINT) RETURNS BIGINT LANGUAGE sql RETURN bump(i)");
            run(fixture, "SELECT rbump(1)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg RETURN body");
        }
    }

    // Failed before its fix: a stored generated column of an unmapped table calling an IMMUTABLE wrapper of the writing function:
    // INSERT INTO audit5 (v) names no function and no mapped table; nothing is recorded
    @Test
    void postgresGeneratedColumnOfAnUnmappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION ibump(i BIGINT) RETURNS BIGINT IMMUTABLE LANGUAGE plpgsql AS $$"
                            + " BEGIN RETURN bump(i); END $$",
                    "CREATE TABLE audit5 (v BIGINT, w BIGINT GENERATED ALWAYS AS (ibump(v)) STORED)");
            run(fixture, "INSERT INTO audit5 (v) VALUES (2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg generated column");
        }
    }

    // ================================================================ PostgreSQL: calls the schema makes

    // Failed before its fix: a column DEFAULT of an unmapped table calls the writing function: the INSERT names neither; nothing is
    // recorded
    @Test
    void postgresColumnDefaultOfAnUnmappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE audit2 (v BIGINT, w BIGINT DEFAULT bump(1))");
            run(fixture, "INSERT INTO audit2 (v) VALUES (5)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg default");
        }
    }

    // Failed before its fix: a column DEFAULT of the mapped table itself that writes another of its rows: only key 9 is synced, row 1's
    // change is not recorded
    @Test
    void postgresColumnDefaultOfTheMappedTableWritingAnotherRow() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("ALTER TABLE orders ALTER COLUMN qty SET DEFAULT bump(1)");
            run(fixture, "INSERT INTO orders (id, code) VALUES (9, 'z')");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(9, "z", 1));
            converges(fixture, "pg default of orders");
        }
    }

    // Failed before its fix: a CHECK constraint of an unmapped table calling the writing function; nothing is recorded
    @Test
    void postgresCheckConstraintOfAnUnmappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE audit3 (v BIGINT CHECK (bump(v) > 0))");
            run(fixture, "INSERT INTO audit3 VALUES (2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg check");
        }
    }

    // Failed before its fix: a view whose select list calls the writing function, selected: SELECT * FROM bumped_v names no function;
    // nothing is recorded
    @Test
    void postgresViewCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("INSERT INTO audit VALUES (2)", "CREATE VIEW bumped_v AS SELECT bump(v) AS b FROM audit");
            run(fixture, "SELECT * FROM bumped_v");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg view");
        }
    }

    // Failed before its fix: a rule (DO ALSO UPDATE orders) on an unmapped table that a function inserts into: the routine's writes
    // follow triggers of the tables it names, not rules; nothing is recorded (the same INSERT run directly is seen)
    @Test
    void postgresFunctionWritingATableWithARule() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE audit_r (v BIGINT)",
                    "CREATE RULE audit_r_also AS ON INSERT TO audit_r DO ALSO UPDATE orders SET qty = 77 WHERE id = NEW.v",
                    "CREATE FUNCTION rnote(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN INSERT INTO audit_r VALUES (i); RETURN i; END $$");
            run(fixture, "SELECT rnote(2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 77));
            converges(fixture, "pg function -> rule");
        }
    }

    // Failed before its fix: a function writing an updatable view over orders: the body names orders_view, not orders; nothing is
    // recorded
    @Test
    void postgresFunctionWritingAViewOverTheMappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT * FROM orders",
                    "CREATE FUNCTION vbump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN UPDATE orders_view SET qty = 55 WHERE id = i; RETURN i; END $$");
            run(fixture, "SELECT vbump(3)");
            assertThat(oldRows(fixture)).contains(row(3, "c", 55));
            converges(fixture, "pg function -> view");
        }
    }

    // Failed before its fix: a function updating a parent table whose foreign key cascades into orders (ON UPDATE CASCADE): the body
    // names codes, and cascades are not followed from routines; nothing is recorded (the same UPDATE run directly is)
    @Test
    void postgresFunctionWritingAParentThatCascadesIntoTheMappedTable() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY)",
                    "INSERT INTO codes VALUES ('a'), ('b'), ('c')",
                    "ALTER TABLE orders ADD FOREIGN KEY (code) REFERENCES codes (code) ON UPDATE CASCADE",
                    "CREATE FUNCTION recode(o TEXT, n TEXT) RETURNS TEXT LANGUAGE plpgsql AS $$"
                            + " BEGIN UPDATE codes SET code = n WHERE code = o; RETURN n; END $$");
            run(fixture, "SELECT recode('a', 'zz')");
            assertThat(oldRows(fixture)).contains(row(1, "zz", 1));
            converges(fixture, "pg function -> fk cascade");
        }
    }

    // Failed before its fix: a trigger of an unmapped table that runs dynamic SQL on a table named by the trigger's argument
    // (EXECUTE format('UPDATE %I …', TG_ARGV[0])): Metadata.readBases counts only the mapped names in the trigger's body
    // and the routines it calls, not dynamic SQL (the routine reader treats it as "every table"); the direct INSERT
    // records nothing
    @Test
    void postgresInsertIntoATableWhoseTriggerRunsDynamicSql() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION dyn_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$ BEGIN"
                            + " EXECUTE format('UPDATE %I SET qty = 0 WHERE id = $1', TG_ARGV[0]) USING NEW.v; RETURN NEW; END $$",
                    "CREATE TRIGGER audit_dyn AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION dyn_trg('orders')");
            run(fixture, "INSERT INTO audit VALUES (2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 0));
            converges(fixture, "pg trigger with dynamic SQL");
        }
    }

    @Test
    void postgresFunctionWritingATableWhoseTriggerRunsDynamicSql() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION dyn_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$ BEGIN"
                            + " EXECUTE format('UPDATE %I SET qty = 0 WHERE id = $1', TG_ARGV[0]) USING NEW.v; RETURN NEW; END $$",
                    "CREATE TRIGGER audit_dyn AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION dyn_trg('orders')");
            run(fixture, "SELECT note(3)");
            assertThat(oldRows(fixture)).contains(row(3, "c", 0));
            converges(fixture, "pg function -> trigger with dynamic SQL");
        }
    }

    // Failed before its fix: a trigger's WHEN condition calls the writing function (WHEN (bump(NEW.v) > 0)): the condition is in
    // pg_trigger.tgqual, not in the trigger function's body; the INSERT into the unmapped table records nothing
    @Test
    void postgresTriggerWhenConditionCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION noop_trg() RETURNS TRIGGER LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                    "CREATE TRIGGER audit_when AFTER INSERT ON audit FOR EACH ROW WHEN (bump(NEW.v) > 0)"
                            + " EXECUTE FUNCTION noop_trg()");
            run(fixture, "INSERT INTO audit VALUES (1)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg trigger WHEN");
        }
    }

    // Failed before its fix: REFRESH MATERIALIZED VIEW runs the view's query again, which calls the writing function; the statement
    // names no function; nothing is recorded
    @Test
    void postgresRefreshOfAMaterializedViewCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            // REFRESH runs with search_path pg_catalog, pg_temp (PostgreSQL 17+): the function names its table fully
            fixture.onOld("INSERT INTO audit VALUES (3)",
                    "CREATE FUNCTION mvbump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN UPDATE public.orders SET qty = qty + 10 WHERE id = i; RETURN i; END $$",
                    "CREATE MATERIALIZED VIEW bumped_mv AS SELECT public.mvbump(v) AS b FROM audit WITH NO DATA");
            run(fixture, "REFRESH MATERIALIZED VIEW bumped_mv");
            assertThat(oldRows(fixture)).contains(row(3, "c", 13));
            converges(fixture, "pg REFRESH MATERIALIZED VIEW");
        }
    }

    @Test
    void postgresCreateTableAsSelectCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "CREATE TABLE snap AS SELECT bump(2) AS b", "EXPLAIN ANALYZE SELECT bump(3)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12), row(3, "c", 13));
            converges(fixture, "pg CREATE TABLE AS / EXPLAIN ANALYZE");
        }
    }

    // ================================================================ PostgreSQL: statement shapes

    // Failed before its fix: JOIN is one of the "table introducers", so a function joined unqualified (JOIN bump(2) b ON true) is
    // skipped as if it were a table; nothing is recorded
    @Test
    void postgresWritingFunctionJoinedInFrom() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("INSERT INTO audit VALUES (5)");
            run(fixture, "SELECT * FROM audit a JOIN bump(2) b ON true");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg JOIN bump(2)");
        }
    }

    @Test
    void postgresLateralSetReturningCallIsSeen() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("INSERT INTO audit VALUES (1), (3)");
            run(fixture, "SELECT * FROM audit a, LATERAL bump(a.v) b",
                    "SELECT * FROM audit a CROSS JOIN LATERAL add_order(a.v + 10) b");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", 13), row(11, "f11", 7));
            converges(fixture, "pg lateral");
        }
    }

    @Test
    void postgresPreparedSelectFromFunctionWithExecuteQuery() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM add_order(?)")) {
            select.setLong(1, 8);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(1)).isEqualTo(8);
            }
            assertThat(oldRows(fixture)).contains(row(8, "f8", 7));
            converges(fixture, "pg prepared SELECT * FROM f(?)");
        }
    }

    @Test
    void postgresJdbcCallEscapes() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection()) {
            try (CallableStatement call = connection.prepareCall("{call bump(?)}")) {
                call.setLong(1, 1);
                call.execute();
            }
            try (CallableStatement call = connection.prepareCall("{? = call bump(?)}")) {
                call.registerOutParameter(1, java.sql.Types.BIGINT);
                call.setLong(2, 2);
                call.execute();
                assertThat(call.getLong(1)).isEqualTo(2);
            }
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(2, "b", 12));
            converges(fixture, "pg {call}");
        }
    }

    @Test
    void postgresFunctionCallingAProcedure() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE PROCEDURE wipe(i BIGINT) LANGUAGE plpgsql AS $$ BEGIN DELETE FROM orders WHERE id = i; END $$",
                    "CREATE FUNCTION callwipe(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                            + " BEGIN CALL wipe(i); RETURN i; END $$");
            run(fixture, "SELECT callwipe(2)");
            assertThat(oldRows(fixture)).extracting(r -> r.get("id")).containsExactly("1", "3");
            converges(fixture, "pg function calling a procedure");
        }
    }

    @Test
    void postgresOverloadsAndOtherSchemaOnTheSearchPath() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE SCHEMA util",
                    "CREATE FUNCTION bump(t TEXT) RETURNS TEXT LANGUAGE sql AS $$ SELECT t $$",
                    "CREATE FUNCTION util.shift(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                            + " UPDATE \"orders\" SET qty = -1 WHERE id = i RETURNING id $$");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET search_path = public, util");
                drain(statement, statement.execute("SELECT bump('x'), bump(1::BIGINT)"));
                drain(statement, statement.execute("SELECT shift(3)"));
            }
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", -1));
            converges(fixture, "pg overloads / util schema");
        }
    }

    @Test
    void postgresWritableCteAndCopyCallingAFunction() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "WITH x AS (INSERT INTO audit VALUES (bump(2)) RETURNING v) SELECT * FROM x",
                    "COPY (SELECT bump(3)) TO '/dev/null'");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12), row(3, "c", 13));
            converges(fixture, "pg writable CTE / COPY");
        }
    }

    @Test
    void postgresMixedTransactionTextAndSeveralStatements() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "BEGIN; SELECT bump(1); COMMIT", "SELECT 1; SELECT bump(2)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(2, "b", 12));
            converges(fixture, "pg mixed text");
        }
    }

    @Test
    void postgresPlainBatchOfInsertsCallingAFunction() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.addBatch("INSERT INTO audit (v) VALUES (bump(1))");
            statement.addBatch("INSERT INTO audit (v) VALUES (5)");
            statement.addBatch("UPDATE audit SET v = bump(3) WHERE v = 5");
            statement.executeBatch();
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", 13));
            converges(fixture, "pg plain batch");
        }
    }

    @Test
    void postgresPlainBatchFailingAfterACall() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.addBatch("INSERT INTO audit (v) VALUES (bump(1))");
            statement.addBatch("INSERT INTO no_such_table VALUES (1)");
            statement.addBatch("INSERT INTO audit (v) VALUES (bump(2))");
            assertThatThrownBy(statement::executeBatch).isInstanceOf(java.sql.BatchUpdateException.class);
            converges(fixture, "pg failing plain batch");
        }
    }

    @Test
    void postgresPreparedStatementRunLaterByExecute() throws SQLException {
        try (Fixture fixture = pg();
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("PREPARE p(BIGINT) AS SELECT bump($1)");
            fixture.resolveRecords(); // the tools run between the PREPARE and the EXECUTE
            drain(statement, statement.execute("EXECUTE p(2)"));
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "pg PREPARE/EXECUTE");
        }
    }

    @Test
    void postgresCallBeforeASavepointRolledBackIsKept() throws SQLException {
        try (Fixture fixture = pg(); Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                drain(statement, statement.execute("SELECT bump(1)"));
                Savepoint savepoint = connection.setSavepoint();
                drain(statement, statement.execute("SELECT note(1)"));
                connection.rollback(savepoint);
                connection.commit();
            }
            assertThat(oldRows(fixture)).contains(row(1, "a", 11));
            converges(fixture, "pg savepoint");
        }
    }

    // ================================================================ PostgreSQL: modes, phases, catalog trust

    @Test
    void postgresAsyncMode() throws SQLException {
        try (Fixture fixture = FunctionWrites.pg(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mode(MirrorMode.ASYNC).build())) {
            run(fixture, "SELECT bump(1)", "INSERT INTO audit VALUES (bump(2))");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(2, "b", 12));
            assertThat(fixture.scopedResyncs()).isNotEmpty();
            converges(fixture, "pg ASYNC");
        }
    }

    @Test
    void postgresNewPrimaryCallRunsOnTheNewStore() throws SQLException {
        try (Fixture fixture = FunctionWrites.pg(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).build())) {
            fixture.onNew("CREATE FUNCTION bump(i BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$"
                    + " BEGIN UPDATE orders_v2 SET quantity = quantity + 10 WHERE id = i; RETURN i; END $$");
            run(fixture, "SELECT bump(1)");
            List<String> recorded = fixture.recordKeys();
            fixture.resolveRecords();
            List<Map<String, String>> now = Rows.of(fixture.newDb, NEW_ROWS);
            // the write was made on the authoritative store (new): it must be kept, and the old store must follow
            assertThat(now).contains(row(1, "a", 11));
            assertThat(oldRows(fixture)).isEqualTo(now);
        }
    }

    @Test
    void postgresFunctionReplacedWhileTrustedIsFoundByTheRecheck() throws SQLException {
        try (Fixture fixture = FunctionWrites.pg(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(Duration.ofSeconds(2))).build())) {
            fixture.onOld("CREATE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT i $$");
            run(fixture, "SELECT later(1)");
            fixture.onOld("CREATE OR REPLACE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                    + " UPDATE orders SET qty = 99 WHERE id = i RETURNING id $$");
            run(fixture, "SELECT later(1)"); // trusted: nothing yet, the recheck should find it
            assertThat(oldRows(fixture)).contains(row(1, "a", 99));
            await().atMost(Duration.ofSeconds(60)).until(() -> !fixture.records().isEmpty());
            converges(fixture, "pg recheck");
        }
    }

    // Failed before its fix: the replaced function is called while the old read is trusted (write not recorded, the recheck is due);
    // then any call of a name not yet read (other_fn, deployed with it) reads all routines again and overwrites
    // later's entry with a fresh one; when the trust of the read the write relied on ends, Metadata.recheck finds a
    // fresh entry ("a write read it again meanwhile") and records nothing, although no write took the change: orders
    // row 1 stays different forever
    @Test
    void postgresFunctionReplacedWhileTrustedThenAnotherNameReadAgain() throws SQLException {
        try (Fixture fixture = FunctionWrites.pg(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(Duration.ofSeconds(2))).build())) {
            fixture.onOld("CREATE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT i $$");
            run(fixture, "SELECT later(1)");
            fixture.onOld("CREATE OR REPLACE FUNCTION later(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$"
                            + " UPDATE orders SET qty = 99 WHERE id = i RETURNING id $$",
                    "CREATE FUNCTION other_fn(i BIGINT) RETURNS BIGINT LANGUAGE sql AS $$ SELECT i $$");
            run(fixture, "SELECT later(1)"); // trusted: nothing yet, the recheck should find it
            run(fixture, "SELECT other_fn(1)"); // a name not read before: every routine is read again
            assertThat(oldRows(fixture)).contains(row(1, "a", 99));
            await().atMost(Duration.ofSeconds(60)).until(() -> !fixture.records().isEmpty());
            converges(fixture, "pg recheck after another read");
        }
    }

    // ================================================================ PostgreSQL: needless resyncs

    @Test
    void postgresNormalStatementsRecordNoResync() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "INSERT INTO orders (id, code, qty) VALUES (4, upper('d'), 4)",
                    "INSERT INTO orders(id, code, qty) VALUES(5, 'e', 5) ON CONFLICT (id) DO UPDATE SET qty = excluded.qty",
                    "UPDATE orders SET qty = qty + 1 WHERE id IN (1, 2)",
                    "UPDATE orders SET code = substring(code from 1 for 1) WHERE id = 3",
                    "SELECT count(*), max(qty) FROM orders WHERE code LIKE 'a%' AND (id, qty) > (0, 0)",
                    "SELECT o.id FROM orders o JOIN audit a ON (a.v = o.id) WHERE coalesce(o.qty, 0) > 0",
                    "WITH recent (id) AS (SELECT id FROM orders) SELECT * FROM recent",
                    "DELETE FROM orders WHERE id = 5",
                    "SELECT note(7)");
            assertThat(fixture.scopedResyncs()).as("needless scoped resyncs").isEmpty();
            converges(fixture, "pg normal statements");
        }
    }

    // Failed before its fix (a needless resync): a reporting function that only READS orders, left at PostgreSQL's default volatility
    // (VOLATILE, as most are), records a whole-table scoped resync of orders on every call: a name it reads counts as
    // a write
    @Test
    void postgresReadOnlyFunctionRecordsNoResync() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE FUNCTION avg_qty() RETURNS NUMERIC LANGUAGE sql AS $$ SELECT avg(qty) FROM orders $$");
            run(fixture, "SELECT id FROM orders WHERE qty < avg_qty()");
            assertThat(fixture.scopedResyncs()).as("needless scoped resyncs of a read-only function").isEmpty();
        }
    }

    // Failed before its fix (a needless resync): a quoted column alias that contains "bump(" is taken for a call of bump: the name before
    // a parenthesis is searched inside quoted identifiers too, so this plain SELECT records a whole-table resync
    @Test
    void postgresQuotedAliasLookingLikeACallRecordsNoResync() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SELECT qty AS \"bump(qty)\" FROM orders WHERE id = 1");
            assertThat(fixture.scopedResyncs()).as("needless scoped resyncs").isEmpty();
        }
    }

    // ================================================================ MariaDB

    // Failed before its fix: a # comment holding an apostrophe hides the call: SqlText knows -- and /* */ comments only, so the ' in
    // "# don't" opens a "string" over the call; nothing is recorded
    @Test
    void mariadbCallAfterAHashCommentWithAnApostrophe() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SELECT # don't forget\n bump(2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "maria # comment");
        }
    }

    // Failed before its fix: a version comment runs its text (/*! ... */) but SqlText strips it as a comment; nothing is recorded
    @Test
    void mariadbCallInsideAVersionComment() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SELECT 1 /*! + bump(1) */", "SELECT 1 /*M!100000 + bump(3) */");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(3, "c", 13));
            converges(fixture, "maria version comment");
        }
    }

    // Passes: SqlText misreads "a\"" (it ignores the backslash), but it keeps double-quoted text as an identifier, so
    // bump( is still found
    @Test
    void mariadbCallAfterADoubleQuotedStringWithAnEscapedQuote() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SELECT \"a\\\"\" AS s, bump(2)");
            assertThat(oldRows(fixture)).contains(row(2, "b", 12));
            converges(fixture, "maria \"a\\\"\"");
        }
    }

    // Failed before its fix: a view whose select list calls the stored function, selected: nothing is recorded
    @Test
    void mariadbViewCallingAWritingFunction() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("INSERT INTO audit VALUES (3)", "CREATE VIEW bumped_v AS SELECT bump(v) AS b FROM audit");
            run(fixture, "SELECT * FROM bumped_v");
            assertThat(oldRows(fixture)).contains(row(3, "c", 13));
            converges(fixture, "maria view");
        }
    }

    // Failed before its fix: a stored function named like a built-in (lower), called qualified by its database: calledNames drops it as
    // the built-in; nothing is recorded
    @Test
    void mariadbQualifiedUserFunctionNamedLikeABuiltIn() throws SQLException {
        try (Fixture fixture = maria()) {
            String db = fixture.oldDb.name();
            fixture.onOld("CREATE FUNCTION " + db + ".lower(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN"
                    + " UPDATE orders SET qty = 60 WHERE id = i; RETURN i; END");
            run(fixture, "SELECT " + db + ".lower(1)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 60));
            converges(fixture, "maria db.lower");
        }
    }

    @Test
    void mariadbNestedFunctionsSelectIntoAndSpacing() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE FUNCTION outer_f(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN RETURN bump(i); END");
            run(fixture, "SELECT outer_f(1)", "SELECT bump(2) INTO @v", "SELECT `bump` /* x */ (3)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(2, "b", 12), row(3, "c", 13));
            converges(fixture, "maria nested / INTO @v / spacing");
        }
    }

    // Failed before its fix: a stored function writing through a view over orders: the body names orders_view; nothing is recorded
    @Test
    void mariadbFunctionWritingAViewOverTheMappedTable() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE VIEW orders_view AS SELECT * FROM orders",
                    "CREATE FUNCTION vbump(i BIGINT) RETURNS BIGINT MODIFIES SQL DATA BEGIN"
                            + " UPDATE orders_view SET qty = 55 WHERE id = i; RETURN i; END");
            run(fixture, "SELECT vbump(3)");
            assertThat(oldRows(fixture)).contains(row(3, "c", 55));
            converges(fixture, "maria function -> view");
        }
    }

    // Failed before its fix: a stored function deleting from a parent whose foreign key cascades into orders: nothing is recorded
    @Test
    void mariadbFunctionWritingAParentThatCascadesIntoTheMappedTable() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE TABLE codes (code VARCHAR(20) PRIMARY KEY)",
                    "INSERT INTO codes VALUES ('a'), ('b'), ('c')",
                    "ALTER TABLE orders ADD FOREIGN KEY (code) REFERENCES codes (code) ON DELETE CASCADE",
                    "CREATE FUNCTION dropcode(c VARCHAR(20)) RETURNS INT MODIFIES SQL DATA BEGIN"
                            + " DELETE FROM codes WHERE code = c; RETURN 1; END");
            run(fixture, "SELECT dropcode('b')");
            assertThat(oldRows(fixture)).extracting(r -> r.get("id")).containsExactly("1", "3");
            converges(fixture, "maria function -> fk cascade");
        }
    }

    // Failed before its fix (a needless resync): MariaDB reads "..." as a string (default sql_mode); a logged message holding "bump(" is
    // taken for a call of the writing function and records a whole-table resync of orders
    @Test
    void mariadbDoubleQuotedStringLookingLikeACallRecordsNoResync() throws SQLException {
        try (Fixture fixture = maria()) {
            fixture.onOld("CREATE TABLE log_lines (msg VARCHAR(100))");
            run(fixture, "INSERT INTO log_lines (msg) VALUES (\"called bump(1) by hand\")",
                    "INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4) ON DUPLICATE KEY UPDATE qty = VALUES(qty)");
            assertThat(fixture.scopedResyncs()).as("needless scoped resyncs").isEmpty();
            converges(fixture, "maria normal statements");
        }
    }

    @Test
    void mariadbPlainBatchWithAFailingEntryInTheMiddle() throws SQLException {
        try (Fixture fixture = maria();
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.addBatch("INSERT INTO audit (v) VALUES (bump(1))");
            statement.addBatch("INSERT INTO no_such_table VALUES (1)");
            statement.addBatch("INSERT INTO audit (v) VALUES (bump(3))");
            try {
                statement.executeBatch();
            } catch (java.sql.BatchUpdateException expected) {
            }
            converges(fixture, "maria failing batch");
        }
    }

    // ================================================================ H2

    @Test
    void h2QuotedQualifiedAliasCall() throws SQLException {
        try (Fixture fixture = FunctionWrites.h2()) {
            run(fixture, "SELECT \"PUBLIC\".\"BUMP\"(1)", "SELECT public.bump /* c */ (2)");
            assertThat(oldRows(fixture)).contains(row(1, "a", 11), row(2, "b", 12));
            converges(fixture, "h2 quoted qualified");
        }
    }
}
