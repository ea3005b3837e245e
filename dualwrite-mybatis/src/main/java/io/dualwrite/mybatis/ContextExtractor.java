package io.dualwrite.mybatis;

import io.dualwrite.MigrationContext;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ibatis.reflection.DefaultReflectorFactory;
import org.apache.ibatis.reflection.MetaObject;
import org.apache.ibatis.reflection.ReflectorFactory;
import org.apache.ibatis.reflection.SystemMetaObject;
import org.apache.ibatis.type.TypeHandlerRegistry;
import org.jspecify.annotations.Nullable;

/** Reads the order and merchant ids of one mapper call from its parameter object, as {@link ContextRules} say. */
final class ContextExtractor {

    /**
     * One reflector cache for every parameter object: {@code SystemMetaObject.forObject} makes a new one per call,
     * so each statement built a {@code Reflector} of its parameter's class again (about 40 KB and a scan of its
     * methods per insert, measured by the MyBatis benchmark).
     */
    private static final ReflectorFactory REFLECTORS = new DefaultReflectorFactory();

    /** A meta object of {@code value} over the shared reflector cache. */
    static MetaObject meta(Object value) {
        return MetaObject.forObject(value, SystemMetaObject.DEFAULT_OBJECT_FACTORY,
                SystemMetaObject.DEFAULT_OBJECT_WRAPPER_FACTORY, REFLECTORS);
    }

