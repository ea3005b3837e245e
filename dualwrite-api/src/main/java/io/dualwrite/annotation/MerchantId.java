package io.dualwrite.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link DualWrite} or {@link DualRead} method that holds the merchant id: the Spring
 * Boot starter's aspect opens the call's {@link io.dualwrite.MigrationContext} with the argument's
 * {@code toString()} as the merchant id ({@code null} or blank meaning none). An expression in
 * {@link DualWrite#merchantId()} / {@link DualRead#merchantId()} takes precedence; marking two parameters of
 * one method fails start-up.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface MerchantId {
}
