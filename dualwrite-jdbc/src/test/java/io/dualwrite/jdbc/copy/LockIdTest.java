package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Lock ids must not change between versions: two application instances of different versions, side by side
 * during a rolling deploy, must take the same lock for the same key.
 */
class LockIdTest {

    @Test
    void lockIdsAreTheNameUuidBitsEveryVersionUsed() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String table = random.nextBoolean() ? "orders" : "Order_Items" + random.nextInt(5);
            StringBuilder key = new StringBuilder();
            int length = random.nextInt(12);
            for (int c = 0; c < length; c++) {
                key.append((char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 0x80 + random.nextInt(0x400)));
            }
            String text = key.toString();
            byte[] bytes = (table.toLowerCase(Locale.ROOT) + '\u0000' + CopyDialect.looseKey(text))
                    .getBytes(StandardCharsets.UTF_8);

            assertThat(CopyDialect.lockId(table, text)).as("%s / %s", table, text)
                    .isEqualTo(UUID.nameUUIDFromBytes(bytes).getMostSignificantBits());
        }
    }

    @Test
    void keysACollationMayTreatAsEqualShareALockAndOthersDoNot() {
        assertThat(CopyDialect.lockId("orders", "ABC ")).isEqualTo(CopyDialect.lockId("ORDERS", "abc"));
        assertThat(CopyDialect.lockId("orders", "abc")).isNotEqualTo(CopyDialect.lockId("orders", "abd"));
        assertThat(CopyDialect.lockId("orders", "1")).isNotEqualTo(CopyDialect.lockId("payments", "1"));
    }

    // MariaDB's _ai_ci and unicode_ci collations, PostgreSQL's nondeterministic ICU collations
    @Test
    void keysEqualUnderAnAccentInsensitiveCollationShareALock() {
        assertThat(CopyDialect.lockId("orders", "É")).isEqualTo(CopyDialect.lockId("orders", "e"));
        assertThat(CopyDialect.lockId("orders", "Crème ")).isEqualTo(CopyDialect.lockId("orders", "creme"));
        assertThat(CopyDialect.lockId("orders", "straße")).isEqualTo(CopyDialect.lockId("orders", "STRASSE"));
        assertThat(CopyDialect.lockId("orders", "\uFF21\uFF22")).as("full-width AB").isEqualTo(CopyDialect.lockId("orders", "ab"));
        assertThat(CopyDialect.lockId("orders", "é")).isNotEqualTo(CopyDialect.lockId("orders", "f"));
    }

    // the fold of pure ASCII is the one every earlier version used: lower case, trailing white space stripped
    @Test
    void asciiKeysKeepTheLockIdsOfEarlierVersions() {
        for (String key : new String[] {"ABC ", "Order-17", "a\tb\t", "K1", "x_Y.z"}) {
            byte[] bytes = ("orders\u0000" + key.toLowerCase(Locale.ROOT).stripTrailing()).getBytes(StandardCharsets.UTF_8);
            assertThat(CopyDialect.lockId("orders", key)).as(key)
                    .isEqualTo(UUID.nameUUIDFromBytes(bytes).getMostSignificantBits());
        }
    }
}
