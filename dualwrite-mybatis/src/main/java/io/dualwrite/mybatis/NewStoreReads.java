package io.dualwrite.mybatis;

import io.dualwrite.internal.Checks;
import io.dualwrite.switches.PhaseResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which read statements run as a new-store counterpart once the new store is authoritative for the call
 * ({@code NEW_PRIMARY}, {@code NEW_ONLY}): for a new shape the data source cannot rewrite a query to (a table split
 * in two), the user writes the new-store query, e.g. {@code SplitOrderMapper.selectById} for
 * {@code OrderMapper.selectById}, returning the same Java type. Counterparts are named one by one, or by
 * convention: every statement of one mapper with a statement of the same name in another.
 *
 * <p>The phase is the read phase of the call's context (the open one, else the one {@link ContextRules} find in
 * the parameter); a call without a context runs as written. Once the session's {@code DualWriteDataSource}
 * connection has been acquired, the store it runs on decides instead: the read runs there whatever its phase. Checked at install: both statements exist, the old one
 * is a {@code SELECT}, and both return the same type. A counterpart runs with the second-level cache of the statement
 * it replaces (none when that has none), which the application's writes through its own mapper flush.
 */
public final class NewStoreReads {

    private final PhaseResolver resolver;
    private final Map<String, String> statements;
    private final Map<String, String> mappers;

    private NewStoreReads(Builder builder) {
        this.resolver = builder.resolver;
        this.statements = Map.copyOf(builder.statements);
        this.mappers = Map.copyOf(builder.mappers);
    }

    /** Starts the routes; {@code resolver} gives the read phase (the data source's resolver, e.g. the switchboard). */
    public static Builder builder(PhaseResolver resolver) {
        return new Builder(Checks.requireNonNull("resolver", resolver));
    }

    /** The resolver of read phases. */
    public PhaseResolver resolver() {
        return resolver;
    }

    /** Counterparts named one by one: old statement id → new statement id. */
    public Map<String, String> statements() {
        return statements;
    }

    /** Counterparts by convention: old mapper namespace → new mapper namespace. */
    public Map<String, String> mappers() {
        return mappers;
    }

    /** The counterpart id of {@code statementId} as configured (it may not exist: see the install check). */
    @Nullable String counterpartOf(String statementId) {
        String named = statements.get(statementId);
        if (named != null) {
            return named;
        }
        int dot = statementId.lastIndexOf('.');
        if (dot > 0) {
            String mapper = mappers.get(statementId.substring(0, dot));
            if (mapper != null) {
                return mapper + statementId.substring(dot);
            }
        }
        return null;
    }

    /**
     * The counterpart as it runs in place of {@code old}: its SQL and result maps, with the second-level cache (and
     * the cache settings) of {@code old}. The application's writes go through its own mappers and flush their
     * namespaces' caches, never the counterpart's: a counterpart answered from its own cache kept returning the row
     * as it was before such a write. Cache keys hold the counterpart's id, so its entries never answer the old read.
     */
    static org.apache.ibatis.mapping.MappedStatement inPlaceOf(org.apache.ibatis.mapping.MappedStatement old,
                                                             org.apache.ibatis.mapping.MappedStatement counterpart) {
        if (old.getCache() == counterpart.getCache() && old.isUseCache() == counterpart.isUseCache()
                && old.isFlushCacheRequired() == counterpart.isFlushCacheRequired()) {
            return counterpart;
        }
        return copy(counterpart, builder -> builder.cache(old.getCache()).useCache(old.isUseCache())
                .flushCacheRequired(old.isFlushCacheRequired()));
    }

    /**
     * A copy of {@code statement} (same id, SQL, maps, key generation and cache) with what {@code change} sets on
     * its builder.
     */
    static org.apache.ibatis.mapping.MappedStatement copy(org.apache.ibatis.mapping.MappedStatement statement,
            java.util.function.UnaryOperator<org.apache.ibatis.mapping.MappedStatement.Builder> change) {
        return copy(statement, statement.getSqlSource(), change);
    }

    /** As {@link #copy(org.apache.ibatis.mapping.MappedStatement, java.util.function.UnaryOperator)}, its SQL from {@code source}. */
    static org.apache.ibatis.mapping.MappedStatement copy(org.apache.ibatis.mapping.MappedStatement statement,
            org.apache.ibatis.mapping.SqlSource source,
            java.util.function.UnaryOperator<org.apache.ibatis.mapping.MappedStatement.Builder> change) {
        org.apache.ibatis.mapping.MappedStatement.Builder builder = new org.apache.ibatis.mapping.MappedStatement.Builder(
                statement.getConfiguration(), statement.getId(), source,
                statement.getSqlCommandType())
                .resource(statement.getResource()).fetchSize(statement.getFetchSize())
                .timeout(statement.getTimeout()).statementType(statement.getStatementType())
                .resultSetType(statement.getResultSetType()).parameterMap(statement.getParameterMap())
                .resultMaps(statement.getResultMaps()).resultOrdered(statement.isResultOrdered())
                .keyGenerator(statement.getKeyGenerator()).databaseId(statement.getDatabaseId())
                .lang(statement.getLang()).dirtySelect(statement.isDirtySelect())
                .cache(statement.getCache()).useCache(statement.isUseCache())
                .flushCacheRequired(statement.isFlushCacheRequired());
        if (statement.getKeyProperties() != null) {
            builder.keyProperty(String.join(",", statement.getKeyProperties()));
        }
        if (statement.getKeyColumns() != null) {
            builder.keyColumn(String.join(",", statement.getKeyColumns()));
        }
        if (statement.getResultSets() != null) {
            builder.resultSets(String.join(",", statement.getResultSets()));
        }
        return change.apply(builder).build();
    }

    /** Builds {@link NewStoreReads}. */
    public static final class Builder {
        private final PhaseResolver resolver;
        private final Map<String, String> statements = new LinkedHashMap<>();
        private final Map<String, String> mappers = new LinkedHashMap<>();

        private Builder(PhaseResolver resolver) {
            this.resolver = resolver;
        }

        /** {@code newStatementId} runs instead of {@code oldStatementId} when the new store is authoritative. */
        public Builder statement(String oldStatementId, String newStatementId) {
            statements.put(requireId("oldStatementId", oldStatementId), requireId("newStatementId", newStatementId));
            return this;
        }

        /**
         * Every statement of {@code oldMapper} that has a statement of the same name in {@code newMapper} runs as
         * that one when the new store is authoritative (a {@code SELECT} of the old mapper without one runs as
         * written).
         */
        public Builder mapper(Class<?> oldMapper, Class<?> newMapper) {
            Checks.requireNonNull("oldMapper", oldMapper);
            Checks.requireNonNull("newMapper", newMapper);
            mappers.put(oldMapper.getName(), newMapper.getName());
            return this;
        }

        /** The routes. */
        public NewStoreReads build() {
            return new NewStoreReads(this);
        }

        private static String requireId(String property, @Nullable String id) {
            if (id == null || id.isBlank() || id.lastIndexOf('.') <= 0) {
                throw new IllegalArgumentException(property + " must be a full statement id such as"
                        + " 'com.example.OrderMapper.selectById', but was '" + id + "'");
            }
            return id;
        }
    }
}
