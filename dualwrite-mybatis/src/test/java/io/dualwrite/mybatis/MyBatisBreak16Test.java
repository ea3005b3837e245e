package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.copy.RowCopier;
import java.time.Duration;
import org.apache.ibatis.session.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Sixteenth break review of the MyBatis module.
 */
class MyBatisBreak16Test {

    /**
     * {@link MapperCopier.Builder#lockTimeout} takes what the JDBC copier takes: a lock timeout over one hour is refused
     * when set, naming the property, the value, what is allowed and the fix; one hour itself is taken.
     */
    @Test
    void mapperCopierRefusesALockTimeoutTheJdbcCopierRefuses() {
        MapperCopier.Builder builder = MapperCopier.builder(new Configuration(), MyBatisStores.MAPPING);
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lockTimeout")
                .hasMessageContaining("PT2H")
                .hasMessageContaining("at most " + RowCopier.MAX_LOCK_TIMEOUT)
                .hasMessageContaining("Set it to at most one hour");
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ofDays(30)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT720H");
        assertThatThrownBy(() -> builder.lockTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockTimeout must be positive");
        assertThat(builder.lockTimeout(RowCopier.MAX_LOCK_TIMEOUT)).isSameAs(builder);
    }
}
