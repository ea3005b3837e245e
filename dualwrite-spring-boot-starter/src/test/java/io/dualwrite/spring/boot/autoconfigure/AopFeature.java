package io.dualwrite.spring.boot.autoconfigure;

/** Lets tests of other packages register the package-private annotations feature configuration. */
public final class AopFeature {

    /** {@code DualWriteAopConfiguration}, for {@code ApplicationContextRunner.withUserConfiguration}. */
    public static final Class<?> CONFIGURATION = DualWriteAopConfiguration.class;

    private AopFeature() {
    }
}
