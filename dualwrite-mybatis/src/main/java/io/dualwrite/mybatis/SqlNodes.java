package io.dualwrite.mybatis;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.mapping.SqlSource;
import org.apache.ibatis.scripting.xmltags.SqlNode;
import org.apache.ibatis.scripting.xmltags.VarDeclSqlNode;

/**
 * Reads the parts of a statement's dynamic SQL that MyBatis keeps to itself: the tree of {@link SqlNode}s of a
 * {@code DynamicSqlSource} has no public accessors, so its fields are read by reflection, once per statement. Any
 * field holding a node or a collection of nodes is followed, so that a node type of a later MyBatis is walked too.
 */
final class SqlNodes {

    /** Nesting followed at most (a statement's elements nest a few levels). */
    private static final int MAX_DEPTH = 64;

    private SqlNodes() {
    }

    /**
     * The {@code <bind>} elements of {@code source}: each one's name and value expression ({@code m} and
     * {@code merchantNo.trim()}), in document order; none when the tree cannot be read (the caller then takes the
     * parameter's properties as they are, as before).
     */
    static List<Map.Entry<String, String>> binds(SqlSource source) {
        List<Map.Entry<String, String>> expressions = new ArrayList<>();
        try {
            for (Object root : nodes(source)) {
                walk(root, expressions, 0);
            }
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return List.of();
        }
        return List.copyOf(expressions);
    }

    /**
     * The texts of the SQL around the elements of {@code source} (its {@code StaticTextSqlNode}s and
     * {@code TextSqlNode}s: the field {@code text} of any node holding one), in document order; none when the tree
     * cannot be read.
     */
    static List<String> texts(SqlSource source) {
        List<String> texts = new ArrayList<>();
        try {
            for (Object root : nodes(source)) {
                collectTexts(root, texts, 0);
            }
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return List.of();
        }
        return List.copyOf(texts);
    }

    private static void collectTexts(Object node, List<String> texts, int depth) throws ReflectiveOperationException {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && field.getName().equals("text")
                        && field.getType() == String.class) {
                    field.setAccessible(true);
                    if (field.get(node) instanceof String text) {
                        texts.add(text);
                    }
                }
            }
        }
        for (Object child : nodes(node)) {
            collectTexts(child, texts, depth + 1);
        }
    }

    private static void walk(Object node, List<Map.Entry<String, String>> expressions, int depth)
            throws ReflectiveOperationException {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node instanceof VarDeclSqlNode) {
            Field name = VarDeclSqlNode.class.getDeclaredField("name");
            Field expression = VarDeclSqlNode.class.getDeclaredField("expression");
            name.setAccessible(true);
            expression.setAccessible(true);
            if (name.get(node) instanceof String bound && expression.get(node) instanceof String value) {
                expressions.add(Map.entry(bound, value));
            }
            return;
        }
        for (Object child : nodes(node)) {
            walk(child, expressions, depth + 1);
        }
    }

    /** The nodes the fields of {@code holder} (and of its superclasses) hold, alone or in collections. */
    private static List<Object> nodes(Object holder) throws ReflectiveOperationException {
        List<Object> nodes = new ArrayList<>();
        for (Class<?> type = holder.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                if (!SqlNode.class.isAssignableFrom(field.getType())
                        && !Collection.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                field.setAccessible(true);
                Object value = field.get(holder);
                if (value instanceof SqlNode) {
                    nodes.add(value);
                } else if (value instanceof Collection<?> elements) {
                    for (Object element : elements) {
                        if (element instanceof SqlNode) {
                            nodes.add(element);
                        }
                    }
                }
            }
        }
        return nodes;
    }
}
