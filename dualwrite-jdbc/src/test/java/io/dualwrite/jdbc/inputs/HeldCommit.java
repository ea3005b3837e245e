package io.dualwrite.jdbc.inputs;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL commit that the server runs until the test lets it end: a deferred constraint trigger on a table
 * {@code audit} of the old store waits, at commit, for an advisory lock that a session of the test holds from
 * {@link #on} until {@link #release}. A transaction that inserts into {@code audit} then commits only after the
 * release, however long the steps between take, where a trigger sleeping a fixed time ({@code pg_sleep}) ended the
 * commit early on a busy machine (a two-core CI run) and failed the tests that assert the commit still runs.
 *
 * <p>The trigger sits on another table than the orders (a trigger on {@code orders} would make its writes a scoped
 * resync of the table). The lock is a transaction lock on the committing side, so the commit's session keeps nothing
 * once it ends; {@link #close} releases the test's lock too, and closes its session.
 */
final class HeldCommit implements AutoCloseable {

    /** The advisory lock's key: any number no other test of the database takes. */
    private static final long LOCK = 230_723L;

    private final Connection holder;
    private boolean held;

    private HeldCommit(Connection holder) {
        this.holder = holder;
        this.held = true;
    }

    /** Creates the table {@code audit} and its trigger on the fixture's old store (PostgreSQL), and takes the lock. */
    static HeldCommit on(Fixture fixture) throws SQLException {
        fixture.onOld("CREATE TABLE audit (id INT)", "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql"
                + " AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(" + LOCK + "); RETURN NULL; END $$",
                "CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON audit DEFERRABLE INITIALLY DEFERRED"
                + " FOR EACH ROW EXECUTE FUNCTION slow_commit()");
        Connection holder = fixture.oldDb.dataSource().getConnection();
        try (Statement statement = holder.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + LOCK + ")");
        } catch (SQLException | RuntimeException e) {
            holder.close();
            throw e;
        }
        return new HeldCommit(holder);
    }

    /** Lets a commit waiting at its trigger end (and every later one pass); once only. */
    void release() throws SQLException {
        if (held) {
            held = false;
            try (Statement statement = holder.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            release();
        } finally {
            holder.close();
        }
    }
}
