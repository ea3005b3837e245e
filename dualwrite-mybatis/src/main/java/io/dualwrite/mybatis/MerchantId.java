package io.dualwrite.mybatis;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the field of a mapper parameter type that holds the merchant id: {@link MigrationContextInterceptor}
 * reads it (its {@code toString()}) when no property path of {@link ContextRules} found one. Fields of
 * superclasses count; the field is read directly, without a getter.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface MerchantId {
}
