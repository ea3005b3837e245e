package io.dualwrite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Credential shapes beyond the URL password: each one masked, and nothing else touched. */
class CredentialsBreakTest {

    @Test
    void jsonAndYamlQuotedPasswordKeysAreMaskedKeepingTheQuotes() {
        assertThat(Credentials.mask("{\"user\":\"shop\",\"password\":\"Pw-4711\",\"host\":\"db\"}"))
                .isEqualTo("{\"user\":\"shop\",\"password\":\"******\",\"host\":\"db\"}");
        assertThat(Credentials.mask("{'password': 'Pw 4711'}")).isEqualTo("{'password': '******'}");
        assertThat(Credentials.mask("{\"Password\" : \"Pw-4711\"}")).isEqualTo("{\"Password\" : \"******\"}");
    }

    @Test
    void prefixedPasswordPropertiesAreMasked() {
        assertThat(Credentials.mask("jdbc:postgresql://db/shop?sslmode=verify-full&sslpassword=Pw-4711&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?sslmode=verify-full&sslpassword=******&ssl=true");
        assertThat(Credentials.mask("javax.net.ssl.trustStorePassword=Pw-4711, spring.datasource.password: Pw-4712"))
                .isEqualTo("javax.net.ssl.trustStorePassword=******, spring.datasource.password: ******");
        assertThat(Credentials.mask("{user=shop, password=Pw-4711}")).isEqualTo("{user=shop, password=******}");
    }

    @Test
    void bracedAndSlashedPasswordsAreMaskedWhole() {
        assertThat(Credentials.mask("jdbc:sqlserver://db:1433;user=sa;password={Pw;4711};encrypt=true"))
                .isEqualTo("jdbc:sqlserver://db:1433;user=sa;password=******;encrypt=true");
        assertThat(Credentials.mask("jdbc:postgresql://shop:Pw/4711@db:5432/shop refused"))
                .isEqualTo("jdbc:postgresql://shop:******@db:5432/shop refused");
        assertThat(Credentials.mask("jdbc:postgresql://shop:Pw/47@11@db:5432/shop refused"))
                .doesNotContain("Pw").doesNotContain("47").doesNotContain("11@");
    }

    @Test
    void oracleStyleUserSlashPasswordAtHostIsMasked() {
        assertThat(Credentials.mask("jdbc:oracle:thin:scott/tiger@db.example:1521/ORCL"))
                .isEqualTo("jdbc:oracle:thin:scott/******@db.example:1521/ORCL");
        assertThat(Credentials.mask("jdbc:oracle:thin:scott/tiger@//db:1521/svc"))
                .isEqualTo("jdbc:oracle:thin:scott/******@//db:1521/svc");
        assertThat(Credentials.mask("connect scott/ti@ger@ORCL failed")).isEqualTo("connect scott/******@ORCL failed");
        assertThat(Credentials.mask("jdbc:oracle:thin:scott/tiger@db:1521/ORCL", "****", true))
                .isEqualTo("jdbc:oracle:thin:****@db:1521/ORCL");
    }

    @Test
    void textThatOnlyLooksLikeACredentialIsKept() {
        for (String text : new String[] {"jdbc:mariadb://db:3306/shop", "orders/o-1 failed: duplicate key",
                "password authentication failed for user \"shop\"", "tokens left: 5", "a/b/c",
                "jdbc:postgresql://db:5432/shop?user=shop&ssl=true", "key (id)=(7) already exists"}) {
            assertThat(Credentials.mask(text)).as(text).isEqualTo(text);
        }
        assertThat(Credentials.mask(null)).isEqualTo("null");
    }

    @Test
    void anExceptionChainIsMaskedThroughEveryCauseAndKeptAsIsWithoutCredentials() {
        SQLException driver = new SQLException("Failed to get driver instance for jdbcUrl="
                + "jdbc:postgresql://shop:Pw-4711@db/shop", "08001");
        IllegalStateException top = new IllegalStateException("pool init failed", driver);

        Throwable masked = Credentials.masked(top);

        assertThat(masked).isNotSameAs(top).hasMessage("java.lang.IllegalStateException: pool init failed");
        assertThat(masked.getCause()).hasMessageContaining("java.sql.SQLException: Failed to get driver instance")
                .hasMessageContaining("//shop:******@db/shop");
        assertThat(masked.getCause().getStackTrace()).isEqualTo(driver.getStackTrace());
        assertThat(Credentials.describe(top)).isEqualTo("IllegalStateException: pool init failed; caused by"
                + " SQLException: Failed to get driver instance for jdbcUrl=jdbc:postgresql://shop:******@db/shop");

        IllegalStateException clean = new IllegalStateException("no route", new SQLException("refused", "08001"));
        assertThat(Credentials.masked(clean)).isSameAs(clean);
    }

    @Test
    void aCauseChainThatLoopsEndsTheDescription() {
        RuntimeException first = new RuntimeException("password=Pw-1");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(Credentials.describe(second)).doesNotContain("Pw-1").startsWith("RuntimeException: second");
        assertThat(Credentials.masked(second).toString()).doesNotContain("Pw-1");
    }
}
