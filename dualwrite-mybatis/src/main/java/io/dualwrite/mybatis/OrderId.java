package io.dualwrite.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the field of a mapper parameter type that holds the order id: {@link MigrationContextInterceptor}
 * reads it (its {@code toString()}) when no property path of {@link ContextRules} found one. Fields of
 * superclasses count; the field is read as MyBatis reads the property of that name (its getter when there is one,
 * so a subclass proxy gives its target's value), else directly. A primitive field holding 0 gives no id: it is a
 * key not set yet.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OrderId {
}
