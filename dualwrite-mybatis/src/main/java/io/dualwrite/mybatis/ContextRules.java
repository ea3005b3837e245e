package io.dualwrite.mybatis;

import io.dualwrite.internal.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where {@link MigrationContextInterceptor} finds the order and merchant ids in a mapper call's parameter
 * object: property paths per statement, property paths for every statement, then fields marked
 * {@link OrderId} / {@link MerchantId}. Immutable; build it with {@link #builder(String)}.
 *
 * <p>A property path is dot-separated property names, read with MyBatis' own reflection (getters, else
 * fields; map keys): {@code merchantNo}, {@code order.id}. Its first name may be a {@code @Param} name of the
 * mapper method, since MyBatis passes such parameters as a map by those names (also its generic names
 * {@code param1}, {@code param2} …). A statement's own path of one name may name a lone parameter of a simple
 * type ({@code deleteOf(String merchantNo)}), which MyBatis binds by any name; a global path never reads one,
 * or it would take every such value for an id. Through a collection or an
 * array the path reads every element: the id is taken only when all elements agree (a {@code <foreach>}
 * insert of one merchant's orders), otherwise the call has no id of that kind. A primitive property holding 0
 * (a {@code long id} before MyBatis sets the generated key) gives no id, and so does a primitive argument of the
 * mapper method holding 0 ({@code deleteById(long id)}, {@code @Param("id") long id}): MyBatis boxes it, and
 * a primitive has no "absent" but 0. A boxed {@code Long} of 0 is an id.
 *
 * <p>Order of precedence for each id: the statement's path, then the global paths in the order given, then
 * the annotated fields. An open {@code MigrationContext} always wins over all of them.
 */
public final class ContextRules {

    private static final Pattern PATH = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

    /** The paths configured for one statement; either may be absent. */
    public record StatementPaths(@Nullable String orderIdPath, @Nullable String merchantIdPath) {
    }

    private final String migration;
    private final List<String> orderIdPaths;
    private final List<String> merchantIdPaths;
    private final Map<String, StatementPaths> statements;
    private final boolean annotations;

    private ContextRules(Builder builder) {
        this.migration = builder.migration;
        this.orderIdPaths = List.copyOf(builder.orderIdPaths);
        this.merchantIdPaths = List.copyOf(builder.merchantIdPaths);
        this.statements = Map.copyOf(builder.statements);
        this.annotations = builder.annotations;
    }

    /**
     * Starts rules for the migration whose contexts the interceptor opens; it must be the migration of the
     * {@code DualWriteDataSource} the mappers run on.
     *
     * @throws IllegalArgumentException when {@code migration} is null or blank
     */
    public static Builder builder(String migration) {
        if (migration == null || migration.isBlank()) {
            throw new IllegalArgumentException("migration must be a non-blank name, but was '" + migration + "'");
        }
        return new Builder(migration);
    }

    /** The migration of the contexts opened. */
    public String migration() {
        return migration;
    }

    /** Paths tried on every statement for the order id, in order. */
    public List<String> orderIdPaths() {
        return orderIdPaths;
    }

    /** Paths tried on every statement for the merchant id, in order. */
    public List<String> merchantIdPaths() {
        return merchantIdPaths;
    }

    /** The paths configured per statement id ({@code namespace.id}). */
    public Map<String, StatementPaths> statements() {
        return statements;
    }

    /** The paths of one statement, if configured. */
    public Optional<StatementPaths> statement(String statementId) {
        return Optional.ofNullable(statements.get(statementId));
    }

    /** Whether {@link OrderId} / {@link MerchantId} fields are read. */
    public boolean annotations() {
        return annotations;
    }

    @Override
    public String toString() {
        return "ContextRules[migration=" + migration + ", orderIdPaths=" + orderIdPaths + ", merchantIdPaths="
                + merchantIdPaths + ", statements=" + statements.keySet() + ", annotations=" + annotations + "]";
    }

    /** Builds {@link ContextRules}; every path is checked for its form here and against the mappers at install. */
    public static final class Builder {
        private final String migration;
        private final List<String> orderIdPaths = new ArrayList<>();
        private final List<String> merchantIdPaths = new ArrayList<>();
        private final Map<String, StatementPaths> statements = new LinkedHashMap<>();
        private boolean annotations = true;

        private Builder(String migration) {
            this.migration = migration;
        }

        /** A path tried on every statement for the order id (after the statement's own), e.g. {@code orderId}. */
        public Builder orderIdPath(String path) {
            orderIdPaths.add(requirePath("orderIdPath", path));
            return this;
        }

        /** A path tried on every statement for the merchant id (after the statement's own), e.g. {@code merchantNo}. */
        public Builder merchantIdPath(String path) {
            merchantIdPaths.add(requirePath("merchantIdPath", path));
            return this;
        }

        /**
         * The paths of one statement, by its full id ({@code com.example.OrderMapper.insert}); either path may be
         * null. At install the statement must exist under that full id (a name without its namespace is refused,
         * though MyBatis itself accepts one) and each path must name a readable property of its parameter.
         *
         * @throws IllegalArgumentException when the id is blank, both paths are null, a path is malformed, or the
         *                                  statement is configured twice
         */
        public Builder statement(String statementId, @Nullable String orderIdPath, @Nullable String merchantIdPath) {
            if (statementId == null || statementId.isBlank()) {
                throw new IllegalArgumentException("statementId must be a mapper statement id such as"
                        + " 'com.example.OrderMapper.insert', but was '" + statementId + "'");
            }
            if (orderIdPath == null && merchantIdPath == null) {
                throw new IllegalArgumentException("statement " + statementId
                        + ": give an orderIdPath, a merchantIdPath or both, but both were null");
            }
            StatementPaths paths = new StatementPaths(
                    orderIdPath == null ? null : requirePath("orderIdPath of " + statementId, orderIdPath),
                    merchantIdPath == null ? null : requirePath("merchantIdPath of " + statementId, merchantIdPath));
            if (statements.putIfAbsent(statementId, paths) != null) {
                throw new IllegalArgumentException("statement " + statementId + " is configured twice");
            }
            return this;
        }

        /** Whether {@link OrderId} / {@link MerchantId} fields are read (default true). */
        public Builder annotations(boolean read) {
            this.annotations = read;
            return this;
        }

        /** The rules. */
        public ContextRules build() {
            return new ContextRules(this);
        }

        private static String requirePath(String property, @Nullable String path) {
            Checks.requireNonNull(property, path);
            if (!PATH.matcher(path).matches()) {
                throw new IllegalArgumentException(property + " must be dot-separated property names such as"
                        + " 'order.merchantNo', but was '" + path + "'");
            }
            return path;
        }
    }
}
