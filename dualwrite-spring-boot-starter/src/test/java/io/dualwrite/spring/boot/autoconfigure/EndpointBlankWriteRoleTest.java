package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.spring.endpoint.DualWriteEndpoint;
import io.dualwrite.spring.endpoint.PhaseChange;
import io.dualwrite.switches.Switchboard;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A blank {@code dualwrite.endpoint.write-role} used to turn the role check off while Spring Security was present:
 * any caller who reached the endpoint could flip switches. It now fails start-up naming the property.
 */
class EndpointBlankWriteRoleTest {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(OpsStoresConfiguration.class)
            .withConfiguration(AutoConfigurations.of(DualWriteEndpointConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=dualwrite", "dualwrite.endpoint.write-role= ");

    @Test
    void aBlankWriteRoleWithSpringSecurityFailsStartUp() {
        contextRunner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidDualWritePropertyException.class)
                    .hasMessageContaining("dualwrite.endpoint.write-role");
            InvalidDualWritePropertyException failure = (InvalidDualWritePropertyException) rootCause(
                    context.getStartupFailure());
            assertThat(failure.allowed()).contains("a role name while Spring Security is on the class path");
            assertThat(failure.fix()).contains("remove it to require DUALWRITE_ADMIN");
        });
    }

    @Test
    void withoutSpringSecurityABlankWriteRoleChangesNothing() {
        contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.security")).run(context -> {
            PhaseChange change = context.getBean(DualWriteEndpoint.class)
                    .change("orders", "system", "DUAL_WRITE", null, null, null, SecurityContext.NONE);
            assertThat(change.outcome()).isEqualTo(PhaseChange.APPLIED);
            assertThat(context.getBean(Switchboard.class).systemPhase("orders")).isEqualTo(MigrationPhase.DUAL_WRITE);
        });
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
