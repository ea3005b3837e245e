package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.switches.Switchboard;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/**
 * A repository compiled without {@code -parameters} (a plain Maven build without Spring Boot's parent POM):
 * {@code @DualWrite(merchantId = "#merchantId")} used to evaluate to null on every call, so every write ran
 * unattributed without a word. Building the plan now fails, naming the method and the fix; positional
 * variables still work.
 */
class ParameterNamesTest {

    private static final String SOURCE = """
            package nameless;

            import io.dualwrite.annotation.DualWrite;

            public class NamelessRepository {
                @DualWrite(merchantId = "#merchantId")
                public void save(String merchantId, long id) {
                }

                @DualWrite(merchantId = "#p0", orderId = "#root[1]")
                public void savePositional(String merchantId, long id) {
                }
            }
            """;

    @Test
    void aNamedVariableOfAMethodWithoutParameterNamesFailsThePlanAndPositionalOnesWork(@TempDir Path dir)
            throws Exception {
        Path source = dir.resolve("nameless/NamelessRepository.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String annotations = Path.of(DualWrite.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        int status = javac.run(null, null, null, "-classpath", annotations, "-d", dir.toString(), source.toString());
        assertThat(status).isZero();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ParameterNamesTest.class.getClassLoader())) {
            Class<?> repository = loader.loadClass("nameless.NamelessRepository");
            Method save = repository.getMethod("save", String.class, long.class);
            Method positional = repository.getMethod("savePositional", String.class, long.class);
            assertThat(save.getParameters()[0].isNamePresent()).isFalse();
            CallPlans plans = new CallPlans(DualWrite.class,
                    new DefaultListableBeanFactory().getBeanProvider(Switchboard.class));

            assertThatThrownBy(() -> plans.plan(save, repository)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("@DualWrite merchantId of NamelessRepository.save is '#merchantId'")
                    .hasMessageContaining("#merchantId would be null on every call")
                    .hasMessageContaining("compile with -parameters");
            assertThat(plans.plan(positional, repository)).isNotNull();
        }
        assertThat(List.of(new File(dir.toFile(), "nameless").list())).contains("NamelessRepository.class");
    }
}
