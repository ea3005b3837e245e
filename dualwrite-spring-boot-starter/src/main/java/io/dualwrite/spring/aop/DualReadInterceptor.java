package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.ShadowReadComparator;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.jdbc.ReadStoreOverride;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.expression.Expression;

/**
 * Applies {@code @DualRead} to one call: opens its context (unless one is open), returns the result of the store
 * the phase reads from, hands a sample to {@link ShadowReads}, or merges a list read from both stores.
 */
final class DualReadInterceptor implements MethodInterceptor {

    private static final Logger log = LoggerFactory.getLogger(DualReadInterceptor.class);

    private final CallPlans plans;
    private final ObjectProvider<ShadowReads> shadowReads;
    private final Function<Class<? extends ShadowReadComparator>, ShadowReadComparator> comparatorFactory;
    private final Map<Class<? extends ShadowReadComparator>, ShadowReadComparator> comparators = new ConcurrentHashMap<>();
    private final LogThrottle warnings = new LogThrottle(Duration.ofSeconds(10));

    DualReadInterceptor(CallPlans plans, ObjectProvider<ShadowReads> shadowReads,
                        Function<Class<? extends ShadowReadComparator>, ShadowReadComparator> comparatorFactory) {
        this.plans = plans;
        this.shadowReads = shadowReads;
        this.comparatorFactory = comparatorFactory;
    }

    ShadowReadComparator comparator(CallPlan plan) {
        DualRead read = plan.read;
        return comparators.computeIfAbsent(read == null ? ShadowReadComparator.Equality.class : read.comparator(),
                comparatorFactory);
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        CallPlan plan = plans.plan(invocation.getMethod(), DualWriteInterceptor.targetClass(invocation));
        if (plan == null || plan.read == null) {
            return invocation.proceed();
        }
        String migration = plans.migration(plan);
        MigrationContext open = MigrationContext.current().orElse(null);
        MigrationContext context = open != null ? open : plans.context(plan, invocation.getArguments());
        try (MigrationContext.Scope scope = open == null ? context.open() : null) {
            if (ReadStoreOverride.current(migration).isPresent()) {
                return invocation.proceed(); // a shadow or merged run already chose the store
            }
            MigrationContext resolving = ofMigration(context, migration);
            if (plan.merges()) {
                return merge(invocation, plan, migration, resolving);
            }
            if (!plan.read.shadowReads() || !(invocation instanceof ProxyMethodInvocation proxied)) {
                return invocation.proceed();
            }
            ShadowReads shadows = shadowReads.getIfAvailable();
            if (shadows == null) {
                return invocation.proceed();
            }
            MigrationPhase phase = plans.switchboard().resolveRead(resolving).phase();
            if (!phase.shadowReads() || !shadows.sampling().sample(migration)) {
                return invocation.proceed();
            }
            MethodInvocation shadowCall = proxied.invocableClone(); // before proceed(): it runs the rest of the chain
            Object served = invocation.proceed();
            Store other = phase.readsFrom().other();
            shadows.submit(migration, plan.name, resolving, phase.readsFrom(), served, comparator(plan),
                    routedTo(migration, other, shadowCall));
            return served;
        }
    }

    private static Callable<@Nullable Object> routedTo(String migration, Store store, MethodInvocation call) {
        return () -> {
            try (ReadStoreOverride.Scope override = ReadStoreOverride.open(migration, store)) {
                return call.proceed();
            } catch (Exception e) {
                throw e;
            } catch (Throwable e) {
                throw new ExecutionException(e);
            }
        };
    }

    private static MigrationContext ofMigration(MigrationContext context, String migration) {
        if (context.migration().equals(migration)) {
            return context;
        }
        return MigrationContext.forMigration(migration).orderId(context.orderId().orElse(null))
                .merchantId(context.merchantId().orElse(null)).userId(context.userId().orElse(null)).build();
    }

