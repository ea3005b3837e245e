package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

/**
 * Opens the {@link MigrationContext} of a {@code @DualWrite} call, unless one of its migration is open already. A
 * context of another migration does not stand in for the call's: the call's data source ignores it, so the call would
 * follow the unattributed rule; the call's own context is opened, with the open one's ids when it names none.
 */
final class DualWriteInterceptor implements MethodInterceptor {

    private final CallPlans plans;

    DualWriteInterceptor(CallPlans plans) {
        this.plans = plans;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        CallPlan plan = plans.plan(invocation.getMethod(), targetClass(invocation));
        if (plan == null) {
            return invocation.proceed();
        }
        MigrationContext open = MigrationContext.current().orElse(null);
        if (open != null && open.migration().equals(plans.migration(plan))) {
            return invocation.proceed(); // the caller's context of this migration wins
        }
        MigrationContext own = plans.context(plan, invocation.getArguments());
        if (open != null && own.orderId().isEmpty() && own.merchantId().isEmpty()) {
            own = own.toBuilder().orderId(open.orderId().orElse(null)).merchantId(open.merchantId().orElse(null))
                    .userId(open.userId().orElse(null)).build();
        }
        try (MigrationContext.Scope scope = own.open()) {
            return invocation.proceed();
        }
    }

    static @Nullable Class<?> targetClass(MethodInvocation invocation) {
        Object target = invocation.getThis();
        return target == null ? null : AopUtils.getTargetClass(target);
    }
}
