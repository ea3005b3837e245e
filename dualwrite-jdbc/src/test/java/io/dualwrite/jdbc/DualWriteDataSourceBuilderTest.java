package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class DualWriteDataSourceBuilderTest {

    private static DualWriteDataSource.Builder complete() {
        ListChangeLog changeLog = new ListChangeLog();
        return DualWriteDataSource.builder()
                .oldDataSource(new JdbcDataSource()).newDataSource(new JdbcDataSource())
                .migration("orders").phaseResolver(new FixedPhaseResolver(MigrationPhase.DUAL_WRITE))
                .mirrorExecutor(Store.NEW, new InlineMirrorExecutor(changeLog))
                .mirrorExecutor(Store.OLD, new InlineMirrorExecutor(changeLog))
                .changeLog(changeLog).mapping(TableMapping.identity("orders"));
    }

    @Test
    void missingAndInvalidPropertiesAreNamed() {
        assertThatThrownBy(() -> DualWriteDataSource.builder().build())
                .hasMessage("oldDataSource must be set, but was missing");
        assertThatThrownBy(() -> complete().mapping(TableMapping.identity("ORDERS")))
                .hasMessage("mapping for table 'ORDERS' is set twice");
        assertThatThrownBy(() -> complete().mirrorStatementTimeout(Duration.ofSeconds(-1)))
                .hasMessage("mirrorStatementTimeout must be positive, but was PT-1S");
        assertThatThrownBy(() -> complete().streamBufferLimit(-1))
                .hasMessage("streamBufferLimit must be zero or positive, but was -1");
        assertThatThrownBy(() -> complete().migration(" "))
                .hasMessage("migration must be a non-blank name, but was ' '");
    }

    @Test
    void bothMirrorDirectionsNeedAnExecutor() {
        ListChangeLog changeLog = new ListChangeLog();
        assertThatThrownBy(() -> DualWriteDataSource.builder()
                .oldDataSource(new JdbcDataSource()).newDataSource(new JdbcDataSource())
                .migration("orders").phaseResolver(new FixedPhaseResolver(MigrationPhase.DUAL_WRITE))
                .mirrorExecutor(Store.NEW, new InlineMirrorExecutor(changeLog))
                .changeLog(changeLog).mapping(TableMapping.identity("orders")).build())
                .hasMessage("mirrorExecutor for target OLD must be set (or mirrorExecutors), but was missing");
    }
}
