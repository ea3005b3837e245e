package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.internal.EditDistance;
import io.dualwrite.spring.jobs.DualWriteJobProperties;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Refuses a {@code dualwrite.*} property name that {@link DualWriteProperties} (or {@link DualWriteJobProperties}
 * under {@code dualwrite.job.}) does not know. Spring Boot ignores such a name when it binds, so a misspelt key
 * ({@code dualwrite.migrations.orders.tables.orders.new-tabel=orders_v2}, {@code …merchnts.m-1=DUAL_WRITE},
 * {@code dualwrite.mirror.tme-limit=5s}) started an application doing something else than it says, without a word:
 * the table mirrored into a table of its old name, the merchant left in {@code OLD_ONLY}, the default limit. The
 * names are read from the types, so a property added later is known. The failure names the property, the unknown
 * part of its name, the names allowed there (and the nearest one) and never the property's value, which may be a
 * password. Names from environment variables are not checked: their form ({@code DUALWRITE_…}) is too coarse to
 * tell a misspelling from a variable of another tool; but a merchant or order switch set by one is refused, since
 * its id cannot be spelt in a variable's name.
 */
final class UnknownProperties {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("dualwrite");
    private static final ConfigurationPropertyName JOB = ConfigurationPropertyName.of("dualwrite.job");

    private UnknownProperties() {
    }

