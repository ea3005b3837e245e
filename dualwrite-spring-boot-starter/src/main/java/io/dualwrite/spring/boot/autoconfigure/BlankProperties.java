package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.spring.jobs.DualWriteJobProperties;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Refuses a blank {@code dualwrite.*} value that Spring Boot would bind as nothing: a property whose type is no text,
 * list or map (a phase, a duration, a store kind, a mode, a whole number held in a wrapper) is converted from a
 * blank value to {@code null}, and the binder then leaves it unset, so the property kept its default without a word
 * ({@code dualwrite.jdbc.no-context-phase=}, {@code dualwrite.jdbc.lock-timeout=}, {@code dualwrite.job.rate=}),
 * or a bean the value selects was missing ({@code dualwrite.stores.switches=}). Which properties those are is read
 * from the types of {@link DualWriteProperties} and {@link DualWriteJobProperties}, so a property added later is
 * covered. A blank text (a user name, an added column's value), list or map keeps its meaning and its own checks;
 * a primitive is refused by Spring Boot itself; a name the property classes do not know is left to them. A duration
 * written as a bare number, which Boot reads as milliseconds, is refused the same way.
 */
final class BlankProperties {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("dualwrite");
    private static final ConfigurationPropertyName JOB = ConfigurationPropertyName.of("dualwrite.job");

    private BlankProperties() {
    }

    /**
     * @throws InvalidDualWritePropertyException naming the first such property (in name order), its blank value,
     *                                           what its type allows and the fix
     */
    static void check(Environment environment) {
        refuseDurationsWithoutUnit(environment);
        Set<String> blank = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(ROOT::isAncestorOf).forEach(name -> {
                    var property = iterable.getConfigurationProperty(name);
                    if (property != null && property.getValue() instanceof CharSequence text
                            && (text.toString().isBlank() || placeholder(text))) {
                        blank.add(name.toString());
                    }
                });
            }
        }
        Binder binder = Binder.get(environment);
        for (String text : blank) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(text);
            // the value that wins over every property source
            String value = binder.bind(name, Bindable.of(String.class)).orElse(null);
            if (value == null || !value.isBlank()) {
                continue;
            }
            Class<?> type = JOB.isAncestorOf(name) ? typeOf(name, 2, DualWriteJobProperties.class)
                    : typeOf(name, 1, DualWriteProperties.class);
            String allowed = type == null ? null : allowed(type);
            if (allowed != null) {
                throw new InvalidDualWritePropertyException(text, value, allowed,
                        "Set " + text + " to a value, or remove the property.");
            }
        }
    }

    /**
     * Whether a value as written holds a placeholder ({@code ${RECONCILE_EVERY}}, {@code ${LEASE:60}}): what it stands
     * for is known only once resolved, so its property is checked by the value that wins, resolved, like any other.
     */
    private static boolean placeholder(CharSequence text) {
        return text.toString().contains("${");
    }

    /** A whole number alone, as a duration without its unit is written. */
    private static final java.util.regex.Pattern BARE_NUMBER = java.util.regex.Pattern.compile("\\s*[+-]?\\d+\\s*");

    /**
     * Refuses a {@code dualwrite.*} duration written as a bare number ({@code dualwrite.reconciler.interval=5}): Spring
     * Boot reads it as milliseconds, so a reconciler meant to run every five seconds polled the change log 200 times a
     * second, a lease of {@code 60} let a claimed entry be claimed again after 60 ms, and a mirror time limit of
     * {@code 2} recorded nearly every mirror as timed out, all without a word. A zero means the same in every unit and
     * starts. Which properties are durations is read from the types, as for blank values.
     *
     * @throws InvalidDualWritePropertyException naming the first such property (in name order), its value, that a bare
     *                                           number is read as milliseconds, and the fix with either unit
     */
    private static void refuseDurationsWithoutUnit(Environment environment) {
        Set<String> bare = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(ROOT::isAncestorOf).forEach(name -> {
                    var property = iterable.getConfigurationProperty(name);
                    Object value = property == null ? null : property.getValue();
                    // a text as in a properties file, or a whole number as YAML gives it (interval: 5)
                    if (value instanceof CharSequence text ? BARE_NUMBER.matcher(text).matches() || placeholder(text)
                            : value instanceof Integer || value instanceof Long || value instanceof Short
                            || value instanceof java.math.BigInteger) {
                        bare.add(name.toString());
                    }
                });
            }
        }
        Binder binder = Binder.get(environment);
        for (String text : bare) {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(text);
            String value = binder.bind(name, Bindable.of(String.class)).orElse(null); // the value that wins
            if (value == null || !BARE_NUMBER.matcher(value).matches()
                    || new java.math.BigInteger(value.strip()).signum() == 0) {
                continue;
            }
            Class<?> type = JOB.isAncestorOf(name) ? typeOf(name, 2, DualWriteJobProperties.class)
                    : typeOf(name, 1, DualWriteProperties.class);
            if (type == Duration.class) {
                String number = value.strip().replace("+", "");
                String written = writtenName(environment, name);
                throw new InvalidDualWritePropertyException(written, value,
                        "a duration with its unit, such as 500ms, 5s or PT5S (a number without a unit is read as"
                                + " milliseconds)",
                        "Write the unit: " + written + "=" + number + "s for seconds, or " + written + "=" + number
                                + "ms if milliseconds are meant.");
            }
        }
    }

    /**
     * {@code name} as a properties source writes it ({@code dualwrite.reconciler.initialBackoff}), so that a refusal
     * names what the user wrote; its canonical form when no enumerable source holds it under another spelling (an
     * environment variable).
     */
    private static String writtenName(Environment environment, ConfigurationPropertyName name) {
        if (environment instanceof org.springframework.core.env.ConfigurableEnvironment configurable) {
            for (org.springframework.core.env.PropertySource<?> source : configurable.getPropertySources()) {
                if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> enumerable
                        && !(source instanceof org.springframework.core.env.SystemEnvironmentPropertySource)) {
                    for (String raw : enumerable.getPropertyNames()) {
                        try {
                            if (raw.startsWith("dualwrite.")
                                    && ConfigurationPropertyName.adapt(raw, '.').equals(name)) {
                                return raw;
                            }
                        } catch (RuntimeException unreadable) { // a name no property binds: not the one named
                            continue;
                        }
                    }
                }
            }
        }
        return name.toString();
    }

    /**
     * The type of the property {@code name} names from its element {@code from} on, starting at {@code root}; null
     * when the name is not one of its properties.
     */
    private static @Nullable Class<?> typeOf(ConfigurationPropertyName name, int from, Class<?> root) {
        ResolvableType type = ResolvableType.forClass(root);
        for (int i = from; i < name.getNumberOfElements(); i++) {
            Class<?> current = type.resolve();
            if (current == null) {
                return null;
            }
            if (Map.class.isAssignableFrom(current)) {
                type = type.asMap().getGeneric(1); // this element is the key
            } else if (Collection.class.isAssignableFrom(current)) {
                type = type.asCollection().getGeneric(0); // this element is the index
            } else if (current.isArray()) {
                type = type.getComponentType();
            } else {
                Method getter = getter(current, name.getElement(i, ConfigurationPropertyName.Form.UNIFORM));
                if (getter == null) {
                    return null;
                }
                type = ResolvableType.forMethodReturnType(getter);
            }
        }
        return type.resolve();
    }

    /** The getter of the property whose uniform name (lower case, no dashes) is {@code uniform}. */
    private static @Nullable Method getter(Class<?> type, String uniform) {
        if (!type.getName().startsWith("io.dualwrite.")) {
            return null;
        }
        return Arrays.stream(BeanUtils.getPropertyDescriptors(type))
                .filter(property -> property.getReadMethod() != null && !property.getName().equals("class")
                        && property.getName().toLowerCase(java.util.Locale.ROOT).equals(uniform))
                .map(java.beans.PropertyDescriptor::getReadMethod).findFirst().orElse(null);
    }

    /** What a property of {@code type} takes, when a blank value of it would be bound as nothing; else null. */
    private static @Nullable String allowed(Class<?> type) {
        if (type.isPrimitive() || CharSequence.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                || Collection.class.isAssignableFrom(type) || type.isArray()) {
            return null;
        }
        if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants());
        }
        if (type == Duration.class) {
            return "a duration such as 500ms, 2s or PT5S";
        }
        if (type == Integer.class || type == Long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        return "a value that is not blank";
    }
}
