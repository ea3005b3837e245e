package io.dualwrite.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Captures the events of one logger for the duration of a test; closing it restores the logger. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final @Nullable Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> type, @Nullable Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(type);
        this.previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures the logger of {@code type} at its configured level. */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(type, null);
    }

    /** Captures the logger of {@code type}, set to {@code level} until closed. */
    public static LogCapture of(Class<?> type, Level level) {
        return new LogCapture(type, level);
    }

    /** Every event captured so far, in order. */
    public List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    public List<ILoggingEvent> events(Level level) {
        return appender.list.stream().filter(event -> event.getLevel() == level).toList();
    }

    public List<String> messages(Level level) {
        return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
