package io.dualwrite.annotation;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a shadow read agrees with the read the caller got: named by {@link DualRead#comparator()} and
 * called by the Spring Boot starter's aspect off the caller's thread, once per sampled read, with the two
 * results of one method call. Implementations need a public no-argument constructor, or are Spring beans of
 * that class (the bean is used when there is exactly one), and must be thread-safe.
 *
 * <p>The comparator sees the caller's result object itself: a caller that changes it before the comparison
 * runs can make a read look different. A comparator that throws counts the sample as an error, never as a
 * mismatch.
 */
@FunctionalInterface
public interface ShadowReadComparator {

    /**
     * Whether the two results agree.
     *
     * @param served the result the caller got, from the store the phase reads from
     * @param shadow the result of the same call with its reads routed to the other store
     */
    boolean matches(@Nullable Object served, @Nullable Object shadow);

    /** The default: {@link Objects#equals} (so lists compare element by element, in order). */
    final class Equality implements ShadowReadComparator {

        /** The comparator; stateless. */
        public Equality() {
        }

        @Override
        public boolean matches(@Nullable Object served, @Nullable Object shadow) {
            return Objects.equals(served, shadow);
        }
    }
}
