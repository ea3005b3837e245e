package io.dualwrite.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that reads. It is never mirrored. It is read by two kinds of caller:
 *
 * <ul>
 *   <li>{@code io.dualwrite.DualWriter#proxy}, which runs the method on the store the phase reads from, under the
 *       {@link io.dualwrite.MigrationContext} open on the calling thread. It uses none of the elements.</li>
 *   <li>The Spring Boot starter's aspect, for a method of a Spring bean reading through a
 *       {@code DualWriteDataSource}. It opens the call's context like {@link DualWrite} does ({@link #migration()},
 *       {@link #orderId()}, {@link #merchantId()}, or parameters marked {@link OrderId} / {@link MerchantId}; an
 *       open context wins), and the caller gets the result of the store the phase reads from. In
 *       {@code SHADOW_READ} and {@code NEW_PRIMARY}, on a sample of calls (the migration's shadow-read rate), the
 *       method runs once more off the caller's thread with its reads routed to the other store, and the two
 *       results are compared by {@link #comparator()}; a mismatch, an error or a dropped sample is counted and
 *       logged, never seen by the caller. With {@link #merge()}, a list read runs on both stores and each row
 *       is taken from the store authoritative for it.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DualRead {

    /** As {@link DualWrite#migration()}: default the only migration configured. */
    String migration() default "";

    /** As {@link DualWrite#orderId()}: a SpEL expression over the arguments; default the {@link OrderId} parameter. */
    String orderId() default "";

    /** As {@link DualWrite#merchantId()}: a SpEL expression over the arguments; default the {@link MerchantId} parameter. */
    String merchantId() default "";

    /** Whether sampled calls in {@code SHADOW_READ} and {@code NEW_PRIMARY} are shadow-read and compared. Default true. */
    boolean shadowReads() default true;

    /**
     * How a shadow read is compared with the read the caller got. Default {@link ShadowReadComparator.Equality}
     * ({@code Objects.equals}).
     */
    Class<? extends ShadowReadComparator> comparator() default ShadowReadComparator.Equality.class;

    /**
     * Whether the method is a list read merged across stores, for a list that spans merchants (or orders) in
     * different phases: the method runs on the old store and on the new store (on the caller's thread, one after
     * the other), the rows of both results are matched by {@link #rowKey()}, and each row is taken from the store
     * its own phase (from {@link #rowMerchantId()} and {@link #rowOrderId()}) reads from; a row that store does not
     * hold is left out. The result keeps the old store's order, followed by the rows only the new store holds, in
     * its order. The method must return a {@code List}, {@code Collection} or {@code Iterable}; a merged read is
     * not shadow-read. Default false.
     */
    boolean merge() default false;

    /**
     * For {@link #merge()}: a row's key, as a bean property name of the row (e.g. {@code "id"}) or a SpEL
     * expression on the row (e.g. {@code "#row.id + ':' + #row.lineNo"}, the row as {@code #row} and as the
     * root object). Required with {@link #merge()}.
     */
    String rowKey() default "";

    /**
     * For {@link #merge()}: a row's merchant id, as a property name or SpEL expression on the row (as
     * {@link #rowKey()}). At least one of this and {@link #rowOrderId()} is required with {@link #merge()}.
     */
    String rowMerchantId() default "";

    /** For {@link #merge()}: a row's order id, as a property name or SpEL expression on the row. Default none. */
    String rowOrderId() default "";
}
