package io.dualwrite.jdbc;

import io.dualwrite.internal.Credentials;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * on a session of the store's data source, two on MySQL/MariaDB) counts as "still running", unless the data source
 * says it is closed: then the polls stop, and the keys are recorded for the reconciler due when the wait would have
 * ended. What gave up waiting is logged at WARN (the outbox entry recorded for after the grace stays, as before).
 * The session is told from a later one given the same id by when it began ({@link #whenGone}). An id a pooler in
 * between hands out (PgBouncer's) is not the server's; nothing here can tell, and the entry for after the grace is
 * then the only net.
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
     * Runs {@code then} on a daemon thread once {@code dataSource}'s server of {@code dialect} no longer runs the
     * session {@code id} that a commit sent at {@code sentNanos} ({@link System#nanoTime}) ran on, or logs that it
     * gave up after {@link #LONGEST_WAIT_MILLIS}. A session the server lists under that id counts only when it began
     * before the commit was sent: on PostgreSQL its {@code backend_start} before the server's clock less the time
     * since then (a pid the server gave to a later session is another session), on MySQL/MariaDB a server up since
     * before then (ids start again when it restarts). When {@code dataSource} is closed meanwhile, the polls stop and
     * {@code abandoned} gets the rest of the longest wait, when the commit is done for sure.
     */
    static void whenGone(DataSource dataSource, Dialect dialect, long id, long sentNanos, Runnable then,
                         Consumer<Duration> abandoned) {
        if (dialect == Dialect.H2) {
            return;
        }
        long until = sentNanos + TimeUnit.MILLISECONDS.toNanos(LONGEST_WAIT_MILLIS);
        Poll poll = new Poll(dataSource, dialect, id, sentNanos, until, then, abandoned);
        POLLS.schedule(() -> poll.run(FIRST_POLL_MILLIS), FIRST_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** What one poll found. */
    enum Answer { RUNNING, GONE, CLOSED }

    /** The polls of one session given up on. */
    private record Poll(DataSource dataSource, Dialect dialect, long id, long sentNanos, long until, Runnable then,
                        Consumer<Duration> abandoned) {

        void run(long pause) {
            Answer answer = ask();
            if (answer == Answer.GONE) {
                try {
                    then.run();
                } catch (RuntimeException failed) {
                    log.warn("could not hand over the keys of a commit given up on, after its session {} ended: {}",
                            id, Credentials.mask(failed.toString()));
                }
            } else if (answer == Answer.CLOSED) {
                Duration rest = Duration.ofNanos(Math.max(0, until - System.nanoTime()));
                log.warn("the data source of session {}, whose client gave up on a commit, was closed before the"
                        + " server ended that session; its keys are recorded for the reconciler, due in {}", id, rest);
                try {
                    abandoned.accept(rest);
                } catch (RuntimeException failed) {
                    log.warn("could not record the keys of a commit given up on in session {}: {}", id,
                            Credentials.mask(failed.toString()));
                }
            } else if (System.nanoTime() - until < 0) {
                long next = Math.min(LONGEST_POLL_MILLIS, pause * 2);
                POLLS.schedule(() -> run(next), next, TimeUnit.MILLISECONDS);
            } else {
                log.warn("the server still runs session {} an hour after its client gave up on a commit; its keys are"
                        + " left to the change-log entries recorded for them", id);
            }
        }

        /** Whether the server still runs the session; a failed poll counts as running, unless the data source is closed. */
        Answer ask() {
            double since = (System.nanoTime() - sentNanos) / 1e9;
            try (Connection connection = dataSource.getConnection()) {
                if (dialect == Dialect.POSTGRESQL) {
                    try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM pg_stat_activity"
                            + " WHERE pid = ? AND backend_start <= clock_timestamp() - make_interval(secs => ?)")) {
                        select.setLong(1, id);
                        select.setDouble(2, since);
                        try (ResultSet rows = select.executeQuery()) {
                            return rows.next() ? Answer.RUNNING : Answer.GONE;
                        }
                    }
                }
                try (PreparedStatement uptime = connection.prepareStatement("SHOW GLOBAL STATUS LIKE 'Uptime'");
                     ResultSet rows = uptime.executeQuery()) {
                    if (rows.next() && rows.getLong(2) < (long) since) {
                        return Answer.GONE; // restarted since the commit was sent: the id is another session's
                    }
                }
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT 1 FROM information_schema.processlist WHERE id = ?")) {
                    select.setLong(1, id);
                    try (ResultSet rows = select.executeQuery()) {
                        return rows.next() ? Answer.RUNNING : Answer.GONE;
                    }
                }
            } catch (SQLException | RuntimeException failed) {
                if (closed(dataSource)) {
                    return Answer.CLOSED;
                }
                log.debug("could not ask whether session {} has ended: {}", id, Credentials.mask(failed.toString()));
                return Answer.RUNNING;
            }
        }
    }

    /**
     * Whether {@code dataSource} says it is closed: a pool's public {@code isClosed()} (HikariCP, Commons DBCP, and
     * the like), asked by reflection after a poll failed; false when it has none.
     */
    static boolean closed(DataSource dataSource) {
        try {
            java.lang.reflect.Method isClosed = dataSource.getClass().getMethod("isClosed");
            return isClosed.getReturnType() == boolean.class && Boolean.TRUE.equals(isClosed.invoke(dataSource));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unknown) {
            return false;
        }
    }
}
