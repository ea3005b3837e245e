package io.dualwrite.jdbc.statement;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A value a statement carries: a bound parameter (by 1-based index) or a literal written in the SQL.
 *
 * @param parameterIndex the parameter's index, or 0 for a literal
 * @param literal        the literal's value when {@code parameterIndex} is 0
 */
public record ValueRef(int parameterIndex, @Nullable Object literal) {

    /** The value, reading bound parameters from {@code parameters} (index 0 holds parameter 1). */
    public @Nullable Object resolve(List<@Nullable Object> parameters) {
        if (parameterIndex == 0) {
            return literal;
        }
        return parameterIndex <= parameters.size() ? parameters.get(parameterIndex - 1) : null;
    }
}