    /**
     * @throws InvalidDualWritePropertyException naming the first unknown property (in name order), the part of its
     *                                           name that is unknown, the names allowed there and the fix
     */
    static void check(Environment environment) {
        Map<String, ConfigurationPropertyName> names = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
                if (source instanceof IterableConfigurationPropertySource iterable) {
                    iterable.filter(ROOT::isAncestorOf).forEach(name -> refuseSwitchIdFromVariable(source, name));
                    refuseListInTwoFormsOfVariables(iterable);
                }
                continue;
            }
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.filter(ROOT::isAncestorOf).forEach(name -> names.putIfAbsent(name.toString(), name));
            }
        }
        if (environment instanceof ConfigurableEnvironment configurable) {
            refuseCollisions(configurable);
            refuseListInTwoForms(configurable);
        }
        for (ConfigurationPropertyName name : names.values()) {
            if (name.equals(JOB)) {
                continue; // the job's name, read from the environment
            }
            if (JOB.isAncestorOf(name)) {
                refuseUnknown(name, 2, DualWriteJobProperties.class);
            } else {
                refuseUnknown(name, 1, DualWriteProperties.class);
            }
        }
    }

    /**
     * Refuses a merchant or order switch set by an environment variable
     * ({@code DUALWRITE_MIGRATIONS_ORDERS_MERCHANTS_M_1=DUAL_WRITE}). Spring Boot binds the part of the variable's name
     * after {@code MERCHANTS_} as the id in lower case with each {@code _} read as a dot, so that variable switched
     * merchant {@code m.1}, and {@code …_MERCHANTS_ACME} merchant {@code acme}: a merchant {@code M_1}, {@code m-1} or
     * {@code ACME} kept the system's phase without a word. An id's case and separators cannot be written in a
     * variable's name, so every such variable is refused, naming the id it would have switched.
     */
    private static void refuseSwitchIdFromVariable(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        if (name.getNumberOfElements() < 5
                || !name.getElement(1, ConfigurationPropertyName.Form.UNIFORM).equals("migrations")) {
            return;
        }
        String kind = name.getElement(3, ConfigurationPropertyName.Form.UNIFORM);
        if (!kind.equals("merchants") && !kind.equals("orders")) {
            return;
        }
        StringBuilder id = new StringBuilder();
        for (int i = 4; i < name.getNumberOfElements(); i++) {
            id.append(i == 4 ? "" : ".").append(name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL));
        }
        org.springframework.boot.context.properties.source.ConfigurationProperty property =
                source.getConfigurationProperty(name);
        org.springframework.boot.origin.Origin origin = property == null ? null : property.getOrigin();
        String variable = origin instanceof org.springframework.boot.origin.SystemEnvironmentOrigin environmentOrigin
                ? environmentOrigin.getProperty()
                : origin instanceof org.springframework.boot.origin.PropertySourceOrigin sourceOrigin
                ? sourceOrigin.getPropertyName() : name.toString();
        String migration = name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL);
        String single = kind.equals("merchants") ? "merchant" : "order";
        throw new InvalidDualWritePropertyException(variable, id,
                "a " + single + " switch whose id keeps its spelling; from an environment variable Spring Boot binds"
                        + " the id in lower case with each '_' read as '.', so this variable switches " + single
                        + " '" + id + "'",
                "Remove the variable and set the switch where the id is written as it is: in brackets in the"
                        + " application's properties (dualwrite.migrations." + migration + "." + kind
                        + "[<id>]=<phase>), in SPRING_APPLICATION_JSON, or through the dualwrite endpoint.");
    }

    /**
     * Refuses two spellings Spring Boot takes for one name ({@code merchants.m_1} and {@code merchants.m1}: outside
     * brackets it ignores {@code _} and case) that are given different values. Boot binds both map keys, each with
     * the value of whichever source or line wins, so one merchant (or order, or table) silently got the other's
     * phase. Named without the values.
     */
    private static void refuseCollisions(ConfigurableEnvironment environment) {
        Map<String, String> written = new TreeMap<>(); // as written in its source, to the value of the first source
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> enumerable
                    && !(source instanceof SystemEnvironmentPropertySource)) {
                for (String name : enumerable.getPropertyNames()) {
                    if (name.startsWith("dualwrite.") && !written.containsKey(name)) {
                        written.put(name, String.valueOf(enumerable.getProperty(name)));
                    }
                }
            }
        }
        Map<String, String> first = new java.util.HashMap<>();
        for (Map.Entry<String, String> each : written.entrySet()) {
            String other = first.putIfAbsent(relaxed(each.getKey()), each.getKey());
            if (other != null && !other.equals(each.getKey()) && !written.get(other).equals(each.getValue())) {
                String bracketed = bracketed(other);
                throw new InvalidDualWritePropertyException(other, each.getKey(),
                        "a name Spring Boot tells apart from " + each.getKey() + " (outside brackets it ignores '_'"
                                + " and case, so the two are one property and both got one of the two values)",
                        "Write each key that holds '_', upper case or a dot in brackets, e.g. " + bracketed
                                + ", or remove one of the two properties.");
            }
        }
        // a key in brackets and the same key after a dot (merchants[m-1] and merchants.m-1) are one map entry too,
        // which the relaxed form above keeps apart; Boot kept one of the two values without a word
        Map<String, String> sameKey = new java.util.HashMap<>();
        for (Map.Entry<String, String> each : written.entrySet()) {
            String other = sameKey.putIfAbsent(unbracketed(each.getKey()), each.getKey());
            if (other != null && !other.equals(each.getKey()) && !written.get(other).equals(each.getValue())) {
                throw new InvalidDualWritePropertyException(other, each.getKey(),
                        "a name Spring Boot binds to the same entry as " + each.getKey() + " (a key in brackets and"
                                + " the same key after a dot are one map entry, which keeps one of the two values)",
                        "Remove one of the two properties.");
            }
        }
    }

    /**
     * Refuses a list written in one source both as one value and by index ({@code merchant-id-paths=shopNo} beside
     * {@code merchant-id-paths[0]=merchantNo}, in any relaxed spelling) when the two forms hold different lists. Spring
     * Boot binds a list from one source and, in a source holding both forms, from the single value alone: the indexed
     * elements were ignored without a word. Across sources the first source's list wins whole, as Boot documents for
     * overriding a list, and is not refused. Named without the values.
     */
    private static void refuseListInTwoForms(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable)
                    || source instanceof SystemEnvironmentPropertySource) {
                continue;
            }
            Map<String, String> whole = new TreeMap<>(); // relaxed name -> name as written, of every dualwrite name
            for (String name : enumerable.getPropertyNames()) {
                if (name.startsWith("dualwrite.")) {
                    whole.putIfAbsent(relaxed(name), name);
                }
            }
            Map<String, java.util.SortedMap<Integer, String>> indexed = new TreeMap<>(); // list -> index -> value
            Map<String, String> firstIndexed = new TreeMap<>();
            for (String name : enumerable.getPropertyNames()) {
                java.util.regex.Matcher element = LIST_ELEMENT.matcher(name);
                if (!name.startsWith("dualwrite.") || !element.matches()) {
                    continue;
                }
                String list = relaxed(element.group(1));
                if (!whole.containsKey(list)) {
                    continue;
                }
                firstIndexed.putIfAbsent(list, name);
                // an element's own properties (statements[0].id) beside a single value never make one list
                // compared as Boot binds them, placeholders resolved (merchant-id-paths=${PATHS})
                String value = element.group(3).isEmpty()
                        ? environment.resolvePlaceholders(String.valueOf(enumerable.getProperty(name))).strip() : null;
                indexed.computeIfAbsent(list, k -> new java.util.TreeMap<>()).put(
                        value == null ? -1 : Integer.parseInt(element.group(2)), value);
            }
            for (Map.Entry<String, java.util.SortedMap<Integer, String>> each : indexed.entrySet()) {
                String wholeName = whole.get(each.getKey());
                if (!sameList(environment.resolvePlaceholders(String.valueOf(enumerable.getProperty(wholeName))),
                        each.getValue())) {
                    throw new InvalidDualWritePropertyException(wholeName, firstIndexed.get(each.getKey()),
                            "one list written in one form: Spring Boot binds it from " + wholeName + " alone and"
                                    + " ignores the elements written by index, such as "
                                    + firstIndexed.get(each.getKey()),
                            "Write the list in one form: either " + wholeName + "=<a>,<b> or " + wholeName
                                    + "[0]=<a> and " + wholeName + "[1]=<b>; remove the other properties.");
                }
            }
        }
    }

    /**
     * The same refusal as {@link #refuseListInTwoForms} for environment variables, which Spring Boot binds the same
     * way: {@code DUALWRITE_MYBATIS_MERCHANTIDPATHS=shopNo} beside {@code DUALWRITE_MYBATIS_MERCHANTIDPATHS_0_=merchantNo}
     * started with the paths {@code [shopNo]}, the element ignored without a word. The variables are read through
     * Boot's own mapping of their names, and named as written, never with their values.
     */
    private static void refuseListInTwoFormsOfVariables(IterableConfigurationPropertySource source) {
        Map<ConfigurationPropertyName, java.util.SortedMap<Integer, String>> indexed = new java.util.HashMap<>();
        Map<ConfigurationPropertyName, String> firstIndexed = new java.util.HashMap<>();
        source.filter(ROOT::isAncestorOf).forEach(name -> {
            for (int i = 1; i < name.getNumberOfElements(); i++) {
                if (!name.isNumericIndex(i)) {
                    continue;
                }
                ConfigurationPropertyName list = name.chop(i);
                if (source.getConfigurationProperty(list) != null) {
                    firstIndexed.merge(list, variableOf(source, name), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    // an element's own properties (STATEMENTS_0_ID) beside a single value never make one list
                    var property = source.getConfigurationProperty(name);
                    boolean plain = i == name.getNumberOfElements() - 1 && property != null;
                    indexed.computeIfAbsent(list, k -> new TreeMap<>()).put(
                            plain ? Integer.parseInt(name.getElement(i, ConfigurationPropertyName.Form.UNIFORM)) : -1,
                            plain ? String.valueOf(property.getValue()).strip() : null);
                }
                break;
            }
        });
        for (Map.Entry<ConfigurationPropertyName, java.util.SortedMap<Integer, String>> each : indexed.entrySet()) {
            var whole = source.getConfigurationProperty(each.getKey());
            if (whole == null || !sameList(whole.getValue(), each.getValue())) {
                String wholeName = variableOf(source, each.getKey());
                String element = firstIndexed.get(each.getKey());
                throw new InvalidDualWritePropertyException(wholeName, element,
                        "one list written in one form: Spring Boot binds it from " + wholeName + " alone and"
                                + " ignores the elements written by index, such as " + element,
                        "Write the list in one form: either " + wholeName + "=<a>,<b> or " + wholeName + "_0_=<a>"
                                + " and " + wholeName + "_1_=<b>; remove the other variables.");
            }
        }
    }

    /**
     * Whether a list's single value (comma-separated, as Boot splits it) and its elements by index (index to value;
     * -1 for an element with properties of its own) are one list: the same values at indexes 0 to n - 1.
     */
    private static boolean sameList(@Nullable Object singleValue, java.util.SortedMap<Integer, String> elements) {
        List<String> single = Arrays.stream(org.springframework.util.StringUtils
                .commaDelimitedListToStringArray(String.valueOf(singleValue))).map(String::strip).toList();
        return !elements.containsKey(-1) && elements.size() == single.size() && elements.lastKey() == single.size() - 1
                && new java.util.ArrayList<>(elements.values()).equals(single);
    }

    /** The environment variable Spring Boot mapped to {@code name}, as written; the name itself if it cannot tell. */
    private static String variableOf(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        var property = source.getConfigurationProperty(name);
        org.springframework.boot.origin.Origin origin = property == null ? null : property.getOrigin();
        return origin instanceof org.springframework.boot.origin.SystemEnvironmentOrigin environmentOrigin
                ? environmentOrigin.getProperty()
                : origin instanceof org.springframework.boot.origin.PropertySourceOrigin sourceOrigin
                ? sourceOrigin.getPropertyName() : name.toString();
    }

    /** A list element's name: the list, the index, and what follows the index (empty for a plain element). */
    private static final java.util.regex.Pattern LIST_ELEMENT =
            java.util.regex.Pattern.compile("(.+?)\\[(\\d{1,9})\\](.*)");

    /** The name with each key in brackets written after a dot instead, as Spring Boot binds a map's key. */
    private static String unbracketed(String name) {
        return name.replace("[", ".").replace("]", "");
    }

    /** The name as relaxed binding compares it: outside brackets, only its letters and digits, in lower case. */
    private static String relaxed(String name) {
        StringBuilder relaxed = new StringBuilder();
        boolean bracketed = false;
        for (char c : name.toCharArray()) {
            if (c == '[' || c == ']') {
                bracketed = c == '[';
                relaxed.append(c);
            } else if (bracketed || c == '.' || Character.isLetterOrDigit(c)) {
                relaxed.append(bracketed ? c : Character.toLowerCase(c));
            }
        }
        return relaxed.toString();
    }

    /** The name with its last part in brackets, as the fix to show. */
    private static String bracketed(String written) {
        int dot = written.lastIndexOf('.');
        return dot < 0 || written.endsWith("]") ? written
                : written.substring(0, dot) + "[" + written.substring(dot + 1) + "]";
    }

    private static void refuseUnknown(ConfigurationPropertyName name, int from, Class<?> root) {
        ResolvableType type = ResolvableType.forClass(root);
        for (int i = from; i < name.getNumberOfElements(); i++) {
            Class<?> current = type.resolve();
            if (current == null) {
                return; // nothing to tell it by
            }
            if (Map.class.isAssignableFrom(current)) {
                ResolvableType value = type.asMap().getGeneric(1);
                if (!isPropertyGroup(value.resolve())) {
                    return; // the rest of the name is the key: Boot binds a dotted key of a map of values whole
                }
                type = value;
            } else if (Collection.class.isAssignableFrom(current) || current.isArray()) {
                if (!name.isNumericIndex(i)) {
                    String list = name.chop(i).toString();
                    throw refusal(name, i, "an index after " + list + ", such as " + list + "[0]", null);
                }
                type = current.isArray() ? type.getComponentType() : type.asCollection().getGeneric(0);
            } else if (!isPropertyGroup(current)) {
                throw refusal(name, i, "nothing after " + name.chop(i) + ", which takes a value", null);
            } else {
                String element = name.getElement(i, ConfigurationPropertyName.Form.UNIFORM);
                PropertyDescriptor property = Arrays.stream(BeanUtils.getPropertyDescriptors(current))
                        .filter(candidate -> candidate.getReadMethod() != null
                                && !candidate.getName().equals("class")
                                && uniform(candidate.getName()).equals(element))
                        .findFirst().orElse(null);
                if (property == null) {
                    List<String> known = Arrays.stream(BeanUtils.getPropertyDescriptors(current))
                            .filter(candidate -> candidate.getReadMethod() != null
                                    && !candidate.getName().equals("class"))
                            .map(candidate -> dashed(candidate.getName())).toList();
                    throw refusal(name, i, "one of " + known + " after " + name.chop(i),
                            nearest(name.getElement(i, ConfigurationPropertyName.Form.DASHED), known));
                }
                Method getter = property.getReadMethod();
                type = ResolvableType.forMethodReturnType(getter);
            }
        }
    }

    private static InvalidDualWritePropertyException refusal(ConfigurationPropertyName name, int element,
                                                             String allowed, @Nullable String nearest) {
        String written = name.getElement(element, ConfigurationPropertyName.Form.ORIGINAL);
        String fix = (nearest == null ? "Correct the name of " + name
                : "Did you mean " + name.chop(element).append(nearest) + "? Correct the name of " + name)
                + ", or remove it: dualwrite does not know it, and Spring Boot would ignore it without a word "
                + "(the properties are listed in the dualwrite Spring Boot reference).";
        return new InvalidDualWritePropertyException(name.toString(), written, allowed, fix);
    }

    private static boolean isPropertyGroup(@Nullable Class<?> type) {
        return type != null && !type.isEnum() && type.getName().startsWith("io.dualwrite.");
    }

    private static String uniform(String javaName) {
        return javaName.toLowerCase(Locale.ROOT);
    }

    private static String dashed(String javaName) {
        StringBuilder dashed = new StringBuilder();
        for (char c : javaName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                dashed.append('-').append(Character.toLowerCase(c));
            } else {
                dashed.append(c);
            }
        }
        return dashed.toString();
    }

    /** The known name nearest to {@code written} by edit distance, when near enough to be a slip; else null. */
    private static @Nullable String nearest(String written, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = written.toLowerCase(Locale.ROOT);
        for (String candidate : known) {
            if (candidate.startsWith(lower + "-")) {
                return candidate; // a name cut short: window for window-size
            }
            int distance = EditDistance.between(lower, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, best.length() / 3) ? best : null;
    }
}
