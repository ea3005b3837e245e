package io.dualwrite.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.spring.endpoint.DualWriteEndpoint;
import io.dualwrite.spring.endpoint.DualWriteWebEndpointExtension;
import io.dualwrite.spring.endpoint.PhaseChange;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** When the endpoint exists: actuator present, endpoint exposed, no endpoint of the user's. */
class DualWriteEndpointConfigurationTest {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withUserConfiguration(OpsStoresConfiguration.class)
            .withConfiguration(AutoConfigurations.of(DualWriteEndpointConfiguration.class));

    @Test
    void exposedEndpointIsCreatedWithItsWebExtension() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite").run(context -> {
            assertThat(context).hasSingleBean(DualWriteEndpoint.class);
            assertThat(context).hasSingleBean(DualWriteWebEndpointExtension.class);
        });
    }

    @Test
    void endpointIsNotCreatedUnlessTheApplicationExposesIt() {
        contextRunner.run(context -> {
            assertThat(context).doesNotHaveBean(DualWriteEndpoint.class);
            assertThat(context).doesNotHaveBean(DualWriteWebEndpointExtension.class);
        });
    }

    @Test
    void exposingOtherEndpointsDoesNotExposeThisOne() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health,info")
                .run(context -> assertThat(context).doesNotHaveBean(DualWriteEndpoint.class));
    }

    @Test
    void disabledEndpointIsNotCreatedEvenWhenExposed() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=*",
                        "management.endpoint.dualwrite.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(DualWriteEndpoint.class));
    }

    @Test
    void withoutTheActuatorThereIsNoEndpoint() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .withClassLoader(new FilteredClassLoader(Endpoint.class))
                .run(context -> assertThat(context).doesNotHaveBean(DualWriteEndpoint.class));
    }

    @Test
    void backsOffForAnEndpointOfTheUser() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .withUserConfiguration(UserEndpointConfiguration.class).run(context -> {
                    assertThat(context).hasSingleBean(DualWriteEndpoint.class);
                    assertThat(context.getBean(DualWriteEndpoint.class))
                            .isSameAs(context.getBean("userEndpoint"));
                });
    }

    @Test
    void withSpringSecurityAWriteWithoutTheDefaultRoleIsForbidden() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite").run(context -> {
            PhaseChange change = context.getBean(DualWriteEndpoint.class)
                    .change("orders", "system", "DUAL_WRITE", null, null, null, SecurityContext.NONE);

            assertThat(change.outcome()).isEqualTo(PhaseChange.FORBIDDEN);
            assertThat(change.reason()).contains("DUALWRITE_ADMIN");
            assertThat(context.getBean(Switchboard.class).systemPhase("orders")).isEqualTo(MigrationPhase.OLD_ONLY);
        });
    }

    @Test
    void theWriteRoleIsReadFromItsProperty() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite",
                "dualwrite.endpoint.write-role=MIGRATION_OPERATOR").run(context -> assertThat(context
                .getBean(DualWriteEndpoint.class)
                .change("orders", "system", "DUAL_WRITE", null, null, null, SecurityContext.NONE).reason())
                .contains("MIGRATION_OPERATOR"));
    }

    @Test
    void withoutSpringSecurityWritesNeedNoRole() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .withClassLoader(new FilteredClassLoader("org.springframework.security")).run(context -> {
                    PhaseChange change = context.getBean(DualWriteEndpoint.class)
                            .change("orders", "system", "DUAL_WRITE", null, null, null, SecurityContext.NONE);

                    assertThat(change.outcome()).isEqualTo(PhaseChange.APPLIED);
                    assertThat(context.getBean(Switchboard.class).systemPhase("orders"))
                            .isEqualTo(MigrationPhase.DUAL_WRITE);
                });
    }

    @Test
    void movesGoThroughThePhaseGateOfTheApplication() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withBean(PhaseGate.class, () -> (migration, from, to) ->
                        io.dualwrite.switches.GateVerdict.refuse("the application's own gate says no"))
                .run(context -> assertThat(context.getBean(DualWriteEndpoint.class)
                        .change("orders", "system", "NEW_ONLY", null, null, null, SecurityContext.NONE).reason())
                        .isEqualTo("the application's own gate says no"));
    }

    @Test
    void movesGoThroughTheSwitchAdminOfTheApplication() {
        contextRunner.withPropertyValues("management.endpoints.web.exposure.include=dualwrite")
                .withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withUserConfiguration(UserAdminConfiguration.class)
                .run(context -> assertThat(context.getBean(DualWriteEndpoint.class)
                        .change("orders", "system", "NEW_ONLY", null, null, null, SecurityContext.NONE).outcome())
                        .as("the user's admin has an open gate").isEqualTo(PhaseChange.APPLIED));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEndpointConfiguration {
        @Bean
        DualWriteEndpoint userEndpoint(Switchboard switchboard, io.dualwrite.changelog.InMemoryChangeLog changeLog) {
            return new DualWriteEndpoint(switchboard, SwitchAdmin.of(switchboard, PhaseGate.open()), changeLog, null,
                    null, null);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserAdminConfiguration {
        @Bean
        SwitchAdmin switchAdmin(Switchboard switchboard) {
            return SwitchAdmin.of(switchboard, PhaseGate.open());
        }
    }
}
