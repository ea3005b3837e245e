package io.dualwrite.jdbc.verify;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A JSON document by its value, for comparing a PostgreSQL {@code jsonb} (which keeps no text: it sorts an
 * object's keys, keeps the last of duplicate keys, drops whitespace, decodes backslash-u escapes and writes a
 * number by its numeric value, {@code 1e2} as {@code 100}) with a JSON text of another store. The canonical form:
 * no whitespace, an object's keys in code-point order, strings with only
 * {@code "} and {@code \} and control characters escaped, numbers by value without trailing zeros (as
 * {@link java.math.BigDecimal#toString}: {@code 100} is {@code 1E+2}, never spelt out in plain digits).
 */
final class JsonValues {

    private final String text;
    /** Whether objects keep their members in the text's order, a repeated name included ({@link #canonical}). */
    private final boolean inOrder;
    private int at;

    private JsonValues(String text, boolean inOrder) {
        this.text = text;
        this.inOrder = inOrder;
    }

    /** A member name given twice in one object (the document has no one value as a jsonb would read it). */
    private static final class RepeatedName extends IllegalArgumentException {
        RepeatedName(String name) {
            super("the member " + name + " twice");
        }
    }

    /**
     * The canonical form of a JSON text, or {@code null} when it is not one JSON value. A text that names a member of
     * one object twice (which products read differently: the first member, the last, or both) has no value by which
     * its members could be sorted: its canonical form keeps every object's members in the text's order, the repeated
     * name included, without whitespace and with strings and numbers as above. So an H2 {@code JSON} (which keeps
     * both members and drops the spacing) equals the PostgreSQL {@code json} or MySQL/MariaDB text it was copied
     * from, and a {@code jsonb} (which kept the last member only) never equals it: no canonical form of a document
     * without a repeated name has one. Compared by its raw text instead (round 26), a copy that H2 had only respaced
     * was reported different on every run, and repair, copying it again, never made it equal.
     */
    static @Nullable String canonical(String json) {
        try {
            return canonical(json, false);
        } catch (RepeatedName repeated) {
            return canonical(json, true);
        }
    }

    private static @Nullable String canonical(String json, boolean inOrder) {
        JsonValues parser = new JsonValues(json, inOrder);
        try {
            StringBuilder out = new StringBuilder(json.length());
            parser.value(out);
            parser.space();
            return parser.at == json.length() ? out.toString() : null;
        } catch (RepeatedName repeated) {
            throw repeated;
        } catch (IllegalArgumentException | IndexOutOfBoundsException notJson) {
            return null;
        }
    }

    private void space() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t' || text.charAt(at) == '\n'
                || text.charAt(at) == '\r')) {
            at++;
        }
    }

    private void value(StringBuilder out) {
        space();
        char c = text.charAt(at);
        switch (c) {
            case '{' -> object(out);
            case '[' -> array(out);
            case '"' -> quoted(out, string());
            default -> {
                if (word("true") || word("false") || word("null")) {
                    out.append(text, at - (c == 'f' ? 5 : 4), at);
                } else {
                    number(out);
                }
            }
        }
    }

    private boolean word(String word) {
        if (text.startsWith(word, at)) {
            at += word.length();
            return true;
        }
        return false;
    }

    private void object(StringBuilder out) {
        at++; // {
        Map<String, String> members = new TreeMap<>(JsonValues::byCodePoint);
        java.util.List<Map.Entry<String, String>> inTextOrder = new java.util.ArrayList<>();
        space();
        if (text.charAt(at) == '}') {
            at++;
        } else {
            while (true) {
                space();
                if (text.charAt(at) != '"') {
                    throw new IllegalArgumentException("no member name at " + at);
                }
                String name = string();
                space();
                expect(':');
                StringBuilder member = new StringBuilder();
                value(member);
                inTextOrder.add(Map.entry(name, member.toString()));
                if (members.put(name, member.toString()) != null && !inOrder) {
                    // jsonb keeps the last, MySQL and MariaDB answer the first: such a document has no one value,
                    // so it is compared in its members' order, and differs from every jsonb (the copier refuses it
                    // there)
                    throw new RepeatedName(name);
                }
                space();
                if (text.charAt(at) == ',') {
                    at++;
                } else {
                    expect('}');
                    break;
                }
            }
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> member : inOrder ? inTextOrder : members.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quoted(out, member.getKey());
            out.append(':').append(member.getValue());
        }
        out.append('}');
    }

    private void array(StringBuilder out) {
        at++; // [
        out.append('[');
        space();
        if (text.charAt(at) == ']') {
            at++;
        } else {
            while (true) {
                value(out);
                space();
                if (text.charAt(at) == ',') {
                    at++;
                    out.append(',');
                } else {
                    expect(']');
                    break;
                }
            }
        }
        out.append(']');
    }

    private void expect(char c) {
        if (text.charAt(at) != c) {
            throw new IllegalArgumentException("'" + c + "' expected at " + at);
        }
        at++;
    }

    /** A string's value, its escapes decoded. */
    private String string() {
        at++; // "
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = text.charAt(at++);
            if (c == '"') {
                return value.toString();
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> {
                    value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("bad escape at " + at);
            }
        }
    }

    private static void quoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private void number(StringBuilder out) {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        BigDecimal number = new BigDecimal(text.substring(start, at)); // NumberFormatException: not JSON
        // one spelling per value, in scientific notation where the exponent is large: the plain digits of
        // 1e999999999 are a billion characters (a verification of such a row ran for minutes, gigabytes of heap)
        out.append(number.signum() == 0 ? "0" : number.stripTrailingZeros().toString());
    }

    private static int byCodePoint(String a, String b) {
        return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}
