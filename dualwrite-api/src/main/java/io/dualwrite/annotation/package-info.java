/**
 * Annotations that say how a method takes part in a migration: {@link io.dualwrite.annotation.DualWrite} for
 * writes, {@link io.dualwrite.annotation.DualRead} for reads (with {@link
 * io.dualwrite.annotation.ShadowReadComparator} to compare shadow reads), and {@link
 * io.dualwrite.annotation.OrderId} / {@link io.dualwrite.annotation.MerchantId} on the parameters holding the
 * call's ids. Read by {@code DualWriter#proxy} and by the Spring Boot starter's aspects.
 */
@NullMarked
package io.dualwrite.annotation;

import org.jspecify.annotations.NullMarked;
