package io.dualwrite.switches;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A rule that picks a phase for a call no order or merchant switch covers. Rules are evaluated in the
 * order they are stored; the first that applies wins.
 */
public sealed interface SwitchRule permits SwitchRule.MerchantPercentage, SwitchRule.IdThreshold {

    /** The phase this rule gives the call, if it applies to it. */
    Optional<MigrationPhase> apply(MigrationContext context);

    /** The phase the rule assigns. */
    MigrationPhase phase();

    /**
     * A stable share of merchants: merchants whose hash bucket (0–99) is below {@code percent} take
     * {@code phase}. Raising the percentage keeps every merchant already in.
     */
    static SwitchRule merchantPercentage(int percent, MigrationPhase phase) {
        return new MerchantPercentage(percent, phase);
    }

    /** Orders whose numeric id is at or above {@code threshold} take {@code phase}. */
    static SwitchRule idThreshold(long threshold, MigrationPhase phase) {
        return new IdThreshold(threshold, phase);
    }

    /** The stable bucket (0–99) of a merchant id: the same on every JVM and every run. */
    static int bucketOf(String merchantId) {
        CRC32 crc = new CRC32();
        crc.update(merchantId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }

    /** See {@link SwitchRule#merchantPercentage(int, MigrationPhase)}. */
    record MerchantPercentage(int percent, MigrationPhase phase) implements SwitchRule {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException when {@code percent} is not between 0 and 100, or {@code phase} is null
         */
        public MerchantPercentage {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException(
                        "rule percent must be between 0 and 100 (inclusive), but was " + percent);
            }
            Checks.requireNonNull("phase", phase);
        }

        @Override
        public Optional<MigrationPhase> apply(MigrationContext context) {
            return context.merchantId()
                    .filter(merchant -> SwitchRule.bucketOf(merchant) < percent)
                    .map(merchant -> phase);
        }
    }

    /** See {@link SwitchRule#idThreshold(long, MigrationPhase)}. */
    record IdThreshold(long threshold, MigrationPhase phase) implements SwitchRule {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException when {@code phase} is null
         */
        public IdThreshold {
            Checks.requireNonNull("phase", phase);
        }

        @Override
        public Optional<MigrationPhase> apply(MigrationContext context) {
            return context.orderId().flatMap(IdThreshold::numeric)
                    .filter(id -> id >= threshold)
                    .map(id -> phase);
        }

        private static Optional<Long> numeric(String id) {
            try {
                return Optional.of(Long.parseLong(id));
            } catch (NumberFormatException notNumeric) {
                return Optional.empty();
            }
        }
    }
}
