package io.dualwrite.internal;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks whose messages name the property, the bad value and what is allowed, shared by the
 * builders and factories of every package so that the same mistake reads the same everywhere.
 */
public final class Checks {

    private Checks() {
    }

    public static String requireText(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must be a non-blank string, but was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    public static <T> T requireNonNull(String property, @Nullable T value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must not be null");
        }
        return value;
    }

    /**
     * {@code value} when it is zero or positive.
     *
     * @throws IllegalArgumentException naming {@code property} when {@code value} is null or negative
     */
    public static Duration requireNonNegative(String property, @Nullable Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be zero or positive, but was " + value);
        }
        return value;
    }

    public static Duration requirePositive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, but was " + value);
        }
        return value;
    }
}
