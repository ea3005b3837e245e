package io.dualwrite.jdbc.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs part of a test that sends tens of thousands of statements with the library's loggers at INFO: the write
 * path logs a DEBUG line per statement, and the test JVM carries every line to the report, which took longer than
 * the statements (a 100,000-statement transaction: 12 MB of lines, about ten seconds). WARN and ERROR lines stay;
 * the level the configuration set comes back afterwards.
 */
public final class QuietLogs {

    /** A part of a test. */
    @FunctionalInterface
    public interface Body<E extends Exception> {
        void run() throws E;
    }

    private QuietLogs() {
    }

    /** Runs {@code body} with the {@code io.dualwrite} loggers at INFO. */
    public static <E extends Exception> void run(Body<E> body) throws E {
        Logger logger = (Logger) LoggerFactory.getLogger("io.dualwrite");
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        try {
            body.run();
        } finally {
            logger.setLevel(level);
        }
    }
}
