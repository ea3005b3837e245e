package io.dualwrite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void passwordsInUrlsAndParametersAreMasked() {
        assertThat(Credentials.mask("jdbcUrl=jdbc:mariadb://shop:p@ss:w0rd@db:3306/shop?password=Qx&user=shop"))
                .isEqualTo("jdbcUrl=jdbc:mariadb://shop:******@db:3306/shop?password=******&user=shop");
        assertThat(Credentials.mask("jdbc:h2:mem:x;USER=sa;PASSWORD=abc;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:mem:x;USER=sa;PASSWORD=******;MODE=PostgreSQL");
        assertThat(Credentials.mask("login failed: password='two words' for user shop"))
                .isEqualTo("login failed: password=****** for user shop");
    }

    @Test
    void textWithoutCredentialsIsUnchanged() {
        String text = "Table \"ORDERS_V2\" not found; SQL statement: MERGE INTO orders_v2 (id) KEY (id) VALUES (?)";
        assertThat(Credentials.mask(text)).isEqualTo(text);
        assertThat(Credentials.mask("jdbc:postgresql://db:5432/shop")).isEqualTo("jdbc:postgresql://db:5432/shop");
    }
}
