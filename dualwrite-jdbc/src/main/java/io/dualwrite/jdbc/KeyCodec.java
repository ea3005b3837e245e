package io.dualwrite.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The string form of a primary key in the change log: a single-column key is its value's text; a
 * composite key joins the values' texts with {@code |}, escaping {@code |} and {@code \} with {@code \}.
 * Decoding gives the texts back; binding them to the right SQL types is the reader's job (it knows the
 * columns).
 */
public final class KeyCodec {

    private KeyCodec() {
    }

    /** Encodes key values (in primary-key column order); none may be null. */
    public static String encode(List<?> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one value");
        }
        if (values.size() == 1) {
            return text(values.get(0));
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                key.append('|');
            }
            String text = text(values.get(i));
            for (int c = 0; c < text.length(); c++) {
                char ch = text.charAt(c);
                if (ch == '|' || ch == '\\') {
                    key.append('\\');
                }
                key.append(ch);
            }
        }
        return key.toString();
    }

    /** Decodes a key of {@code columns} columns into its values' texts. */
    public static List<String> decode(String key, int columns) {
        if (columns == 1) {
            return List.of(key);
        }
        List<String> parts = new ArrayList<>(columns);
        StringBuilder part = new StringBuilder();
        for (int c = 0; c < key.length(); c++) {
            char ch = key.charAt(c);
            if (ch == '\\' && c + 1 < key.length()) {
                part.append(key.charAt(++c));
            } else if (ch == '|') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(ch);
            }
        }
        parts.add(part.toString());
        if (parts.size() != columns) {
            throw new IllegalArgumentException("key '" + key + "' has " + parts.size() + " parts, expected " + columns);
        }
        return List.copyOf(parts);
    }

    private static String text(Object value) {
        Objects.requireNonNull(value, "a key value must not be null");
        if (value instanceof byte[] bytes) {
            return java.util.HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }
}
