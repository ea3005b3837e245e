package io.dualwrite.mybatis;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.reflection.DefaultReflectorFactory;
import org.apache.ibatis.reflection.MetaClass;
import org.apache.ibatis.reflection.ParamNameResolver;
import org.apache.ibatis.reflection.ReflectorFactory;
import org.apache.ibatis.reflection.TypeParameterResolver;
import org.apache.ibatis.session.Configuration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@link ContextRules} against a MyBatis {@link Configuration} once, at install: every configured
 * statement exists, and every path of a statement names readable properties of its parameter (as far as its
 * types are known: a {@code Map} or {@code Object} parameter accepts any path). A type variable is read as the type
 * it stands for where that is known (a base mapper's {@code E} as its sub-mapper binds it, a field {@code T} of a
 * {@code Envelope<Order>}), else as its bound; a path that goes through a type variable or wildcard bound by nothing
 * but {@code Object} cannot be checked, and says so at WARN. A global path must fit at least one statement.
 */
final class StartupCheck {

    private static final Logger log = LoggerFactory.getLogger(StartupCheck.class);
    private final Configuration configuration;
    private final ReflectorFactory reflectors = new DefaultReflectorFactory();
    /** Set by {@link #misfit}: why the path it accepted could not be checked to its end, or null. */
    private @Nullable String unchecked;

    StartupCheck(Configuration configuration) {
        this.configuration = configuration;
    }

