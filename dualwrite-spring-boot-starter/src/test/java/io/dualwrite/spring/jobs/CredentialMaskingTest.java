package io.dualwrite.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The error messages the runner logs lose the credentials a driver may quote. */
class CredentialMaskingTest {

    @Test
    void passwordParametersAndUrlCredentialsAreMaskedThroughTheCauseChain() {
        Exception failure = new IllegalStateException("could not read the verifications",
                new SQLException("Connection to jdbc:postgresql://shop:Pw-4711@db:5432/shop?user=shop&password=Pw-4711"
                        + "&ssl=true refused; jdbc:h2:mem:x;PASSWORD=Pw-4712;USER=sa"));

        String logged = DualWriteJobRunner.describe(failure);

        assertThat(logged).doesNotContain("Pw-4711").doesNotContain("Pw-4712")
                .contains("IllegalStateException: could not read the verifications; caused by SQLException:")
                .contains("//shop:****@db:5432").contains("password=****&ssl=true").contains("PASSWORD=****;USER=sa");
    }

    @Test
    void aPasswordHoldingAnAtSignIsMaskedWhole() {
        String logged = DualWriteJobRunner.describe(new SQLException("jdbc:mariadb://shop:Pw@4711@db:3306/shop refused"));

        assertThat(logged).doesNotContain("4711").contains("//shop:****@db:3306/shop refused");
    }
}
