package io.dualwrite.jdbc.statement;

import java.util.List;

/** SQL for one store and the plan binding each of its parameters, in order. */
public record RenderedSql(String sql, List<ParamSource> parameters) {
    public RenderedSql {
        parameters = List.copyOf(parameters);
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
