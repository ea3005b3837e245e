package io.dualwrite.jdbc.statement;

import org.jspecify.annotations.Nullable;

/**
 * Where one {@code ?} of a rewritten statement takes its value from.
 *
 * @param kind            the source
 * @param index           for {@link Kind#PARAMETER}: the 1-based index the application bound; for
 *                        {@link Kind#KEY}: the row of the multi-row insert (0-based)
 * @param keyColumn       for {@link Kind#KEY}: the position of the primary-key column (0-based)
 * @param constant        for {@link Kind#CONSTANT}: the value
 * @param transformColumn for {@link Kind#PARAMETER}: the old column whose transformer applies, if any
 */
public record ParamSource(Kind kind, int index, int keyColumn, @Nullable Object constant,
                          @Nullable String transformColumn) {

    /** The kinds of parameter source. */
    public enum Kind {
        /** A parameter the application bound. */
        PARAMETER,
        /** A constant from the mapping (an added column's value). */
        CONSTANT,
        /** A generated key read back from the authoritative store. */
        KEY
    }

    static ParamSource parameter(int index, @Nullable String transformColumn) {
        return new ParamSource(Kind.PARAMETER, index, 0, null, transformColumn);
    }

    static ParamSource constant(@Nullable Object value) {
        return new ParamSource(Kind.CONSTANT, 0, 0, value, null);
    }

    static ParamSource key(int row, int keyColumn) {
        return new ParamSource(Kind.KEY, row, keyColumn, null, null);
    }
}