    /**
     * A row's property, also from a map row whose keys the database gave in another case ({@code ID}).
     *
     * @throws RuntimeException when a bean row has no such property (MyBatis' {@code ReflectionException})
     */
    static @Nullable Object property(Object row, String property) {
        if (row instanceof Map<?, ?> map && !map.containsKey(property)) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getKey() instanceof String name && name.equalsIgnoreCase(property)) {
                    return entry.getValue();
                }
            }
            return null;
        }
        return meta(row).getValue(property);
    }


    /** The ids found; either may be null. */
    record Ids(@Nullable String orderId, @Nullable String merchantId) {
        boolean any() {
            return orderId != null || merchantId != null;
        }
    }

    /** The annotated fields of one class (superclasses included). */
    private record AnnotatedFields(List<Field> orderIds, List<Field> merchantIds) {
        static final AnnotatedFields NONE = new AnnotatedFields(List.of(), List.of());
    }

    private final ContextRules rules;
    private final TypeHandlerRegistry simpleTypes;
    private final Map<Class<?>, AnnotatedFields> fields = new ConcurrentHashMap<>();
    /** Each configured path cut at its dots, once. */
    private final Map<String, String[]> segments = new ConcurrentHashMap<>();

    /** The statements' configuration, whose inline type handlers bind ids; null when the statements are not known. */
    private final org.apache.ibatis.session.@Nullable Configuration configuration;
    /** By statement id: the type handlers its static SQL names inline, by the property they bind. */
    private final Map<String, Map<String, org.apache.ibatis.type.TypeHandler<?>>> inlineHandlers =
            new ConcurrentHashMap<>();

    ContextExtractor(ContextRules rules, TypeHandlerRegistry simpleTypes) {
        this.rules = rules;
        this.simpleTypes = simpleTypes;
        this.configuration = null;
    }

    /** Reading ids also through the type handlers the statements of {@code configuration} name inline. */
    ContextExtractor(ContextRules rules, org.apache.ibatis.session.Configuration configuration) {
        this.rules = rules;
        this.simpleTypes = configuration.getTypeHandlerRegistry();
        this.configuration = configuration;
    }

    /** The context of a call, or null when its parameter holds neither id. */
    @Nullable MigrationContext contextFor(String statementId, @Nullable Object parameter) {
        return contextFor(statementId, parameter, new Rendered());
    }

    /**
     * {@link #contextFor(String, Object)}, keeping in {@code rendered} the call's SQL when reading the ids made it
     * ({@link Rendered#sql()}), so that MyBatis may run that SQL instead of making it again.
     */
    @Nullable MigrationContext contextFor(String statementId, @Nullable Object parameter, Rendered rendered) {
        Ids ids = idsOf(statementId, parameter, rendered);
        if (!ids.any()) {
            return null;
        }
        return MigrationContext.forMigration(rules.migration()).orderId(ids.orderId()).merchantId(ids.merchantId()).build();
    }

    Ids idsOf(String id, @Nullable Object parameter) {
        return idsOf(id, parameter, new Rendered());
    }

    private Ids idsOf(String id, @Nullable Object parameter, Rendered rendered) {
        if (parameter == null) {
            return new Ids(null, null);
        }
        String statementId = owner(id);
        Binds binds = binds(statementId);
        ContextRules.StatementPaths own = rules.statements().get(statementId);
        String orderId = own == null ? null : binds.through(this, rendered, statementId, parameter, own.orderIdPath(),
                asBound(rendered, statementId, parameter, own.orderIdPath(),
                        readOwn(statementId, parameter, own.orderIdPath())));
        String merchantId = own == null ? null : binds.through(this, rendered, statementId, parameter,
                own.merchantIdPath(), asBound(rendered, statementId, parameter, own.merchantIdPath(),
                        readOwn(statementId, parameter, own.merchantIdPath())));
        for (int i = 0; orderId == null && i < rules.orderIdPaths().size(); i++) {
            String path = rules.orderIdPaths().get(i);
            orderId = binds.through(this, rendered, statementId, parameter, path,
                    asBound(rendered, statementId, parameter, path, readArgument(statementId, parameter, path)));
        }
        for (int i = 0; merchantId == null && i < rules.merchantIdPaths().size(); i++) {
            String path = rules.merchantIdPaths().get(i);
            merchantId = binds.through(this, rendered, statementId, parameter, path,
                    asBound(rendered, statementId, parameter, path, readArgument(statementId, parameter, path)));
        }
        if (rules.annotations() && (orderId == null || merchantId == null) && mayHoldAnnotatedIds(parameter)) {
            List<Object> beans = beans(parameter);
            if (orderId == null) {
                orderId = single(annotated(beans, true, binds, rendered, statementId, parameter));
            }
            if (merchantId == null) {
                merchantId = single(annotated(beans, false, binds, rendered, statementId, parameter));
            }
        }
        return new Ids(orderId, merchantId);
    }

    /**
     * One {@code <bind>} of a statement (the name it binds and its expression), or one SQL literal of its text made by
     * {@code ${…}} substitutions (no name; the literal as its template), and the names its expressions read.
     */
    private record Bind(@Nullable String name, String expression, Set<String> reads) {
    }

    /** The statement's SQL as MyBatis makes it for this call's parameter, made at most once per call. */
    static final class Rendered {
        private org.apache.ibatis.mapping.@Nullable BoundSql sql;
        private boolean failed;

        /** The call's SQL, when reading the ids made it; null when they were read without it. */
        org.apache.ibatis.mapping.@Nullable BoundSql sql() {
            return sql;
        }
    }

    /**
     * The {@code <bind>} elements of a statement's dynamic SQL. A property such a bind reads may reach the id column
     * only as the bind's value ({@code <bind name="m" value="merchantNo.trim()"/>} then {@code #{m}}), which the
     * parameter's property does not tell: read from the property, the id was {@code " m-1 "} where the column holds
     * {@code m-1}, whom the switches name, and a mirrored merchant's rows were written under no one's phase (never
     * copied, unrecorded), or a merchant in {@code NEW_PRIMARY} was written on the old store alone.
     */
    private record Binds(List<Bind> all, Set<String> substituted, boolean provided) {
        static final Binds NONE = new Binds(List.of(), Set.of(), false);
        /** A statement whose SQL a provider method writes ({@code @InsertProvider}): see {@link #asProvided}. */
        static final Binds PROVIDED = new Binds(List.of(), Set.of(), true);

        /**
         * {@code id}, read by {@code path} (or an annotated field's name), as the statement binds it. When no bind
         * reads a name of the path, or the SQL binds the property itself ({@code #{merchantNo}}) or the path, the id
         * is the property's. Else the value of the binds that read it, when they all give the property's id but for
         * case and white space around it (a normalised id: {@code trim()}, {@code toLowerCase()}); any other value
         * (a prefix {@code 'm-' + merchantNo}) gives a write no id, and it follows the data source's rule for
         * statements without ids (the ids in its own SQL, or a scoped resync), never an id the column does not hold.
         * A read keeps the property's id then, as before.
         */
        @Nullable String through(ContextExtractor extractor, Rendered rendered, String statementId, Object parameter,
                                 @Nullable String path, @Nullable String id) {
            if (provided && id != null && path != null && extractor.writes(statementId)) {
                return extractor.asProvided(rendered, statementId, parameter, path, id);
            }
            if (id == null || path == null || all.isEmpty() || substituted.contains(path)) {
                return id; // no bind, or the path is substituted as it is ('${merchantNo}')
            }
            List<String> names = List.of(path.split("\\."));
            // the same argument under MyBatis' other names for it (param1 for @Param("merchantNo")): a bind of
            // param1.trim() reads the id as surely as one of merchantNo.trim() (round 28)
            Set<String> aliases = positionalAliases(parameter, names.get(0));
            List<Bind> reading = new ArrayList<>();
            for (Bind bind : all) {
                if (names.stream().anyMatch(bind.reads()::contains) || aliases.stream().anyMatch(bind.reads()::contains)) {
                    reading.add(bind);
                }
            }
            if (reading.isEmpty()) {
                return id;
            }
            org.apache.ibatis.mapping.BoundSql sql = extractor.render(rendered, statementId, parameter);
            if (sql == null) {
                return null;
            }
            Set<String> bindNames = new HashSet<>();
            all.forEach(bind -> {
                if (bind.name() != null) {
                    bindNames.add(bind.name());
                }
            });
            for (org.apache.ibatis.mapping.ParameterMapping mapping : sql.getParameterMappings()) {
                String property = mapping.getProperty();
                String root = property.split("[.\\[]", 2)[0];
                if (!bindNames.contains(root) && namesTheId(property, path, aliases)) {
                    return id; // the property itself is bound (not a bind of its name): the column may be that one
                }
            }
            Set<@Nullable String> texts = new LinkedHashSet<>();
            for (Bind bind : reading) {
                Object value = bind.name() == null ? extractor.substitution(sql, parameter, bind.expression())
                        : sql.hasAdditionalParameter(bind.name()) ? sql.getAdditionalParameter(bind.name()) : null;
                String text = value == null ? null : extractor.idText(value);
                texts.add(text != null && text.strip().equalsIgnoreCase(id.strip()) ? text : null);
            }
            if (texts.size() == 1 && texts.iterator().next() != null) {
                return texts.iterator().next();
            }
            // a write gives no id; a read keeps the property's, as before: its SQL (a LIKE of a pattern the bind
            // makes) may read rows of several merchants, and no id would route it by the system's phase instead
            return extractor.writes(statementId) ? null : id;
        }
    }

    /**
     * {@code id}, read by {@code path}, as the SQL a provider method wrote for this write ({@code @InsertProvider},
     * {@code @UpdateProvider}, {@code @DeleteProvider}) holds it. The method is Java code that may normalise the id
     * before it reaches the text ({@code "'" + merchantNo.trim() + "'"}), which MyBatis keeps no trace of: read from
     * the property, the id was {@code " m-1 "} where the column holds {@code m-1}, and m-1's rows were written under
     * no one's phase (round 24 left it; round 26). So the call's SQL is made (the provider runs once more, on the
     * caller's thread) and, unless a mapping binds the property itself ({@code #{merchantNo}}), a quoted literal of
     * that SQL that is the property's id but for case and white space around it is the id; two such literals that
     * differ give the write no id (the data source then decides: the ids in its own SQL, or a scoped resync). A SQL
     * holding a literal made from the id ({@code "'m-" + merchantNo + "'"}) gives the write no id
     * ({@link #derivedLiteral}); one holding none of these keeps the property's id, the application's word for the call
     * as an open context is (a provider that does not write the id: an update by key).
     */
    private @Nullable String asProvided(Rendered rendered, String statementId, Object parameter, String path, String id) {
        org.apache.ibatis.mapping.BoundSql sql = render(rendered, statementId, parameter);
        if (sql == null) {
            return id;
        }
        Set<String> aliases = positionalAliases(parameter, path.split("\\.", 2)[0]);
        for (org.apache.ibatis.mapping.ParameterMapping mapping : sql.getParameterMappings()) {
            if (namesTheId(mapping.getProperty(), path, aliases)) {
                return id; // bound as it is
            }
        }
        Set<String> texts = new LinkedHashSet<>();
        Matcher literal = SQL_LITERAL.matcher(sql.getSql());
        while (literal.find()) {
            String text = literal.group(1).replace("''", "'");
            if (text.strip().equalsIgnoreCase(id.strip())) {
                texts.add(text);
            }
        }
        if (texts.isEmpty()) {
            // a SQL holding no literal at all binds every value it writes, and no bind names the id: the same text for
            // any id, so the provider is not asked again (round 28: each call of a provider is the application's, a
            // side effect or a cost MyBatis alone runs once)
            return derivedLiteral(sql.getSql(), id)
                    || holdsLiteral(sql.getSql()) && madeFromTheId(statementId, parameter, path, sql.getSql()) ? null
                    : id;
        }
        return texts.size() == 1 && !texts.iterator().next().isBlank() ? texts.iterator().next() : null;
    }

    /**
     * Whether the provider's SQL for this call depends on the id's value although it neither binds the property nor
     * holds the id's text: a value computed without the id's text (a look-up table, {@code CODES.get(merchantNo)}; a
     * hash, a shard name), most likely what the id column receives. Round 27 left it unseen: the property's id
     * ({@code acme}) named no switch while the column held m-1, so m-1's rows were written under the system's phase,
     * never copied, nothing recorded, or a merchant in {@code NEW_PRIMARY} was updated on the old store alone (round
     * 27b). Found by asking the provider once more for a copy of the parameter whose id is another value of its type:
     * another SQL text (or a provider that fails for that value, as a look-up of an unknown code may) means the SQL is
     * made from the id, and the write then has no id, as for {@link #derivedLiteral}. The caller's parameter is never
     * changed: the maps and beans on the path are copied (shallow, through MyBatis' object factory and reflection).
     * A parameter that cannot be copied (a bean without a no-argument constructor, a collection on the path) or an id
     * of a type with no other value to try keeps the property's id, as before. Cost: one more provider call per
     * provider write whose SQL holds the id neither bound nor as text (an update by key, whose SQL does not change).
     */
    private boolean madeFromTheId(String statementId, Object parameter, String path, String sql) {
        String[] names = segments.computeIfAbsent(path, whole -> whole.split("\\."));
        Object probe;
        try {
            probe = withOtherId(parameter, names, 0);
        } catch (RuntimeException cannotCopy) {
            return false;
        }
        if (probe == null) {
            return false;
        }
        String other;
        try {
            other = Objects.requireNonNull(configuration).getMappedStatement(statementId, false).getBoundSql(probe)
                    .getSql();
        } catch (RuntimeException failedForAnotherId) {
            return true; // the provider could not write this SQL for another id: it reads the id's value
        }
        return !other.equals(sql);
    }

    /**
     * A copy of {@code value} whose property {@code names[at…]} holds another value of its type, the objects on the
     * way copied; null when one cannot be made.
     */
    private @Nullable Object withOtherId(Object value, String[] names, int at) {
        if (value instanceof Collection<?> || isArray(value) || simpleTypes.hasTypeHandler(value.getClass())) {
            return null;
        }
        MetaObject meta = meta(value);
        String name = names[at];
        if (!meta.hasGetter(name)) {
            return null;
        }
        Object current = meta.getValue(name);
        Object replaced = at == names.length - 1 ? otherValue(current)
                : current == null ? null : withOtherId(current, names, at + 1);
        if (replaced == null) {
            return null;
        }
        if (value instanceof Record record) {
            return recordWith(record, name, replaced); // no setters: made again by its canonical constructor
        }
        Object copy = shallowCopy(value);
        if (copy == null) {
            return null;
        }
        MetaObject copied = meta(copy);
        if (!(copy instanceof Map<?, ?>) && !copied.hasSetter(name)) {
            return null;
        }
        copied.setValue(name, replaced);
        // the same argument under MyBatis' other names (param1 for @Param("merchantNo")): a provider reading the id
        // by one of them saw the probe's id unchanged, made the same SQL, and its looked-up merchant's row was written
        // under the code's phase, never copied, nothing recorded (round 28)
        for (String alias : positionalAliases(value, name)) {
            copied.setValue(alias, replaced);
        }
        return copy;
    }

    /** Another value of an id's type, unlike any id (text, whole numbers); null for other types. */
    private static @Nullable Object otherValue(@Nullable Object id) {
        if (id instanceof String text) {
            return text + "#dualwrite-probe";
        }
        if (id instanceof Long number) {
            return number == Long.MAX_VALUE ? Long.MIN_VALUE : number + 1;
        }
        if (id instanceof Integer number) {
            return number == Integer.MAX_VALUE ? Integer.MIN_VALUE : number + 1;
        }
        if (id instanceof java.math.BigInteger number) {
            return number.add(java.math.BigInteger.ONE);
        }
        if (id instanceof java.math.BigDecimal number) {
            return number.add(java.math.BigDecimal.ONE);
        }
        return null;
    }

    /**
     * A record like {@code record} but for component {@code name}, which holds {@code replaced}; null when it has no
     * such component. A record parameter (no setters, no no-argument constructor) could not be probed and kept the
     * property's id, a looked-up merchant's row unmirrored and unrecorded (round 27b).
     */
    private static @Nullable Object recordWith(Record record, String name, Object replaced) {
        java.lang.reflect.RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                if (components[i].getName().equals(name)) {
                    values[i] = replaced;
                    found = true;
                } else {
                    java.lang.reflect.Method accessor = components[i].getAccessor();
                    accessor.setAccessible(true);
                    values[i] = accessor.invoke(record);
                }
            }
            if (!found) {
                return null;
            }
            java.lang.reflect.Constructor<?> canonical = record.getClass().getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException cannot) {
            return null; // a constructor that refuses the other value: not probed, the property's id kept
        }
    }

    /** A shallow copy of a map (MyBatis' parameter map stays one) or of a bean with a no-argument constructor. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private @Nullable Object shallowCopy(Object value) {
        if (value instanceof org.apache.ibatis.binding.MapperMethod.ParamMap<?> params) {
            org.apache.ibatis.binding.MapperMethod.ParamMap copy = new org.apache.ibatis.binding.MapperMethod.ParamMap<>();
            copy.putAll(params);
            return copy;
        }
        if (value instanceof Map<?, ?> map) {
            return new HashMap<>(map);
        }
        Object copy = Objects.requireNonNull(configuration).getObjectFactory().create(value.getClass());
        MetaObject from = meta(value);
        MetaObject to = meta(copy);
        for (String property : from.getGetterNames()) {
            if (to.hasSetter(property)) {
                to.setValue(property, from.getValue(property));
            }
        }
        return copy;
    }

    /**
     * Whether a quoted literal of a provider's SQL is a value made from {@code id}: it holds the id's text (case aside)
     * inside other text ({@code 'm-' + merchantNo}: {@code 'm-1'} from {@code "1"}; {@code "M%03d"}: {@code 'M007'}
     * from {@code "7"}), or, for an id of digits, a run of digits of the same number ({@code 'm-7'} from
     * {@code "007"}). Such a literal is most likely what the id column receives, and the property's id is then not
     * the column's: taken as the call's id, a merchant no switch names, m-1's rows were written under the system's
     * phase (never copied, nothing recorded), or a merchant in {@code NEW_PRIMARY} was updated on the old store alone
     * (round 27). The write then has no id, as a {@code <bind>} making another value gives none, and the data source
     * decides (the ids in its own SQL, or a scoped resync). A value computed without the id's text (a look-up, a
     * hash) stays unseen; a literal that holds the id by chance ({@code '1.00'} for merchant {@code "1"}) costs a
     * scoped resync instead of a sync by key, never a row lost.
     */
    private static boolean derivedLiteral(String sql, String id) {
        String needle = id.strip().toLowerCase(Locale.ROOT);
        if (needle.isEmpty()) {
            return false;
        }
        java.math.BigInteger number = needle.chars().allMatch(c -> c >= '0' && c <= '9') ? new java.math.BigInteger(needle)
                : null;
        Matcher literal = SQL_LITERAL.matcher(sql);
        while (literal.find()) {
            String text = literal.group(1).replace("''", "'");
            if (text.toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
            if (number != null) {
                Matcher digits = DIGITS.matcher(text);
                while (digits.find()) {
                    if (new java.math.BigInteger(digits.group()).equals(number)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A run of ASCII digits. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    /**
     * Whether a SQL text holds a literal value: a quoted text, or a number outside an identifier ({@code 'PAID'},
     * {@code = 7}). One that holds none writes only what it binds ({@code ?}), so its text is the same for any id.
     */
    private static boolean holdsLiteral(String sql) {
        return SQL_LITERAL.matcher(sql).find() || NUMBER_LITERAL.matcher(sql).find();
    }

    /** A digit not inside an identifier ({@code 7} of {@code = 7}, not {@code 2} of {@code orders_v2}). */
    private static final Pattern NUMBER_LITERAL = Pattern.compile("(?<![\\p{L}\\p{N}_$])[0-9]");

    /** MyBatis' names of a mapper method's arguments by position ({@code param1}, {@code arg0}). */
    private static final Pattern POSITIONAL = Pattern.compile("(?:param|arg)[0-9]+");

    /**
     * The other names under which MyBatis' parameter map holds the argument {@code name} names: it binds each argument
     * under its name ({@code @Param}, or the compiled name) and as {@code param1}, {@code param2}… ({@code arg0}… when
     * names are not kept), the same object under each. Only a positional name is taken as another name of an argument
     * (two arguments that are one interned value would otherwise look like one); an argument of a small number or an
     * interned text shared by another argument may still be taken for it, which can only cost a scoped resync.
     */
    static Set<String> positionalAliases(Object parameter, String name) {
        if (!(parameter instanceof org.apache.ibatis.binding.MapperMethod.ParamMap<?> params)
                || !params.containsKey(name)) {
            return Set.of();
        }
        Object value = params.get(name);
        if (value == null) {
            return Set.of();
        }
        boolean positional = POSITIONAL.matcher(name).matches();
        Set<String> aliases = new HashSet<>();
        for (Map.Entry<String, ?> entry : params.entrySet()) {
            if (entry.getValue() == value && !entry.getKey().equals(name)
                    && (positional || POSITIONAL.matcher(entry.getKey()).matches())) {
                aliases.add(entry.getKey());
            }
        }
        return aliases;
    }

    /**
     * Whether a parameter mapping's property binds the id read by {@code path}: the path itself, its last name
     * (alone or at the end of another path), or the path under another name of its first argument
     * ({@code param1.merchantNo}, {@code param1} for {@code merchantNo}).
     */
    private static boolean namesTheId(String property, String path, Set<String> aliases) {
        String last = path.substring(path.lastIndexOf('.') + 1);
        if (property.equals(path) || property.equals(last) || property.endsWith("." + last)) {
            return true;
        }
        int dot = path.indexOf('.');
        String rest = dot < 0 ? "" : path.substring(dot);
        for (String alias : aliases) {
            if (property.equals(alias + rest)) {
                return true;
            }
        }
        return false;
    }

    /** A quoted SQL text literal, its doubled quotes included ({@code 'it''s'}). */
    private static final Pattern SQL_LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    /**
     * The text a literal with {@code ${…}} substitutions ({@code m-${merchantNo}}) becomes over the call's bindings (the
     * parameter, its binds), as MyBatis substitutes it; null when an expression cannot be evaluated there (one over an
     * element of a {@code <foreach>}).
     */
    private @Nullable Object substitution(org.apache.ibatis.mapping.BoundSql sql, Object parameter, String template) {
        // MyBatis' own bindings: the parameter's properties by name (its ContextMap), the call's binds put over them
        Map<String, Object> bindings = new org.apache.ibatis.scripting.xmltags.DynamicContext(
                Objects.requireNonNull(configuration), parameter).getBindings();
        bindings.putAll(sql.getAdditionalParameters());
        StringBuilder text = new StringBuilder();
        Matcher each = SUBSTITUTION.matcher(template);
        try {
            while (each.find()) {
                Object value = org.apache.ibatis.scripting.xmltags.OgnlCache.getValue(each.group(1), bindings);
                each.appendReplacement(text, Matcher.quoteReplacement(String.valueOf(value)));
            }
        } catch (RuntimeException unevaluated) {
            return null;
        }
        each.appendTail(text);
        return text.toString();
    }

    /** Whether a statement writes (an insert, update or delete; also the statement a {@code selectKey} serves). */
    private boolean writes(String statementId) {
        org.apache.ibatis.session.Configuration statements = configuration;
        if (statements == null || !statements.hasStatement(statementId, false)) {
            return false;
        }
        org.apache.ibatis.mapping.SqlCommandType type = statements.getMappedStatement(statementId, false)
                .getSqlCommandType();
        return type == org.apache.ibatis.mapping.SqlCommandType.INSERT
                || type == org.apache.ibatis.mapping.SqlCommandType.UPDATE
                || type == org.apache.ibatis.mapping.SqlCommandType.DELETE;
    }

    /** The call's SQL, made once; null when MyBatis cannot make it (the call then fails in MyBatis too). */
    private org.apache.ibatis.mapping.@Nullable BoundSql render(Rendered rendered, String statementId, Object parameter) {
        if (rendered.sql == null && !rendered.failed) {
            try {
                rendered.sql = Objects.requireNonNull(configuration)
                        .getMappedStatement(statementId, false).getBoundSql(parameter);
            } catch (RuntimeException cannot) {
                rendered.failed = true;
            }
        }
        return rendered.sql;
    }

    /** By statement id: its {@code <bind>} elements, read once per statement (none for static SQL). */
    private final Map<String, Binds> binds = new ConcurrentHashMap<>();

    private Binds binds(String statementId) {
        org.apache.ibatis.session.Configuration statements = configuration;
        if (statements == null || !statements.hasStatement(statementId, false)) {
            return Binds.NONE;
        }
        return binds.computeIfAbsent(statementId, key -> {
            org.apache.ibatis.mapping.SqlSource source = statements.getMappedStatement(key, false).getSqlSource();
            if (source instanceof org.apache.ibatis.builder.annotation.ProviderSqlSource) {
                return Binds.PROVIDED;
            }
            if (!(source instanceof org.apache.ibatis.scripting.xmltags.DynamicSqlSource)) {
                return Binds.NONE;
            }
            List<Bind> found = new ArrayList<>();
            for (Map.Entry<String, String> bind : SqlNodes.binds(source)) {
                found.add(new Bind(bind.getKey(), bind.getValue(), readNames(bind.getValue())));
            }
            // a ${…} substitution writes its expression's value into the SQL: one that is a plain path substitutes the
            // property as it is; any other (${merchantNo.trim()}) is a bind without a name
            Set<String> substituted = new HashSet<>();
            for (String text : SqlNodes.texts(source)) {
                Matcher substitution = SUBSTITUTION.matcher(text);
                while (substitution.find()) {
                    String expression = substitution.group(1).strip();
                    String template = literalAround(text, substitution.start(), substitution.end());
                    if (template.equals(substitution.group()) && PLAIN_PATH.matcher(expression).matches()) {
                        substituted.add(expression); // '${merchantNo}': the property as it is
                    } else { // '${merchantNo.trim()}', 'm-${merchantNo}': the column holds the template's text
                        Set<String> reads = new HashSet<>();
                        Matcher each = SUBSTITUTION.matcher(template);
                        while (each.find()) {
                            reads.addAll(readNames(each.group(1)));
                        }
                        found.add(new Bind(null, template, Set.copyOf(reads)));
                    }
                }
            }
            return found.isEmpty() ? Binds.NONE : new Binds(List.copyOf(found), Set.copyOf(substituted), false);
        });
    }

    /**
     * The quoted SQL literal of {@code text} around the substitution at {@code start}–{@code end} ({@code m-${merchantNo}}
     * of {@code VALUES ('m-${merchantNo}')}), without its quotes; the substitution alone when it is outside quotes.
     */
    private static String literalAround(String text, int start, int end) {
        int quotes = 0;
        int open = -1;
        for (int i = 0; i < start; i++) {
            if (text.charAt(i) == '\'') {
                quotes++;
                open = i;
            }
        }
        int close = text.indexOf('\'', end);
        return quotes % 2 == 1 && close >= 0 ? text.substring(open + 1, close) : text.substring(start, end);
    }

    /** The names an OGNL expression reads, outside its quoted texts ('merchantNo' is a text, not the property). */
    private static Set<String> readNames(String expression) {
        Set<String> reads = new HashSet<>();
        Matcher name = IDENTIFIER.matcher(QUOTED.matcher(expression).replaceAll(" "));
        while (name.find()) {
            reads.add(name.group());
        }
        return Set.copyOf(reads);
    }

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]*)}");

    private static final Pattern PLAIN_PATH =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");

    private static final Pattern QUOTED =
            Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");

    private static final Pattern IDENTIFIER =
            Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*");

    /**
     * {@code id} (read by {@code path}) as the statement binds it when its SQL names a type handler of its own for that
     * property ({@code #{merchant, typeHandler=EnumOrdinalTypeHandler}} where the configuration binds enums by name):
     * the column then holds what that handler binds ({@code 0}), which the switches and the copier name, not the
     * text the configuration's handler gives ({@code ACME}), whom no switch names. Static SQL's handlers are known
     * without the call's parameter and kept per statement; a dynamic statement ({@code <if>}, {@code <where>},
     * {@code <trim>}) whose text names a type handler has its SQL made for the call (once, on the caller's thread,
     * CPU only) and its mappings read. {@code id} unchanged otherwise.
     */
    private @Nullable String asBound(Rendered rendered, String statementId, Object parameter, @Nullable String path,
                                     @Nullable String id) {
        if (id == null || path == null || configuration == null) {
            return id;
        }
        org.apache.ibatis.type.TypeHandler<?> handler = inlineHandlers(statementId).get(path);
        if (handler == null && namesHandlersInline(statementId)) {
            org.apache.ibatis.mapping.BoundSql sql = render(rendered, statementId, parameter);
            handler = sql == null ? null : ownHandlers(sql).get(path);
            if (sql != null && handler == null) {
                return throughElements(sql, path, id);
            }
        }
        if (handler == null) {
            return id;
        }
        Object value;
        try {
            value = meta(parameter).getValue(path);
        } catch (RuntimeException unreadable) {
            return id;
        }
        Object bound = value == null ? null : BoundValue.of(handler, value);
        if (bound instanceof CharSequence || bound instanceof Number || bound instanceof Character
                || bound instanceof UUID) {
            String text = io.dualwrite.internal.IdText.of(bound);
            return text.isBlank() ? id : text;
        }
        return id;
    }

    private Map<String, org.apache.ibatis.type.TypeHandler<?>> inlineHandlers(String statementId) {
        org.apache.ibatis.session.Configuration statements = configuration;
        if (statements == null || !statements.hasStatement(statementId, false)) {
            return Map.of();
        }
        return inlineHandlers.computeIfAbsent(statementId, id -> {
            org.apache.ibatis.mapping.SqlSource source = statements.getMappedStatement(id, false).getSqlSource();
            if (!(source instanceof org.apache.ibatis.scripting.defaults.RawSqlSource
                    || source instanceof org.apache.ibatis.builder.StaticSqlSource)) {
                return Map.of(); // dynamic SQL: its parameter mappings are made per call
            }
            return ownHandlers(source.getBoundSql(null));
        });
    }

    /**
     * {@code id}, read by a path through a collection ({@code orders.merchant}), as a {@code <foreach>} binds it when
     * each element's property is bound through a handler named inline ({@code #{o.merchant, typeHandler=…}}, which
     * MyBatis binds as {@code __frch_o_0.merchant}, …): the text that handler binds for every element when they all
     * agree; {@code id} when no such mapping is bound or they do not agree.
     */
    private @Nullable String throughElements(org.apache.ibatis.mapping.BoundSql sql, String path, String id) {
        int first = path.indexOf('.');
        if (first < 0) {
            return id;
        }
        String rest = path.substring(first + 1); // the element's own path: merchant of orders.merchant
        Set<String> texts = new LinkedHashSet<>();
        for (Map.Entry<String, org.apache.ibatis.type.TypeHandler<?>> own : ownHandlers(sql).entrySet()) {
            String property = own.getKey();
            int dot = property.indexOf('.');
            if (!property.startsWith(FOREACH_ITEM) || dot < 0 || !property.substring(dot + 1).equals(rest)
                    || !sql.hasAdditionalParameter(property)) {
                continue;
            }
            Object value = sql.getAdditionalParameter(property);
            Object bound = value == null ? null : BoundValue.of(own.getValue(), value);
            if (!(bound instanceof CharSequence || bound instanceof Number || bound instanceof Character
                    || bound instanceof UUID)) {
                return id;
            }
            texts.add(io.dualwrite.internal.IdText.of(bound));
        }
        return texts.size() == 1 && !texts.iterator().next().isBlank() ? texts.iterator().next() : id;
    }

    /** How MyBatis names the items of a {@code <foreach>} among a call's bindings ({@code ForEachSqlNode}). */
    private static final String FOREACH_ITEM = "__frch_";

    /** The type handlers {@code sql}'s parameter mappings name where they differ from the registry's for the type. */
    private Map<String, org.apache.ibatis.type.TypeHandler<?>> ownHandlers(org.apache.ibatis.mapping.BoundSql sql) {
        org.apache.ibatis.session.Configuration statements = Objects.requireNonNull(configuration);
        Map<String, org.apache.ibatis.type.TypeHandler<?>> handlers = new HashMap<>();
        for (org.apache.ibatis.mapping.ParameterMapping mapping : sql.getParameterMappings()) {
            org.apache.ibatis.type.TypeHandler<?> handler = mapping.getTypeHandler();
            Class<?> type = mapping.getJavaType();
            org.apache.ibatis.type.TypeHandler<?> registered = type == null ? null
                    : statements.getTypeHandlerRegistry().getTypeHandler(type);
            if (handler != null && !(handler instanceof org.apache.ibatis.type.UnknownTypeHandler)
                    && (registered == null || registered.getClass() != handler.getClass())) {
                handlers.put(mapping.getProperty(), handler);
            }
        }
        return Map.copyOf(handlers);
    }

    /**
     * By statement id: whether its dynamic SQL's text may bind a property through a handler other than its type's
     * default one: it names a type handler inline, or it names a {@code jdbcType} or {@code javaType} while the
     * configuration holds a handler of the application's own (one registered for {@code String} under
     * {@code JdbcType.VARCHAR} only binds {@code #{merchantNo, jdbcType=VARCHAR}}). Only the inline name was looked
     * for: such a dynamic statement's id was read as the property's text, {@code " M-1 "} where the handler bound
     * {@code m-1}, and m-1's row was written under no one's phase, never copied, unrecorded (round 27b). Static SQL
     * has its mappings read once ({@link #inlineHandlers}) and was not affected.
     */
    private final Map<String, Boolean> namesHandlersInline = new ConcurrentHashMap<>();

    /** Whether the configuration's registry holds a type handler that is not one of MyBatis' own; read once per statement. */
    private boolean registersOwnHandlers() {
        org.apache.ibatis.session.Configuration statements = Objects.requireNonNull(configuration);
        return statements.getTypeHandlerRegistry().getTypeHandlers().stream()
                .anyMatch(handler -> !handler.getClass().getName().startsWith("org.apache.ibatis.type."));
    }

    private boolean namesHandlersInline(String statementId) {
        org.apache.ibatis.session.Configuration statements = configuration;
        if (statements == null || !statements.hasStatement(statementId, false)) {
            return false;
        }
        return namesHandlersInline.computeIfAbsent(statementId, key -> {
            org.apache.ibatis.mapping.SqlSource source = statements.getMappedStatement(key, false).getSqlSource();
            if (!(source instanceof org.apache.ibatis.scripting.xmltags.DynamicSqlSource)) {
                return false;
            }
            List<String> texts = SqlNodes.texts(source);
            return texts.stream().anyMatch(text -> text.contains("typeHandler"))
                    || texts.stream().anyMatch(text -> text.contains("jdbcType") || text.contains("javaType"))
                    && registersOwnHandlers();
        });
    }

    /**
     * The statement a statement MyBatis runs on another's behalf serves: a {@code selectKey} is named
     * {@code insertId!selectKey} and gets the insert's parameter object, so it reads the ids by the insert's paths
     * (and its mapper method's primitive arguments). Read by its own name, which no rule names, it found no ids when
     * only the insert's own path named them, and ran without a context.
     */
    static String owner(String statementId) {
        return statementId.endsWith(org.apache.ibatis.executor.keygen.SelectKeyGenerator.SELECT_KEY_SUFFIX)
                ? statementId.substring(0, statementId.length()
                        - org.apache.ibatis.executor.keygen.SelectKeyGenerator.SELECT_KEY_SUFFIX.length())
                : statementId;
    }

    /**
     * {@link #read} for a statement's own path, which also names a lone parameter of a simple type (a mapper method
     * {@code deleteOf(String merchantNo)}): MyBatis passes that value itself, bound by any name.
     */
    private @Nullable String readOwn(String statementId, Object parameter, @Nullable String path) {
        if (path != null && path.indexOf('.') < 0 && !(parameter instanceof Map<?, ?>)
                && simpleTypes.hasTypeHandler(parameter.getClass())) {
            // a primitive argument of 0 is no id, as a primitive property of 0 is (see isZero)
            return isZero(parameter) && primitiveArguments(statementId).lone() ? null : idText(parameter);
        }
        return readArgument(statementId, parameter, path);
    }

    /**
     * {@link #read}, except that a path of one name reading a primitive argument of the mapper method from MyBatis'
     * parameter map ({@code @Param("id") long id}, or its {@code param1}) gives no id when it holds 0, as a primitive
     * property of 0 does: MyBatis boxes the argument, which cannot tell "none" from 0 itself.
     */
    private @Nullable String readArgument(String statementId, Object parameter, @Nullable String path) {
        String id = read(parameter, path);
        if (id != null && parameter instanceof Map<?, ?> arguments && path != null && path.indexOf('.') < 0
                && isZero(arguments.get(path)) && primitiveArguments(statementId).names().contains(path)) {
            return null;
        }
        return id;
    }

    /** The primitive arguments of a statement's mapper method: the names MyBatis binds them by, or the lone one. */
    private record PrimitiveArguments(boolean lone, Set<String> names) {
        static final PrimitiveArguments NONE = new PrimitiveArguments(false, Set.of());
    }

    private final Map<String, PrimitiveArguments> primitiveArguments = new ConcurrentHashMap<>();

    private PrimitiveArguments primitiveArguments(String statementId) {
        return primitiveArguments.computeIfAbsent(statementId, ContextExtractor::primitiveArgumentsOf);
    }

    /**
     * Reads the mapper method of a statement id ({@code namespace.method}, MyBatis' own naming): its primitive
     * arguments by {@code @Param} name, actual or positional name and generic {@code paramN} name, and whether it
     * takes one primitive argument only (passed as the parameter itself). None for a statement of no mapper method
     * (XML only) or a method name declared more than once by abstract methods (default methods are never statements).
     */
    private static PrimitiveArguments primitiveArgumentsOf(String statementId) {
        int dot = statementId.lastIndexOf('.');
        if (dot <= 0) {
            return PrimitiveArguments.NONE;
        }
        java.lang.reflect.Method method = null;
        try {
            Class<?> type = org.apache.ibatis.io.Resources.classForName(statementId.substring(0, dot));
            for (java.lang.reflect.Method candidate : type.getMethods()) {
                // MyBatis makes statements of abstract methods only: a default method of the same name (an overload
                // that calls the statement) is not the statement's, and counted as one it hid the statement's arguments
                if (candidate.getName().equals(statementId.substring(dot + 1)) && !candidate.isBridge()
                        && !candidate.isDefault()) {
                    if (method != null) {
                        return PrimitiveArguments.NONE;
                    }
                    method = candidate;
                }
            }
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return PrimitiveArguments.NONE;
        }
        if (method == null) {
            return PrimitiveArguments.NONE;
        }
        Set<String> names = new HashSet<>();
        int position = 0;
        boolean loneCandidate = false;
        for (java.lang.reflect.Parameter argument : method.getParameters()) {
            Class<?> type = argument.getType();
            if (org.apache.ibatis.session.RowBounds.class.isAssignableFrom(type)
                    || org.apache.ibatis.session.ResultHandler.class.isAssignableFrom(type)) {
                continue;
            }
            org.apache.ibatis.annotations.Param named = argument.getAnnotation(org.apache.ibatis.annotations.Param.class);
            if (position == 0) {
                loneCandidate = type.isPrimitive() && named == null;
            }
            if (type.isPrimitive()) {
                if (named != null) {
                    names.add(named.value());
                } else {
                    names.add(argument.getName());
                    names.add(String.valueOf(position));
                }
                names.add("param" + (position + 1));
            }
            position++;
        }
        return new PrimitiveArguments(loneCandidate && position == 1, Set.copyOf(names));
    }

    /**
     * The one value a path reads (through collections: the value all elements share), else null; also null when a
     * getter on the path throws (a lazy proxy whose session is gone): finding ids must not fail a call whose SQL may
     * never bind that property, which MyBatis alone would have run.
     */
    private @Nullable String read(Object parameter, @Nullable String path) {
        if (path == null) {
            return null;
        }
        String[] names = segments.computeIfAbsent(path, whole -> whole.split("\\."));
        // Most parameters are one bean (or MyBatis' parameter map) without collections on the path: walk it
        // without the lists of the general case, which ran for every mapper statement.
        Object value = parameter;
        boolean primitive = false;
        for (String name : names) {
            if (value instanceof Collection<?> || isArray(value)) {
                return readThroughCollections(parameter, names);
            }
            if (value == null || simpleTypes.hasTypeHandler(value.getClass())) {
                return null;
            }
            MetaObject meta = meta(value);
            if (!meta.hasGetter(name)) {
                return null; // the path does not fit this parameter: another path or rule may
            }
            primitive = meta.getGetterType(name).isPrimitive();
            try {
                value = meta.getValue(name);
            } catch (RuntimeException getterFailed) {
                return null; // a getter that throws gives no id, never a failed call
            }
        }
        if (value instanceof Collection<?> || isArray(value)) {
            return readThroughCollections(parameter, names);
        }
        return primitive && isZero(value) ? null : idText(value);
    }

    /**
     * Whether a value read from a primitive property is that type's default (0, {@code '\0'}): the value of a key
     * not set yet (a {@code long id} before MyBatis sets the generated key), never an order or merchant. Read as
     * order "0", every insert named one order, which order pinning then pinned to the first merchant's phase.
     */
    private static boolean isZero(@Nullable Object value) {
        return value instanceof Number number && number.doubleValue() == 0
                || value instanceof Character character && character == '\0';
    }

    private static boolean isArray(@Nullable Object value) {
        return value != null && value.getClass().isArray();
    }

    /**
     * The text of a value that can be an id (text, a number, a UUID, an enum, any type MyBatis binds as one column;
     * an {@code Optional} of one), else null: a path that ends at a bean names the bean, not an id of it, and its
     * {@code toString()} must not become a merchant id.
     */
    private @Nullable String idText(@Nullable Object value) {
        Object id = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        if (id == null || !canBeId(id)) {
            return null;
        }
        String text = text(id);
        return text.isBlank() ? null : text;
    }

    /**
     * An id's text as the column written from it holds it: text and numbers as they are (a decimal without trailing
     * zeros, see {@link io.dualwrite.internal.IdText}) unless the application registered a handler of its own for
     * their type (then as that handler binds them), other types (enums, value
     * objects with a handler of their own) as their MyBatis type handler binds them, else their {@code toString()}.
     */
    private String text(Object id) {
        org.apache.ibatis.type.TypeHandler<?> handler = simpleTypes.getTypeHandler(id.getClass());
        if (id instanceof CharSequence || id instanceof Number || id instanceof Character || id instanceof UUID) {
            // text, numbers and UUIDs bind as they are under MyBatis' own handlers; an application may register its
            // own for String (one that strips and lowers codes): the column then holds what that handler binds, and
            // read as it is, " M-1 " named a merchant no switch names while the column held m-1 (round 27)
            Object own = handler == null || handler.getClass().getName().startsWith("org.apache.ibatis.type.") ? null
                    : BoundValue.of(handler, id);
            return io.dualwrite.internal.IdText.of(own instanceof CharSequence || own instanceof Number
                    || own instanceof Character || own instanceof UUID ? own : id); // 7.00 is 7
        }
        Object bound = handler == null ? null : BoundValue.of(handler, id);
        if (bound instanceof CharSequence || bound instanceof Number || bound instanceof Character
                || bound instanceof UUID) {
            return io.dualwrite.internal.IdText.of(bound);
        }
        return id instanceof Enum<?> constant ? constant.name() : id.toString();
    }

    private boolean canBeId(Object value) {
        return value instanceof CharSequence || value instanceof Number || value instanceof Character
                || value instanceof UUID || value instanceof Enum<?> || value instanceof Optional<?>
                || simpleTypes.hasTypeHandler(value.getClass());
    }

    /** {@link #read} where a step of the path meets a collection or an array. */
    private @Nullable String readThroughCollections(Object parameter, String[] names) {
        List<@Nullable Object> current = new ArrayList<>();
        current.add(parameter);
        for (String name : names) {
            List<@Nullable Object> next = new ArrayList<>();
            for (Object value : flatten(current)) {
                if (value == null) {
                    next.add(null); // an element with nothing on the path has no id: the elements share none
                    continue;
                }
                if (simpleTypes.hasTypeHandler(value.getClass()) || value instanceof Collection<?> || isArray(value)) {
                    continue; // a collection past the nesting followed: MyBatis' reflection of it throws
                }
                MetaObject meta = meta(value);
                if (meta.hasGetter(name)) {
                    Object read;
                    try {
                        read = meta.getValue(name);
                    } catch (RuntimeException getterFailed) {
                        return null; // a getter that throws gives no id (see read), never a failed call
                    }
                    // an unset primitive key is no id, as a null one (see isZero)
                    next.add(meta.getGetterType(name).isPrimitive() && isZero(read) ? null : read);
                } else {
                    return null; // the path does not fit this parameter: another path or rule may
                }
            }
            current = next;
        }
        Set<@Nullable String> texts = new LinkedHashSet<>();
        for (Object value : flatten(current)) {
            // an element without an id (null, blank, an unset primitive key) or that is no id (a bean) makes the
            // path give none: skipped, the other elements' merchant was taken for its row too, and the row of no
            // merchant was copied as theirs, though inserted alone it follows the unattributed rule
            texts.add(value == null ? null : idText(value));
        }
        return texts.size() == 1 ? texts.iterator().next() : null;
    }

    /**
     * False for one bean whose class has no annotated id field: the common case of a statement whose path found
     * one id and not the other, where the bean scan below would only allocate.
     */
    private boolean mayHoldAnnotatedIds(Object parameter) {
        return parameter instanceof Map<?, ?> || parameter instanceof Collection<?> || isArray(parameter)
                || fields.computeIfAbsent(parameter.getClass(), ContextExtractor::scan) != AnnotatedFields.NONE;
    }

    /** The objects whose annotated fields count: the parameter, the values of MyBatis' parameter map, their elements. */
    private List<Object> beans(Object parameter) {
        List<Object> beans = new ArrayList<>();
        List<@Nullable Object> roots = new ArrayList<>();
        if (parameter instanceof Map<?, ?> map) {
            roots.addAll(map.values());
        } else {
            roots.add(parameter);
        }
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Object value : flatten(roots)) {
            if (value != null && !simpleTypes.hasTypeHandler(value.getClass()) && seen.add(value)) {
                beans.add(value);
            }
        }
        return beans;
    }

    /**
     * The texts of the fields marked as order ({@code order}) or merchant ids in {@code beans}; a null among them when a
     * marked field holds none (null, blank, an unset primitive key), so that such a bean beside others leaves the call
     * without that id rather than with theirs.
     */
    private Set<@Nullable String> annotated(List<Object> beans, boolean order, Binds binds, Rendered rendered,
                                            String statementId, Object parameter) {
        Set<@Nullable String> texts = new LinkedHashSet<>();
        for (Object bean : beans) {
            AnnotatedFields known = fields.computeIfAbsent(bean.getClass(), ContextExtractor::scan);
            for (Field field : order ? known.orderIds() : known.merchantIds()) {
                try {
                    Object value = value(bean, field);
                    if (field.getType().isPrimitive() && isZero(value)) {
                        texts.add(null); // an unset primitive key (see isZero): no id
                        continue;
                    }
                    Object id = value instanceof Optional<?> optional ? optional.orElse(null) : value;
                    // as a path reads it (an Optional's value, an enum as bound); a marked value object by its text
                    String text = id == null ? null : canBeId(id) ? text(id) : id.toString();
                    // as the statement binds it where a <bind> reads the field (see Binds)
                    texts.add(text == null || text.isBlank() ? null
                            : binds.through(this, rendered, statementId, parameter, field.getName(), text));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read the field " + field + " marked as an id: " + e.getMessage(), e);
                }
            }
        }
        return texts;
    }

    /**
     * A marked field's value as MyBatis binds it: through the property's getter when the bean has one (a subclass
     * proxy made by Hibernate, Spring or ByteBuddy keeps its own copy of the field null and answers the getter from
     * its target, and a getter may normalise what the field holds), else the field itself, also when the getter
     * throws: reading an id must not fail a call whose SQL may never use that property.
     */
    private static @Nullable Object value(Object bean, Field field) throws IllegalAccessException {
        MetaObject meta = meta(bean);
        if (meta.hasGetter(field.getName())) {
            try {
                return meta.getValue(field.getName());
            } catch (RuntimeException getterFailed) {
                return field.get(bean);
            }
        }
        return field.get(bean);
    }

    private static @Nullable String single(Set<@Nullable String> texts) {
        return texts.size() == 1 ? texts.iterator().next() : null;
    }

    private static AnnotatedFields scan(Class<?> type) {
        List<Field> orderIds = new ArrayList<>();
        List<Field> merchantIds = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c.getName().startsWith("java.")) {
                break;
            }
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                boolean order = field.isAnnotationPresent(OrderId.class);
                boolean merchant = field.isAnnotationPresent(MerchantId.class);
                if (order || merchant) {
                    field.setAccessible(true);
                    if (order) {
                        orderIds.add(field);
                    }
                    if (merchant) {
                        merchantIds.add(field);
                    }
                }
            }
        }
        return orderIds.isEmpty() && merchantIds.isEmpty() ? AnnotatedFields.NONE
                : new AnnotatedFields(List.copyOf(orderIds), List.copyOf(merchantIds));
    }

    /**
     * Values with collections and arrays replaced by their elements, at any depth: orders given in groups (a list of
     * lists, an array of lists: a nested {@code <foreach>}) are each read. Flattened one level, the inner lists were
     * taken for beans, and MyBatis' reflection of a list throws, so the caller's call failed.
     */
    private static List<@Nullable Object> flatten(List<@Nullable Object> values) {
        List<@Nullable Object> flat = new ArrayList<>(values.size());
        for (Object value : values) {
            flattenInto(value, flat, 0);
        }
        return flat;
    }

    /**
     * Nesting of collections and arrays followed at most, here, in {@link StartupCheck} and in {@link
     * DualWriteMappers}: deeper, a value is kept as it is (a collection that holds itself ends there).
     */
    static final int MAX_NESTING = 16;

    private static void flattenInto(@Nullable Object value, List<@Nullable Object> flat, int depth) {
        if (depth < MAX_NESTING && value instanceof Collection<?> collection) {
            for (Object element : collection) {
                flattenInto(element, flat, depth + 1);
            }
        } else if (depth < MAX_NESTING && isArray(value)) { // of objects or of primitives (boxed by Array.get)
            for (int i = 0; i < Array.getLength(value); i++) {
                flattenInto(Array.get(value, i), flat, depth + 1);
            }
        } else {
            flat.add(value);
        }
    }
}
