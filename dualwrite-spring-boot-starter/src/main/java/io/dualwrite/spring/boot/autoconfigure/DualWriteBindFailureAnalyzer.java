package io.dualwrite.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.convert.ConversionException;

/**
 * Reports a {@code dualwrite.*} value that Spring Boot's binder could not convert ({@code dualwrite.mirror.lanes=abc},
 * {@code dualwrite.mirror.time-limit=soon}) in the same form as {@link InvalidDualWritePropertyFailureAnalyzer}:
 * the property, the value, what its type allows (a bare number as a duration means milliseconds, Boot's default
 * unit) and the fix; a setter that refuses a converted value (a range) is reported with its message as what is
 * allowed. Boot's own analysis names the property and the value but not what is allowed. Ordered before Boot's
 * analyzers; a failure of another prefix is left to them. Registered in {@code META-INF/spring.factories}.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class DualWriteBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

    private static final String PREFIX = "dualwrite";

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
        ConfigurationProperty property = cause.getProperty();
        String name = property != null ? property.getName().toString() : cause.getName().toString();
        if (!name.equals(PREFIX) && !name.startsWith(PREFIX + ".")) {
            return null;
        }
        String value = property == null ? "missing" : "'" + property.getValue() + "'";
        // a value of the wrong form: what its type allows; a setter refusing a converted value (a range, a name
        // given twice): its message, which says what is allowed
        boolean conversion = isConversionFailure(cause);
        String allowed = conversion ? allowed(cause.getTarget().getType()) : "as this says: " + reason(cause);
        String origin = property == null || property.getOrigin() == null ? "" : "\n    Origin: " + property.getOrigin();
        String description = "Invalid dualwrite configuration:\n\n"
                + "    Property: " + name + "\n"
                + "    Value: " + value + origin + "\n"
                + "    Allowed: " + allowed + "\n"
                + "    Reason: " + reason(cause) + "\n";
        String action = "Set " + name + " to " + (conversion ? allowed : "a value its rule allows")
                + ", or remove it to use its default (the properties and their"
                + " defaults are listed in the dualwrite Spring Boot reference).";
        return new FailureAnalysis(description, action, cause);
    }

    /** What a value of {@code type} must look like, in words. */
    static String allowed(ResolvableType type) {
        Class<?> raw = type.resolve(Object.class);
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "a whole number";
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return "a decimal number such as 0.25";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == Duration.class) {
            return "a duration: a number with a unit (500ms, 5s, 2m, 1h) or ISO-8601 (PT5S); a bare number means"
                    + " milliseconds";
        }
        if (raw.isEnum()) {
            return "one of " + Arrays.toString(raw.getEnumConstants());
        }
        return "a value of type " + raw.getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** Whether the value could not be converted to the property's type (not a setter refusing a converted value). */
    private static boolean isConversionFailure(BindException cause) {
        for (Throwable t = cause.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof ConversionException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(BindException cause) {
        Throwable deepest = cause;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        return deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
    }
}
