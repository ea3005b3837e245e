package io.dualwrite.jdbc.reconcile;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Turns key texts into typed values, and binds values to columns whose drivers disagree about types. */
final class Values {

    private Values() {
    }

    /** The value of a key part's text for a column of the given type. */
    static Object parseKey(String text, TableColumns.Column column) throws SQLException {
        try {
            return switch (column.sqlType()) {
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> Integer.valueOf(text.strip());
                case Types.BIGINT -> Long.valueOf(text.strip());
                case Types.DECIMAL, Types.NUMERIC -> new BigDecimal(text.strip());
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> Double.valueOf(text.strip());
                case Types.BOOLEAN, Types.BIT -> parseBoolean(text.strip());
                case Types.DATE -> LocalDate.parse(text.strip());
                case Types.TIME -> LocalTime.parse(text.strip());
                case Types.TIMESTAMP -> LocalDateTime.parse(text.strip().replace(' ', 'T'));
                case Types.TIMESTAMP_WITH_TIMEZONE -> OffsetDateTime.parse(text.strip().replace(' ', 'T'));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> HexFormat.of().parseHex(text.strip());
                default -> column.typeNamed("uuid") ? UUID.fromString(text.strip()) : text;
            };
        } catch (RuntimeException e) {
            throw new SQLException("key part '" + text + "' does not fit column " + column.name() + " of type "
                    + column.typeName() + ": " + e.getMessage(), e);
        }
    }

    /** Binds a value for a column of the target table, adjusting it where drivers would refuse it. */
    static void bind(PreparedStatement statement, int index, @Nullable Object value, TableColumns.Column column)
            throws SQLException {
        if (value == null) {
            statement.setNull(index, column.sqlType(), column.typeName());
            return;
        }
        int type = column.sqlType();
        Object adjusted = value;
        if (isBoolean(column)) {
            adjusted = toBoolean(value);
        } else if (value instanceof Boolean flag && isNumeric(type)) {
            adjusted = flag ? 1 : 0;
        } else if (value instanceof Timestamp timestamp && type == Types.TIMESTAMP) {
            adjusted = timestamp.toLocalDateTime();
        } else if (value instanceof java.sql.Date date && type == Types.DATE) {
            adjusted = date.toLocalDate();
        } else if (column.typeNamed("uuid") && value instanceof String text) {
            adjusted = UUID.fromString(text.strip());
        } else if (value instanceof UUID uuid && isText(type)) {
            adjusted = uuid.toString();
        } else if (type == Types.OTHER && value instanceof String) {
            statement.setObject(index, value, Types.OTHER); // json, enums and the like on PostgreSQL
            return;
        }
        statement.setObject(index, adjusted);
    }

    private static boolean isBoolean(TableColumns.Column column) {
        // PostgreSQL reports boolean as BIT named "bool"; MariaDB's BIT(1)/TINYINT(1) arrive as BIT too
        return column.sqlType() == Types.BOOLEAN || column.typeNamed("bool") || column.typeNamed("boolean")
                || (column.sqlType() == Types.BIT && !column.typeNamed("varbit"));
    }

    private static Object toBoolean(Object value) {
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number number) {
            return number.intValue() != 0;
        }
        if (value instanceof String text) {
            return parseBoolean(text.strip());
        }
        if (value instanceof byte[] bytes && bytes.length == 1) {
            return bytes[0] != 0;
        }
        return value;
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "t", "yes", "y" -> Boolean.TRUE;
            case "0", "false", "f", "no", "n" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "' is not a boolean");
        };
    }

    private static boolean isNumeric(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC -> true;
            default -> false;
        };
    }

    private static boolean isText(int type) {
        return switch (type) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR -> true;
            default -> false;
        };
    }
}
