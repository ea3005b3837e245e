package io.dualwrite.mybatis;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import org.apache.ibatis.type.TypeHandler;
import org.jspecify.annotations.Nullable;

/**
 * The value a MyBatis {@link TypeHandler} binds for a Java value: what a column written from it holds (an enum's
 * {@code name()} by default, its ordinal under {@code EnumOrdinalTypeHandler}, a value object's text under its
 * own handler), not the value's {@code toString()}. Read by letting the handler bind to a statement that only
 * records the value.
 */
final class BoundValue {

    private BoundValue() {
    }

    /** The value {@code handler} binds for {@code value}, or null when it binds none this can record. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static @Nullable Object of(TypeHandler handler, Object value) {
        Object[] bound = new Object[1];
        PreparedStatement recorder = (PreparedStatement) Proxy.newProxyInstance(BoundValue.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("set") && args != null && args.length >= 2
                            && args[0] instanceof Integer) {
                        bound[0] = args[1];
                        return null;
                    }
                    Class<?> type = method.getReturnType();
                    return type == boolean.class ? Boolean.FALSE : type == int.class ? 0 : type == long.class ? 0L
                            : null;
                });
        try {
            handler.setParameter(recorder, 1, value, null);
        } catch (Exception | LinkageError e) {
            return null; // a handler that needs more of a statement: the caller falls back to the value's text
        }
        return bound[0];
    }
}
