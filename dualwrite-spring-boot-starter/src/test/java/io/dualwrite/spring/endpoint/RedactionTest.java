package io.dualwrite.spring.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void passwordsInJdbcUrlsAndKeyValuePairsAreMasked() {
        assertThat(Redaction.redact("cannot open jdbc:h2:mem:old;USER=dw;PASSWORD=s3cret-Old;DB_CLOSE_DELAY=-1"))
                .isEqualTo("cannot open jdbc:h2:mem:old;USER=dw;PASSWORD=******;DB_CLOSE_DELAY=-1");
        assertThat(Redaction.redact("url jdbc:postgresql://db:5432/app?user=dw&password=s3cret&ssl=true"))
                .isEqualTo("url jdbc:postgresql://db:5432/app?user=dw&password=******&ssl=true");
        assertThat(Redaction.redact("pwd: hunter2, secret=abc")).isEqualTo("pwd: ******, secret=******");
    }

    @Test
    void userInformationOfUrlsIsMasked() {
        assertThat(Redaction.redact("jdbc:mariadb://dw:s3cret@db:3306/app refused"))
                .isEqualTo("jdbc:mariadb://******@db:3306/app refused");
        assertThat(Redaction.redact("jdbc:mariadb://dw:p@ss@db:3306/app refused"))
                .isEqualTo("jdbc:mariadb://******@db:3306/app refused");
    }

    @Test
    void quotedPasswordsAreMaskedWhole() {
        assertThat(Redaction.redact("login with password='two words' failed; secret=\"x\""))
                .isEqualTo("login with password=****** failed; secret=******");
    }

    @Test
    void lineBreaksCannotForgeLogLines() {
        assertThat(Redaction.redact("m-1\nINFO forged line\r")).isEqualTo("m-1 INFO forged line ");
    }

    @Test
    void textWithoutCredentialsIsKept() {
        String reason = "change-log backlog for 'orders' is 3 entries; it must be empty";
        assertThat(Redaction.redact(reason)).isEqualTo(reason);
        assertThat(Redaction.redact(null)).isNull();
    }
}
