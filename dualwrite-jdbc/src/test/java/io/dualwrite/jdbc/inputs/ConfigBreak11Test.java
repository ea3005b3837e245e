package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.QuotingPools;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The first hour, credentials: JDBC URLs whose secret is not under a {@code password} key. Redshift's and Athena's
 * IAM URLs carry an AWS secret key ({@code SecretAccessKey=…}, {@code SecretKey=…}), Snowflake's a private key
 * ({@code private_key_base64=…}), Oracle's a quoted password ({@code scott/"p@ss word"@host}). A driver quoting such
 * a URL in a connection's {@code toString()} or a pool quoting it in an error showed the secret through the
 * library's wrapper and its start-up errors.
 */
class ConfigBreak11Test {

    private static final String URLS = """
            jdbc:redshift:iam://shop.abc.eu-west-1.redshift.amazonaws.com:5439/dev;AccessKeyID=AKIAEXAMPLE;\
            SecretAccessKey=wJalrXUtnFEMIK7MDENG|wJalrXUtnFEMIK7MDENG
            jdbc:awsathena://athena.eu-west-1.amazonaws.com:443;User=AKIAEXAMPLE;SecretKey=Zq7YkL0pQ2|Zq7YkL0pQ2
            jdbc:snowflake://shop.snowflakecomputing.com/?user=shop&private_key_base64=MIIEvQIBADANBgkq|MIIEvQIBADANBgkq
            jdbc:oracle:thin:shop/"p@ss word 9"@db:1521/orcl|ss word 9
            """;

    private final ChangeLog changeLog = ChangeLogs.inMemory();

    private DualWriteDataSource.Builder dataSource(DataSource oldStore, DataSource newStore) {
        MirrorConfig sync = MirrorConfig.custom().mode(MirrorMode.SYNC).build();
        return DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore).migration("orders")
                .resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.of("orders")).build())
                .changeLog(changeLog)
                .mirrorExecutor(Store.NEW, MirrorExecutors.create("to-new", sync, changeLog, event -> { }))
                .mirrorExecutor(Store.OLD, MirrorExecutors.create("to-old", sync, changeLog, event -> { }))
                .mapping(TableMapping.identity("orders"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theWrappedConnectionsToStringMasksASecretUnderAnyKeyOrQuoted(String url, String secret) throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            DataSource talkative = QuotingPools.talkative(oldDb.dataSource(), "JdbcConnection", url);
            DualWriteDataSource wrapped = dataSource(talkative, newDb.dataSource()).build();
            try (Connection connection = wrapped.getConnection()) {
                connection.getAutoCommit(); // the physical connection is acquired
                assertThat(connection.toString()).startsWith("DualWriteConnection wrapping").contains("******")
                        .doesNotContain(secret);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theStartUpErrorOfAPoolQuotingItsUrlMasksASecretUnderAnyKeyOrQuoted(String url, String secret) {
        try (TestDatabase oldDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            DataSource refusing = QuotingPools.refusing(url);
            assertThatThrownBy(() -> dataSource(oldDb.dataSource(), refusing).validateMappings(true).build())
                    .satisfies(failure -> assertThat(QuotingPools.stackTrace(failure)).contains("******")
                            .doesNotContain(secret));
        }
    }
}
