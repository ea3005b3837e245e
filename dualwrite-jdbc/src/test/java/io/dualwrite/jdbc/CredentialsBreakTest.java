package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.testing.QuotingPools;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

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
}
