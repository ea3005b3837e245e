package io.dualwrite.spring.aop;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.switches.Switchboard;
import org.aopalliance.aop.Advice;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;

/**
 * Applies {@link DualWrite} to Spring beans: each call of an annotated method runs under a
 * {@link io.dualwrite.MigrationContext} of the annotation's migration, with the order and merchant ids from its
 * expressions or its {@link io.dualwrite.annotation.OrderId} / {@link io.dualwrite.annotation.MerchantId}
 * parameters; a context already open on the thread is left in place. Picked up by Spring's auto-proxy creator
 * like any {@code Advisor} (Spring Boot's {@code AopAutoConfiguration}).
 *
 * <p>Start-up fails, naming the method, when an annotation cannot be applied: an expression that is not valid
 * SpEL, two parameters marked with one id annotation, both {@code @DualWrite} and {@code @DualRead} on a method
 * (while its bean is created); a migration that is not configured, or none named while several are (once every
 * singleton exists).
 *
 * <p>Its order is {@link #DEFAULT_ORDER}, ahead of Spring's transaction advisor (which runs last by default), so
 * that the context is open before a {@code @Transactional} method's connection is acquired.
 */
public final class DualWriteAdvisor extends AbstractPointcutAdvisor implements SmartInitializingSingleton {

    /** The default order: {@code Ordered.LOWEST_PRECEDENCE - 100}. */
    public static final int DEFAULT_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

    private final transient CallPlans plans;
    private final transient Pointcut pointcut;
    private final transient DualWriteInterceptor interceptor;

    /** An advisor resolving phases and migrations with the switchboard it is given when first needed. */
    public DualWriteAdvisor(ObjectProvider<Switchboard> switchboard) {
        this.plans = new CallPlans(DualWrite.class, switchboard);
        this.pointcut = new PlanPointcut(plans);
        this.interceptor = new DualWriteInterceptor(plans);
        setOrder(DEFAULT_ORDER);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }

    /** Checks the migration of every annotated method met while the beans were created. */
    @Override
    public void afterSingletonsInstantiated() {
        plans.built().forEach(plans::migration);
    }
}
