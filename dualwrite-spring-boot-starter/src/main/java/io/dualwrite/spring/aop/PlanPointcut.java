package io.dualwrite.spring.aop;

import java.lang.reflect.Method;
import org.springframework.aop.support.StaticMethodMatcherPointcut;

/** Matches the methods that carry the plans' annotation; building a plan here makes a bad annotation fail start-up. */
final class PlanPointcut extends StaticMethodMatcherPointcut {

    private final CallPlans plans;

    PlanPointcut(CallPlans plans) {
        this.plans = plans;
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        return plans.plan(method, targetClass) != null;
    }
}
