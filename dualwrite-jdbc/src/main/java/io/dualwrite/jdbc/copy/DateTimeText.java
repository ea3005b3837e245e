package io.dualwrite.jdbc.copy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.jspecify.annotations.Nullable;

/**
 * The one spelling of a date, date-time or time of day that lands in a text column: what the copier writes when a
 * mapping or a type change takes such a value into {@code VARCHAR}/{@code TEXT}, and what verification expects
 * there. It is the verification's canonical text: {@code yyyy-MM-dd HH:mm:ss[.f]} with the fraction's trailing
 * zeros cut, a zoned value in UTC without its offset, a date as {@code yyyy-MM-dd}, a time as
 * {@code HH:mm:ss[.f]}, a year before the common era as its year of the era followed by {@code BC}. Each driver
 * and product otherwise writes its own ({@code 2024-01-02 03:04:05.0}, {@code …+00}, {@code 2024-01-02T03:04:05}).
 * Internal: shared by the copier and the verification.
 */
public final class DateTimeText {

    private DateTimeText() {
    }

    /** The spelling of {@code value}, or {@code null} when it is no date, date-time or time of day. */
    public static @Nullable String of(@Nullable Object value) {
        if (value instanceof java.sql.Timestamp timestamp) {
            return dateTime(timestamp.toLocalDateTime());
        }
        if (value instanceof java.sql.Date date) {
            return date(date.toLocalDate());
        }
        if (value instanceof java.sql.Time time) {
            return time(time.toLocalTime());
        }
        if (value instanceof LocalDateTime dateTime) {
            return dateTime(dateTime);
        }
        if (value instanceof OffsetDateTime zoned) {
            return dateTime(zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        if (value instanceof ZonedDateTime zoned) {
            return dateTime(zoned.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
        }
        if (value instanceof Instant instant) {
            return dateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
        if (value instanceof LocalDate date) {
            return date(date);
        }
        if (value instanceof LocalTime time) {
            return time(time);
        }
        return null;
    }

    /**
     * The date, date-time or instant a text writes in the ISO form the products all read alike ({@code yyyy-MM-dd},
     * then {@code HH:mm[:ss[.f]]} after a space or a {@code T}, then an offset {@code Z}, {@code ±HH}, {@code ±HHMM} or
     * {@code ±HH:MM}), surrounding spaces aside: a {@link LocalDate}, a {@link LocalDateTime} or an
     * {@link OffsetDateTime}; {@code null} for a text of any other form (another product's own spelling, {@code
     * infinity}, a MySQL zero date, an era mark, more than nine fraction digits), which the copier leaves to the
     * target. A text bound to a date-time column is otherwise the target's own parse, and the products differ:
     * PostgreSQL drops an offset given to a {@code timestamp}, reads a zoneless text for a {@code timestamptz} in the
     * session's zone, and rounds a fraction or a time of day into a {@code date} without a word.
     *
     * @throws java.time.DateTimeException when the text has that form but names no such day or time
     *                                     ({@code 2024-02-30}, {@code 25:00})
     */
    public static @Nullable Object parse(String text) {
        java.util.regex.Matcher written = WRITTEN.matcher(text.strip());
        if (!written.matches()) {
            return null;
        }
        LocalDate date = LocalDate.of(Integer.parseInt(written.group(1)), Integer.parseInt(written.group(2)),
                Integer.parseInt(written.group(3)));
        if (written.group(4) == null) {
            return date;
        }
        String fraction = written.group(7) == null ? "" : written.group(7).replaceFirst("0+$", "");
        if (fraction.length() > 9) {
            return null;
        }
        LocalDateTime local = date.atTime(LocalTime.of(Integer.parseInt(written.group(4)),
                Integer.parseInt(written.group(5)), written.group(6) == null ? 0 : Integer.parseInt(written.group(6)),
                fraction.isEmpty() ? 0 : Integer.parseInt(fraction + "0".repeat(9 - fraction.length()))));
        String offset = written.group(8);
        if (offset == null) {
            return local;
        }
        if (offset.equalsIgnoreCase("z")) {
            return local.atOffset(ZoneOffset.UTC);
        }
        String digits = offset.substring(1).replace(":", "");
        int hours = Integer.parseInt(digits.substring(0, 2));
        int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
        int sign = offset.charAt(0) == '-' ? -1 : 1;
        return local.atOffset(ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes));
    }

    /** The ISO forms {@link #parse} reads: date, time of day, fraction, offset. */
    private static final java.util.regex.Pattern WRITTEN = java.util.regex.Pattern.compile(
            "([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?)?"
                    + "(?: ?(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?))?)?");

    private static String dateTime(LocalDateTime value) {
        LocalDate date = value.toLocalDate();
        return year(date.getYear()) + monthDay(date) + " " + time(value.toLocalTime()) + era(date.getYear());
    }

    private static String date(LocalDate value) {
        return year(value.getYear()) + monthDay(value) + era(value.getYear());
    }

    private static String monthDay(LocalDate value) {
        return String.format("-%02d-%02d", value.getMonthValue(), value.getDayOfMonth());
    }

    /** The year of the era, at least four digits. */
    private static String year(int year) {
        int ofEra = year < 1 ? 1 - year : year;
        String digits = Integer.toString(ofEra);
        return digits.length() >= 4 ? digits : "0".repeat(4 - digits.length()) + digits;
    }

    private static String era(int year) {
        return year < 1 ? " BC" : "";
    }

    private static String time(LocalTime value) {
        String text = String.format("%02d:%02d:%02d", value.getHour(), value.getMinute(), value.getSecond());
        if (value.getNano() == 0) {
            return text;
        }
        String fraction = String.format("%09d", value.getNano());
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return text + "." + fraction.substring(0, end);
    }
}
