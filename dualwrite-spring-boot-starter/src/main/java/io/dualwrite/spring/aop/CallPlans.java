package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.annotation.OrderId;
import io.dualwrite.internal.LogThrottle;
import io.dualwrite.switches.Switchboard;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.expression.MapAccessor;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodClassKey;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotatedMethod;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The plans of one annotation's methods, built when the advisor's pointcut first meets a method (while the
 * application context creates its beans), so that a bad annotation fails start-up; and the call's
 * {@link MigrationContext} from the arguments.
 */
final class CallPlans {

    private static final Logger log = LoggerFactory.getLogger(CallPlans.class);
    private static final Optional<CallPlan> NONE = Optional.empty();
    private static final Pattern VARIABLE = Pattern.compile("#([A-Za-z_$][A-Za-z0-9_$]*)");
    private static final Pattern POSITIONAL = Pattern.compile("[pa][0-9]+");

    private final Class<? extends Annotation> kind;
    private final ObjectProvider<Switchboard> switchboard;
    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final Map<MethodClassKey, Optional<CallPlan>> plans = new ConcurrentHashMap<>();
    private final Set<Class<?>> checkedClasses = ConcurrentHashMap.newKeySet();
    private final LogThrottle warnings = new LogThrottle(Duration.ofSeconds(10));

    CallPlans(Class<? extends Annotation> kind, ObjectProvider<Switchboard> switchboard) {
        this.kind = kind;
        this.switchboard = switchboard;
    }

    /**
     * The plan of {@code method} called on {@code targetClass}, or {@code null} when it does not carry the annotation.
     *
     * @throws IllegalStateException naming the method and what is wrong with its annotation
     */
    @Nullable CallPlan plan(Method method, @Nullable Class<?> targetClass) {
        Class<?> type = targetClass != null ? targetClass : method.getDeclaringClass();
        if (checkedClasses.add(type)) {
            refuseUnproxiable(type);
        }
        return plans.computeIfAbsent(new MethodClassKey(method, targetClass), key -> build(method, targetClass))
                .orElse(null);
    }

