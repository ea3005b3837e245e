package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.spring.endpoint.DualWriteEndpoint;
import io.dualwrite.spring.endpoint.DualWriteWebEndpointExtension;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationProbe;
import io.dualwrite.switches.VerificationStatus;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The actuator endpoint {@code dualwrite}, when the actuator is on the class path and the application exposes the
 * endpoint ({@code management.endpoints.web.exposure.include}); never exposed by this configuration. Built from the
 * application's switchboard and change log, its {@link SwitchAdmin} (else one over its {@link PhaseGate}, else over
 * the standard gate, which without a {@link VerificationProbe} bean takes every migration as never verified), and,
 * when present, its {@link VerificationProbe} and {@link DualWriter}. Writes require the role
 * {@value #WRITE_ROLE_PROPERTY} (default {@value #DEFAULT_WRITE_ROLE}) when Spring Security is on the class path.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Endpoint.class)
class DualWriteEndpointConfiguration {

    /** The property naming the role write operations require when Spring Security is on the class path. */
    static final String WRITE_ROLE_PROPERTY = "dualwrite.endpoint.write-role";
    /** The role required when the property is not set. */
    static final String DEFAULT_WRITE_ROLE = "DUALWRITE_ADMIN";

    private static final String SPRING_SECURITY = "org.springframework.security.core.Authentication";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = DualWriteEndpoint.class)
    DualWriteEndpoint dualWriteEndpoint(Switchboard switchboard, ChangeLog changeLog,
                                        ObjectProvider<SwitchAdmin> admin, ObjectProvider<PhaseGate> gate,
                                        ObjectProvider<VerificationProbe> verification,
                                        ObjectProvider<DualWriter> writer, Environment environment,
                                        ResourceLoader resourceLoader) {
        VerificationProbe probe = verification.getIfAvailable();
        SwitchAdmin switchAdmin = admin.getIfAvailable(() -> SwitchAdmin.of(switchboard, gate.getIfAvailable(() ->
                PhaseGate.standard(changeLog::pendingCount, probe != null ? probe : migration -> VerificationStatus.NEVER_RUN,
                        switchboard.switchStore()))));
        return new DualWriteEndpoint(switchboard, switchAdmin, changeLog, probe, writer.getIfAvailable(),
                writeRole(environment, resourceLoader.getClassLoader()));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DualWriteEndpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = DualWriteEndpoint.class)
    DualWriteWebEndpointExtension dualWriteWebEndpointExtension(DualWriteEndpoint endpoint) {
        return new DualWriteWebEndpointExtension(endpoint);
    }

    /**
     * The role writes require: the property (default {@value #DEFAULT_WRITE_ROLE}) with Spring Security, else none.
     *
     * @throws InvalidDualWritePropertyException when Spring Security is present and the property is blank, which
     *     would otherwise let every caller write
     */
    static @Nullable String writeRole(Environment environment, @Nullable ClassLoader classLoader) {
        if (!ClassUtils.isPresent(SPRING_SECURITY, classLoader)) {
            return null;
        }
        String role = environment.getProperty(WRITE_ROLE_PROPERTY, DEFAULT_WRITE_ROLE);
        if (role.isBlank()) {
            throw new InvalidDualWritePropertyException(WRITE_ROLE_PROPERTY, role,
                    "a role name while Spring Security is on the class path (a blank one would let every caller"
                            + " flip switches)",
                    "Set " + WRITE_ROLE_PROPERTY + " to the role of the operators who may flip switches, or remove it"
                            + " to require " + DEFAULT_WRITE_ROLE + ".");
        }
        return role;
    }
}
