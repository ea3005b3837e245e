package io.dualwrite.mapping;

import org.jspecify.annotations.Nullable;

/**
 * Converts one column's value between its old-store and new-store form (e.g. encrypts a field, turns a
 * 0/1 flag into a boolean). Called on whatever thread runs the copy (a mirror or the reconciler); must
 * be thread-safe and should not block.
 */
public interface ValueTransformer {

    /** The value as the new store holds it. */
    @Nullable Object toNew(@Nullable Object oldValue);

    /**
     * The value as the old store holds it; needed when writes are mirrored back (phase
     * {@code NEW_PRIMARY}) and when reads are served from the new store.
     *
     * @throws UnsupportedOperationException when the transformation is one-way (the default)
     */
    default @Nullable Object toOld(@Nullable Object newValue) {
        throw new UnsupportedOperationException("this transformer is one-way (old to new)");
    }

    /** A transformer from two functions. */
    static ValueTransformer of(java.util.function.Function<@Nullable Object, @Nullable Object> toNew,
                               java.util.function.Function<@Nullable Object, @Nullable Object> toOld) {
        return new ValueTransformer() {
            @Override
            public @Nullable Object toNew(@Nullable Object oldValue) {
                return toNew.apply(oldValue);
            }

            @Override
            public @Nullable Object toOld(@Nullable Object newValue) {
                return toOld.apply(newValue);
            }
        };
    }
}
