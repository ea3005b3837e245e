package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.QuotingPools;
import java.sql.SQLException;
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theWrappedConnectionsToStringMasksASecretUnderAnyKeyOrQuoted(String url, String secret) throws SQLException {
        assertThat(QuotingPools.wrappedConnectionText(url)).startsWith("DualWriteConnection wrapping")
                .contains("******").doesNotContain(secret);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = URLS)
    void theStartUpErrorOfAPoolQuotingItsUrlMasksASecretUnderAnyKeyOrQuoted(String url, String secret) {
        assertThat(QuotingPools.startUpErrorText(url)).contains("******").doesNotContain(secret);
    }
}
