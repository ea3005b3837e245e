package io.dualwrite.jdbc.copy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * UUIDs in the forms the stores keep them: as text in any spelling the databases take, and as the 16 bytes of a
 * MySQL/MariaDB {@code BINARY(16)} (most significant first, {@code UUID_TO_BIN} without swapping). Shared by the
 * copier and the verification, which must read a stored UUID the same way.
 */
public final class Uuids {

    private Uuids() {
    }

    /**
     * A UUID in any spelling the databases take for one: upper or lower case, with or without hyphens (PostgreSQL
     * also between any groups of four digits), in braces (PostgreSQL).
     *
     * @throws IllegalArgumentException when the text holds no UUID
     */
    public static UUID parse(String text) {
        String digits = text.strip();
        if (digits.startsWith("{") && digits.endsWith("}")) {
            digits = digits.substring(1, digits.length() - 1);
        }
        digits = digits.replace("-", "");
        if (digits.length() != 32) {
            return UUID.fromString(text.strip()); // names what is wrong with it
        }
        return new UUID(Long.parseUnsignedLong(digits.substring(0, 16), 16), Long.parseUnsignedLong(digits.substring(16), 16));
    }

    /**
     * The forms of a UUID's text that a text key may hold and still be copied into (and back from) a {@code uuid} key
     * (round 28): its 32 hex digits all lower case or all upper case, with the four hyphens of the printed form or
     * none, in braces or not. Each form is one text per UUID, so the eight of them can be asked of a text key column
     * by value ({@code IN}, served by the key's index); any other spelling the databases take (mixed case, PostgreSQL's
     * hyphen after any four digits, spaces) has no bounded list and stays refused by name.
     */
    /**
     * The UUID {@code text} spells in one of the forms that a text key may hold and still be copied into (and back
     * from) a {@code uuid} key (round 28), or null: its 32 hex digits all lower case or all upper case, with the four
     * hyphens of the printed form or none, in braces or not ({@link #spellings}). Each form is one text per UUID, so
     * the eight can be asked of a text key column by value ({@code IN}, served by the key's index); any other spelling
     * the databases take (mixed case, PostgreSQL's hyphen after any four digits, spaces) has no short list and stays
     * refused by name.
     */
    static @Nullable UUID accepted(String text) {
        int length = text.length();
        if (length != 32 && length != 34 && length != 36 && length != 38) {
            return null;
        }
        boolean braced = text.startsWith("{");
        if (braced != text.endsWith("}")) {
            return null;
        }
        String inner = braced ? text.substring(1, length - 1) : text;
        if (inner.length() == 36) {
            if (inner.charAt(8) != '-' || inner.charAt(13) != '-' || inner.charAt(18) != '-'
                    || inner.charAt(23) != '-') {
                return null;
            }
            inner = inner.substring(0, 8) + inner.substring(9, 13) + inner.substring(14, 18) + inner.substring(19, 23)
                    + inner.substring(24);
        }
        if (inner.length() != 32) {
            return null;
        }
        boolean lower = false;
        boolean upper = false;
        for (int i = 0; i < 32; i++) {
            char c = inner.charAt(i);
            if (c >= 'a' && c <= 'f') {
                lower = true;
            } else if (c >= 'A' && c <= 'F') {
                upper = true;
            } else if (c < '0' || c > '9') {
                return null;
            }
        }
        if (lower && upper) {
            return null; // mixed case: one of 2^n spellings, not asked
        }
        return new UUID(Long.parseUnsignedLong(inner.substring(0, 16), 16),
                Long.parseUnsignedLong(inner.substring(16), 16));
    }

    /**
     * The accepted texts of {@code uuid}: lower and upper case, with and without hyphens, with and without braces;
     * the printed form ({@link UUID#toString}) first.
     */
    public static List<String> spellings(UUID uuid) {
        String lower = uuid.toString();
        String upper = lower.toUpperCase(Locale.ROOT);
        String plain = lower.replace("-", "");
        String plainUpper = upper.replace("-", "");
        return List.of(lower, upper, plain, plainUpper, "{" + lower + "}", "{" + upper + "}", "{" + plain + "}",
                "{" + plainUpper + "}");
    }

    /** A UUID's 16 bytes, most significant first. */
    public static byte[] toBytes(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
                .array();
    }

    /**
     * The UUID of 16 bytes, most significant first.
     *
     * @throws java.nio.BufferUnderflowException when there are fewer than 16
     */
    public static UUID fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
