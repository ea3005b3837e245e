package io.dualwrite.spring.aop;

import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.ShadowReadComparator;
import io.dualwrite.switches.Switchboard;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Applies {@link DualRead} to Spring beans: each call of an annotated method runs under its
 * {@link io.dualwrite.MigrationContext} (opened as {@link DualWriteAdvisor} does), and returns the result of the
 * store its phase reads from. In {@code SHADOW_READ} and {@code NEW_PRIMARY}, a sample of calls (the migration's
 * rate in {@link ShadowReadSampling}) is handed to {@link ShadowReads}: the method runs once more off the caller's
 * thread with its reads routed to the other store ({@link io.dualwrite.jdbc.ReadStoreOverride}, so it must read
 * through a {@code DualWriteDataSource} of that migration), and the two results are compared by the method's
 * {@link ShadowReadComparator}. A merged read ({@code merge = true}) runs on both stores on the caller's thread
 * and takes each row from the store its own phase reads from.
 *
 * <p>The shadow run is the rest of the call's advice chain (including a {@code @Transactional} advisor ordered
 * after this one) on another thread, so it never shares the caller's transaction. A merged read inside a
 * transaction that already holds a connection of the data source cannot route its second run to the other store:
 * that run fails, and the caller gets the first store's rows unmerged (logged at WARN).
 *
 * <p>A comparator class is taken from the bean factory when it holds exactly one bean of that class, else
 * instantiated through its no-argument constructor. Start-up fails as for {@link DualWriteAdvisor}, and also
 * when a merged read lacks its row expressions or does not return a {@code List}, {@code Collection} or
 * {@code Iterable}, or a comparator cannot be made.
 */
public final class DualReadAdvisor extends AbstractPointcutAdvisor implements SmartInitializingSingleton,
        BeanFactoryAware {

    private final transient CallPlans plans;
    private final transient Pointcut pointcut;
    private final transient DualReadInterceptor interceptor;
    private transient @Nullable BeanFactory beanFactory;

    /**
     * An advisor resolving phases with the switchboard and running shadow reads with the {@link ShadowReads} it
     * is given when first needed (none: no shadow reads).
     */
    public DualReadAdvisor(ObjectProvider<Switchboard> switchboard, ObjectProvider<ShadowReads> shadowReads) {
        this.plans = new CallPlans(DualRead.class, switchboard);
        this.pointcut = new PlanPointcut(plans);
        this.interceptor = new DualReadInterceptor(plans, shadowReads, this::comparator);
        setOrder(DualWriteAdvisor.DEFAULT_ORDER);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    private ShadowReadComparator comparator(Class<? extends ShadowReadComparator> type) {
        if (beanFactory != null) {
            ShadowReadComparator bean = beanFactory.getBeanProvider(type).getIfUnique();
            if (bean != null) {
                return bean;
            }
        }
        try {
            return BeanUtils.instantiateClass(type);
        } catch (RuntimeException e) {
            throw new IllegalStateException("ShadowReadComparator " + type.getName() + " is neither a unique bean nor "
                    + "instantiable through a public no-argument constructor: " + e.getMessage(), e);
        }
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }

    /** Checks the migration and the comparator of every annotated method met while the beans were created. */
    @Override
    public void afterSingletonsInstantiated() {
        for (CallPlan plan : plans.built()) {
            plans.migration(plan);
            if (plan.read != null && plan.read.shadowReads() && !plan.merges()) {
                interceptor.comparator(plan);
            }
        }
    }
}
