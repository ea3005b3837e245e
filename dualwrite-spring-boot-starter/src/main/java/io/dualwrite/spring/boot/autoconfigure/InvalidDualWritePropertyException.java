package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.internal.Credentials;
import org.jspecify.annotations.Nullable;

/**
 * A {@code dualwrite.*} property whose value the starter cannot use. Thrown while the beans are built, so it fails
 * start-up; {@link InvalidDualWritePropertyFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO
 * START" report. The value is never a password: properties holding secrets are named, never shown.
 */
final class InvalidDualWritePropertyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final @Nullable String value;
    private final String allowed;
    private final String fix;

    /**
     * @param property the full property name, e.g. {@code dualwrite.mirror.lanes}
     * @param value    the value as configured; {@code null} when missing
     * @param allowed  what the property accepts, e.g. "an integer from 1 to 1024"
     * @param fix      what to change, as an instruction
     */
    InvalidDualWritePropertyException(String property, @Nullable Object value, String allowed, String fix) {
        this(property, value, allowed, fix, null);
    }

    InvalidDualWritePropertyException(String property, @Nullable Object value, String allowed, String fix,
                                      @Nullable Throwable cause) {
        super(property + " must be " + allowed + ", but was " + shown(value) + "; " + fix, cause);
        this.property = property;
        this.value = value == null ? null : Credentials.mask(String.valueOf(value));
        this.allowed = allowed;
        this.fix = fix;
    }

    String property() {
        return property;
    }

    @Nullable String value() {
        return value;
    }

    String allowed() {
        return allowed;
    }

    String fix() {
        return fix;
    }

    static String shown(@Nullable Object value) {
        // a configured value may be a URL or a connection string with a password in it
        return value == null ? "missing" : "'" + Credentials.mask(String.valueOf(value)) + "'";
    }
}
