package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ibatis.plugin.Intercepts;
import org.apache.ibatis.plugin.Signature;
import org.junit.jupiter.api.Test;

class ExecutorPluginTest {

    @Test
    void pluginInterceptsExactlyTheMethodsTheInterceptorDeclares() throws NoSuchMethodException {
        Intercepts declared = MigrationContextInterceptor.class.getAnnotation(Intercepts.class);
        Set<Method> methods = new java.util.HashSet<>();
        for (Signature signature : declared.value()) {
            methods.add(signature.type().getMethod(signature.method(), signature.args()));
        }

        assertThat(ExecutorPlugin.intercepted()).containsExactlyInAnyOrderElementsOf(methods);
        assertThat(Arrays.stream(declared.value()).map(Signature::type).collect(Collectors.toSet()))
                .containsExactly(org.apache.ibatis.executor.Executor.class);
    }
}
