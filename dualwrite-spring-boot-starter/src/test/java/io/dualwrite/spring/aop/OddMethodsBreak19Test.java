package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationContext;
import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Nineteenth break review of the annotations: {@code @DualWrite} or {@code @DualRead} on a method a Spring AOP proxy
 * never intercepts (private, static, final) did nothing, and every call ran without its migration context, so its
 * writes followed the unattributed rule without a word. Such a method now fails start-up naming it and the fix;
 * protected and package-private methods, which a class proxy intercepts, keep working.
 */
class OddMethodsBreak19Test {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class);

    @AfterEach
    void tearDown() {
        stores.close();
    }

    /** A private annotated method, called from a public one of its bean. */
    static class PrivateWrite {
        public Optional<MigrationContext> save(String merchantId) {
            return write(merchantId);
        }

        @DualWrite
        private Optional<MigrationContext> write(@MerchantId String merchantId) {
            return MigrationContext.current();
        }
    }

    /** A static annotated method. */
    static class StaticWrite {
        @DualWrite
        public static Optional<MigrationContext> save(@MerchantId String merchantId) {
            return MigrationContext.current();
        }
    }

    /** A final annotated method, next to a public one that works (Spring stops asking at the first match). */
    static class FinalRead {
        @DualWrite
        public Optional<MigrationContext> save(@MerchantId String merchantId) {
            return MigrationContext.current();
        }

        @DualRead
        public final Optional<MigrationContext> find(@MerchantId String merchantId) {
            return MigrationContext.current();
        }
    }

    /** Methods a class proxy intercepts, and a public one called from its own object. */
    static class Intercepted {
        @DualWrite
        protected Optional<MigrationContext> saveProtected(@MerchantId String merchantId) {
            return MigrationContext.current();
        }

        @DualWrite
        Optional<MigrationContext> savePackagePrivate(@MerchantId String merchantId) {
            return MigrationContext.current();
        }

        @DualWrite
        public Optional<MigrationContext> save(@MerchantId String merchantId) {
            return MigrationContext.current();
        }

        public Optional<MigrationContext> saveFromItself(String merchantId) {
            return save(merchantId);
        }
    }

    @Test
    void aPrivateAnnotatedMethodFailsStartUpNamingItAndTheFix() {
        runner.withBean(PrivateWrite.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "@DualWrite on PrivateWrite.write has no effect: the method is private",
                    "make PrivateWrite.write public (or protected)", "call it through the bean");
        });
    }

    @Test
    void aStaticAnnotatedMethodFailsStartUp() {
        runner.withBean(StaticWrite.class).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("@DualWrite on StaticWrite.save has no effect: the method is static",
                        "make StaticWrite.save an instance method"));
    }

    @Test
    void aFinalAnnotatedMethodFailsStartUpAlsoNextToOneThatWorks() {
        runner.withBean(FinalRead.class).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("@DualRead on FinalRead.find has no effect: the method is final",
                        "remove final from FinalRead.find"));
    }

    @Test
    void protectedAndPackagePrivateMethodsOpenTheirContextAndACallFromTheSameObjectOpensNone() {
        runner.withBean(Intercepted.class).run(context -> {
            assertThat(context).hasNotFailed();
            Intercepted bean = context.getBean(Intercepted.class);
            MigrationContext expected = MigrationContext.forMigration("orders").merchantId("m-1").build();
            assertThat(bean.saveProtected("m-1")).contains(expected);
            assertThat(bean.savePackagePrivate("m-1")).contains(expected);
            assertThat(bean.save("m-1")).contains(expected);
            // the documented limit of Spring AOP: a call from the same object does not pass the proxy
            assertThat(bean.saveFromItself("m-1")).isEmpty();
        });
    }
}
