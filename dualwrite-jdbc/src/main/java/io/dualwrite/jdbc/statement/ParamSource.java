package io.dualwrite.jdbc.statement;

import org.jspecify.annotations.Nullable;

/**
 * Where one {@code ?} of a rewritten statement takes its value from.
 *
 * @param kind            the source
 * @param index           for {@link Kind#PARAMETER}: the 1-based index the application bound
 * @param constant        for {@link Kind#CONSTANT}: the value
 * @param transformColumn for {@link Kind#PARAMETER}: the old column whose transformer applies, if any
 */
public record ParamSource(Kind kind, int index, @Nullable Object constant,
                          @Nullable String transformColumn) {

    /** The kinds of parameter source. */
    public enum Kind {
        /** A parameter the application bound. */
        PARAMETER,
        /** A constant from the mapping (an added column's value). */
        CONSTANT
    }

    static ParamSource parameter(int index, @Nullable String transformColumn) {
        return new ParamSource(Kind.PARAMETER, index, null, transformColumn);
    }

    static ParamSource constant(@Nullable Object value) {
        return new ParamSource(Kind.CONSTANT, 0, value, null);
    }
}
