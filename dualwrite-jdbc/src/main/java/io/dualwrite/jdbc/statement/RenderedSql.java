package io.dualwrite.jdbc.statement;

import java.util.List;

/** SQL for one store and the plan binding each of its parameters, in order. */
public record RenderedSql(String sql, List<ParamSource> parameters) {
    /** Copies {@code parameters}, so that the rendering is immutable. */
    public RenderedSql {
        parameters = List.copyOf(parameters);
    }

    /**
     * This SQL with its constant parameters written as literals, for a plain {@code Statement} that cannot
     * bind any, each text written as a store of {@code dialect} reads it whatever the session's settings (null:
     * the standard's spelling); empty when some parameter is not a constant.
     */
    public java.util.Optional<String> withConstantsInlined(io.dualwrite.jdbc.@org.jspecify.annotations.Nullable Dialect dialect) {
        List<String> literals = new java.util.ArrayList<>();
        for (ParamSource source : parameters) {
            if (source.kind() != ParamSource.Kind.CONSTANT) {
                return java.util.Optional.empty();
            }
            literals.add(SqlText.literal(source.constant(), dialect));
        }
        return java.util.Optional.of(SqlText.replaceParameters(sql, literals));
    }

    /** Whether this SQL binds parameter {@code i} to application parameter {@code i} for every {@code i}. */
    public boolean isIdentityPlan() {
        for (int i = 0; i < parameters.size(); i++) {
            ParamSource source = parameters.get(i);
            if (source.kind() != ParamSource.Kind.PARAMETER || source.index() != i + 1
                    || source.transformColumn() != null) {
                return false;
            }
        }
        return true;
    }
}