    /** @throws IllegalStateException naming the statement or path, its mapper, and what to do */
    void check(ContextRules rules) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ContextRules.StatementPaths> entry : rules.statements().entrySet()) {
            String id = entry.getKey();
            String mapper = mapperOf(id);
            if (!configuration.hasStatement(id, true)) {
                problems.add("statement '" + id + "' does not exist in mapper " + mapper + " (its statements: "
                        + statementsOf(mapper) + "); fix the id in ContextRules.statement(...), or add the mapper to"
                        + " the Configuration before installing the interceptor");
                continue;
            }
            String shortName = notFullId(configuration, id);
            if (shortName != null) {
                problems.add(shortName + "; fix the id in ContextRules.statement(...)");
                continue;
            }
            MappedStatement statement = configuration.getMappedStatement(id, false);
            for (String path : new String[] {entry.getValue().orderIdPath(), entry.getValue().merchantIdPath()}) {
                if (path != null) {
                    String why = misfit(statement, path, true);
                    if (why != null) {
                        problems.add("property path '" + path + "' of statement '" + id + "' (mapper " + mapper
                                + ") does not exist: " + why + "; fix the path in ContextRules.statement(...)");
                    } else if (unchecked != null) {
                        log.warn("dualwrite: property path '{}' of statement '{}' (mapper {}) cannot be checked at"
                                + " start-up: {}; a misspelt path would leave every call unattributed", path, id,
                                mapper, unchecked);
                    }
                }
            }
        }
        List<String> globals = new ArrayList<>(rules.orderIdPaths());
        globals.addAll(rules.merchantIdPaths());
        for (String path : globals) {
            boolean fits = false;
            for (Object each : configuration.getMappedStatements()) {
                if (each instanceof MappedStatement statement && misfit(statement, path, false) == null) {
                    fits = true;
                    break;
                }
            }
            if (!fits) {
                problems.add("global property path '" + path + "' fits the parameter of no statement of the mappers "
                        + mappers() + "; fix the path in ContextRules.orderIdPath/merchantIdPath(...)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("MyBatis context rules of migration " + rules.migration() + ": "
                    + String.join("; ", problems));
        }
    }

    /**
     * The read routes of {@code reads}: old statement id → new statement id.
     *
     * @throws IllegalStateException naming each route whose statements are missing, not a read, or of different types
     */
    Map<String, String> check(NewStoreReads reads) {
        Map<String, String> routes = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> route : reads.statements().entrySet()) {
            for (String id : List.of(route.getKey(), route.getValue())) {
                if (!configuration.hasStatement(id, true)) {
                    problems.add("statement '" + id + "' does not exist in mapper " + mapperOf(id) + " (its statements: "
                            + statementsOf(mapperOf(id)) + "); fix the id in NewStoreReads.statement(...)");
                }
            }
            if (configuration.hasStatement(route.getKey(), false) && configuration.hasStatement(route.getValue(), false)) {
                routes.put(route.getKey(), route.getValue());
            }
        }
        for (Map.Entry<String, String> mapper : reads.mappers().entrySet()) {
            // a mapper left out of the Configuration, or a pair without a read of the same name, routes nothing:
            // every read then runs as written on the new store, silently, once it is authoritative
            boolean missing = false;
            for (String namespace : List.of(mapper.getKey(), mapper.getValue())) {
                if (statementsOf(namespace).isEmpty()) {
                    missing = true;
                    problems.add("mapper " + namespace + " of NewStoreReads.mapper(" + simpleName(mapper.getKey())
                            + ".class, " + simpleName(mapper.getValue()) + ".class) has no statement in the"
                            + " Configuration; add the mapper before installing the interceptor");
                }
            }
            boolean any = false;
            for (String name : statementsOf(mapper.getKey())) {
                String oldId = mapper.getKey() + "." + name;
                String newId = mapper.getValue() + "." + name;
                if (configuration.hasStatement(newId, true) && configuration.getMappedStatement(oldId)
                        .getSqlCommandType() == org.apache.ibatis.mapping.SqlCommandType.SELECT) {
                    any = true;
                    routes.putIfAbsent(oldId, newId);
                }
            }
            if (!missing && !any) {
                problems.add("no read of mapper " + mapper.getKey() + " has a statement of the same name in mapper "
                        + mapper.getValue() + " (its statements: " + statementsOf(mapper.getValue()) + "); name the"
                        + " counterparts one by one with NewStoreReads.statement(...)");
            }
        }
        for (Map.Entry<String, String> route : routes.entrySet()) {
            MappedStatement old = configuration.getMappedStatement(route.getKey());
            MappedStatement now = configuration.getMappedStatement(route.getValue());
            if (old.getSqlCommandType() != org.apache.ibatis.mapping.SqlCommandType.SELECT) {
                problems.add("statement '" + route.getKey() + "' (mapper " + mapperOf(route.getKey()) + ") is a "
                        + old.getSqlCommandType() + ", not a read; only reads have new-store counterparts");
            } else if (!resultType(old).equals(resultType(now))) {
                problems.add("statement '" + route.getValue() + "' (mapper " + mapperOf(route.getValue()) + ") returns "
                        + resultType(now).getName() + " but '" + route.getKey() + "' returns " + resultType(old).getName()
                        + "; a counterpart must return the caller's type");
            } else {
                String unbound = unboundParameter(old, now);
                if (unbound != null) {
                    problems.add("statement '" + route.getValue() + "' (mapper " + mapperOf(route.getValue())
                            + ") binds " + unbound + " in place of '" + route.getKey() + "'; a counterpart runs with"
                            + " the parameter of the read it replaces: name its parameters as that read does");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("MyBatis new-store reads: " + String.join("; ", problems));
        }
        return routes;
    }

    /**
     * Which parameter of the counterpart {@code now}'s SQL the parameter of {@code old} cannot give, and why; null
     * when all can (or when its SQL is dynamic, known per call only). A counterpart that binds {@code #{merchant}}
     * for a read passing {@code @Param("merchantNo")} installed, and failed every call once the new store was read.
     */
    private @Nullable String unboundParameter(MappedStatement old, MappedStatement now) {
        if (!(now.getSqlSource() instanceof org.apache.ibatis.scripting.defaults.RawSqlSource)
                && !(now.getSqlSource() instanceof org.apache.ibatis.builder.StaticSqlSource)) {
            return null;
        }
        for (org.apache.ibatis.mapping.ParameterMapping mapping : now.getBoundSql(null).getParameterMappings()) {
            String property = mapping.getProperty();
            if (property == null || property.startsWith("_parameter") || property.startsWith("_databaseId")
                    || mapping.getMode() == org.apache.ibatis.mapping.ParameterMode.OUT) {
                continue;
            }
            String why = misfit(old, property, true, false);
            if (why != null) {
                return "#{" + property + "}, which the parameter of '" + old.getId() + "' does not have: " + why;
            }
        }
        return null;
    }

    /**
     * For the statements that write a row into a store ({@code upserts}, of {@code target}) with the row object the
     * other store's {@code read} returned (of {@code source}): each parameter of their SQL the row does not have, as
     * "statement … binds #{…}, which …". A sync with such a statement failed for every key, left in the change log
     * for good; the ids were checked only for existing. Dynamic SQL is not checked (known per call only).
     */
    static List<String> unboundRowProperties(Configuration source, String read, Configuration target,
                                             List<String> upserts) {
        List<String> problems = new ArrayList<>();
        if (!source.hasStatement(read, false)) {
            return problems;
        }
        Class<?> row = resultType(source.getMappedStatement(read));
        StartupCheck check = new StartupCheck(target);
        for (String upsert : upserts) {
            if (!target.hasStatement(upsert, false)) {
                continue;
            }
            MappedStatement statement = target.getMappedStatement(upsert);
            if (!(statement.getSqlSource() instanceof org.apache.ibatis.scripting.defaults.RawSqlSource)
                    && !(statement.getSqlSource() instanceof org.apache.ibatis.builder.StaticSqlSource)) {
                continue;
            }
            for (org.apache.ibatis.mapping.ParameterMapping mapping : statement.getBoundSql(null).getParameterMappings()) {
                String property = mapping.getProperty();
                if (property == null || property.startsWith("_parameter") || property.startsWith("_databaseId")) {
                    continue;
                }
                String why = check.configuration.getTypeHandlerRegistry().hasTypeHandler(row) ? null
                        : check.walk(row, property.split("\\."), 0, false, property);
                if (why != null) {
                    problems.add("statement '" + upsert + "' (mapper " + mapperOf(upsert) + ") binds #{" + property
                            + "}, which the row '" + read + "' returns does not have: " + why);
                    break;
                }
            }
        }
        return problems;
    }

    /**
     * Why the key property {@code property} of a marked write cannot be read from its key argument {@code index} of
     * {@code method} of {@code mapper}, or null when it can or the argument's type is not known here:
     * from the argument itself, else as MyBatis names it ({@code row.id}); of a list or array, from each element by
     * the property's last name. A key argument of a type MyBatis binds as one value is its own key.
     */
    static @Nullable String unreadableKey(Configuration configuration, Class<?> mapper, Method method, int index,
                                          String property) {
        String statementId = mapper.getName() + "." + method.getName();
        StartupCheck check = new StartupCheck(configuration);
        Type type = check.known(TypeParameterResolver.resolveParamTypes(method, mapper)[index], property);
        Class<?> element = elementClass(type);
        if (element == null || configuration.getTypeHandlerRegistry().hasTypeHandler(element)) {
            return null;
        }
        if (isCollection(type)) {
            String last = property.substring(property.lastIndexOf('.') + 1);
            return check.walk(element, new String[] {last}, 0, false, last);
        }
        String why = check.walk(type, property.split("\\."), 0, false, property);
        if (why != null && configuration.hasStatement(statementId, false)
                && check.misfit(configuration.getMappedStatement(statementId), property, true, false) == null) {
            return null; // named through MyBatis' parameter map, as the sync reads it then
        }
        return why;
    }

    /**
     * Why property {@code path} cannot be read from the row {@code read} returns, or null when it can (or the row is a
     * map, a single value, or of a type unknown here).
     */
    static @Nullable String unreadableRowProperty(Configuration configuration, String read, String path) {
        if (!configuration.hasStatement(read, false)) {
            return null;
        }
        Class<?> row = resultType(configuration.getMappedStatement(read));
        if (configuration.getTypeHandlerRegistry().hasTypeHandler(row)) {
            return null;
        }
        return new StartupCheck(configuration).walk(row, path.split("\\."), 0, false, path);
    }

    private static Class<?> resultType(MappedStatement statement) {
        return statement.getResultMaps().isEmpty() ? void.class : statement.getResultMaps().get(0).getType();
    }

    /**
     * Why {@code path} cannot be read from the statement's parameter, or null when it can (or cannot be known).
     * {@code own}: the statement's own path, which may name a lone parameter of a simple type (MyBatis binds it by
     * any name; a global path does not, or it would read every such parameter as an id).
     */
    @Nullable String misfit(MappedStatement statement, String path, boolean own) {
        return misfit(statement, path, own, true);
    }

    /** {@link #misfit(MappedStatement, String, boolean)}; {@code id}: whether the path must end at an id. */
    private @Nullable String misfit(MappedStatement statement, String path, boolean own, boolean id) {
        unchecked = null;
        String[] names = path.split("\\.");
        Method method = mapperMethod(statement.getId());
        Type root;
        int first = 0;
        if (method != null) {
            // a base mapper's parameter E, as the statement's own mapper binds it
            Type[] parameterTypes = TypeParameterResolver.resolveParamTypes(method, mapperClass(statement.getId()));
            String[] params = new ParamNameResolver(configuration, method).getNames();
            boolean wrapped = params.length > 1 || method.getParameters().length == 1 && method.getParameters()[0]
                    .isAnnotationPresent(org.apache.ibatis.annotations.Param.class);
            if (params.length == 0) {
                return "the mapper method " + method.getName() + " takes no parameter";
            }
            if (params.length == 1 && !wrapped) {
                root = known(unlessObject(method.getGenericParameterTypes()[paramIndex(method)],
                        parameterTypes[paramIndex(method)]), path);
                Class<?> lone = rawClass(root);
                if (own && names.length == 1 && lone != null && !Map.class.isAssignableFrom(lone)
                        && configuration.getTypeHandlerRegistry().hasTypeHandler(lone)) {
                    return null; // the value itself, as #{anyName} binds it
                }
                if (isCollection(root)) {
                    // MyBatis passes a lone collection or array as a map of the names below, never itself: a path
                    // must start with one of them, as a <foreach collection> does
                    String refused = loneCollectionRefusal(rawClass(root), params[0], names[0]);
                    if (refused != null) {
                        return refused;
                    }
                    first = 1;
                }
            } else {
                int index = Arrays.asList(params).indexOf(names[0]);
                if (index < 0 && names[0].matches("param[1-9][0-9]{0,3}")
                        && Integer.parseInt(names[0].substring(5)) <= params.length) {
                    index = Integer.parseInt(names[0].substring(5)) - 1; // MyBatis' generic names param1, param2 …
                }
                if (index < 0) {
                    return "the mapper method " + method.getName() + " has no parameter named '" + names[0]
                            + "' (its @Param names: " + Arrays.toString(params) + "; also param1.." + "param"
                            + params.length + ")";
                }
                root = known(unlessObject(method.getGenericParameterTypes()[paramIndex(method, index)],
                        parameterTypes[paramIndex(method, index)]), path);
                first = 1;
            }
        } else {
            root = statement.getParameterMap().getType();
            if (root != null && isCollection(root)) {
                // a statement of no mapper method (XML only) is given a collection by SqlSession, which wraps it
                // as a lone argument without a name of its own
                String refused = loneCollectionRefusal(rawClass(root), null, names[0]);
                if (refused != null) {
                    return refused;
                }
                first = 1;
            }
        }
        return walk(root, names, first, id, path);
    }

    /**
     * Why a path starting with {@code first} reads none of the names MyBatis gives a lone collection or array argument
     * of {@code type} ({@link #loneCollectionNames}); null when it starts with one of them.
     */
    private @Nullable String loneCollectionRefusal(Class<?> type, @Nullable String actualName, String first) {
        List<String> given = loneCollectionNames(type, actualName);
        return given.contains(first) ? null : "MyBatis passes the lone " + type.getSimpleName()
                + " argument as a map of " + given + ", and the path must start with one of them";
    }

    /**
     * The names MyBatis gives a lone collection or array argument without {@code @Param} in the map it passes
     * ({@code ParamNameResolver.wrapToMapIfCollection}): {@code collection} for any collection, {@code list} for a
     * list, {@code array} for an array, and the argument's own name when {@code useActualParamName} is on.
     */
    private List<String> loneCollectionNames(Class<?> type, @Nullable String actualName) {
        TreeSet<String> names = new TreeSet<>();
        if (type.isArray()) {
            names.add("array");
        } else {
            names.add("collection");
            if (List.class.isAssignableFrom(type)) {
                names.add("list");
            }
        }
        if (actualName != null && configuration.isUseActualParamName()) {
            names.add(actualName);
        }
        return List.copyOf(names);
    }

    /** Why {@code names} from {@code first} on cannot be read from a value of {@code root}, or null (see misfit). */
    private @Nullable String walk(Type root, String[] names, int first, boolean id, String path) {
        Type type = root;
        for (int i = first; i < names.length; i++) {
            Class<?> raw = elementClass(type);
            if (raw == null || raw == Object.class || Map.class.isAssignableFrom(raw)) {
                return null; // a map or an unknown type: any name may be there
            }
            if (configuration.getTypeHandlerRegistry().hasTypeHandler(raw)) {
                // MetaClass sees a String's private fields ('value', 'hash'); the extractor reads no property of it
                return raw.getSimpleName() + " is a single value with no property '" + names[i] + "'";
            }
            MetaClass meta = MetaClass.forClass(raw, reflectors);
            if (!meta.hasGetter(names[i])) {
                return raw.getSimpleName() + " has no readable property '" + names[i] + "' (its properties: "
                        + new TreeSet<>(Arrays.asList(meta.getGetterNames())) + ")";
            }
            type = known(getterType(raw, type, names[i], meta), path);
        }
        Class<?> end = elementClass(type);
        if (id && end != null && !mayBeId(end)) {
            // the interceptor takes no bean for an id: every call would follow the unattributed rule, silently
            return end.getSimpleName() + " is a bean, not an id; the path must go on to one of its properties "
                    + new TreeSet<>(Arrays.asList(MetaClass.forClass(end, reflectors).getGetterNames()));
        }
        return null;
    }

    /**
     * Whether a value of {@code type} may be an id as {@link ContextExtractor} reads one (text, a number, a UUID, an
     * enum, an {@code Optional}, a type MyBatis binds as one column), or may hold one unknown here (an interface, an
     * abstract class, {@code Object}, a {@code Map}).
     */
    private boolean mayBeId(Class<?> type) {
        return type.isPrimitive() || type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())
                || type == Object.class || CharSequence.class.isAssignableFrom(type)
                || Number.class.isAssignableFrom(type) || type == Character.class || type == java.util.UUID.class
                || type.isEnum() || type == java.util.Optional.class || Map.class.isAssignableFrom(type)
                || configuration.getTypeHandlerRegistry().hasTypeHandler(type);
    }

    private static int paramIndex(Method method) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (!org.apache.ibatis.session.RowBounds.class.isAssignableFrom(types[i])
                    && !org.apache.ibatis.session.ResultHandler.class.isAssignableFrom(types[i])) {
                return i;
            }
        }
        return 0;
    }

    /** The method parameter index of the n-th named parameter (RowBounds and ResultHandler have no name). */
    private static int paramIndex(Method method, int named) {
        Class<?>[] types = method.getParameterTypes();
        int seen = -1;
        for (int i = 0; i < types.length; i++) {
            if (!org.apache.ibatis.session.RowBounds.class.isAssignableFrom(types[i])
                    && !org.apache.ibatis.session.ResultHandler.class.isAssignableFrom(types[i]) && ++seen == named) {
                return i;
            }
        }
        return 0;
    }

    /**
     * The type of property {@code name} of a value of {@code type} (of class {@code owner}): its field's type, else its
     * getter's, with the type variables {@code type} binds resolved ({@code T payload} of an {@code Envelope<Order>}).
     */
    private static Type getterType(Class<?> owner, Type type, String name, MetaClass meta) {
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field field = c.getDeclaredField(name);
                Type bound = boundBy(field.getGenericType(), type);
                return bound != null ? bound
                        : unlessObject(field.getGenericType(), TypeParameterResolver.resolveFieldType(field, type));
            } catch (NoSuchFieldException absent) {
                // a getter without a field of that name, or a superclass field
            }
        }
        String suffix = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (String getter : List.of("get" + suffix, "is" + suffix)) {
            try {
                Method method = owner.getMethod(getter);
                Type bound = boundBy(method.getGenericReturnType(), type);
                return bound != null ? bound
                        : unlessObject(method.getGenericReturnType(), TypeParameterResolver.resolveReturnType(method, type));
            } catch (NoSuchMethodException absent) {
                // a record's accessor, or the other prefix
            }
        }
        return meta.getGetterType(name);
    }

    /**
     * {@code resolved}, unless MyBatis' resolver answered a type variable with its bound {@code Object}: then the
     * variable, so that {@link #known} notes that the path cannot be checked from there.
     */
    private static Type unlessObject(Type declared, Type resolved) {
        return resolved == Object.class && declared instanceof TypeVariable<?> ? declared : resolved;
    }

    /**
     * The type argument {@code owner} gives a type variable of its own class ({@code T} of {@code Envelope<Order>}:
     * {@code Order}), or null. MyBatis' resolver answers such a variable with its bound.
     */
    private static @Nullable Type boundBy(Type declared, Type owner) {
        if (declared instanceof TypeVariable<?> variable && owner instanceof ParameterizedType parameterized
                && variable.getGenericDeclaration() == parameterized.getRawType()) {
            TypeVariable<?>[] variables = ((Class<?>) parameterized.getRawType()).getTypeParameters();
            for (int i = 0; i < variables.length; i++) {
                if (variables[i].getName().equals(variable.getName())) {
                    return parameterized.getActualTypeArguments()[i];
                }
            }
        }
        return null;
    }

    /**
     * {@code type} as far as it is known: a type variable or wildcard left after resolution ({@code <T extends Order>}
     * of the method itself, {@code Envelope<?>}) stands for its bound; one bound by nothing but {@code Object} is noted
     * in {@link #unchecked}, and the path accepted from there.
     */
    private Type known(Type type, String path) {
        Type known = type;
        while (known instanceof TypeVariable<?> || known instanceof WildcardType) {
            Type variable = known;
            known = known instanceof TypeVariable<?> v ? v.getBounds()[0] : ((WildcardType) known).getUpperBounds()[0];
            if (known == Object.class && unchecked == null) {
                unchecked = "it goes through " + (variable instanceof TypeVariable<?> v ? "type variable " + v.getName()
                        + " of " + v.getGenericDeclaration() : "a wildcard (?)") + ", bound by nothing but Object";
            }
        }
        if (known instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1
                && rawClass(parameterized) != null && Collection.class.isAssignableFrom(rawClass(parameterized))) {
            known(parameterized.getActualTypeArguments()[0], path); // a List<T>: notes an element type unknown
        }
        return known;
    }

    private static boolean isCollection(Type type) {
        if (type instanceof java.lang.reflect.GenericArrayType) {
            return true;
        }
        Class<?> raw = rawClass(type);
        return raw != null && (Collection.class.isAssignableFrom(raw) || raw.isArray());
    }

    /**
     * The class of a value of {@code type}, or of its elements when it is a collection or an array, at any depth (a
     * list of lists of orders: a nested {@code <foreach>}, whose elements the extractor reads too); null when unknown
     * (a collection of no declared element type). Read one level only, a path through such groups was refused at
     * install ("List has no readable property"), and one through an array of lists was never checked.
     */
    private static @Nullable Class<?> elementClass(Type type) {
        Type current = type;
        for (int depth = 0; depth < ContextExtractor.MAX_NESTING; depth++) {
            if (current instanceof java.lang.reflect.GenericArrayType array) {
                current = array.getGenericComponentType();
                continue;
            }
            Class<?> raw = rawClass(current);
            if (raw == null) {
                return null;
            }
            if (raw.isArray()) {
                current = raw.getComponentType();
            } else if (Collection.class.isAssignableFrom(raw)) {
                if (!(current instanceof ParameterizedType parameterized)
                        || parameterized.getActualTypeArguments().length != 1) {
                    return null;
                }
                Type element = parameterized.getActualTypeArguments()[0];
                while (element instanceof TypeVariable<?> || element instanceof WildcardType) {
                    element = element instanceof TypeVariable<?> v ? v.getBounds()[0]
                            : ((WildcardType) element).getUpperBounds()[0];
                }
                current = element;
            } else {
                return raw;
            }
        }
        return rawClass(current);
    }

    private static @Nullable Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private @Nullable Class<?> mapperClass(String statementId) {
        int dot = statementId.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        return configuration.getMapperRegistry().getMappers().stream()
                .filter(type -> type.getName().equals(statementId.substring(0, dot))).findFirst().orElse(null);
    }

    private @Nullable Method mapperMethod(String statementId) {
        Class<?> mapper = mapperClass(statementId);
        if (mapper == null) {
            return null;
        }
        int dot = statementId.lastIndexOf('.');
        String name = statementId.substring(dot + 1);
        for (Method method : mapper.getMethods()) {
            if (method.getName().equals(name) && !method.isBridge() && !method.isDefault()) {
                return method;
            }
        }
        return null;
    }

    /**
     * Why {@code id}, a name MyBatis knows, is not a statement's full id, or null when it is one. MyBatis also answers
     * to a statement's name without its namespace ({@code updateStatus}) when only one mapper has it, but a call
     * carries the full id: a rule keyed by the short name passed this check and never applied.
     */
    static @Nullable String notFullId(Configuration configuration, String id) {
        String full;
        try {
            full = configuration.getMappedStatement(id, false).getId();
        } catch (IllegalArgumentException ambiguous) { // a short name that several mappers have
            TreeSet<String> fullIds = new TreeSet<>();
            for (String name : configuration.getMappedStatementNames()) {
                if (name.endsWith("." + id)) {
                    fullIds.add("'" + name + "'");
                }
            }
            return "statement '" + id + "' is not a full statement id: several mappers have a statement of that name; "
                    + "give one of " + fullIds;
        }
        return full.equals(id) ? null : "statement '" + id + "' is not a full statement id: calls of it carry the id '"
                + full + "'; give that id";
    }

    private static String simpleName(String namespace) {
        return namespace.substring(namespace.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String mapperOf(String statementId) {
        int dot = statementId.lastIndexOf('.');
        return dot < 0 ? "(none: the id has no namespace)" : statementId.substring(0, dot);
    }

    private TreeSet<String> statementsOf(String mapper) {
        TreeSet<String> names = new TreeSet<>();
        for (String id : configuration.getMappedStatementNames()) {
            if (id.startsWith(mapper + ".") && id.indexOf('.', mapper.length() + 1) < 0) {
                names.add(id.substring(mapper.length() + 1));
            }
        }
        return names;
    }

    private TreeSet<String> mappers() {
        TreeSet<String> names = new TreeSet<>();
        for (String id : configuration.getMappedStatementNames()) {
            int dot = id.lastIndexOf('.');
            if (dot > 0) {
                names.add(id.substring(0, dot));
            }
        }
        return names;
    }
}
