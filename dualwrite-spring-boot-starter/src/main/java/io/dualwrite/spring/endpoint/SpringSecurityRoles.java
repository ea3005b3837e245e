package io.dualwrite.spring.endpoint;

import java.security.Principal;
import org.springframework.util.ClassUtils;

/** Reads Spring Security's authorities when it is on the class path; never loads its classes otherwise. */
final class SpringSecurityRoles {

    private static final boolean PRESENT = ClassUtils.isPresent(
            "org.springframework.security.core.Authentication", SpringSecurityRoles.class.getClassLoader());

    private SpringSecurityRoles() {
    }

    /** Whether {@code principal} is an authenticated Spring Security caller holding {@code role} or {@code ROLE_role}. */
    static boolean hasAuthority(Principal principal, String role) {
        return PRESENT && Authorities.has(principal, role);
    }

    /** Loaded only when Spring Security is present. */
    private static final class Authorities {
        static boolean has(Principal principal, String role) {
            if (!(principal instanceof org.springframework.security.core.Authentication authentication)
                    || !authentication.isAuthenticated()) {
                return false;
            }
            String prefixed = role.startsWith("ROLE_") ? role : "ROLE_" + role;
            return authentication.getAuthorities().stream().map(authority -> authority.getAuthority())
                    .anyMatch(authority -> role.equals(authority) || prefixed.equals(authority));
        }
    }
}
