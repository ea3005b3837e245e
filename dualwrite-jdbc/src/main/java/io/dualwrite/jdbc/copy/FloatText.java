package io.dualwrite.jdbc.copy;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * The one spelling of a floating-point number that lands in a text column: what the copier writes when a type change
 * takes a {@code REAL}/{@code FLOAT}/{@code DOUBLE} value into {@code VARCHAR}/{@code TEXT}, and what verification
 * expects there. It is the shortest decimal that reads back as the same float or double, in plain digits without
 * trailing zeros ({@code 0.1}, {@code 100}, {@code 100000000000000000000}, {@code 0.0000001}); {@code -0} for the
 * negative zero, {@code NaN}, {@code Infinity} and {@code -Infinity}. Each product otherwise writes its own
 * ({@code 1.0E20} on H2, {@code 1e+20} on PostgreSQL, {@code 1e20} on MariaDB), and verification reported such rows on
 * every run. Internal: shared by the copier and the verification.
 */
public final class FloatText {

    private FloatText() {
    }

    /**
     * The spelling of {@code value} as a number of its own precision, or {@code null} when it is neither a
     * {@link Float} nor a {@link Double}.
     */
    public static @Nullable String of(@Nullable Object value) {
        if (value instanceof Float single) {
            return of(single.doubleValue(), true);
        }
        if (value instanceof Double number) {
            return of(number, false);
        }
        return null;
    }

    /**
     * The spelling of {@code number} read from a column of single precision ({@code single}: the shortest decimal
     * that reads back as the same float) or of double precision.
     */
    public static String of(double number, boolean single) {
        if (Double.isNaN(number) || Double.isInfinite(number)) {
            return Double.toString(number);
        }
        if (number == 0) {
            return Double.doubleToRawLongBits(number) == Long.MIN_VALUE ? "-0" : "0";
        }
        BigDecimal shortest = Holdable.shortest(number, single).stripTrailingZeros();
        return shortest.scale() < 0 ? shortest.setScale(0).toPlainString() : shortest.toPlainString();
    }
}
