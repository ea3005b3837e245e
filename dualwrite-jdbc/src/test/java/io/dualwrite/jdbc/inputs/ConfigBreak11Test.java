package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
            DualWriteDataSource wrapped = dataSource(talkative(oldDb.dataSource(), url), newDb.dataSource()).build();
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
            assertThatThrownBy(() -> dataSource(oldDb.dataSource(), refusing(url)).validateMappings(true).build())
                    .satisfies(failure -> assertThat(stackTrace(failure)).contains("******").doesNotContain(secret));
        }
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    /** A pool that cannot connect and quotes its URL in the error, as some pools do. */
    private static DataSource refusing(String url) {
        return (DataSource) Proxy.newProxyInstance(ConfigBreak11Test.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw new SQLException("Failed to get driver instance for jdbcUrl=" + url, "08001");
                    }
                    return method.getName().equals("toString") ? "refusing pool" : null;
                });
    }

    /** A pool whose connections describe themselves with their URL, as some drivers' toString() do. */
    private static DataSource talkative(DataSource real, String url) {
        return (DataSource) Proxy.newProxyInstance(ConfigBreak11Test.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(ConfigBreak11Test.class.getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> m.getName().equals("toString")
                                        ? "JdbcConnection[url=" + url + "]" : invoke(m, connection, a));
                    }
                    return result;
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
