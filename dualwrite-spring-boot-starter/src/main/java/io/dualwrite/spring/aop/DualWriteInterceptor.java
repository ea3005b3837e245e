package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

/** Opens the {@link MigrationContext} of a {@code @DualWrite} call, unless one is open already. */
final class DualWriteInterceptor implements MethodInterceptor {

    private final CallPlans plans;

    DualWriteInterceptor(CallPlans plans) {
        this.plans = plans;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        if (MigrationContext.current().isPresent()) {
            return invocation.proceed(); // the caller's context wins
        }
        CallPlan plan = plans.plan(invocation.getMethod(), targetClass(invocation));
        if (plan == null) {
            return invocation.proceed();
        }
        try (MigrationContext.Scope scope = plans.context(plan, invocation.getArguments()).open()) {
            return invocation.proceed();
        }
    }

    static @Nullable Class<?> targetClass(MethodInvocation invocation) {
        Object target = invocation.getThis();
        return target == null ? null : AopUtils.getTargetClass(target);
    }
}
