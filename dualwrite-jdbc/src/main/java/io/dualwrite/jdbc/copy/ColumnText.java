package io.dualwrite.jdbc.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.jspecify.annotations.Nullable;

/**
 * The one text a number or a boolean takes in a text column: what the copier writes when a type change takes such a
 * value into {@code VARCHAR}/{@code TEXT}, what {@link Holdable} checks against the column's length, and what
 * verification expects there. An integer's digits; a decimal's plain text with its scale; a boolean as {@code true} or
 * {@code false}, on MySQL/MariaDB (whose booleans are numbers) {@code 1} or {@code 0}; a floating-point number as the
 * shortest decimal that reads back as the same float or double, in plain digits without trailing zeros ({@code 0.1},
 * {@code 100}, {@code 100000000000000000000}, {@code 0.0000001}), {@code -0} for the negative zero, {@code NaN},
 * {@code Infinity} and {@code -Infinity}. Bound as they are, each product wrote its own ({@code TRUE} on H2,
 * {@code 1e+20} on PostgreSQL, {@code 1e20} on MariaDB), and verification reported such rows on every run. Internal:
 * shared by the copier and the verification.
 */
public final class ColumnText {

    private ColumnText() {
    }

    /**
     * The text of {@code value} in a text column of MySQL/MariaDB ({@code mysql}) or of another product, or
     * {@code null} when it is no number nor boolean.
     */
    public static @Nullable String of(@Nullable Object value, boolean mysql) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Boolean flag) {
            return mysql ? (flag ? "1" : "0") : flag.toString();
        }
        if (value instanceof Float single) {
            return floating(single.doubleValue(), true);
        }
        if (value instanceof Double number) {
            return floating(number, false);
        }
        return null;
    }

    /**
     * The text of {@code number} read from a column of single precision ({@code single}: the shortest decimal that
     * reads back as the same float) or of double precision.
     */
    public static String floating(double number, boolean single) {
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
