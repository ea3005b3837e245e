package io.dualwrite.switches;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Argument checks whose messages name the property, the bad value and what is allowed. */
final class Checks {

    private Checks() {
    }

    static String requireText(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must be a non-blank string, but was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    static <T> T requireNonNull(String property, @Nullable T value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must not be null");
        }
        return value;
    }

    static Duration requirePositive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, but was " + value);
        }
        return value;
    }
}
