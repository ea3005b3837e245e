package io.dualwrite.annotation;

import io.dualwrite.changelog.Operation;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that writes one row: it runs on the store the phase makes authoritative and is mirrored
 * to the other store (see {@code io.dualwrite.DualWriter#proxy}). The phase comes from the current
 * {@link io.dualwrite.MigrationContext}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DualWrite {

    /** {@link #key()} value meaning "the key is the current context's order id". */
    int ORDER_ID = -1;

    /** The table the method writes, by its old-store name (recorded in the change log). */
    String table();

    /**
     * The index (0-based) of the argument holding the row's primary key, whose {@code String.valueOf} is
     * recorded; {@link #ORDER_ID} (the default) takes the current context's order id instead.
     */
    int key() default ORDER_ID;

    /** What the method does to the row. */
    Operation operation() default Operation.UPSERT;
}
