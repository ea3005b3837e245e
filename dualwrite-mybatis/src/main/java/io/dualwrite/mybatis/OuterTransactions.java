package io.dualwrite.mybatis;

import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a session of a factory joins a transaction it does not commit, and running work once that transaction has
 * ended. {@link DualWriteMappers} commits each call's session and then syncs its keys; a session of mybatis-spring's
 * {@code SpringManagedTransactionFactory} opened while a Spring transaction is active takes part in that transaction,
 * and its commit commits nothing. A sync then read the row on another connection before the transaction committed:
 * an update or a delete was copied as the row was before (the other store kept it, unrecorded), and a rolled-back
 * write was recorded as a resync. Such work is run at the end of the Spring transaction instead, told what that
 * transaction did to the call's rows before it ended (a savepoint rolled back to, a marked delete of its keys), and
 * who commits is read from the session's connection after the call ({@link #commitOf}): a session in a transaction
 * whose end cannot be seen (JTA through MyBatis' managed transactions) is named as such, for its keys to be recorded.
 *
 * <p>Spring is optional: without {@code spring-jdbc} on the class path every session commits its own work, as MyBatis'
 * {@link JdbcTransactionFactory} does, and nothing is deferred. A session of {@code JdbcTransactionFactory} opens
 * its own connection and commits it also inside a Spring transaction, so it is never deferred.
 */
final class OuterTransactions {

    private static final Logger log = LoggerFactory.getLogger(OuterTransactions.class);

    private static final boolean SPRING = present("org.springframework.transaction.support.TransactionSynchronizationManager")
            && present("org.springframework.jdbc.datasource.ConnectionHolder");

    private OuterTransactions() {
    }

    private static boolean present(String type) {
        try {
            Class.forName(type, false, OuterTransactions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** What to do when the joined transaction ends. */
    interface Completion {
        /**
         * The transaction committed: run the syncs the call inside it deferred. {@code removed} says what the
         * transaction itself did to the call's writes before the commit.
         */
        void committed(Removal removed);

        /** The transaction manager could not tell whether it committed (a heuristic outcome). */
        void unknown();
    }

    /**
     * What a transaction did to the writes of one call before it committed, as far as the transaction tells: a
     * savepoint set before the call and rolled back to after it undid all of them; a marked delete of one of its keys
     * later in the same transaction removed that key's row. Either way a row missing under the call's key at the
     * commit is no sign of a key property that is not the table's key.
     */
    interface Removal {
        /** Whether a rollback to a savepoint set before the call undid every write of the call. */
        boolean undone();

        /** Whether the row of {@code key} was removed later in the transaction (or {@link #undone()}). */
        boolean removed(String key);
    }

    /**
     * Whether a session of {@code factory} opened now joins a transaction that ends after the call: the factory's
     * transactions are not MyBatis' own JDBC ones, and a Spring transaction on this thread holds a connection of the
     * factory's DataSource (its transaction manager's DataSource; the target of a
     * {@code TransactionAwareDataSourceProxy}) outside auto-commit, which the session uses and does not commit. A
     * Spring transaction of another DataSource does not defer: the session's statements are then committed on a
     * connection of their own, whatever that transaction does.
     */
    static boolean joined(SqlSessionFactory factory) {
        if (!SPRING) {
            return false;
        }
        org.apache.ibatis.mapping.Environment environment = factory.getConfiguration().getEnvironment();
        if (environment == null || environment.getDataSource() == null
                || environment.getTransactionFactory() instanceof JdbcTransactionFactory) {
            return false;
        }
        return Spring.holdsTransactionOf(environment.getDataSource());
    }

    /** Who commits what a call's session wrote, as seen once the call has run. */
    enum Commit {
        /** The session committed it (or the connection commits each statement): it is visible now. */
        DONE,
        /** A Spring transaction on this thread whose connection the session used: visible once that commits. */
        JOINED,
        /**
         * A transaction the library cannot see the end of (an application server's JTA transaction through MyBatis'
         * {@code ManagedTransactionFactory}): the session's connection is outside auto-commit and its commit committed
         * nothing.
         */
        ELSEWHERE
    }

    private static final String SPRING_MANAGED = "org.mybatis.spring.transaction.SpringManagedTransactionFactory";

    /**
     * Who commits what {@code session} of {@code factory} wrote, asked after the call and before the session is closed:
     * a session of MyBatis' {@link JdbcTransactionFactory} commits its own connection; one whose connection is the
     * one a Spring transaction of this thread holds is committed with that transaction (also a
     * {@code TransactionAwareDataSourceProxy}'s, and under Spring's JTA transaction manager, where mybatis-spring binds
     * the enlisted connection); mybatis-spring's outside a Spring transaction commits its own; any other (MyBatis'
     * {@code ManagedTransactionFactory}, a factory of the application's) committed only when its connection is in
     * auto-commit. Deciding by the factory and the transaction alone, a managed session on a connection of its own
     * inside a Spring transaction of its DataSource was taken as joined: its syncs were deferred and dropped when that
     * transaction rolled back, while its rows stayed. One {@code getAutoCommit} for sessions of such factories.
     */
    static Commit commitOf(SqlSessionFactory factory, org.apache.ibatis.session.SqlSession session) {
        org.apache.ibatis.mapping.Environment environment = factory.getConfiguration().getEnvironment();
        if (environment == null || environment.getTransactionFactory() instanceof JdbcTransactionFactory) {
            return Commit.DONE;
        }
        java.sql.Connection connection;
        try {
            connection = session.getConnection();
        } catch (RuntimeException none) { // no connection to be had: decided by the factory and the transaction
            return joined(factory) ? Commit.JOINED : Commit.DONE;
        }
        if (SPRING && environment.getDataSource() != null
                && Spring.holdsConnection(environment.getDataSource(), connection)) {
            return Commit.JOINED;
        }
        for (Class<?> type = environment.getTransactionFactory().getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(SPRING_MANAGED)) {
                return Commit.DONE; // outside a Spring transaction of its DataSource it commits its own connection
            }
        }
        try {
            return connection.getAutoCommit() ? Commit.DONE : Commit.ELSEWHERE;
        } catch (java.sql.SQLException | RuntimeException unknown) {
            return Commit.ELSEWHERE;
        }
    }

    /**
     * Runs {@code completion} when the transaction {@link #joined} found ends: {@code committed} after its commit,
     * {@code unknown} when its outcome is unknown, nothing after a rollback (the stores were not touched). A failure
     * of the work is logged and never reaches the committing caller.
     *
     * @param owner   who defers (a {@link DualWriteMappers}): deletes are matched with writes of the same owner only
     * @param table   the table the call wrote
     * @param keys    the keys the call wrote, as synced (empty when unknown)
     * @param deletes whether the call deleted its keys: the rows earlier calls of the transaction wrote under them
     *                are then gone at the commit by the transaction's own doing
     */
    static void afterCompletion(Object owner, String table, java.util.Collection<String> keys, boolean deletes,
                                Completion completion) {
        Spring.register(owner, table, keys, deletes, completion);
    }

    /** The Spring part, loaded only when spring-tx and spring-jdbc are present. */
    private static final class Spring {
        static boolean holdsTransactionOf(javax.sql.DataSource dataSource) {
            javax.sql.DataSource bound = dataSource;
            // a TransactionAwareDataSourceProxy hands out the connection Spring bound for its target
            for (int i = 0; i < 8 && bound instanceof org.springframework.jdbc.datasource
                    .TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null; i++) {
                bound = proxy.getTargetDataSource();
            }
            return org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()
                    && org.springframework.transaction.support.TransactionSynchronizationManager.getResource(bound)
                    instanceof org.springframework.jdbc.datasource.ConnectionHolder holder
                    && !autoCommits(holder);
        }

        /**
         * Whether a Spring transaction of this thread holds {@code connection} for {@code dataSource} (or the target of
         * a {@code TransactionAwareDataSourceProxy}) outside auto-commit.
         */
        static boolean holdsConnection(javax.sql.DataSource dataSource, java.sql.Connection connection) {
            if (!holdsTransactionOf(dataSource)) {
                return false;
            }
            javax.sql.DataSource bound = dataSource;
            for (int i = 0; i < 8 && bound instanceof org.springframework.jdbc.datasource
                    .TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null; i++) {
                bound = proxy.getTargetDataSource();
            }
            java.sql.Connection held = ((org.springframework.jdbc.datasource.ConnectionHolder)
                    org.springframework.transaction.support.TransactionSynchronizationManager.getResource(bound))
                    .getConnection();
            java.sql.Connection used = connection;
            for (int i = 0; i < 8 && used != held
                    && used instanceof org.springframework.jdbc.datasource.ConnectionProxy proxy; i++) {
                used = proxy.getTargetConnection();
            }
            return used == held;
        }

        /** Whether the bound connection commits each statement itself; when it cannot tell, as if it did. */
        private static boolean autoCommits(org.springframework.jdbc.datasource.ConnectionHolder holder) {
            try {
                return holder.getConnection().getAutoCommit();
            } catch (java.sql.SQLException | RuntimeException unknown) {
                return true;
            }
        }

        static void register(Object owner, String table, java.util.Collection<String> keys, boolean deletes,
                             Completion completion) {
            if (deletes && !keys.isEmpty()) {
                for (org.springframework.transaction.support.TransactionSynchronization earlier
                        : org.springframework.transaction.support.TransactionSynchronizationManager.getSynchronizations()) {
                    if (earlier instanceof Deferred call && call.owner == owner && call.table.equals(table)) {
                        for (String key : keys) {
                            if (call.keys.contains(key)) {
                                call.deletedLater.add(key);
                            }
                        }
                    }
                }
            }
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new Deferred(owner, table, java.util.Set.copyOf(keys), completion));
        }
    }

    /**
     * One call's deferred work, told of the savepoints of its transaction: Spring reports a savepoint's creation to
     * the synchronizations registered then, and its rollback to all of them. A rollback to a savepoint this one never
     * saw created is to a savepoint set before the call ran (the call registers when it returns), so it undid the
     * call's writes.
     */
    private static final class Deferred implements org.springframework.transaction.support.TransactionSynchronization,
            Removal {
        final Object owner;
        final String table;
        final java.util.Set<String> keys;
        final Completion completion;
        final java.util.Set<Object> savepointsBefore = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());
        final java.util.Set<String> deletedLater = new java.util.HashSet<>();
        boolean undone;

        Deferred(Object owner, String table, java.util.Set<String> keys, Completion completion) {
            this.owner = owner;
            this.table = table;
            this.keys = keys;
            this.completion = completion;
        }

        @Override
        public void savepoint(Object savepoint) {
            savepointsBefore.add(savepoint); // set after this call: a rollback to it leaves the call's writes
        }

        @Override
        public void savepointRollback(Object savepoint) {
            if (!savepointsBefore.contains(savepoint)) {
                undone = true; // set before this call registered, so before the call ran: its writes are gone
            }
        }

        @Override
        public boolean undone() {
            return undone;
        }

        @Override
        public boolean removed(String key) {
            return undone || deletedLater.contains(key);
        }

        @Override
        public void afterCompletion(int status) {
            try {
                if (status == STATUS_COMMITTED) {
                    completion.committed(this);
                } else if (status == STATUS_UNKNOWN) {
                    completion.unknown();
                }
            } catch (RuntimeException failed) {
                log.error("dualwrite: the syncs deferred to the end of a Spring transaction failed: {}",
                        io.dualwrite.internal.Credentials.mask(failed.toString()), failed);
            }
        }
    }
}
