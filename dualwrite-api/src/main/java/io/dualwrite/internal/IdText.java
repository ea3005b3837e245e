package io.dualwrite.internal;

import java.math.BigDecimal;

/**
 * The text of an order or merchant id given as a value of the application's (a mapper parameter's property, an
 * annotated argument), as the switches name it and the copier reads it from a number column: a {@code BigDecimal}
 * as its plain digits without trailing zeros ({@code 7.00}, {@code 7.0} and {@code 7E+0} are merchant {@code 7},
 * {@code 1E+1} is {@code 10}), a finite {@code Double} or {@code Float} the same way ({@code 7.0} is {@code 7},
 * {@code 1e1} is {@code 10}, a negative zero is {@code 0}), anything else as its {@code toString()}. Taken as written,
 * a merchant held as {@code BigDecimal.valueOf(7.0)} or as the double {@code 7.0} was merchant {@code "7.0"}, whom no
 * switch names, while its row, read from the column, was merchant 7's.
 */
public final class IdText {

    private IdText() {
    }

    /** The id's text (see the class); never null. */
    public static String of(Object id) {
        if (id instanceof BigDecimal decimal) {
            return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
        }
        if (id instanceof Double || id instanceof Float) {
            double value = ((Number) id).doubleValue();
            if (Double.isFinite(value)) {
                // the float's own shortest text, not its widening to double (0.1f is 0.1, not 0.10000000149…)
                return of(new BigDecimal(id instanceof Float single ? Float.toString(single) : Double.toString(value)));
            }
        }
        return id.toString();
    }
}
