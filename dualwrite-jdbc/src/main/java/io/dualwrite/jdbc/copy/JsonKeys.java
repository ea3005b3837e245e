package io.dualwrite.jdbc.copy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds an object member named twice in a JSON text ({@code {"a": 1, "a": 2}}), for {@link Holdable}: a PostgreSQL
 * {@code jsonb} keeps the last of such members, while MySQL and MariaDB answer the first ({@code JSON_VALUE(v, '$.a')}
 * is 1), so the document copied into one would answer the application another value. Names are compared as JSON
 * reads them ({@code "\u0061"} is {@code "a"}). A text that is not JSON is left to the target to refuse.
 */
final class JsonKeys {

    private JsonKeys() {
    }

    /** An open object (with the names it holds so far) or array, and whether its next string is a member's name. */
    private static final class Open {
        final @Nullable Set<String> names;
        boolean nameNext;

        Open(boolean object) {
            names = object ? new HashSet<>() : null;
            nameNext = object;
        }
    }

    /** The first name an object of {@code json} holds twice, or {@code null} when none does (or it is no JSON). */
    static @Nullable String duplicate(String json) {
        if (json.indexOf('{') < 0) {
            return null;
        }
        Deque<Open> open = new ArrayDeque<>();
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '{' || c == '[') {
                open.push(new Open(c == '{'));
            } else if (c == '}' || c == ']') {
                if (open.isEmpty()) {
                    return null;
                }
                open.pop();
            } else if (c == ',') {
                if (!open.isEmpty() && open.peek().names != null) {
                    open.peek().nameNext = true;
                }
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                int end = string(json, i + 1, text);
                if (end < 0) {
                    return null;
                }
                Open inner = open.peek();
                if (inner != null && inner.names != null && inner.nameNext) {
                    if (!inner.names.add(text.toString())) {
                        return text.toString();
                    }
                    inner.nameNext = false;
                }
                i = end;
                continue;
            }
            i++;
        }
        return null;
    }

    /** Reads a JSON string from {@code from} (after its quote) into {@code into}; the index after it, or -1. */
    private static int string(String json, int from, StringBuilder into) {
        int i = from;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c != '\\') {
                into.append(c);
                i++;
                continue;
            }
            if (i + 1 >= json.length()) {
                return -1;
            }
            char escaped = json.charAt(i + 1);
            if (escaped == 'u') {
                if (i + 6 > json.length()) {
                    return -1;
                }
                try {
                    into.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
                } catch (NumberFormatException notHex) {
                    return -1;
                }
                i += 6;
                continue;
            }
            into.append(switch (escaped) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                default -> escaped;
            });
            i += 2;
        }
        return -1;
    }
}
