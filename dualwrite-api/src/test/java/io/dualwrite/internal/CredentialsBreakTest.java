package io.dualwrite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    static Stream<Arguments> secretsInUnusualShapes() {
        return Stream.of(
                // quoted values, with the form's separator inside the quotes
                Arguments.of("jdbc:mariadb://db.example:3306/shop?user=shop&password='p;w&Sx1'&ssl=true",
                        new String[] {"p;w", "Sx1"}, new String[] {"db.example:3306/shop", "user=shop", "&ssl=true"}),
                Arguments.of("jdbc:h2:tcp://db.example/shop;USER=sa;PASSWORD='p;Sx2';MODE=MySQL",
                        new String[] {"Sx2"}, new String[] {"db.example/shop", ";MODE=MySQL"}),
                Arguments.of("jdbc:h2:tcp://db.example/shop;PASSWORD=\"a\\\"b;Sx3\";MODE=MySQL",
                        new String[] {"Sx3", "a\\"}, new String[] {"db.example/shop", ";MODE=MySQL"}),
                Arguments.of("login to db.example/shop with password=\"a\\\" Sx4\" refused",
                        new String[] {"Sx4"}, new String[] {"db.example/shop", "refused"}),
                Arguments.of("login to db.example/shop with password='it''s Sx5' refused",
                        new String[] {"Sx5", "''s"}, new String[] {"db.example/shop", "refused"}),
                Arguments.of("{user=sa, password='a, Sx6}', url=jdbc:h2:tcp://db.example/shop}",
                        new String[] {"Sx6"}, new String[] {"user=sa", "url=jdbc:h2:tcp://db.example/shop"}),
                Arguments.of("{\"password\": \"a\\\"Sx7\", \"host\": \"db.example\"}",
                        new String[] {"Sx7"}, new String[] {"\"host\": \"db.example\""}),
                // a value that starts with punctuation
                Arguments.of("connect db.example/shop password=,Sx8 failed", new String[] {"Sx8"},
                        new String[] {"db.example/shop", "failed"}),
                Arguments.of("connect db.example/shop password=;Sx9 failed", new String[] {"Sx9"},
                        new String[] {"db.example/shop", "failed"}),
                Arguments.of("connect db.example/shop password = (Sx10) failed", new String[] {"Sx10"},
                        new String[] {"db.example/shop", "failed"}),
                // a quote that is never closed: masked to the end
                Arguments.of("jdbc:postgresql://db.example/shop?password='Sx12&ssl=true", new String[] {"Sx12"},
                        new String[] {"db.example/shop"}),
                Arguments.of("password=\"Sx13 with blanks", new String[] {"Sx13", "blanks"}, new String[] {}),
                // other spellings of the key
                Arguments.of("jdbc:mysql://db.example/shop?pass%77ord=Sx14&user=shop", new String[] {"Sx14"},
                        new String[] {"db.example/shop", "user=shop"}),
                Arguments.of("jdbc:mysql://db.example/shop?%70assword=Sx15&user=shop", new String[] {"Sx15"},
                        new String[] {"db.example/shop", "user=shop"}),
                Arguments.of("jdbc:mysql://db.example/shop?pass=Sx16&user=shop", new String[] {"Sx16"},
                        new String[] {"db.example/shop", "user=shop"}),
                Arguments.of("pwd=Sx17 host=db.example", new String[] {"Sx17"}, new String[] {"host=db.example"}),
                Arguments.of("passwd: Sx18 host: db.example", new String[] {"Sx18"},
                        new String[] {"host: db.example"}),
                Arguments.of("Server=db.example;Database=shop;Pwd=Sx19;", new String[] {"Sx19"},
                        new String[] {"Server=db.example;Database=shop;"}),
                // user information without a scheme, and tokens
                Arguments.of("user:Sx20@db.example", new String[] {"Sx20"}, new String[] {"db.example"}),
                Arguments.of("pool connects shop:Sx21@db.example:3306/shop", new String[] {"Sx21"},
                        new String[] {"shop:", "db.example:3306/shop"}),
                Arguments.of("Authorization: Bearer eyJhbGciOi.Sx22-x_y", new String[] {"Sx22", "eyJhbGciOi"},
                        new String[] {"Authorization: Bearer"}),
                Arguments.of("Authorization: Basic c2hvcDpTeDIz", new String[] {"c2hvcDpTeDIz"},
                        new String[] {"Authorization: Basic"}),
                // SQL that sets a password, as a parser's warning or a driver's error quotes it
                Arguments.of("ALTER USER shop IDENTIFIED BY 'Sx24' on db.example", new String[] {"Sx24"},
                        new String[] {"ALTER USER shop IDENTIFIED BY"}),
                Arguments.of("CREATE USER 'shop'@'%' IDENTIFIED BY \"Sx25\"; SELECT 1 FROM orders",
                        new String[] {"Sx25"}, new String[] {"SELECT 1 FROM orders"}),
                Arguments.of("ALTER USER shop IDENTIFIED WITH mysql_native_password BY 'Sx26'",
                        new String[] {"Sx26"}, new String[] {"mysql_native_password"}),
                Arguments.of("ALTER USER shop IDENTIFIED BY Sx27", new String[] {"Sx27"}, new String[] {"shop"}),
                Arguments.of("SET PASSWORD FOR shop = PASSWORD('Sx28')", new String[] {"Sx28"},
                        new String[] {"SET PASSWORD FOR shop"}),
                Arguments.of("SET PASSWORD FOR 'shop'@'%' = 'Sx29'", new String[] {"Sx29"},
                        new String[] {"SET PASSWORD FOR"}),
                Arguments.of("CREATE ROLE shop LOGIN PASSWORD 'Sx30' VALID UNTIL 'infinity'", new String[] {"Sx30"},
                        new String[] {"CREATE ROLE shop LOGIN"}),
                Arguments.of("You have an error in your SQL syntax; check the manual near 'IDENTIFIED BY 'it''s "
                        + "Sx31'' at line 1", new String[] {"Sx31"}, new String[] {"You have an error"}),
                Arguments.of("CREATE USER shop IDENTIFIED VIA ed25519 USING PASSWORD('Sx32')", new String[] {"Sx32"},
                        new String[] {"CREATE USER shop IDENTIFIED VIA ed25519"}),
                Arguments.of("SELECT OLD_PASSWORD('Sx33') FROM dual", new String[] {"Sx33"},
                        new String[] {"FROM dual"}),
                Arguments.of("CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'db.example', PASSWORD 'Sx34')",
                        new String[] {"Sx34"}, new String[] {"HOST 'db.example'"}));
    }

    @ParameterizedTest
    @MethodSource("secretsInUnusualShapes")
    void aSecretInAnUnusualShapeIsMaskedAndTheRestStaysReadable(String text, String[] secrets, String[] kept) {
        String masked = Credentials.mask(text);

        assertThat(masked).contains(Credentials.MASK);
        for (String secret : secrets) {
            assertThat(masked).as(text).doesNotContain(secret);
        }
        for (String part : kept) {
            assertThat(masked).as(text).contains(part);
        }
        assertThat(Credentials.describe(new SQLException(text))).doesNotContain(secrets);
    }

    @Test
    void aSecretInAnUnusualShapeIsMaskedInTheCausesOfAnException() {
        SQLException parser = new SQLException("near 'IDENTIFIED BY 'Sx40'' at line 1", "42000");
        SQLException driver = new SQLException("statement on jdbc:mariadb://db.example/shop?user=shop"
                + "&password='p&Sx41' failed", "42000", parser);
        Throwable masked = Credentials.masked(new IllegalStateException("statement failed", driver));

        assertThat(masked.getCause().getMessage()).doesNotContain("Sx41").contains("db.example/shop");
        assertThat(masked.getCause().getCause().getMessage()).doesNotContain("Sx40").contains("IDENTIFIED BY");
    }
}
