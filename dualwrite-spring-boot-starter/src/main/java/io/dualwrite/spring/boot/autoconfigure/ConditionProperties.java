package io.dualwrite.spring.boot.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.core.env.Environment;

/**
 * Refuses a value of a property that both an {@code @ConditionalOnProperty} of the starter and the binder read, when
 * the two read it differently. The condition compares the text as written (ignoring case only), the binder converts
 * it: {@code dualwrite.jdbc.enabled=off} (or {@code no}, {@code 0}, {@code "false "}) is bound as {@code false} while
 * the condition, which switches off only on {@code false}, kept the DataSource wrapped, the reconciler running or the
 * whole starter on, without a word; {@code dualwrite.stores.switches=jdbc } (a space left at the end of a line of a
 * properties file) is bound as {@code JDBC} while neither store's condition matches, and start-up failed on a missing
 * {@code SwitchStore} bean, naming no property. The value must be one the condition reads as the binder does.
 */
final class ConditionProperties {

    private static final List<String> BOOLEAN = List.of("true", "false");
    private static final List<String> STORE_KINDS = List.of("memory", "jdbc");

    /** Each property a condition of the starter reads, to the values it matches exactly as the binder binds them. */
    static final Map<String, List<String>> READ_BY_CONDITIONS = new TreeMap<>(Map.of(
            "dualwrite.enabled", BOOLEAN,
            "dualwrite.jdbc.enabled", BOOLEAN,
            "dualwrite.mybatis.enabled", BOOLEAN,
            "dualwrite.reconciler.enabled", BOOLEAN,
            "dualwrite.stores.switches", STORE_KINDS,
            "dualwrite.stores.pins", STORE_KINDS,
            "dualwrite.stores.change-log", STORE_KINDS));

    private ConditionProperties() {
    }

    /**
     * @throws InvalidDualWritePropertyException naming the first such property, its value, the values allowed and
     *                                           the fix
     */
    static void check(Environment environment) {
        READ_BY_CONDITIONS.forEach((property, allowed) -> {
            String value = environment.getProperty(property);
            if (value == null || value.isBlank()) {
                return; // absent: the default; blank: BlankProperties names it
            }
            if (allowed.stream().noneMatch(value::equalsIgnoreCase)) {
                String written = allowed.stream().filter(each -> each.equalsIgnoreCase(value.strip())).findFirst()
                        .orElse(null);
                throw new InvalidDualWritePropertyException(property, value,
                        String.join(" or ", allowed) + ", in any case and without spaces around it: the starter's"
                                + " condition reads the text as written, while Spring Boot would convert '" + value
                                + "' to a value the condition does not see",
                        written != null ? "Remove the spaces around the value: " + property + "=" + written + "."
                                : "Write " + property + "=" + allowed.get(0) + " or " + property + "="
                                        + allowed.get(1) + ".");
            }
        });
    }
}
