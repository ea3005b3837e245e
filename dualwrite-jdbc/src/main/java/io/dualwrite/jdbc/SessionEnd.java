package io.dualwrite.jdbc;

import io.dualwrite.internal.Credentials;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits, off the application's thread, until a server no longer runs a session the client gave up on, then runs what
 * must come after it. A commit whose client stopped waiting (a network timeout, an abort) may still be running on the
 * server; it is done, one way or the other, once the server's session has ended (PostgreSQL ends a backend whose
 * client is gone when the commit's answer cannot be sent; MariaDB likewise), which another session sees in {@code
 * pg_stat_activity} or {@code information_schema.processlist}. A sync after that reads what the commit left.
 *
 * <p>The session's id is the server's ({@code pg_backend_pid()}, MariaDB's connection id), read from the driver by
 * reflection without a round trip ({@link #serverId}); other drivers (and H2, which runs in the JVM) have none, and
 * nothing waits. Waiting polls after {@value #FIRST_POLL_MILLIS} ms, then twice as long each time, up to {@value
 * #LONGEST_POLL_MILLIS} ms between polls, for at most {@link #LONGEST_WAIT_MILLIS} ms; a poll that fails (one query
 * on a session of the store's data source) counts as "still running". What gave up waiting is logged at
 * WARN (the outbox entry recorded for after the grace stays, as before).
 */
final class SessionEnd {

    private static final Logger log = LoggerFactory.getLogger(SessionEnd.class);
    private static final long FIRST_POLL_MILLIS = 100;
    private static final long LONGEST_POLL_MILLIS = 2_000;
    /** An hour: longer than any commit a server is still worth waiting for. */
    static final long LONGEST_WAIT_MILLIS = 3_600_000;

    /**
     * One daemon thread for the JVM, gone after ten idle seconds; each poll is a task of its own, so that one session
     * the server keeps running does not hold up the others.
     */
    private static final ScheduledThreadPoolExecutor POLLS = polls();

    private static ScheduledThreadPoolExecutor polls() {
        ScheduledThreadPoolExecutor polls = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "dualwrite-session-end");
            thread.setDaemon(true);
            return thread;
        });
        polls.setKeepAliveTime(10, TimeUnit.SECONDS);
        polls.allowCoreThreadTimeOut(true);
        polls.setRemoveOnCancelPolicy(true);
        return polls;
    }

    private SessionEnd() {
    }

    /**
     * The server's id of {@code physical}'s session, as the driver of {@code dialect}'s product keeps it; null under
     * another driver, and for H2.
     */
    static @Nullable Long serverId(Connection physical, Dialect dialect) {
        if (dialect == Dialect.H2) {
            return null;
        }
        if (dialect == Dialect.POSTGRESQL) {
            return ServerTransaction.pgjdbc(physical, "getBackendPID") instanceof Number pid ? pid.longValue() : null;
        }
        try {
            Class<?> driverConnection = Class.forName("org.mariadb.jdbc.Connection", false,
                    physical.getClass().getClassLoader());
            if (!physical.isWrapperFor(driverConnection)) {
                return null;
            }
            Object id = driverConnection.getMethod("getThreadId").invoke(physical.unwrap(driverConnection));
            return id instanceof Number number ? number.longValue() : null;
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError unknown) {
            return null;
        }
    }

    /**
     * Runs {@code then} on a daemon thread once {@code dataSource}'s server of {@code dialect} no longer lists the
     * session {@code id}, or logs that it gave up after {@link #LONGEST_WAIT_MILLIS}.
     */
    static void whenGone(DataSource dataSource, Dialect dialect, long id, Runnable then) {
        if (dialect == Dialect.H2) {
            return;
        }
        String query = dialect == Dialect.POSTGRESQL ? "SELECT 1 FROM pg_stat_activity WHERE pid = ?"
                : "SELECT 1 FROM information_schema.processlist WHERE id = ?";
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONGEST_WAIT_MILLIS);
        POLLS.schedule(() -> poll(dataSource, query, id, then, until, FIRST_POLL_MILLIS), FIRST_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private static void poll(DataSource dataSource, String query, long id, Runnable then, long until, long pause) {
        if (gone(dataSource, query, id)) {
            try {
                then.run();
            } catch (RuntimeException failed) {
                log.warn("could not hand over the keys of a commit given up on, after its session {} ended: {}", id,
                        Credentials.mask(failed.toString()));
            }
        } else if (System.nanoTime() - until < 0) {
            long next = Math.min(LONGEST_POLL_MILLIS, pause * 2);
            POLLS.schedule(() -> poll(dataSource, query, id, then, until, next), next, TimeUnit.MILLISECONDS);
        } else {
            log.warn("the server still runs session {} an hour after its client gave up on a commit; its keys are"
                    + " left to the change-log entries recorded for them", id);
        }
    }

    private static boolean gone(DataSource dataSource, String query, long id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(query)) {
            select.setLong(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return !rows.next();
            }
        } catch (SQLException | RuntimeException failed) {
            log.debug("could not ask whether session {} has ended: {}", id, Credentials.mask(failed.toString()));
            return false;
        }
    }
}