    /**
     * Runs the call on the store its context reads from (as without merge: its exception propagates), then on the
     * other store, and takes each row from the store its own phase reads from. When the other store's run fails,
     * the caller gets the first result as it is, and the failure is logged.
     */
    private @Nullable Object merge(MethodInvocation invocation, CallPlan plan, String migration,
                                   MigrationContext resolving) throws Throwable {
        if (!(invocation instanceof ProxyMethodInvocation proxied)) {
            return invocation.proceed();
        }
        Store first = plans.switchboard().resolveRead(resolving).phase().readsFrom();
        MethodInvocation otherCall = proxied.invocableClone();
        Object firstRows = invocation.proceed();
        Object otherRows;
        try {
            otherRows = routedTo(migration, first.other(), otherCall).call();
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (warnings.tryAcquire(migration + "/" + plan.name) != LogThrottle.SUPPRESS) {
                log.warn("merged read {} of migration {}: the {} store failed ({}: {}); the caller gets the {} store's "
                        + "rows unmerged", plan.name, migration, first.other(), cause.getClass().getName(),
                        cause.getMessage());
            }
            return firstRows;
        }
        Object oldRows = first == Store.OLD ? firstRows : otherRows;
        Object newRows = first == Store.OLD ? otherRows : firstRows;
        return merged(plan, migration, rows(plan, oldRows), rows(plan, newRows));
    }

    private List<Object> merged(CallPlan plan, String migration, List<Object> oldRows, List<Object> newRows) {
        Map<Object, Object> newByKey = new LinkedHashMap<>();
        for (Object row : newRows) {
            newByKey.putIfAbsent(key(plan, row), row);
        }
        Map<List<@Nullable String>, Store> sides = new HashMap<>();
        Set<Object> emitted = new HashSet<>();
        List<Object> merged = new ArrayList<>(Math.max(oldRows.size(), newRows.size()));
        for (Object row : oldRows) {
            Object key = key(plan, row);
            if (!emitted.add(key)) {
                continue;
            }
            if (side(plan, migration, row, sides) == Store.OLD) {
                merged.add(row);
            } else {
                Object fresh = newByKey.get(key);
                if (fresh != null) {
                    merged.add(fresh);
                }
            }
        }
        for (Map.Entry<Object, Object> entry : newByKey.entrySet()) {
            if (!emitted.contains(entry.getKey()) && side(plan, migration, entry.getValue(), sides) == Store.NEW) {
                emitted.add(entry.getKey());
                merged.add(entry.getValue());
            }
        }
        return merged;
    }

    /** The store a row's own phase reads from, by its merchant and order ids. */
    private Store side(CallPlan plan, String migration, Object row, Map<List<@Nullable String>, Store> sides) {
        String merchantId = plan.rowMerchantId == null ? null : CallPlans.text(rowValue(plan, plan.rowMerchantId, row));
        String orderId = plan.rowOrderId == null ? null : CallPlans.text(rowValue(plan, plan.rowOrderId, row));
        List<@Nullable String> ids = java.util.Arrays.asList(merchantId, orderId);
        Store side = sides.get(ids);
        if (side == null) {
            side = plans.switchboard().resolveRead(MigrationContext.forMigration(migration).merchantId(merchantId)
                    .orderId(orderId).build()).phase().readsFrom();
            sides.put(ids, side);
        }
        return side;
    }

    private static Object key(CallPlan plan, Object row) {
        Object key = plan.rowKey == null ? null : rowValue(plan, plan.rowKey, row);
        if (key == null) {
            throw new IllegalStateException("@DualRead rowKey '" + plan.rowKey.getExpressionString() + "' of "
                    + plan.name + " gave null for a row; a merged read needs every row's key");
        }
        // one number read from two databases may come back as two Java types (Integer and Long, Long and BigDecimal)
        if (key instanceof Integer || key instanceof Long || key instanceof Short || key instanceof Byte
                || key instanceof BigInteger || key instanceof BigDecimal) {
            return new BigDecimal(key.toString()).stripTrailingZeros();
        }
        return key;
    }

    private static @Nullable Object rowValue(CallPlan plan, Expression expression, Object row) {
        try {
            return CallPlans.rowValue(expression, row);
        } catch (RuntimeException e) {
            throw new IllegalStateException("@DualRead row expression '" + expression.getExpressionString() + "' of "
                    + plan.name + " could not be evaluated on a row of type " + row.getClass().getName() + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<Object> rows(CallPlan plan, @Nullable Object result) {
        if (result == null) {
            return List.of();
        }
        if (!(result instanceof Iterable<?> iterable)) {
            throw new IllegalStateException("@DualRead(merge = true) on " + plan.name + " returned a "
                    + result.getClass().getName() + ", not an Iterable");
        }
        List<Object> rows = new ArrayList<>();
        for (Object row : iterable) {
            if (row != null) {
                rows.add(row);
            }
        }
        return rows;
    }
}
