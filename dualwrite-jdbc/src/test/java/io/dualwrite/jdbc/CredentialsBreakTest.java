package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.testing.QuotingPools;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Passwords a driver or pool quotes never leave the library unmasked: not through the JDBC wrappers'
 * {@code toString()}, not through the errors of start-up checks and the verification probe, nor their causes.
 */
class CredentialsBreakTest {

    private static final String LEAKY_URL = "jdbc:postgresql://shop:Pw-4711@db:5432/shop?password=Pw-4712";

    private final ChangeLog changeLog = ChangeLogs.inMemory();

    private DualWriteDataSource.Builder dataSource(DataSource oldStore, DataSource newStore) {
        return DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore).migration("orders")
                .resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.of("orders")).build())
                .changeLog(changeLog)
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .mapping(TableMapping.identity("orders"));
    }

    @Test
    void theWrappersToStringMasksWhatTheDriversToStringQuotes() throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            DataSource talkative = QuotingPools.talkative(oldDb.dataSource(), "PgConnection", LEAKY_URL);
            DualWriteDataSource wrapped = dataSource(talkative, newDb.dataSource()).build();
            try (Connection connection = wrapped.getConnection();
                 Statement statement = connection.createStatement();
                 PreparedStatement prepared = connection.prepareStatement("SELECT id FROM orders")) {
                connection.getAutoCommit();   // the physical connection is acquired
                DatabaseMetaData metaData = connection.getMetaData();

                assertThat(connection.toString()).startsWith("DualWriteConnection wrapping")
                        .contains("//shop:******@db").doesNotContain("Pw-4711").doesNotContain("Pw-4712");
                for (Object wrapper : new Object[] {statement, prepared, metaData}) {
                    assertThat(wrapper.toString()).as(wrapper.getClass().getName())
                            .startsWith("DualWrite").doesNotContain("Pw-4711").doesNotContain("Pw-4712");
                }
            }
        }
    }

    @Test
    void theVerificationProbesErrorAndItsCausesAreMasked() {
        JdbcVerificationProbe probe = JdbcVerificationProbe.create(QuotingPools.refusing(LEAKY_URL));

        assertThatThrownBy(() -> probe.lastVerification("orders"))
                .isInstanceOf(IllegalStateException.class)
                .satisfies(failure -> assertThat(QuotingPools.stackTrace(failure))
                        .contains("//shop:******@db:5432").contains("password=******")
                        .doesNotContain("Pw-4711").doesNotContain("Pw-4712"));
    }

    @Test
    void theMappingValidationsErrorAndItsCausesAreMasked() {
        try (TestDatabase oldDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");

            DataSource refusing = QuotingPools.refusing(LEAKY_URL);
            assertThatThrownBy(() -> dataSource(oldDb.dataSource(), refusing).validateMappings(true).build())
                    .satisfies(failure -> assertThat(QuotingPools.stackTrace(failure))
                            .contains("could not read the schemas").contains("//shop:******@db:5432")
                            .doesNotContain("Pw-4711").doesNotContain("Pw-4712"));
        }
    }

    /** What a driver's error may quote: SQL that sets a password and a URL with a quoted password. */
    private static final String ERROR_WITH_SECRETS = "SQLSyntaxErrorException: near 'IDENTIFIED BY 'Sx-51'' at line 1;"
            + " caused by SQLException: refused by jdbc:mariadb://db.example:3306/shop?user=shop&password='p;Sx-52'";

    @Test
    void theErrorAChangeLogEntryKeepsIsMaskedOnEveryDatabaseAndInMemory() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
                for (ChangeLog log : List.of(JdbcChangeLog.create(db.dataSource()), ChangeLogs.inMemory())) {
                    log.record("orders", "orders", "1", Operation.UPSERT, "mirror failed");
                    Instant now = Instant.now();
                    ChangeEntry entry = log.claim("orders", 1, now, Duration.ofMinutes(1)).get(0);

                    log.retryLater(entry.id(), now.minusSeconds(1), ERROR_WITH_SECRETS);

                    ChangeEntry again = log.claim("orders", 1, now, Duration.ofMinutes(1)).get(0);
                    assertThat(again.lastError()).as("%s %s", kind, log.getClass().getSimpleName())
                            .doesNotContain("Sx-51").doesNotContain("Sx-52").contains("near 'IDENTIFIED BY");
                }
            }
        }
    }

    @Test
    void aSwitchStoreFailureIsLoggedMaskedWithItsStackTrace() {
        SwitchStore failing = new SwitchStore() {
            @Override
            public SwitchSettings load(String migration) {
                throw new IllegalStateException("cannot reach jdbc:mariadb://db.example/shop?pass%77ord='Sx-53&x'"
                        + " as ops:Sx-54@db.example", new SQLException("Authorization: Bearer Sx-55"));
            }

            @Override
            public void setSystemPhase(String migration, MigrationPhase phase) {
            }

            @Override
            public void setMerchantPhase(String migration, String merchantId, MigrationPhase phase) {
            }

            @Override
            public void setOrderPhase(String migration, String orderId, MigrationPhase phase) {
            }

            @Override
            public void setRules(String migration, List<SwitchRule> rules) {
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger("io.dualwrite");
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        try {
            SwitchStores.cached(failing).load("orders");
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }

        assertThat(appender.list).isNotEmpty().allSatisfy(event -> {
            StringBuilder text = new StringBuilder(event.getFormattedMessage());
            for (var thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                text.append(' ').append(thrown.getMessage());
            }
            assertThat(text.toString()).doesNotContain("Sx-53").doesNotContain("Sx-54").doesNotContain("Sx-55")
                    .contains("db.example");
        });
    }

    @Test
    void aWarningOfTheWritePathMasksTheDriversMessageItQuotes() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20))");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20))");
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            DualWriteDataSource wrapped = dataSource(oldDb.dataSource(), newDb.dataSource())
                    .resolver(DualWriteFixture.switchboard(switches))
                    .changeLogMode(io.dualwrite.changelog.ChangeLogMode.ALWAYS)
                    .outboxWriter((connection, record) -> {
                        throw new SQLException("outbox refused by jdbc:mariadb://ops:Sx-61@db.example/shop"
                                + "?password='p;Sx-62'&ssl=true near 'IDENTIFIED BY 'Sx-63''", "08001");
                    })
                    .build();
            Logger logger = (Logger) LoggerFactory.getLogger("io.dualwrite");
            ListAppender<ILoggingEvent> appender = new ListAppender<>();
            appender.start();
            logger.addAppender(appender);
            try (Connection connection = wrapped.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders VALUES (1, 'new')");
            } finally {
                logger.detachAppender(appender);
            }

            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains("the change log refused the outbox entries")
                            .contains("db.example/shop"))
                    .allSatisfy(line -> assertThat(line).doesNotContain("Sx-61").doesNotContain("Sx-62")
                            .doesNotContain("Sx-63"));
            String select = "SELECT id, status FROM orders ORDER BY id";
            assertThat(newDb.query(select)).isEqualTo(oldDb.query(select)).hasSize(1);
        }
    }
}
