package io.dualwrite;

import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.RowRef;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The invocation handler behind {@link DualWriter#proxy}: one plan per method, checked at creation. */
final class DualWriterProxy implements InvocationHandler {

    private final DualWriter writer;
    private final Class<?> type;
    private final Object oldImpl;
    private final Object newImpl;
    private final Map<Method, Route> routes;

    private DualWriterProxy(DualWriter writer, Class<?> type, Object oldImpl, Object newImpl,
                            Map<Method, Route> routes) {
        this.writer = writer;
        this.type = type;
        this.oldImpl = oldImpl;
        this.newImpl = newImpl;
        this.routes = routes;
    }

    static <I> I create(DualWriter writer, Class<I> type, I oldImpl, I newImpl) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(oldImpl, "oldImpl");
        Objects.requireNonNull(newImpl, "newImpl");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("type must be an interface, but was " + type.getName());
        }
        Map<Method, Route> routes = new HashMap<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || isObjectMethod(method)) {
                continue;
            }
            // Made accessible once here, so that interfaces that are not public (in any package) work; the
            // Method handed to invoke() is an equal copy, so calls go through the one kept in the route.
            method.trySetAccessible();
            routes.put(method, new Route(method, plan(method)));
        }
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new DualWriterProxy(writer, type, oldImpl, newImpl, routes));
        return type.cast(proxy);
    }

    /** The method's {@link DualWrite}, or {@code null} for a {@link DualRead}. */
    private static @Nullable DualWrite plan(Method method) {
        DualWrite write = method.getAnnotation(DualWrite.class);
        boolean read = method.isAnnotationPresent(DualRead.class);
        String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        if (write == null && !read) {
            throw new IllegalArgumentException("Method " + name + " must be annotated with @DualWrite or @DualRead "
                    + "to be routed by a DualWriter proxy");
        }
        if (write != null && read) {
            throw new IllegalArgumentException("Method " + name + " must carry only one of @DualWrite and @DualRead, "
                    + "but carries both");
        }
        if (write != null) {
            if (write.table().isBlank()) {
                throw new IllegalArgumentException("@DualWrite table of " + name + " must be a non-blank string");
            }
            int key = write.key();
            if (key != DualWrite.ORDER_ID && (key < 0 || key >= method.getParameterCount())) {
                throw new IllegalArgumentException("@DualWrite key of " + name + " must be " + DualWrite.ORDER_ID
                        + " (the context's order id) or an argument index between 0 and "
                        + (method.getParameterCount() - 1) + ", but was " + key);
            }
        }
        return write;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        if (isObjectMethod(method)) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "DualWriter proxy of " + type.getName() + " over " + oldImpl + " and " + newImpl;
            };
        }
        Route route = routes.get(method);
        if (route == null) {
            throw new IllegalStateException("No route for " + method + " on the DualWriter proxy of " + type.getName());
        }
        DualWrite write = route.write();
        MigrationContext context = DualWriter.currentContext();
        StoreCall<@Nullable Object, Throwable> onOld = () -> call(oldImpl, route.method(), args);
        StoreCall<@Nullable Object, Throwable> onNew = () -> call(newImpl, route.method(), args);
        if (write == null) {
            return writer.read(context, onOld, onNew);
        }
        RowRef row = new RowRef(write.table(), keyOf(write, method, context, args), write.operation());
        return writer.write(context, row, onOld, onNew);
    }

    private static String keyOf(DualWrite write, Method method, MigrationContext context,
                                @Nullable Object @Nullable [] args) {
        if (write.key() == DualWrite.ORDER_ID) {
            return context.orderId().orElseThrow(() -> new IllegalStateException("Method " + method.getName()
                    + " takes its key from the context's order id, but " + context + " has none"));
        }
        Object key = args == null ? null : args[write.key()];
        if (key == null) {
            throw new IllegalArgumentException("Key argument " + write.key() + " of " + method.getName()
                    + " must not be null");
        }
        return String.valueOf(key);
    }

    private static @Nullable Object call(Object target, Method method, @Nullable Object @Nullable [] args)
            throws Throwable {
        return io.dualwrite.internal.Reflect.invoke(target, method, args);
    }

    /** How one method is routed: a write with its annotation, or a read ({@code write} null). */
    private record Route(Method method, @Nullable DualWrite write) {
    }

    private static boolean isObjectMethod(Method method) {
        String name = method.getName();
        int count = method.getParameterCount();
        return (name.equals("equals") && count == 1 && method.getParameterTypes()[0] == Object.class)
                || (name.equals("hashCode") && count == 0)
                || (name.equals("toString") && count == 0);
    }
}
