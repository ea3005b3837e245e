package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.testing.QuotingPools;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.function.Function;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import io.dualwrite.internal.Credentials;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * Round 21, credentials of every data source kind a user might pass (the driver's own data source and a Hikari pool
 * of it, with the password in a property and in the URL): never in the data source's {@code toString}, nor in the
 * error, its causes or the log lines of a start-up that fails (a store that cannot be reached, a table that is
 * missing), on the real database of each kind.
 */
class CredentialsBreak21Test {

    private static final String SECRET = "Zq-8841";

    private final ChangeLog changeLog = ChangeLogs.inMemory();

    /** How a user might pass the store: the driver's own data source or a Hikari pool, password in URL and property. */
    enum Kind {
        H2_DRIVER, H2_HIKARI, POSTGRES_DRIVER, POSTGRES_HIKARI, MARIADB_DRIVER, MARIADB_HIKARI
    }

    private static String leakyUrl(TestDatabase db, boolean reachable) {
        String url = db.pool().getJdbcUrl();
        return switch (db.kind()) {
            case H2 -> "jdbc:h2:mem:" + (reachable ? db.name() + ";DB_CLOSE_DELAY=-1" : "missing_" + db.name()
                    + ";IFEXISTS=TRUE") + ";PASSWORD=" + SECRET;
            case POSTGRES -> (reachable ? url : url.replaceFirst(":\\d+/", ":1/"))
                    + (url.contains("?") ? "&" : "?") + "password=" + SECRET;
            case MARIADB -> (reachable ? url : url.replaceFirst(":\\d+/", ":1/"))
                    .replace("//", "//root:" + SECRET + "@") + (url.contains("?") ? "&" : "?") + "password=" + SECRET;
        };
    }

    private static DataSource of(Kind kind, TestDatabase db, boolean reachable) throws Exception {
        String url = leakyUrl(db, reachable);
        if (kind.name().endsWith("HIKARI")) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url);
            config.setUsername(db.kind() == TestDatabases.Kind.POSTGRES ? "postgres" : db.kind() == TestDatabases.Kind.H2
                    ? "sa" : "root");
            config.setPassword(SECRET);
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(1500);
            config.setMaximumPoolSize(2);
            return new HikariDataSource(config);
        }
        return switch (db.kind()) {
            case H2 -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(url);
                h2.setUser("sa");
                yield h2;
            }
            case POSTGRES -> {
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setURL(url);
                pg.setUser("postgres");
                pg.setPassword(SECRET);
                pg.setConnectTimeout(2);
                yield pg;
            }
            case MARIADB -> {
                MariaDbDataSource maria = new MariaDbDataSource(url);
                maria.setPassword(SECRET);
                yield maria;
            }
        };
    }

    private static TestDatabases.Kind database(Kind kind) {
        return TestDatabases.Kind.valueOf(kind.name().substring(0, kind.name().indexOf('_')));
    }

    private DualWriteDataSource.Builder builder(DataSource oldStore, DataSource newStore) {
        return DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore).migration("orders")
                .resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.of("orders")).build())
                .changeLog(changeLog)
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .mapping(TableMapping.identity("orders"));
    }

    private static void close(DataSource dataSource) {
        if (dataSource instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    // Each kind as the old store, built against an H2 new store: reachable with the table missing (mapping
    // validation fails), and unreachable (port 1, or an H2 database that does not exist). Expected: toString, the
    // error and its causes (stack trace text) and every log line of the library hold no password.
    @ParameterizedTest
    @EnumSource(Kind.class)
    void noStartUpErrorToStringOrLogLineShowsThePasswordOfAnyDataSourceKind(Kind kind) throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger("io.dualwrite");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        try (TestDatabase oldDb = TestDatabases.create(database(kind)); TestDatabase newDb = TestDatabases.h2()) {
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            for (boolean reachable : new boolean[] {true, false}) {
                DataSource old = of(kind, oldDb, reachable);
                try {
                    DualWriteDataSource plain = builder(old, newDb.dataSource()).build();
                    assertThat(plain.toString()).doesNotContain(SECRET);
                    assertThatThrownBy(() -> builder(old, newDb.dataSource()).validateMappings(true).build())
                            .as("%s, reachable %s", kind, reachable)
                            .satisfies(failure -> assertThat(QuotingPools.stackTrace(failure))
                                    .doesNotContain(SECRET));
                } finally {
                    close(old);
                }
            }
        } finally {
            root.detachAppender(lines);
        }
        assertThat(lines.list).allSatisfy(line -> {
            assertThat(line.getFormattedMessage()).doesNotContain(SECRET);
            if (line.getThrowableProxy() != null) {
                assertThat(line.getThrowableProxy().getMessage()).doesNotContain(SECRET);
            }
        });
    }

    // What MariaDB Connector/J 3 says of a URL written jdbc:mariadb://user:password@host:port/db (it reads the user
    // as the host and the rest as the port), and the same with a password holding '@' or ':' cut differently.
    @ParameterizedTest
    @ValueSource(strings = {
        "Incorrect port value : Zq-8841@127.0.0.1",
        "Incorrect port value : Zq@8841@db.example:3306",
        "invalid port=Zq-8841@db",
        "Incorrect port value :Zq-8841@[::1]",
    })
    void aPasswordADriverQuotesAsAPortIsMasked(String message) {
        assertThat(Credentials.mask(message)).doesNotContain("Zq").doesNotContain("8841").contains("******@");
    }
}
