package io.dualwrite.internal;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Reflective calls on the hot path of dualwrite's proxies. {@link Method#invoke} and {@code
 * Constructor#newInstance} check the caller's access on every call unless the member was made accessible, and
 * that check walks the stack to find the caller ({@code Reflection.getCallerClass}): in a profile of an {@code
 * OLD_ONLY} H2 insert through the data source, 6 % of the caller's CPU. The members these proxies call are public
 * members of public JDBC and MyBatis interfaces, so making them accessible grants nothing new.
 */
public final class Reflect {

    private Reflect() {
    }

    /**
     * Makes {@code member} skip the per-call access check, if the module system lets it (else it keeps it). Cheap
     * after the first call for the same object: the flag is read, not set again.
     *
     * @return {@code member}
     */
    @SuppressWarnings("deprecation") // isAccessible reads the flag; canAccess would do the stack walk this avoids
    public static <T extends AccessibleObject> T accessible(T member) {
        if (!member.isAccessible()) {
            member.trySetAccessible();
        }
        return member;
    }

    /**
     * {@code method.invoke(target, args)} without the per-call access check; the method's own exception is thrown
     * as it was (not wrapped in {@link InvocationTargetException}).
     *
     * @throws Throwable what the method threw, or the reflective failure
     */
    public static @Nullable Object invoke(Object target, Method method, @Nullable Object @Nullable [] args)
            throws Throwable {
        try {
            return accessible(method).invoke(target, args);
        } catch (InvocationTargetException thrown) {
            throw thrown.getCause() == null ? thrown : thrown.getCause();
        }
    }
}
