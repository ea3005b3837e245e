package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Verifier sessions: the OLD session's set-up fails (not the new one's); the connections must go back as
 * they came (auto-commit included) and the caller must learn why the set-up failed.
 */
class SessionSetUpFailureTest {

    private static final TableMapping EVENTS = TableMapping.builder("events").newTable("events").build();

    /** What happened to one connection handed out by {@link #watched}. */
    static final class Watch {
        final List<Boolean> autoCommitSets = new ArrayList<>();
        boolean closed;
        boolean autoCommit;
        boolean broken;
    }

    /**
     * {@code target}'s connections, in auto-commit {@code initialAutoCommit} as a pool configured so hands them out,
     * failing the methods named in {@code failing} with an SQLException naming the method.
     */
    private static DataSource watched(DataSource target, boolean initialAutoCommit, Set<String> failing,
                                      List<Watch> watches) {
        return (DataSource) Proxy.newProxyInstance(SessionSetUpFailureTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    connection.setAutoCommit(initialAutoCommit);
                    Watch watch = new Watch();
                    watch.autoCommit = initialAutoCommit;
                    watches.add(watch);
                    return Proxy.newProxyInstance(SessionSetUpFailureTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("close") && failing.contains("close") && watch.broken) {
                                    // a connection that failed once is broken: its close fails too
                                    watch.closed = true;
                                    connection.close();
                                    throw new SQLException("close refused by the test");
                                }
                                if (failing.contains(m.getName()) && !m.getName().equals("close")) {
                                    watch.broken = true;
                                    throw new SQLException(m.getName() + " refused by the test");
                                }
                                if (m.getName().equals("setAutoCommit")) {
                                    watch.autoCommitSets.add((Boolean) a[0]);
                                    watch.autoCommit = (Boolean) a[0];
                                }
                                if (m.getName().equals("close")) {
                                    watch.closed = true;
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void events(TestDatabase... dbs) {
        for (TestDatabase db : dbs) {
            db.execute("CREATE TABLE events (id INT PRIMARY KEY, note VARCHAR(20))", "INSERT INTO events VALUES (1, 'a')");
        }
    }

    @Test
    void anOldSessionWhoseAutoCommitCannotBeReadLeavesTheNewConnectionInTheModeItCameIn() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            events(old, fresh);
            List<Watch> olds = new ArrayList<>();
            List<Watch> news = new ArrayList<>();
            Verifier verifier = Verifier.builder()
                    .oldDataSource(watched(old.dataSource(), true, Set.of("getAutoCommit"), olds))
                    .newDataSource(watched(fresh.dataSource(), false, Set.of(), news))
                    .recordResults(false).recheckDelay(Duration.ZERO).build();

            assertThatThrownBy(() -> verifier.verify(VerificationJob.builder("events").table(EVENTS).build()))
                    .hasStackTraceContaining("getAutoCommit refused");

            assertThat(olds).allSatisfy(watch -> assertThat(watch.closed).isTrue());
            assertThat(news).allSatisfy(watch -> {
                assertThat(watch.closed).isTrue();
                assertThat(watch.autoCommit).as("the new connection came in manual commit, sets " + watch.autoCommitSets)
                        .isFalse();
            });
        }
    }

    @Test
    void anOldSessionThatFailsItsSetUpAndItsCloseStillSaysWhyTheSetUpFailed() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            events(old, fresh);
            List<Watch> olds = new ArrayList<>();
            List<Watch> news = new ArrayList<>();
            Verifier verifier = Verifier.builder()
                    .oldDataSource(watched(old.dataSource(), false, Set.of("setAutoCommit", "close"), olds))
                    .newDataSource(watched(fresh.dataSource(), true, Set.of(), news))
                    .recordResults(false).recheckDelay(Duration.ZERO).build();

            assertThatThrownBy(() -> verifier.verify(VerificationJob.builder("events").table(EVENTS).build()))
                    .as("the set-up's failure, not only the close's").hasStackTraceContaining("setAutoCommit refused");
            assertThat(news).allSatisfy(watch -> assertThat(watch.closed).isTrue());
        }
    }

    @Test
    void anOldSessionThatFailsItsSetUpGivesItsConnectionBackInTheModeItCameIn() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.H2); TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            events(old, fresh);
            List<Watch> olds = new ArrayList<>();
            List<Watch> news = new ArrayList<>();
            // the new connection refuses auto-commit: the old one was already switched to it
            Verifier verifier = Verifier.builder()
                    .oldDataSource(watched(old.dataSource(), false, Set.of(), olds))
                    .newDataSource(watched(fresh.dataSource(), false, Set.of("setAutoCommit"), news))
                    .recordResults(false).recheckDelay(Duration.ZERO).build();

            assertThatThrownBy(() -> verifier.verify(VerificationJob.builder("events").table(EVENTS).build()))
                    .hasStackTraceContaining("setAutoCommit refused");
            assertThat(olds).allSatisfy(watch -> {
                assertThat(watch.closed).isTrue();
                assertThat(watch.autoCommit).as("sets " + watch.autoCommitSets).isFalse();
            });
        }
    }
}
