package io.dualwrite.jdbc.copy;

import java.nio.ByteBuffer;
import java.util.UUID;

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
