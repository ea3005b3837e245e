package io.dualwrite.spring.aop;

import io.dualwrite.annotation.DualRead;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * How one annotated method is advised, worked out once from its annotation: where the call's ids come from and,
 * for a read, its shadow and merge settings. The migration is resolved against the switchboard on first use
 * (and at start-up, by the advisor), since the default is "the only one configured".
 */
final class CallPlan {

    final Method method;
    final String name;
    final String declaredMigration;
    final @Nullable Expression orderId;
    final @Nullable Expression merchantId;
    /** Index of the {@code @OrderId} parameter, or -1. */
    final int orderParameter;
    /** Index of the {@code @MerchantId} parameter, or -1. */
    final int merchantParameter;
    final @Nullable DualRead read;
    final @Nullable Expression rowKey;
    final @Nullable Expression rowMerchantId;
    final @Nullable Expression rowOrderId;
    private volatile @Nullable String migration;

    CallPlan(Method method, String name, String declaredMigration, @Nullable Expression orderId,
             @Nullable Expression merchantId, int orderParameter, int merchantParameter, @Nullable DualRead read,
             @Nullable Expression rowKey, @Nullable Expression rowMerchantId, @Nullable Expression rowOrderId) {
        this.method = method;
        this.name = name;
        this.declaredMigration = declaredMigration;
        this.orderId = orderId;
        this.merchantId = merchantId;
        this.orderParameter = orderParameter;
        this.merchantParameter = merchantParameter;
        this.read = read;
        this.rowKey = rowKey;
        this.rowMerchantId = rowMerchantId;
        this.rowOrderId = rowOrderId;
    }

    @Nullable String resolvedMigration() {
        return migration;
    }

    void resolvedMigration(String migration) {
        this.migration = migration;
    }

    boolean merges() {
        return read != null && read.merge();
    }
}
