package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The copier's quick reading of MySQL/MariaDB date-time texts gives what {@link LocalDateTime#parse} gives. */
class PlainDateTimeTest {

    @Test
    void readsTheUsualFormsAsTheFormatterDoes() {
        for (String text : new String[] {"2026-01-01 00:00:00", "2026-03-29 02:30:00.5", "1000-01-01 00:00:00.000001",
                "9999-12-31 23:59:59.999999", "2024-02-29 12:00:00.123456789", "0001-01-01 00:00:00.10"}) {
            assertThat(Values.plainDateTime(text)).as(text).isEqualTo(LocalDateTime.parse(text.replace(' ', 'T')));
        }
    }

    @Test
    void agreesWithTheFormatterOnSeededRandomDateTimes() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            LocalDateTime value = LocalDateTime.of(1 + random.nextInt(9999), 1 + random.nextInt(12),
                    1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000) * 1_000);
            String text = value.toString().replace('T', ' ');
            if (text.length() == 16) {
                text += ":00"; // toString leaves out zero seconds; MariaDB never does
            }
            assertThat(Values.plainDateTime(text)).as(text).isEqualTo(value);
        }
    }

    @Test
    void leavesOtherFormsAndImpossibleDatesToTheFormatter() {
        for (String text : new String[] {"2026-02-30 00:00:00", "2026-13-01 00:00:00", "2026-01-01 24:00:00",
                "2026-01-01 00:00:00.", "2026-01-01T00:00:00", "2026-01-01 00:00", "+12026-01-01 00:00:00",
                "2026-01-01 00:00:00.1234567890", "2026-01-01 0a:00:00", "0000-00-00 00:00:00"}) {
            assertThat(Values.plainDateTime(text)).as(text).isNull();
        }
    }
}
