package io.dualwrite.mybatis;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.apache.ibatis.cache.CacheKey;
import org.apache.ibatis.executor.Executor;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.plugin.Invocation;
import org.apache.ibatis.reflection.ExceptionUtil;
import org.apache.ibatis.session.ResultHandler;
import org.apache.ibatis.session.RowBounds;

/**
 * The proxy around one {@link Executor} that sends the methods named by the interceptor's {@code @Intercepts} to
 * {@link MigrationContextInterceptor}, and every other method straight to the executor.
 *
 * <p>Written by hand instead of MyBatis' {@code Plugin.wrap} because MyBatis wraps the executor of every
 * {@code SqlSession} it opens, and {@code Plugin.wrap} reads the {@code @Intercepts} annotation, looks its methods
 * up by reflection and looks the proxy class up again each time: with a session per statement (auto-commit
 * sessions, Spring's {@code SqlSessionTemplate}), that was a measurable share of a mapper insert's CPU in the
 * MyBatis benchmark. Here the methods and the proxy constructor are looked up once, and whether the executor
 * batches is decided once per executor.
 */
final class ExecutorPlugin implements InvocationHandler {

    /** The executor methods intercepted; must agree with the {@code @Intercepts} of the interceptor. */
    private static final Set<Method> INTERCEPTED;
    private static final Constructor<?> PROXY;

    static {
        try {
            INTERCEPTED = Set.of(
                    Executor.class.getMethod("update", MappedStatement.class, Object.class),
                    Executor.class.getMethod("query", MappedStatement.class, Object.class, RowBounds.class,
                            ResultHandler.class),
                    Executor.class.getMethod("query", MappedStatement.class, Object.class, RowBounds.class,
                            ResultHandler.class, CacheKey.class, BoundSql.class),
                    Executor.class.getMethod("queryCursor", MappedStatement.class, Object.class, RowBounds.class),
                    Executor.class.getMethod("flushStatements"),
                    Executor.class.getMethod("commit", boolean.class),
                    Executor.class.getMethod("rollback", boolean.class),
                    Executor.class.getMethod("close", boolean.class));
            Object sample = Proxy.newProxyInstance(Executor.class.getClassLoader(), new Class<?>[] {Executor.class},
                    (proxy, method, args) -> null);
            PROXY = io.dualwrite.internal.Reflect.accessible(sample.getClass().getConstructor(InvocationHandler.class));
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Executor target;
    private final MigrationContextInterceptor interceptor;
    private final boolean batching;

    private ExecutorPlugin(Executor target, MigrationContextInterceptor interceptor) {
        this.target = target;
        this.interceptor = interceptor;
        this.batching = MigrationContextInterceptor.batching(target);
    }

    /** {@code target} behind a proxy whose intercepted methods run through {@code interceptor}. */
    static Executor wrap(Executor target, MigrationContextInterceptor interceptor) {
        Executor proxy;
        try {
            proxy = (Executor) PROXY.newInstance(new ExecutorPlugin(target, interceptor));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create the proxy of a MyBatis executor", e);
        }
        // MyBatis runs a read's nested selects (an association's or collection's select, eager, or lazy while the
        // session is open) on the executor's "wrapper", which MyBatis' second-level cache sets to itself: they went
        // past the interceptor, so they were neither routed nor keyed by the store they read, and a nested select of a
        // read routed to the new store was answered from, or filled, the cache entry of the old store's read (round
        // 28). The wrapper is this proxy instead, so nested selects run through the interceptor as the mapper's own.
        Object innermost = MigrationContextInterceptor.innermost(target);
        if (innermost instanceof org.apache.ibatis.executor.BaseExecutor base) {
            base.setExecutorWrapper(proxy);
        }
        return proxy;
    }

    /** The executor behind this proxy. */
    Executor target() {
        return target;
    }

    /** The methods this plugin intercepts, for the test that keeps them equal to the {@code @Intercepts}. */
    static Set<Method> intercepted() {
        return INTERCEPTED;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        try {
            if (INTERCEPTED.contains(method)) {
                return interceptor.intercept(new Invocation(target, method, args), batching);
            }
            return io.dualwrite.internal.Reflect.accessible(method).invoke(target, args);
        } catch (Exception e) {
            throw ExceptionUtil.unwrapThrowable(e); // as MyBatis' own plugins do
        }
    }
}
