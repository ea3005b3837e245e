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
    void aPasswordIsMaskedWholeToItsDriversSeparatorAndTheParametersAfterItAreKept() {
        assertThat(Credentials.mask("jdbc:postgresql://db/shop?user=shop&password=two words\there&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?user=shop&password=******&ssl=true");
        assertThat(Credentials.mask("jdbc:mysql://db/shop?pwd=a,b;c d&user=shop"))
                .isEqualTo("jdbc:mysql://db/shop?pwd=******&user=shop");
        assertThat(Credentials.mask("jdbc:h2:mem:x;USER=sa;PASSWORD=pw with\ttab;MODE=MySQL"))
                .isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=******;MODE=MySQL");
        assertThat(Credentials.mask("jdbc:sqlserver://db;user=sa;password={a}}b;c};encrypt=true"))
                .isEqualTo("jdbc:sqlserver://db;user=sa;password=******;encrypt=true");
        assertThat(Credentials.mask("Server=db; User Id=sa; Password=a b c; Database=shop"))
                .isEqualTo("Server=db; User Id=sa; Password=******; Database=shop");
        assertThat(Credentials.mask("jdbc:db2://db:50000/shop:password=pw x;user=shop;"))
                .isEqualTo("jdbc:db2://db:50000/shop:password=******;user=shop;");
        assertThat(Credentials.mask("jdbc:mysql://db/shop?user=shop&passcode=Pc-1&ssl=true"))
                .isEqualTo("jdbc:mysql://db/shop?user=shop&passcode=******&ssl=true");
        assertThat(Credentials.mask("{user=shop, password=two words, url=jdbc:h2:mem:x}"))
                .isEqualTo("{user=shop, password=******, url=jdbc:h2:mem:x}");
    }

    @Test
    void userInformationWithAnAtInTheUserOrNoUserIsMasked() {
        assertThat(Credentials.mask("jdbc:mysql://us@er:pw@db/shop refused"))
                .isEqualTo("jdbc:mysql://us@er:******@db/shop refused");
        assertThat(Credentials.mask("jdbc:postgresql://user:p@ss@db refused"))
                .isEqualTo("jdbc:postgresql://user:******@db refused");
        assertThat(Credentials.mask("jdbc:mariadb://:secret@db:3306/shop"))
                .isEqualTo("jdbc:mariadb://:******@db:3306/shop");
        assertThat(Credentials.mask("jdbc:mysql://us@er:pw@db/shop", "****", true))
                .isEqualTo("jdbc:mysql://****@db/shop");
        assertThat(Credentials.mask("jdbc:mariadb://:secret@db:3306/shop", "****", true))
                .isEqualTo("jdbc:mariadb://****@db:3306/shop");
        assertThat(Credentials.mask("jdbc:mysql://shop@db:3306/shop")).isEqualTo("jdbc:mysql://shop@db:3306/shop");
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
    void theToStringOfWhatWrapsAUsersStoreMasksWhatTheStoreQuotes() {
        io.dualwrite.switches.SwitchStore talkative = new io.dualwrite.switches.SwitchStore() {
            private final io.dualwrite.switches.SwitchStore real = io.dualwrite.switches.SwitchStores.inMemory();

            @Override
            public io.dualwrite.switches.SwitchSettings load(String migration) {
                return real.load(migration);
            }

            @Override
            public void setSystemPhase(String migration, io.dualwrite.MigrationPhase phase) {
                real.setSystemPhase(migration, phase);
            }

            @Override
            public void setMerchantPhase(String migration, String merchantId, io.dualwrite.MigrationPhase phase) {
                real.setMerchantPhase(migration, merchantId, phase);
            }

            @Override
            public void setOrderPhase(String migration, String orderId, io.dualwrite.MigrationPhase phase) {
                real.setOrderPhase(migration, orderId, phase);
            }

            @Override
            public void setRules(String migration, java.util.List<io.dualwrite.switches.SwitchRule> rules) {
                real.setRules(migration, rules);
            }

            @Override
            public String toString() {
                return "RedisSwitches[redis://ops:Pw-4711@cache:6379/0]";
            }
        };
        io.dualwrite.switches.Switchboard switchboard = io.dualwrite.switches.Switchboard.builder()
                .switchStore(talkative).migration(io.dualwrite.switches.MigrationSwitchConfig.of("orders")).build();

        assertThat(switchboard.toString()).contains("redis://ops:******@cache:6379/0").doesNotContain("Pw-4711");

        io.dualwrite.KeyedStore<String> store = new io.dualwrite.KeyedStore<>() {
            @Override
            public java.util.Optional<String> read(String key) {
                return java.util.Optional.empty();
            }

            @Override
            public void upsert(String key, String value) {
            }

            @Override
            public void delete(String key) {
            }

            @Override
            public String toString() {
                return "Profiles[https://api:Pw-4712@profiles.example/v1]";
            }
        };
        assertThat(io.dualwrite.StateSync.of(store, store).toString()).doesNotContain("Pw-4712")
                .contains("https://api:******@profiles.example/v1");
    }

    @Test
    void aSuppressedExceptionIsMaskedToo() {
        IllegalStateException top = new IllegalStateException("close failed");
        top.addSuppressed(new SQLException("rollback on jdbc:mariadb://shop:Pw-4711@db/shop failed"));

        Throwable masked = Credentials.masked(top);

        assertThat(masked).isNotSameAs(top);
        assertThat(masked.getSuppressed()).singleElement().satisfies(suppressed ->
                assertThat(suppressed.getMessage()).contains("//shop:******@db/shop").doesNotContain("Pw-4711"));
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
