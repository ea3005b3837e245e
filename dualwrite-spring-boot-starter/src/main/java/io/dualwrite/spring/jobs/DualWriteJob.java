package io.dualwrite.spring.jobs;

import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The jobs {@code dualwrite.job} can name. */
public enum DualWriteJob {

    /** Copies the history of the tables old → new ({@link io.dualwrite.jdbc.backfill.BackfillJob}). */
    BACKFILL,
    /** Compares the tables in both stores ({@link io.dualwrite.jdbc.verify.Verifier}) and reports what differs. */
    VERIFY,
    /**
     * Verifies, repairs what differs from the old store through the data source's copier
     * ({@link io.dualwrite.jdbc.verify.Repairer}), and verifies again.
     */
    REPAIR,
    /** Logs the switches, the change-log backlog and the last verification of every migration. */
    STATUS;

    /** The property that names the job. */
    public static final String PROPERTY = "dualwrite.job";

    /**
     * The job a {@value #PROPERTY} value names, case-insensitively.
     *
     * @throws IllegalArgumentException naming the property, the value and the jobs there are
     */
    public static DualWriteJob parse(@Nullable String value) {
        String name = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (DualWriteJob job : values()) {
            if (job.name().equals(name)) {
                return job;
            }
        }
        throw new IllegalArgumentException(PROPERTY + " must be one of " + Arrays.stream(values()).map(DualWriteJob::value)
                .toList() + ", but was '" + value + "'; e.g. --" + PROPERTY + "=verify");
    }

    /** The name as the property takes it: {@code backfill}, {@code verify}, {@code repair}, {@code status}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
