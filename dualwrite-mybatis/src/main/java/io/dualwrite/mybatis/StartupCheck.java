package io.dualwrite.mybatis;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
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
import org.apache.ibatis.session.Configuration;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link ContextRules} against a MyBatis {@link Configuration} once, at install: every configured
 * statement exists, and every path of a statement names readable properties of its parameter (as far as its
 * types are known: a {@code Map} or {@code Object} parameter accepts any path). A global path must fit at
 * least one statement.
 */
final class StartupCheck {

    private final Configuration configuration;
    private final ReflectorFactory reflectors = new DefaultReflectorFactory();

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
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("MyBatis new-store reads: " + String.join("; ", problems));
        }
        return routes;
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
        String[] names = path.split("\\.");
        Method method = mapperMethod(statement.getId());
        Type root;
        int first = 0;
        if (method != null) {
            String[] params = new ParamNameResolver(configuration, method).getNames();
            boolean wrapped = params.length > 1 || method.getParameters().length == 1 && method.getParameters()[0]
                    .isAnnotationPresent(org.apache.ibatis.annotations.Param.class);
            if (params.length == 0) {
                return "the mapper method " + method.getName() + " takes no parameter";
            }
            if (params.length == 1 && !wrapped) {
                root = method.getGenericParameterTypes()[paramIndex(method)];
                Class<?> lone = rawClass(root);
                if (own && names.length == 1 && lone != null && !Map.class.isAssignableFrom(lone)
                        && configuration.getTypeHandlerRegistry().hasTypeHandler(lone)) {
                    return null; // the value itself, as #{anyName} binds it
                }
                if (isCollection(root)) {
                    // MyBatis wraps a lone collection as 'collection'/'list'/'array' and the paths may start there
                    if (names[0].equals("collection") || names[0].equals("list") || names[0].equals("array")) {
                        first = 1;
                    }
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
                root = method.getGenericParameterTypes()[paramIndex(method, index)];
                first = 1;
            }
        } else {
            root = statement.getParameterMap().getType();
        }
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
            type = getterType(raw, names[i], meta);
        }
        Class<?> end = elementClass(type);
        if (end != null && !mayBeId(end)) {
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

    private static Type getterType(Class<?> owner, String name, MetaClass meta) {
        for (Class<?> c = owner; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name).getGenericType();
            } catch (NoSuchFieldException absent) {
                // a getter without a field of that name, or a superclass field
            }
        }
        return meta.getGetterType(name);
    }

    private static boolean isCollection(Type type) {
        Class<?> raw = rawClass(type);
        return raw != null && (Collection.class.isAssignableFrom(raw) || raw.isArray());
    }

    /** The class of a value of {@code type}, or of its elements when it is a collection or an array. */
    private static @Nullable Class<?> elementClass(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            return null;
        }
        if (raw.isArray()) {
            return raw.getComponentType();
        }
        if (Collection.class.isAssignableFrom(raw)) {
            if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1) {
                return rawClass(parameterized.getActualTypeArguments()[0]);
            }
            return null;
        }
        return raw;
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

    private @Nullable Method mapperMethod(String statementId) {
        int dot = statementId.lastIndexOf('.');
        if (dot < 0) {
            return null;
        }
        Class<?> mapper = configuration.getMapperRegistry().getMappers().stream()
                .filter(type -> type.getName().equals(statementId.substring(0, dot))).findFirst().orElse(null);
        if (mapper == null) {
            return null;
        }
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