    private Optional<CallPlan> build(Method method, @Nullable Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return NONE;
        }
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        Annotation annotation = AnnotatedElementUtils.findMergedAnnotation(specific, kind);
        if (annotation == null) {
            return NONE;
        }
        String name = specific.getDeclaringClass().getSimpleName() + "." + specific.getName();
        Class<? extends Annotation> otherKind = kind == DualWrite.class ? DualRead.class : DualWrite.class;
        if (AnnotatedElementUtils.findMergedAnnotation(specific, otherKind) != null) {
            throw new IllegalStateException("Method " + name + " carries both @DualWrite and @DualRead; keep the one "
                    + "that says what it does");
        }
        String migration;
        String orderSource;
        String merchantSource;
        DualRead read = null;
        if (annotation instanceof DualWrite write) {
            migration = write.migration();
            orderSource = write.orderId();
            merchantSource = write.merchantId();
        } else {
            read = (DualRead) annotation;
            migration = read.migration();
            orderSource = read.orderId();
            merchantSource = read.merchantId();
        }
        String at = "@" + kind.getSimpleName();
        Expression orderId = parse(name, at + " orderId", orderSource);
        Expression merchantId = parse(name, at + " merchantId", merchantSource);
        requireParameterNames(specific, name, at + " orderId", orderSource);
        requireParameterNames(specific, name, at + " merchantId", merchantSource);
        int orderParameter = markedParameter(specific, name, OrderId.class);
        int merchantParameter = markedParameter(specific, name, MerchantId.class);
        Expression rowKey = null;
        Expression rowMerchant = null;
        Expression rowOrder = null;
        if (read != null && read.merge()) {
            if (read.rowKey().isBlank()) {
                throw new IllegalStateException("@DualRead(merge = true) on " + name + " needs rowKey: the row's key, "
                        + "as a property name or a SpEL expression on the row (e.g. rowKey = \"id\")");
            }
            if (read.rowMerchantId().isBlank() && read.rowOrderId().isBlank()) {
                throw new IllegalStateException("@DualRead(merge = true) on " + name + " needs rowMerchantId or "
                        + "rowOrderId: what decides each row's phase (e.g. rowMerchantId = \"merchantId\")");
            }
            if (!specific.getReturnType().isAssignableFrom(ArrayList.class)) {
                throw new IllegalStateException("@DualRead(merge = true) on " + name + " needs a method returning a "
                        + "List, Collection or Iterable, but it returns " + specific.getReturnType().getName());
            }
            rowKey = parse(name, "@DualRead rowKey", read.rowKey());
            rowMerchant = parse(name, "@DualRead rowMerchantId", read.rowMerchantId());
            rowOrder = parse(name, "@DualRead rowOrderId", read.rowOrderId());
        }
        if (!migration.isEmpty() && migration.isBlank()) {
            throw new IllegalStateException(at + " migration of " + name + " must be a migration name or empty (the "
                    + "only one configured), but was '" + migration + "'");
        }
        return Optional.of(new CallPlan(specific, name, migration, orderId, merchantId, orderParameter,
                merchantParameter, read, rowKey, rowMerchant, rowOrder));
    }

    /**
     * Refuses the annotation on a method of {@code type} that a Spring AOP proxy never intercepts: a private or static
     * method, or a final one no interface declares (a class proxy cannot override it). The annotation did nothing
     * there: every call ran without the context it asks for, so its writes followed the unattributed rule (a merchant
     * in {@code DUAL_WRITE} left out of the new store, or one in {@code OLD_ONLY} mirrored) without a word. Checked
     * for the whole class the first time the pointcut meets it, since Spring stops asking at the first method that
     * matches.
     */
    private void refuseUnproxiable(Class<?> type) {
        ReflectionUtils.doWithMethods(type, method -> {
            int modifiers = method.getModifiers();
            String why = Modifier.isPrivate(modifiers) ? "private"
                    : Modifier.isStatic(modifiers) ? "static"
                    : Modifier.isFinal(modifiers) && !declaredByAnInterface(method, type) ? "final" : null;
            if (why == null || method.isSynthetic() || method.isBridge()
                    || AnnotatedElementUtils.findMergedAnnotation(method, kind) == null) {
                return;
            }
            String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
            String fix = switch (why) {
                case "private" -> "make " + name + " public (or protected)";
                case "static" -> "make " + name + " an instance method";
                default -> "remove final from " + name;
            };
            throw new IllegalStateException("@" + kind.getSimpleName() + " on " + name + " has no effect: the method is "
                    + why + ", and a Spring AOP proxy never intercepts a " + why + " method, so every call would run"
                    + " without its migration context; " + fix + ", and call it through the bean (from another bean,"
                    + " or through the bean injected into itself), not from the same object");
        }, method -> method.getDeclaringClass() != Object.class);
    }

    private static boolean declaredByAnInterface(Method method, Class<?> type) {
        for (Class<?> each : ClassUtils.getAllInterfacesForClassAsSet(type)) {
            if (ReflectionUtils.findMethod(each, method.getName(), method.getParameterTypes()) != null) {
                return true;
            }
        }
        return false;
    }

    private @Nullable Expression parse(String method, String element, String source) {
        if (source.isBlank()) {
            return null;
        }
        try {
            return parser.parseExpression(source);
        } catch (ParseException e) {
            throw new IllegalStateException(element + " of " + method + " is not a valid SpEL expression: '" + source
                    + "' (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Refuses an expression naming a parameter ({@code #merchantId}) of a method whose parameter names are not
     * in its class file (compiled without {@code -parameters}): the variable would be null on every call, and
     * every call would run unattributed without a word. {@code #p0} / {@code #a0} need no names.
     */
    private void requireParameterNames(Method method, String name, String element, String source) {
        if (source.isBlank() || method.getParameterCount() == 0 || parameterNames.getParameterNames(method) != null) {
            return;
        }
        Matcher variable = VARIABLE.matcher(source);
        while (variable.find()) {
            String used = variable.group(1);
            if (!POSITIONAL.matcher(used).matches() && !used.equals("root") && !used.equals("this")) {
                throw new IllegalStateException(element + " of " + name + " is '" + source + "', but the parameter"
                        + " names of " + name + " are not in its class file, so #" + used + " would be null on"
                        + " every call; compile with -parameters (Spring Boot's parent POM does), or write #p0, #p1"
                        + " … by position");
            }
        }
    }

    private static int markedParameter(Method method, String name, Class<? extends Annotation> marker) {
        int found = -1;
        AnnotatedMethod annotated = new AnnotatedMethod(method);
        MethodParameter[] parameters = annotated.getMethodParameters();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].hasParameterAnnotation(marker)) {
                if (found >= 0) {
                    throw new IllegalStateException("Method " + name + " marks parameters " + found + " and " + i
                            + " with @" + marker.getSimpleName() + "; mark one");
                }
                found = i;
            }
        }
        return found;
    }

    /** Every plan built so far (for the start-up check of migrations). */
    List<CallPlan> built() {
        List<CallPlan> built = new ArrayList<>();
        plans.values().forEach(plan -> plan.ifPresent(built::add));
        return built;
    }

    /**
     * The migration of a plan: the one it names, which must be configured, else the only one configured.
     *
     * @throws IllegalStateException naming the method and the configured migrations when there is no such one
     */
    String migration(CallPlan plan) {
        String known = plan.resolvedMigration();
        if (known != null) {
            return known;
        }
        Switchboard board = switchboard.getIfAvailable();
        if (board == null) {
            throw new IllegalStateException("@" + kind.getSimpleName() + " on " + plan.name + " needs a Switchboard "
                    + "bean to resolve phases, and there is none");
        }
        TreeSet<String> configured = new TreeSet<>(board.migrations().keySet());
        String migration;
        if (!plan.declaredMigration.isEmpty()) {
            if (!configured.contains(plan.declaredMigration)) {
                throw new IllegalStateException("@" + kind.getSimpleName() + " migration of " + plan.name + " is '"
                        + plan.declaredMigration + "', which is not configured; configured: " + configured);
            }
            migration = plan.declaredMigration;
        } else if (configured.size() == 1) {
            migration = configured.first();
        } else {
            throw new IllegalStateException("@" + kind.getSimpleName() + " on " + plan.name + " names no migration, "
                    + "and " + configured.size() + " are configured " + configured + "; set migration = \"…\"");
        }
        plan.resolvedMigration(migration);
        return migration;
    }

    /** The switchboard. */
    Switchboard switchboard() {
        return switchboard.getObject();
    }

    /**
     * The context a call opens: the plan's migration, the order and merchant ids from its expressions, else its
     * marked parameters; an id that is null or blank, or whose expression fails, is left out.
     */
    MigrationContext context(CallPlan plan, @Nullable Object[] args) {
        String migration = migration(plan);
        EvaluationContext evaluation = plan.orderId != null || plan.merchantId != null
                ? new MethodBasedEvaluationContext(args, plan.method, args, parameterNames) : null;
        String orderId = id(plan, "orderId", plan.orderId, plan.orderParameter, args, evaluation);
        String merchantId = id(plan, "merchantId", plan.merchantId, plan.merchantParameter, args, evaluation);
        return MigrationContext.forMigration(migration).orderId(orderId).merchantId(merchantId).build();
    }

    private @Nullable String id(CallPlan plan, String element, @Nullable Expression expression, int parameter,
                                @Nullable Object[] args, @Nullable EvaluationContext evaluation) {
        Object value;
        if (expression != null) {
            try {
                value = expression.getValue(evaluation);
            } catch (RuntimeException e) {
                if (warnings.tryAcquire(plan.name + "/" + element) != LogThrottle.SUPPRESS) {
                    log.warn("@{} {} of {} could not be evaluated ('{}': {}); the call runs without it", kind.getSimpleName(),
                            element, plan.name, expression.getExpressionString(), e.getMessage());
                }
                return null;
            }
        } else if (parameter >= 0 && parameter < args.length) {
            value = args[parameter];
        } else {
            return null;
        }
        return text(value);
    }

    /** A row's value for a merge expression (the row is the root object and {@code #row}). */
    static @Nullable Object rowValue(Expression expression, Object row) {
        StandardEvaluationContext evaluation = new StandardEvaluationContext(row);
        evaluation.addPropertyAccessor(new MapAccessor());
        evaluation.setVariable("row", row);
        return expression.getValue(evaluation);
    }

    static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String text = io.dualwrite.internal.IdText.of(value); // a BigDecimal 7.00 is merchant 7, as its column's row
        return text.isBlank() ? null : text;
    }
}
