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
 * write was recorded as a resync. Such work is run at the end of the Spring transaction instead.
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
        /** The transaction committed: run the syncs the calls inside it deferred. */
        void committed();

        /** The transaction manager could not tell whether it committed (a heuristic outcome). */
        void unknown();
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

    /**
     * Runs {@code completion} when the transaction {@link #joined} found ends: {@code committed} after its commit,
     * {@code unknown} when its outcome is unknown, nothing after a rollback (the stores were not touched). A failure
     * of the work is logged and never reaches the committing caller.
     */
    static void afterCompletion(Completion completion) {
        Spring.register(completion);
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

        /** Whether the bound connection commits each statement itself; when it cannot tell, as if it did. */
        private static boolean autoCommits(org.springframework.jdbc.datasource.ConnectionHolder holder) {
            try {
                return holder.getConnection().getAutoCommit();
            } catch (java.sql.SQLException | RuntimeException unknown) {
                return true;
            }
        }

        static void register(Completion completion) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            try {
                                if (status == STATUS_COMMITTED) {
                                    completion.committed();
                                } else if (status == STATUS_UNKNOWN) {
                                    completion.unknown();
                                }
                            } catch (RuntimeException failed) {
                                log.error("dualwrite: the syncs deferred to the end of a Spring transaction failed: {}",
                                        io.dualwrite.internal.Credentials.mask(failed.toString()), failed);
                            }
                        }
                    });
        }
    }
}
