package io.dualwrite.annotation;

import io.dualwrite.changelog.Operation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that writes. It is read by two kinds of caller:
 *
 * <ul>
 *   <li>{@code io.dualwrite.DualWriter#proxy} and the MyBatis {@code DualWriteMappers}, which run the method on
 *       the store the phase makes authoritative and mirror the one row it writes to the other store. They
 *       require {@link #table()} and use {@link #key()} and {@link #operation()}; the phase comes from the
 *       {@link io.dualwrite.MigrationContext} open on the calling thread.</li>
 *   <li>The Spring Boot starter's aspect, for a method of a Spring bean (typically a repository writing
 *       through a {@code DualWriteDataSource}): it opens the {@link io.dualwrite.MigrationContext} of the call
 *       from {@link #migration()}, {@link #orderId()} and {@link #merchantId()} (or parameters marked
 *       {@link OrderId} / {@link MerchantId}), so that the data source routes and mirrors the call's writes by
 *       that order's and merchant's phase. A context already open when the method is called wins. The data
 *       source finds the rows itself: the aspect does not use {@link #table()}, {@link #key()} or
 *       {@link #operation()}.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DualWrite {

    /** {@link #key()} value meaning "the key is the current context's order id". */
    int ORDER_ID = -1;

    /**
     * The table the method writes, by its old-store name (recorded in the change log). Required, non-blank, by
     * {@code DualWriter#proxy} and {@code DualWriteMappers}; the Spring aspect does not use it. Default: none
     * ({@code ""}).
     */
    String table() default "";

    /**
     * The index (0-based) of the argument holding the row's primary key, whose {@code String.valueOf} is
     * recorded; {@link #ORDER_ID} (the default) takes the current context's order id instead. Used by
     * {@code DualWriter#proxy} and {@code DualWriteMappers}.
     */
    int key() default ORDER_ID;

    /** What the method does to the row. Used by {@code DualWriter#proxy} and {@code DualWriteMappers}. */
    Operation operation() default Operation.UPSERT;

    /**
     * The migration whose context the Spring aspect opens. Default ({@code ""}): the only migration configured;
     * with several configured, naming one is required (a start-up error otherwise).
     */
    String migration() default "";

    /**
     * A SpEL expression over the method's arguments giving the order id, e.g. {@code "#order.id"} (arguments by
     * parameter name, or as {@code #p0}, {@code #a0}); its value's {@code toString()} is the id, {@code null} or
     * blank meaning none. Default ({@code ""}): the parameter marked {@link OrderId}, else no order id. Parsed at
     * start-up (a bad expression fails it, naming the method and the expression); used by the Spring aspect.
     */
    String orderId() default "";

    /**
     * A SpEL expression over the method's arguments giving the merchant id, e.g. {@code "#order.merchantNo"}; as
     * {@link #orderId()}. Default ({@code ""}): the parameter marked {@link MerchantId}, else no merchant id.
     */
    String merchantId() default "";
}
