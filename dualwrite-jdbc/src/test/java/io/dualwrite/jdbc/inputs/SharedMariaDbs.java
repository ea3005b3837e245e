package io.dualwrite.jdbc.inputs;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.SQLException;

/**
 * One old MariaDB database (with dualwrite's tables) and one new one, shared by the members of a test class that
 * would otherwise each create their own, and emptied when a member takes them: the class's tables dropped and
 * dualwrite's own tables emptied, so that each member finds what fresh databases hold. A MariaDB database with
 * dualwrite's six InnoDB tables was most of such a member's set-up. Members on PostgreSQL and H2 keep databases of
 * their own: PostgreSQL's are created ahead of the tests that take them, H2's in memory, and a shared PostgreSQL
 * database would keep pgjdbc's server-prepared statements over tables whose column types change between members.
 * MariaDB's driver prepares on the client by default, and the pools here set nothing on their sessions.
 *
 * <p>A member takes them with {@link #pair}, in a try-with-resources: databases of its own are closed with it, the
 * shared ones by the class's {@code @AfterAll} ({@link #close}).
 */
final class SharedMariaDbs implements AutoCloseable {

    private static final String[] OWN_TABLES = {"dualwrite_change_log", "dualwrite_switch", "dualwrite_order_pin",
            "dualwrite_verification", "dualwrite_backfill_checkpoint", "dualwrite_verification_checkpoint"};

    private final String tables;
    private TestDatabase old;
    private TestDatabase fresh;

    /** @param tables the tables the class's members create, in either store, dropped before each member */
    SharedMariaDbs(String... tables) {
        this.tables = String.join(", ", tables);
    }

    /** The old and the new database of one member: dualwrite's tables in the old one, none of the member's. */
    record Pair(TestDatabase oldDb, TestDatabase newDb, boolean ownOld, boolean ownNew) implements AutoCloseable {
        @Override
        public void close() {
            if (ownOld) {
                oldDb.close();
            }
            if (ownNew) {
                newDb.close();
            }
        }
    }

    /**
     * The databases for a member from {@code oldKind} to {@code newKind}: the shared ones for MariaDB, emptied, unless
     * {@code own} (a member that changes the server's or the pools' state beyond its own tables).
     */
    synchronized Pair pair(Kind oldKind, Kind newKind, boolean own) throws SQLException {
        boolean ownOld = own || oldKind != Kind.MARIADB;
        boolean ownNew = own || newKind != Kind.MARIADB;
        TestDatabase oldDb = ownOld ? TestDatabases.createWithDualWriteSchema(oldKind) : sharedOld();
        try {
            TestDatabase newDb = ownNew ? TestDatabases.create(newKind) : sharedNew();
            return new Pair(oldDb, newDb, ownOld, ownNew);
        } catch (RuntimeException e) {
            if (ownOld) {
                oldDb.close();
            }
            throw e;
        }
    }

    private TestDatabase sharedOld() throws SQLException {
        if (old == null) {
            old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
        }
        old.execute("DROP TABLE IF EXISTS " + tables);
        for (String table : OWN_TABLES) {
            old.execute("DELETE FROM " + table);
        }
        return old;
    }

    private TestDatabase sharedNew() {
        if (fresh == null) {
            fresh = TestDatabases.create(Kind.MARIADB);
        }
        fresh.execute("DROP TABLE IF EXISTS " + tables);
        return fresh;
    }

    @Override
    public synchronized void close() {
        if (old != null) {
            old.close();
            old = null;
        }
        if (fresh != null) {
            fresh.close();
            fresh = null;
        }
    }
}
